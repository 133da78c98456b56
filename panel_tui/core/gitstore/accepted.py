"""A problem the history check names, and the rewrites accepted on the record.

Apart from the checks because every check reports through ``HistoryProblem`` and consults the
same committed ``.panel-tui-accepted.toml``: an acceptance is itself in the history an auditor
reads, and never hides a problem from view (verify and the audit still name it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from panel_tui.core.errors import InputError
from panel_tui.core.gitstore.run import ACCEPTED_FILE, blob
from panel_tui.core.gitstore.versions import _one_line
from panel_tui.core.tomlfile import decode_text, parse_toml


@dataclass
class HistoryProblem:
    commit: str  # full hash, or "working tree"
    author: str
    date: str
    problem: str
    accepted: str | None = None  # the reason, when ACCEPTED_FILE (committed) accepts this rewrite

    def line(self, rel: str) -> str:
        if self.commit == "working tree":
            return f"{rel} in the working tree {self.problem} compared with its last commit"
        text = f"{rel}: commit {self.commit[:10]} by {self.author} on {self.date} {self.problem}"
        return text + (f" (accepted in {ACCEPTED_FILE}: {self.accepted})" if self.accepted else "")


class Accepted(list[dict[str, Any]]):
    """The rewrites accepted on the record, and why the file accepts nothing (or less than it lists)."""

    problem: str | None = None


def accepted_rewrites(root: Path) -> Accepted:
    """Rewrites accepted on the record: ``[[rewrite]]`` tables, each naming one log ``path`` (exact,
    no pattern), one ``commit`` (its full id) and a ``reason``.

    Read from HEAD's committed file only, so an acceptance is itself in the history an auditor
    reads (e.g. example logs rebuilt when the log format changed). A rewrite not listed fails, and
    verify and the audit still name every accepted one. A table naming a pattern, no commit or no
    reason accepts nothing (``_rewrite_problem`` says why, in ``problem``). The file is read through
    the bounded reader: a huge number, deep nesting or a wrong shape is a problem, never a traceback.
    """
    out = Accepted()
    data = blob(root, "HEAD", ACCEPTED_FILE)
    if data is None:
        return out
    where = Path(ACCEPTED_FILE)
    try:
        doc = parse_toml(decode_text(data, where, ACCEPTED_FILE), where, ACCEPTED_FILE)
    except InputError as exc:
        place = f"{exc.place}: " if exc.place else ""
        what = exc.problem.removeprefix(ACCEPTED_FILE + " ").rstrip(".")
        out.problem = (
            f"{ACCEPTED_FILE} (as committed at HEAD): {place}{what}, so it accepts nothing. Fix: correct it and "
            f"commit it (`git log -p -- {ACCEPTED_FILE}` shows who changed it)"
        )
        return out
    items = doc.get("rewrite", [])
    if not isinstance(items, list):
        out.problem = (
            f"{ACCEPTED_FILE}: 'rewrite' is {type(items).__name__}, not an array of [[rewrite]] tables; it accepts "
            "nothing. Fix: write each acceptance as a [[rewrite]] table with path, commit and reason"
        )
        return out
    for i, r in enumerate(items, 1):
        problem = _rewrite_problem(r)
        if problem is None:
            out.append(r)
        elif out.problem is None:
            out.problem = (
                f"{ACCEPTED_FILE}: [[rewrite]] {i} {problem}, so it accepts nothing. Fix: give it path, the full "
                "commit id and a reason"
            )
    return out


def mark_accepted(problems: list[HistoryProblem], rewrites: Accepted, rel: str) -> None:
    """Set each problem's acceptance; when the accepted file (or a table in it) does not read, say so
    beside every problem it might have been meant to accept."""
    for found in problems:
        found.accepted = acceptance(rewrites, found.commit, rel)
        if found.accepted is None and rewrites.problem and found.commit != "working tree":
            found.problem += f" (note: {_one_line(rewrites.problem, 300)})"


def _rewrite_problem(r: Any) -> str | None:
    if not isinstance(r, dict):
        return "is not a table"
    if not (isinstance(r.get("reason"), str) and r["reason"].strip()):
        return "gives no reason"
    commit = r.get("commit")
    if not (isinstance(commit, str) and re.fullmatch(r"[0-9a-fA-F]{40}|[0-9a-fA-F]{64}", commit)):
        return "names no full commit id (40 hex digits; a short one could be matched by a commit made to match it)"
    path = r.get("path")
    if not (isinstance(path, str) and path and not any(ch in path for ch in "*?[")):
        return "names no single path (patterns such as * accept nothing)"
    return None


def acceptance(rewrites: list[dict[str, Any]], sha: str, rel: str) -> str | None:
    """The reason a rewrite of ``rel`` in commit ``sha`` was accepted, or None."""
    for r in rewrites:
        if sha == str(r["commit"]).lower() and r["path"] == rel:
            return _one_line(r["reason"], 200)
    return None
