"""History as the anchor: every committed version of a log extends the one before it.

A hash chain cannot see its own tail cut off or the whole chain rewritten; git history can.
Rewrites are accepted only on the record (a committed ``.panel-tui-accepted.toml``).
"""

from __future__ import annotations

import re
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
    """Rewrites accepted on the record: ``[[rewrite]]`` tables, each naming one log ``path`` (exact,
    no pattern), one ``commit`` (7+ hex digits) and a ``reason``.

    Read from HEAD's committed file only, so an acceptance is itself in the history an auditor
    reads (e.g. example logs rebuilt when the log format changed). A rewrite not listed fails, and
    verify and the audit still name every accepted one. A table naming a pattern, no commit or no
    reason accepts nothing (``rewrite_file_problems`` says why).
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
    if not (isinstance(commit, str) and re.fullmatch(r"[0-9a-fA-F]{7,64}", commit)):
        return "names no commit (7 or more hex digits)"
    path = r.get("path")
    if not (isinstance(path, str) and path and not any(ch in path for ch in "*?[")):
        return "names no single path (patterns such as * accept nothing)"
    return None


def _acceptance(rewrites: list[dict[str, Any]], sha: str, rel: str) -> str | None:
    for r in rewrites:
        if sha.startswith(str(r["commit"]).lower()) and r["path"] == rel:
            return _one_line(r["reason"], 200)
    return None


# Fields a replay works out afresh or renumbers: everything else of an entry must reappear as it was.
CHAIN_AND_REPLAY = frozenset({"seq", "prev", "hash", "replayed_from", "evidence", "supersedes", "answers",
                              "outside_criteria", "retracts", "about"})


def same_content(old: dict[str, Any], new: dict[str, Any], seq_map: dict[int, int]) -> bool:
    """Whether ``new`` re-records ``old``: every field but the chain's and the replay's own equal,
    and references to earlier entries renumbered as the replay renumbered them."""
    if {k: v for k, v in old.items() if k not in CHAIN_AND_REPLAY} != \
            {k: v for k, v in new.items() if k not in CHAIN_AND_REPLAY}:
        return False
    for key in ("retracts", "about"):
        if key in old or key in new:
            ref = old.get(key)
            if not isinstance(ref, int) or new.get(key) != seq_map.get(ref, ref):
                return False
    return True


def kept_aside(data: bytes | None) -> list[dict[str, Any]]:
    """Entries in a kept-aside file whose own hash verifies (an entry kept aside exactly as
    recorded); one changed after it was kept aside is not among them."""
    from panel_tui.core.kept_aside import parse_kept_aside

    return [k.entry for k in parse_kept_aside(data)[0] if k.intact] if data is not None else []


def _accounted(root: Path, rev: str, rel: str, old: LogVersion, new: LogVersion) -> set[str]:
    """Entries of ``old`` that a replay merge re-recorded with the same content, or kept aside whole
    (in the kept-aside file committed with it, its hash intact). A changed entry carrying
    ``replayed_from``, or a kept-aside line naming only a hash, accounts for nothing."""
    k = common_prefix(old, new)
    lost = old.entries[k:]
    if not lost:
        return set()
    by_origin = {str(e["replayed_from"]): e for e in new.entries if e.get("replayed_from")}
    seq_map = {int(e["seq"]): int(by_origin[str(e.get("hash"))]["seq"]) for e in lost
               if str(e.get("hash")) in by_origin and isinstance(e.get("seq"), int)}
    aside = kept_aside(blob(root, rev, rel[: -len(LOG_FILE)] + REFUSED_FILE))
    done = set()
    for e in lost:
        h = str(e.get("hash"))
        again = by_origin.get(h)
        if again is not None and same_content(e, again, seq_map) or any(e == k for k in aside):
            done.add(h)
    return done


Commit = tuple[str, list[str], str, str]  # sha, parents (rewritten to commits touching the log), author, date


def _graph(root: Path, rel: str, tip: str = "HEAD") -> list[Commit] | None:
    """Commits that touched ``rel`` (newest first) with their parents rewritten to such commits,
    author and date, reachable from ``tip``; None with no commit yet."""
    log = _git(root, "log", "--full-history", "--parents", "--format=%x1e%H %P%x1f%an <%ae>%x1f%aI", tip, "--",
               rel, check=False)
    if log.returncode != 0:
        if _git(root, "rev-parse", "--verify", "-q", "HEAD", check=False).returncode != 0:
            return None
        raise GitFailed(("log", rel), log)
    commits = []
    for record in log.stdout.decode("utf-8", "replace").split("\x1e"):
        if not record.strip():
            continue
        ids, author, date = (record.strip().split("\x1f") + ["", ""])[:3]
        sha, *parents = ids.split()
        commits.append((sha, parents, author, date))
    return commits


class _OwnCheck:
    """Each distinct version of one log verified on its own, once: in full under the rules of the
    inspection it was made on (the working one, or the one committed beside it), else its
    structure (parse, shapes, chain, hashes, canonical bytes) where that inspection or its
    framework is no longer to be had."""

    def __init__(self, root: Path, rel: str, session_dir: Path) -> None:
        self.root, self.rel, self.session_dir = root, rel, session_dir
        self.done: dict[bytes, str | None] = {}
        self.inspections: dict[str, Any] = {}  # inspection sha256 -> Inspection (or None: not to be had)
        self.working: Any = None

    def problem(self, data: bytes, sha: str) -> str | None:
        if data not in self.done:
            self.done[data] = self._check(data, sha)
        return self.done[data]

    def _inspection(self, sha: str) -> Any:
        """The working inspection, else the one committed at ``sha`` beside the log."""
        from panel_tui.core.inspection import INSPECTION_FILE, load_inspection

        if self.working is None:
            try:
                self.working = load_inspection(self.session_dir)
            except (InputError, OSError):
                self.working = False
        candidates = [self.working] if self.working else []
        data = blob(self.root, sha, self.rel[: -len(LOG_FILE)] + INSPECTION_FILE)
        if data is not None:
            import hashlib
            import tempfile

            digest = hashlib.sha256(data).hexdigest()
            if digest not in self.inspections:
                with tempfile.TemporaryDirectory() as tmp:
                    (Path(tmp) / INSPECTION_FILE).write_bytes(data)
                    try:
                        self.inspections[digest] = load_inspection(Path(tmp))
                    except (InputError, OSError):
                        self.inspections[digest] = None
            if self.inspections[digest] is not None:
                candidates.append(self.inspections[digest])
        return candidates

    def _check(self, data: bytes, sha: str) -> str | None:
        from panel_tui.core.log.reader import verify_bytes, verify_structure
        from panel_tui.core.log.state import LogState

        path = self.session_dir / LOG_FILE
        structure = verify_structure(path, data)
        if structure is not None:
            return structure
        for insp in self._inspection(sha):
            state = verify_bytes(LogState(path), data, insp)
            problem = state.problem
            if problem is None:
                return None
            if ": inspection changed:" in problem or ": framework changed:" in problem:
                continue  # not the inspection this version was made on: try the next
            return problem.split(f"{path}: ", 1)[-1].split(" Fix:")[0]
        return None  # its rules of the time are not to be had: the structure is what can be checked


def check_history(session_dir: Path) -> tuple[str | None, list[HistoryProblem]]:
    """Every committed version of the log verifies on its own and extends the one before it; the
    working file extends HEAD's.

    Returns (the log's path relative to the work tree, problems); (None, []) outside git. Nothing
    excuses a version: one that does not verify is named, and its child is compared with the
    nearest ancestor version that did. The fast byte-prefix test ("the parent plus whole entries")
    skips parsing only where it is sound: a version is parsed and verified unless every child of
    it is such an extension, and then it is a prefix, at an entry boundary, of a verified log.
    Merges: an entry a parent had beyond the common prefix must reappear with the same content
    (``replayed_from``) or be kept aside whole, or the merge dropped or changed it.
    """
    root = work_tree(session_dir)
    if root is None:
        return None, []
    rel = _rel(root, session_dir / LOG_FILE)
    commits = _graph(root, rel)
    if commits is None:
        return rel, []
    return rel, _problems(root, rel, session_dir, commits, _contents(root, rel, commits))


def _contents(root: Path, rel: str, commits: list[Commit]) -> dict[str, bytes | None]:
    """The log's bytes at every commit listed and at each of their parents, in one git call."""
    specs = sorted({f"{c}:{rel}" for sha, parents, _, _ in commits for c in (sha, *parents)})
    return {spec.split(":", 1)[0]: data for spec, data in blobs(root, specs).items()}


def incoming_problems(root: Path, since: str, tip: str) -> list[tuple[str, HistoryProblem]]:
    """What ``tip`` brings that ``since`` does not, checked as verify checks a history: every log
    changed between them, each new version verifying on its own and extending the one before it
    (the versions ``since`` already has count as verified: this clone checked them). Returns
    (log path, problem) pairs not accepted on the record in this clone's HEAD."""
    changed = [p for p in _out(root, "diff", "--name-only", "-z", since, tip).split("\0")
               if p == LOG_FILE or p.endswith("/" + LOG_FILE)]
    out = []
    for rel in changed:
        commits = _graph(root, rel, tip)
        if not commits:
            continue
        new = set(_out(root, "rev-list", tip, f"^{since}", "--", rel).split())
        trusted = {c[0] for c in commits if c[0] not in new}
        session_dir = (root / rel).parent
        problems = _problems(root, rel, session_dir, commits, _contents(root, rel, commits), working=False,
                             trusted=trusted)
        out += [(rel, p) for p in problems if not p.accepted]
    return out


def _problems(root: Path, rel: str, session_dir: Path, commits: list[Commit],
              contents: dict[str, bytes | None], working: bool = True,
              trusted: set[str] | frozenset[str] = frozenset()) -> list[HistoryProblem]:
    """The problems of ``commits`` (see :func:`check_history`); versions at ``trusted`` commits
    (already checked by this clone) count as verified and are not checked again."""
    own = _OwnCheck(root, rel, session_dir)
    parsed: dict[str, LogVersion] = {}

    def version(sha: str) -> LogVersion:
        if sha not in parsed:
            parsed[sha] = parse_version(contents.get(sha)) or LogVersion(None, [])
        return parsed[sha]

    children: dict[str, list[str]] = {}
    for sha, parents, _, _ in commits:
        for p in parents:
            children.setdefault(p, []).append(sha)
    good: dict[str, bool] = {}
    problems: list[HistoryProblem] = []
    for sha, parents, author, date in commits:  # newest first: a child is decided before its parent
        data = contents.get(sha)
        if data is None:
            good[sha] = False
            continue
        if sha in trusted:
            good[sha] = True
            continue
        kids = [c for c in children.get(sha, []) if contents.get(c) is not None]
        if kids and all(appends_entries(data, contents[c]) for c in kids) and sha != commits[0][0]:  # type: ignore[arg-type]
            good[sha] = any(good.get(c, False) for c in kids)
            if good[sha]:
                continue
        problem = own.problem(data, sha)
        good[sha] = problem is None
        if problem is not None:
            problems.append(HistoryProblem(sha, author, date, "commits a log that does not verify on its own: "
                                                              + problem.split(" Fix:")[0]))
    info = {sha: (parents, author, date) for sha, parents, author, date in commits}

    def base(sha: str, seen: set[str]) -> str | None:
        """The nearest version at or above ``sha`` that verified (a bad one excuses nothing)."""
        if sha in seen or sha not in info and contents.get(sha) is None:
            return None
        seen.add(sha)
        if good.get(sha, sha not in info and contents.get(sha) is not None):
            return sha
        for p in info.get(sha, ([], "", ""))[0]:
            found = base(p, seen)
            if found:
                return found
        return None

    for sha, parents, author, date in reversed(commits):
        if sha in trusted:
            continue
        new_bytes = contents.get(sha)
        for parent in parents:
            if contents.get(parent) is None:
                continue
            if new_bytes is None:
                problems.append(HistoryProblem(sha, author, date, f"deletes the log ({len(version(parent).entries)} "
                                                                  "entries)"))
                continue
            old = base(parent, set())
            if old is None:
                continue
            old_bytes = contents[old]
            assert old_bytes is not None
            if appends_entries(old_bytes, new_bytes) and good.get(sha, False):
                continue
            new = version(sha)
            accounted = _accounted(root, sha, rel, version(old), new) if len(parents) > 1 else set()
            problem = extension_problem(version(old), new, accounted)
            if problem and not new.problem:
                problems.append(HistoryProblem(sha, author, date, problem
                                               + (f" (compared with {old[:10]}, the last version that verified)"
                                                  if old != parent else "")))
    rewrites = accepted_rewrites(root) if problems else []
    for found in problems:
        found.accepted = _acceptance(rewrites, found.commit, rel)
    if not working:
        return problems
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
    return problems


def sign_off_tag_problems(session_dir: Path) -> list[str]:
    """Each ``panel/<session>/sign-off-N`` tag that names no sign-off in the working log."""
    from panel_tui.core.gitstore.tags import session_tag_problems

    root = work_tree(session_dir)
    path = session_dir / LOG_FILE
    if root is None or not path.exists():
        return []
    return session_tag_problems(root, session_dir, parse_version(path.read_bytes()) or LogVersion(None, []))


def history_unchecked(session_dir: Path) -> bool:
    """A session inside a git work tree whose history cannot be read because git is missing
    (verify and the audit then say "history not checked", never a silent "intact")."""
    from panel_tui.core.gitstore.run import _has_dot_git, enabled, git_path

    return enabled() and git_path() is None and _has_dot_git(session_dir.resolve())


def committed(session_dir: Path, rel: str) -> bool:
    """Whether HEAD holds the session's log at all (a note for verify, not a failure)."""
    root = work_tree(session_dir)
    return root is not None and blob(root, "HEAD", rel) is not None


def history_status(session_dir: Path) -> str | None:
    """The audit's word on a session whose git history does not extend itself, or None."""
    if history_unchecked(session_dir):
        return "history not checked (git not found)"
    try:
        rel, problems = check_history(session_dir)
    except GitFailed as exc:
        return f"history unreadable: {exc}"
    problems = [p for p in problems if not p.accepted]
    if problems:
        return f"history rewritten: {problems[0].line(rel or LOG_FILE)}"
    tags = sign_off_tag_problems(session_dir)
    return f"sign-off tag without its sign-off: {tags[0]}" if tags else None


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
