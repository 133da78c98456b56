"""A problem the history check names, and the rewrites accepted on the record.

Apart from the checks because every check reports through ``HistoryProblem`` and consults the
same committed ``.panel-tui-accepted.toml``: an acceptance is itself in the history an auditor
reads, and never hides a problem from view (verify and the audit still name it).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from panel_tui.core.gitstore.run import ACCEPTED_FILE, blob
from panel_tui.core.gitstore.versions import _one_line


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


def accepted_rewrites(root: Path) -> list[dict[str, Any]]:
    """Rewrites accepted on the record: ``[[rewrite]]`` tables, each naming one log ``path`` (exact,
    no pattern), one ``commit`` (its full id) and a ``reason``.

    Read from HEAD's committed file only, so an acceptance is itself in the history an auditor
    reads (e.g. example logs rebuilt when the log format changed). A rewrite not listed fails, and
    verify and the audit still name every accepted one. A table naming a pattern, no commit or no
    reason accepts nothing (``_rewrite_problem`` says why).
    """
    data = blob(root, "HEAD", ACCEPTED_FILE)
    if data is None:
        return []
    try:
        doc = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return []
    items = doc.get("rewrite", [])
    return [r for r in items if isinstance(items, list) and _rewrite_problem(r) is None]


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
    for r in rewrites:
        if sha == str(r["commit"]).lower() and r["path"] == rel:
            return _one_line(r["reason"], 200)
    return None
