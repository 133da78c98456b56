"""The walk over one log's lineage (and its kept-aside file's): every version verifies on its own
and extends the one before it, merges account for every entry, the working file extends HEAD's.

The history check's core, shared by verify (``history.check_history``), the audit (one pass per
repository) and sync (what a remote brings): each hands it lineages already read.
"""

from __future__ import annotations

from pathlib import Path
from subprocess import CompletedProcess

from panel_tui.core.errors import InputError
from panel_tui.core.framework.session_copy import COPY_FILE
from panel_tui.core.gitstore.accepted import Accepted, HistoryProblem, accepted_rewrites, mark_accepted
from panel_tui.core.gitstore.accounting import accounted_entries
from panel_tui.core.gitstore.lineage import BlobStore, Edge, Lineage
from panel_tui.core.gitstore.run import REFUSED_FILE, GitFailed
from panel_tui.core.gitstore.version_check import OwnCheck
from panel_tui.core.gitstore.versions import LogVersion, appends_entries, extension_problem, parse_version
from panel_tui.core.inspection import LOG_FILE
from panel_tui.core.tomlfile import MAX_RECORD_BYTES, read_regular


def session_problems(
    root: Path,
    rel: str,
    session_dir: Path,
    found: dict[str, Lineage],
    store: BlobStore,
    verified: bytes | None,
    working: bool = True,
) -> list[HistoryProblem]:
    """A session's log history and its kept-aside file's, from lineages already read."""
    out = []
    if rel in found:
        out += log_problems(root, found[rel], session_dir, store, working=working, verified=verified)
    aside = found.get(rel[: -len(LOG_FILE)] + REFUSED_FILE)
    if aside is not None:
        out += kept_aside_problems(root, aside, store)
    copy = found.get(rel[: -len(LOG_FILE)] + COPY_FILE)
    if copy is not None:
        out += copy_problems(root, copy)
    return out


def copy_problems(root: Path, lin: Lineage) -> list[HistoryProblem]:
    """A session keeps its rules: its copy of the framework (``framework.toml``, format 4) is written
    once, with the first entry; a commit that changes it, deletes it or puts a link there is named."""
    problems = []
    for e in reversed(lin.edges):
        if e.not_a_file:
            problems.append(
                HistoryProblem(
                    e.commit, e.author, e.date, f"replaces {COPY_FILE} (the session's rules) with a link, not a file"
                )
            )
        elif e.old is not None and e.new is None:
            problems.append(
                HistoryProblem(
                    e.commit, e.author, e.date, f"deletes {COPY_FILE}, the rules the session's log was decided under"
                )
            )
        elif e.old is not None and e.new != e.old:
            problems.append(
                HistoryProblem(
                    e.commit,
                    e.author,
                    e.date,
                    f"changes {COPY_FILE}, the rules the session's log was decided under (a session keeps its rules)",
                )
            )
    mark_accepted(problems, accepted_rewrites(root) if problems else Accepted(), lin.rel)
    return problems


def kept_aside_problems(root: Path, lin: Lineage, store: BlobStore) -> list[HistoryProblem]:
    """The kept-aside file is part of the record, and append-only like the log: no commit may
    change, drop or reorder an entry kept aside, delete the file, or put a link in its place."""
    from panel_tui.core.kept_aside import parse_kept_aside

    contents = store.read([o for e in lin.edges for o in (e.old, e.new) if o])
    links = {e.new for e in lin.edges if e.not_a_file}  # a submodule's id is no object here
    problems = []
    for e in reversed(lin.edges):
        if e.not_a_file:
            problems.append(
                HistoryProblem(e.commit, e.author, e.date, f"replaces {REFUSED_FILE} with a link, not a file")
            )
            continue
        gone = next((o for o in (e.old, e.new) if o and o not in links and contents.get(o) is None), None)
        if gone:  # read as empty it would look like a deletion: it is history git cannot give
            raise GitFailed(("cat-file", "--batch"), CompletedProcess([], 1, b"", f"object {gone} missing".encode()))
        old_items = parse_kept_aside(contents.get(e.old) or b"")[0] if e.old else []
        if e.new is None:
            if old_items:
                problems.append(
                    HistoryProblem(
                        e.commit, e.author, e.date, f"deletes {REFUSED_FILE} ({len(old_items)} entries kept aside)"
                    )
                )
            continue
        new_items, problem = parse_kept_aside(contents.get(e.new) or b"")
        if problem:
            problems.append(HistoryProblem(e.commit, e.author, e.date, f"commits a {REFUSED_FILE} that {problem}"))
            continue
        changed = [k for k in new_items if not k.intact]
        if changed:
            problems.append(
                HistoryProblem(
                    e.commit,
                    e.author,
                    e.date,
                    f"commits a kept-aside entry changed after it was kept aside ({changed[0].line()})",
                )
            )
        kept = [(k.at, k.reason, k.replayed_onto, k.entry) for k in old_items]
        now = [(k.at, k.reason, k.replayed_onto, k.entry) for k in new_items]
        if now[: len(kept)] != kept:
            first = next((i for i, item in enumerate(kept) if i >= len(now) or now[i] != item), len(kept))
            problems.append(
                HistoryProblem(
                    e.commit,
                    e.author,
                    e.date,
                    f"changes or drops kept-aside entry {first + 1} in {REFUSED_FILE} (it had {len(kept)})",
                )
            )
    mark_accepted(problems, accepted_rewrites(root) if problems else Accepted(), lin.rel)
    return problems


