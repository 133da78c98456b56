"""History as the anchor: every committed version of a log extends the one before it.

A hash chain cannot see its own tail cut off or the whole chain rewritten; git history can.
Rewrites are accepted only on the record (a committed ``.panel-tui-accepted.toml``).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from panel_tui.core.errors import InputError
from panel_tui.core.gitstore.run import ACCEPTED_FILE, REFUSED_FILE, GitFailed, _git, _out, _rel, blob, blobs, work_tree
from panel_tui.core.gitstore.versions import (
    LogVersion,
    _one_line,
    appends_entries,
    common_prefix,
    entry_line,
    extension_problem,
    parse_version,
)
from panel_tui.core.inspection import LOG_FILE


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
    """Rewrites accepted on the record: ``[[rewrite]]`` tables (commit, optional path glob, reason).

    Read from HEAD's committed file only, so an acceptance is itself in the history an auditor
    reads (e.g. example logs rebuilt when the log format changed). A rewrite not listed fails.
    A table with a ``path`` and no ``commit`` accepts every rewrite of those logs: meant for
    example data only, and verify still names each accepted commit.
    """
    data = blob(root, "HEAD", ACCEPTED_FILE)
    if data is None:
        return []
    try:
        doc = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return []
    items = doc.get("rewrite", [])
    return [r for r in items if isinstance(r, dict) and isinstance(r.get("reason"), str) and r["reason"].strip()
            and (isinstance(r.get("commit"), str) and len(r["commit"]) >= 7
                 or "commit" not in r and isinstance(r.get("path"), str))]


def _acceptance(rewrites: list[dict[str, Any]], sha: str, rel: str) -> str | None:
    from fnmatch import fnmatchcase

    for r in rewrites:
        if sha.startswith(str(r.get("commit", "")).lower()) and fnmatchcase(rel, str(r.get("path", "*"))):
            return _one_line(r["reason"], 200)
    return None


def _accounted(root: Path, rev: str, rel: str, version: LogVersion) -> set[str]:
    """Entries a replay merge re-recorded (``replayed_from``) or kept aside in the refused file."""
    hashes = {str(e["replayed_from"]) for e in version.entries if e.get("replayed_from")}
    refused_rel = rel[: -len(LOG_FILE)] + REFUSED_FILE
    data = blob(root, rev, refused_rel)
    if data is not None:
        try:
            doc = tomllib.loads(data.decode("utf-8"))
            hashes |= {str(r.get("entry", {}).get("hash")) for r in doc.get("refused", []) if isinstance(r, dict)}
        except (UnicodeDecodeError, tomllib.TOMLDecodeError):
            pass
    return hashes


def check_history(session_dir: Path) -> tuple[str | None, list[HistoryProblem]]:
    """Every committed version of the log extends the one before it; the working file extends HEAD.

    Returns (the log's path relative to the work tree, problems); (None, []) outside git. Merges
    are checked against each parent: a parent's entries beyond the common prefix must be
    re-recorded (``replayed_from``) or kept aside, or the merge dropped them.
    """
    root = work_tree(session_dir)
    if root is None:
        return None, []
    rel = _rel(root, session_dir / LOG_FILE)
    log = _git(root, "log", "--full-history", "--parents", "--format=%x1e%H %P%x1f%an <%ae>%x1f%aI", "HEAD", "--",
               rel, check=False)
    if log.returncode != 0:
        if _git(root, "rev-parse", "--verify", "-q", "HEAD", check=False).returncode != 0:
            return rel, []  # a repository with no commit yet
        raise GitFailed(("log", rel), log)
    graph = log.stdout.decode("utf-8", "replace").strip()
    commits = []
    for record in graph.split("\x1e"):
        if not record.strip():
            continue
        ids, author, date = (record.strip().split("\x1f") + ["", ""])[:3]
        sha, *parents = ids.split()
        commits.append((sha, parents, author, date))
    specs = sorted({f"{c}:{rel}" for sha, parents, _, _ in commits for c in (sha, *parents)})
    contents = {spec.split(":", 1)[0]: data for spec, data in blobs(root, specs).items()}
    parsed: dict[str, LogVersion | None] = {}

    def version(sha: str) -> LogVersion | None:
        if sha not in parsed:
            parsed[sha] = parse_version(contents.get(sha))
        return parsed[sha]

    problems = []
    for sha, parents, author, date in reversed(commits):
        new_bytes = contents.get(sha)
        for parent in parents:
            old_bytes = contents.get(parent)
            if old_bytes is None:
                continue
            if new_bytes is None:
                problems.append(HistoryProblem(sha, author, date, f"deletes the log ({len(version(parent).entries)} "  # type: ignore[union-attr]
                                                                  "entries)"))
                continue
            if appends_entries(old_bytes, new_bytes):
                continue
            new = version(sha)
            assert new is not None
            accounted = _accounted(root, sha, rel, new) if len(parents) > 1 else set()
            problem = extension_problem(version(parent), new, accounted)  # type: ignore[arg-type]
            if problem:
                problems.append(HistoryProblem(sha, author, date, problem))
    rewrites = accepted_rewrites(root) if problems else []
    for p in problems:
        p.accepted = _acceptance(rewrites, p.commit, rel)
    head_sha = commits[0][0] if commits else None
    head_bytes = contents.get(head_sha) if head_sha else None
    working_path = root / rel
    if head_bytes is not None and working_path.exists():
        working_bytes = working_path.read_bytes()
        if not appends_entries(head_bytes, working_bytes):
            problem = extension_problem(version(head_sha),  # type: ignore[arg-type]
                                        parse_version(working_bytes) or LogVersion(None, []))
            if problem:
                problems.append(HistoryProblem("working tree", "", "", problem))
    elif head_bytes is not None:
        problems.append(HistoryProblem("working tree", "", "", "is missing (its last commit has a log)"))
    return rel, problems


def committed(session_dir: Path, rel: str) -> bool:
    """Whether HEAD holds the session's log at all (a note for verify, not a failure)."""
    root = work_tree(session_dir)
    return root is not None and blob(root, "HEAD", rel) is not None


def history_status(session_dir: Path) -> str | None:
    """The audit's word on a session whose git history does not extend itself, or None."""
    try:
        rel, problems = check_history(session_dir)
    except GitFailed as exc:
        return f"history unreadable: {exc}"
    problems = [p for p in problems if not p.accepted]
    return f"history rewritten: {problems[0].line(rel or LOG_FILE)}" if problems else None


def check_against(session_dir: Path, ref: str) -> str | None:
    """Does the local log extend the one at ``ref`` (e.g. origin/main)? A problem line, or None.

    Raises InputError when the session is not in git or ``ref`` is unknown.
    """
    root = work_tree(session_dir)
    if root is None:
        raise InputError(session_dir, None, "not inside a git work tree, so there is no REF to compare with.",
                         "drop --against, or keep the session in a git repository.")
    if _git(root, "rev-parse", "--verify", "-q", f"{ref}^{{commit}}", check=False).returncode != 0:
        raise InputError(None, "--against", f"{ref!r} is not a commit in {root}.",
                         "name a branch, tag or commit (e.g. origin/main; run `git fetch` first).")
    rel = _rel(root, session_dir / LOG_FILE)
    theirs = parse_version(blob(root, ref, rel))
    if theirs is None:
        return None
    path = root / rel
    ours = parse_version(path.read_bytes()) if path.exists() else LogVersion(theirs.header, [])
    assert ours is not None
    problem = extension_problem(theirs, ours)
    if problem is None:
        return None
    k = common_prefix(theirs, ours)
    lines = [f"{rel} does not extend {ref}'s log: it {problem}."]
    if theirs.entries[k:]:
        lines.append(f"  {ref} has: " + "; ".join(entry_line(e) for e in theirs.entries[k:][:10]))
    if ours.entries[k:]:
        lines.append("  here: " + "; ".join(entry_line(e) for e in ours.entries[k:][:10]))
    return "\n".join(lines)