def log_problems(
    root: Path, lin: Lineage, session_dir: Path, store: BlobStore, working: bool = True, verified: bytes | None = None
) -> list[HistoryProblem]:
    """The problems of one log's lineage (see :func:`check_history`). A version no listed commit
    made (one ``since`` already had, for a sync) counts as verified."""
    rel = lin.rel
    own = OwnCheck(root, rel, session_dir)
    if verified is not None:
        own.done[verified] = None
    wanted = [o for e in lin.edges for o in (e.old, e.new) if o] + ([lin.head] if lin.head else [])
    # an append-only log's earlier versions are cuts of its latest: of the bytes just verified, else HEAD's
    newest = [lin.head] if lin.head else []
    like = [verified] if verified is not None else [b for b in store.read(newest).values() if b is not None]
    contents = store.read(wanted, like)
    parsed: dict[str, LogVersion] = {}

    def version(oid: str) -> LogVersion:
        if oid not in parsed:
            parsed[oid] = parse_version(contents.get(oid)) or LogVersion(None, [])
        return parsed[oid]

    made_by: dict[str, list[Edge]] = {}  # version -> the edges that made it, newest first
    made_from: dict[str, list[Edge]] = {}  # version -> the edges made from it
    for e in lin.edges:
        if e.new:
            made_by.setdefault(e.new, []).append(e)
        if e.old:
            made_from.setdefault(e.old, []).append(e)
    good: dict[str, bool] = {}
    problems: list[HistoryProblem] = []
    for e in lin.edges:  # newest first (topological): a version is decided after those made from it
        oid = e.new
        if oid is not None and not e.not_a_file and contents.get(oid) is None:  # a file git cannot give
            raise GitFailed(("cat-file", "--batch"), CompletedProcess([], 1, b"", f"object {oid} missing".encode()))
        if oid is not None and e.not_a_file:  # a link or submodule there
            good[oid] = False
            kind = {"120000": "a symbolic link", "160000": "a submodule"}.get(e.new_mode, f"mode {e.new_mode}")
            problems.append(HistoryProblem(e.commit, e.author, e.date, f"replaces the log with {kind}, not a file"))
            continue
        if oid is None or oid in good:
            continue
        data = contents[oid]
        assert data is not None
        kids = [k.new for k in made_from.get(oid, [])]
        if oid != lin.head and kids and all(_appended(data, contents.get(k) if k is not None else None) for k in kids):
            if any(good.get(k, False) for k in kids if k is not None):
                good[oid] = True
                continue
        first = made_by[oid][-1]  # the commit that first brought this version
        problem = own.problem(data, first.commit)
        good[oid] = problem is None
        if problem is not None:
            problems.append(
                HistoryProblem(
                    first.commit,
                    first.author,
                    first.date,
                    "commits a log that does not verify on its own: " + problem.split(" Fix:")[0],
                )
            )

    def base(oid: str) -> str | None:
        """The nearest version at or before ``oid`` that verified (a bad one excuses nothing)."""
        queue, seen = [oid], set()
        while queue:
            v = queue.pop(0)
            if v in seen:
                continue
            seen.add(v)
            if good.get(v, v not in made_by and contents.get(v) is not None):
                return v
            queue += [x.old for x in made_by.get(v, []) if x.old]
        return None

    for e in reversed(lin.edges):
        if e.old is None or e.not_a_file:
            continue
        old = base(e.old)  # a version that was no file, or did not verify, excuses nothing
        if old is None:
            continue
        if e.new is None:
            problems.append(
                HistoryProblem(e.commit, e.author, e.date, f"deletes the log ({len(version(old).entries)} entries)")
            )
            continue
        new_bytes = contents.get(e.new)
        if new_bytes is None:
            continue
        if appends_entries(contents[old], new_bytes) and good.get(e.new, False):  # type: ignore[arg-type]
            continue
        new = version(e.new)
        accounted = accounted_entries(root, e.commit, rel, version(old), new) if e.merge else set()
        problem = extension_problem(version(old), new, accounted)
        if problem and not new.problem:
            was = made_by.get(old)
            problems.append(
                HistoryProblem(
                    e.commit,
                    e.author,
                    e.date,
                    problem
                    + (
                        f" (compared with {was[0].commit[:10] if was else 'the version before'}, the last version that "
                        "verified)"
                        if old != e.old
                        else ""
                    ),
                )
            )
    mark_accepted(problems, accepted_rewrites(root) if problems else Accepted(), rel)
    if not working:
        return problems
    head_bytes = contents.get(lin.head) if lin.head else None
    working_path = root / rel
    if head_bytes is not None and (verified is not None or working_path.exists()):
        # the bytes the caller verified are the working file compared: one reading of it, not two
        # (an audit holds a session between them while git reads the history)
        try:
            working_bytes = verified or read_regular(working_path, "decision log", MAX_RECORD_BYTES)
        except InputError:  # a FIFO, a device or a folder: the log reader names it
            return problems
        if not appends_entries(head_bytes, working_bytes):
            problem = extension_problem(
                version(lin.head),  # type: ignore[arg-type]
                parse_version(working_bytes) or LogVersion(None, []),
            )
            if problem:
                problems.append(HistoryProblem("working tree", "", "", problem))
    elif head_bytes is not None:
        problems.append(HistoryProblem("working tree", "", "", "is missing (its last commit has a log)"))
    return problems


def _appended(data: bytes, later: bytes | None) -> bool:
    """Does ``later`` (a child version's bytes, None where unread) only append entries to ``data``?"""
    return later is not None and appends_entries(data, later)
