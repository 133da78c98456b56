"""History as the anchor: every committed version of a log extends the one before it.

A hash chain cannot see its own tail cut off or the whole chain rewritten; git history can.
Rewrites are accepted only on the record (a committed ``.panel-tui-accepted.toml``).
"""

from __future__ import annotations

import re
import tomllib
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from panel_tui.core.errors import InputError
from panel_tui.core.gitstore.lineage import BlobStore, Edge, Lineage, lineages
from panel_tui.core.gitstore.run import ACCEPTED_FILE, REFUSED_FILE, GitFailed, _git, _out, _rel, blob, blobs, ensure_ignored, work_tree
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
    no pattern), one ``commit`` (its full id) and a ``reason``.

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
    if not (isinstance(commit, str) and re.fullmatch(r"[0-9a-fA-F]{40}|[0-9a-fA-F]{64}", commit)):
        return "names no full commit id (40 hex digits; a short one could be matched by a commit made to match it)"
    path = r.get("path")
    if not (isinstance(path, str) and path and not any(ch in path for ch in "*?[")):
        return "names no single path (patterns such as * accept nothing)"
    return None


def _acceptance(rewrites: list[dict[str, Any]], sha: str, rel: str) -> str | None:
    for r in rewrites:
        if sha == str(r["commit"]).lower() and r["path"] == rel:
            return _one_line(r["reason"], 200)
    return None


# Fields a replay works out afresh or renumbers: everything else of an entry must reappear as it was.
# ``decided_at`` (format 3) is compared on its own: it must be the original's time.
CHAIN_AND_REPLAY = frozenset({"seq", "prev", "hash", "replayed_from", "evidence", "supersedes", "answers",
                              "outside_criteria", "retracts", "about", "decided_at"})


def same_content(old: dict[str, Any], new: dict[str, Any], seq_map: dict[int, int]) -> bool:
    """Whether ``new`` re-records ``old``: every field but the chain's and the replay's own equal,
    and references to earlier entries renumbered as the replay renumbered them.

    A format-3 replay (``new`` has ``decided_at``) has the replay's own ``at``: its ``decided_at``
    must be when ``old`` was decided (``old``'s ``decided_at`` if it was replayed before, else its
    ``at``), and ``at`` is not compared. ``entered_by`` (who typed it) is content, compared equal."""
    skip = CHAIN_AND_REPLAY
    if "decided_at" in new:
        if new["decided_at"] != old.get("decided_at", old.get("at")):
            return False
        skip = CHAIN_AND_REPLAY | {"at"}
    elif "decided_at" in old:  # the time it was decided, dropped
        return False
    if {k: v for k, v in old.items() if k not in skip} != {k: v for k, v in new.items() if k not in skip}:
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
    aside_hashes = {str(k.get("hash")) for k in lost if any(k == a for a in aside)}
    # the other side's entries since the fork: all but those this merge re-recorded (an entry the other
    # side itself re-recorded in an earlier replay carries replayed_from too, and is theirs)
    lost_hashes = {str(x.get("hash")) for x in lost}
    there = [x for x in new.entries[k:] if str(x.get("replayed_from")) not in lost_hashes]
    done = set()
    for e in lost:
        h = str(e.get("hash"))
        again = by_origin.get(h)
        if again is not None and same_content(e, again, seq_map):
            done.add(h)
        elif h in aside_hashes and kept_aside_with_cause(e, there, old.entries, new.entries, aside_hashes):
            done.add(h)
    return done


_SETTLING = {"discretion", "declined", "ratification", "retraction"}


def _settles(e: dict[str, Any], by_seq: dict[Any, dict[str, Any]]) -> str | None:
    """The standard an entry settles (a retraction: of the decision it retracts), or None."""
    if e.get("kind") == "retraction":
        target = by_seq.get(e.get("retracts"))
        return str(target["standard"]) if target and target.get("kind") in _SETTLING and target.get("standard") else None
    return str(e["standard"]) if e.get("kind") in _SETTLING and e.get("standard") else None


def kept_aside_with_cause(e: dict[str, Any], there: list[dict[str, Any]], here_log: list[dict[str, Any]],
                          merged_log: list[dict[str, Any]], aside_hashes: set[str]) -> bool:
    """Whether a replay had cause to keep ``e`` aside rather than re-record it: a sign-off (never
    replayed); an entry about a standard the other side settled since the fork (a conflict); an
    entry referring to one kept aside, or to one the other side retracted; or the other side
    signed off, or changed who is present, so the rules may refuse it. Without one of these, a
    merge that "keeps aside" another office's decision is dropping it."""
    if e.get("kind") == "sign-off":
        return True
    if any(x.get("kind") in ("sign-off", "attendance") for x in there):
        return True
    if e.get("kind") == "dismissal" and any(x.get("kind") == "dismissal" and x.get("kept_aside") == e.get("kept_aside")
                                            for x in there):
        return True  # both offices dismissed the same kept-aside entry: the second is refused
    here = {x.get("seq"): x for x in here_log}  # ``e`` and its references are numbered as recorded here
    merged = {x.get("seq"): x for x in merged_log}  # the other side's entries as numbered in the merge
    standard = _settles(e, here) or (str(e["standard"]) if e.get("kind") == "proposal" and e.get("standard") else None)
    if standard and any(_settles(x, merged) == standard for x in there):
        return True
    targets = [here.get(e.get(key)) for key in ("retracts", "about") if e.get(key) is not None]
    hashes = {str(t.get("hash")) for t in targets if t}
    if hashes & aside_hashes:
        return True
    retracted_there = {str(merged.get(x.get("retracts"), {}).get("hash")) for x in there if x.get("kind") == "retraction"}
    return bool(hashes & retracted_there)


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

    def _working(self) -> Any:
        if self.working is None:
            from panel_tui.core.inspection import load_inspection

            try:
                self.working = load_inspection(self.session_dir)
            except (InputError, OSError):
                self.working = False
        return self.working

    def _committed_inspection(self, sha: str) -> Any:
        """The inspection committed beside the log at ``sha`` (read only when the working one is
        not the one the version was made on: one git call)."""
        from decimal import Decimal

        from panel_tui.core.inspection import INSPECTION_FILE, parse_inspection
        from panel_tui.core.tomlfile import decode_text, parse_toml

        data = blob(self.root, sha, self.rel[: -len(LOG_FILE)] + INSPECTION_FILE)
        if data is None:
            return None
        import hashlib

        digest = hashlib.sha256(data).hexdigest()
        if digest not in self.inspections:
            path = self.session_dir / INSPECTION_FILE  # its real place: frameworks kept in folders above are found
            try:
                text = decode_text(data, path, "inspection file")
                self.inspections[digest] = parse_inspection(parse_toml(text, path, "inspection file", Decimal), data,
                                                            text, path)
            except (InputError, OSError, ValueError):
                self.inspections[digest] = None
        return self.inspections[digest]

    def _kept_aside_at(self, sha: str) -> tuple[frozenset[str], str | None]:
        """The kept-aside entries committed beside this version (a dismissal names one of them), not
        the working file's: another office's dismissal arrives with its kept-aside file."""
        data = blob(self.root, sha, self.rel[: -len(LOG_FILE)] + REFUSED_FILE)
        return frozenset(str(e.get("hash")) for e in kept_aside(data)), None

    def _check(self, data: bytes, sha: str) -> str | None:
        from panel_tui.core.log.reader import verify_bytes, verify_structure
        from panel_tui.core.log.state import LogState

        path = self.session_dir / LOG_FILE
        structure = verify_structure(path, data)
        if structure is not None:
            return structure
        for load in (self._working, lambda: self._committed_inspection(sha)):
            insp = load()
            if not insp:
                continue
            state = LogState(path, kept_aside_source=lambda: self._kept_aside_at(sha))
            problem = verify_bytes(state, data, insp).problem
            if problem is None:
                return None
            if ": inspection changed:" in problem or ": framework changed:" in problem:
                continue  # not the inspection this version was made on: try the one committed with it
            return problem.split(f"{path}: ", 1)[-1].split(" Fix:")[0]
        return None  # its rules of the time are not to be had: the structure is what can be checked


def check_history(session_dir: Path, verified: bytes | None = None) -> tuple[str | None, list[HistoryProblem]]:
    """Every committed version of the log verifies on its own and extends the one before it; the
    working file extends HEAD's.

    Returns (the log's path relative to the work tree, problems); (None, []) outside git. Nothing
    excuses a version: one that does not verify is named, and a version made from it is compared
    with the nearest version before it that did. The fast byte-prefix test ("the version before
    plus whole entries") skips parsing only where it is sound: a version is parsed and verified
    unless every version made from it is such an extension, and then it is a prefix, at an entry
    boundary, of a verified log. Merges: an entry a parent had beyond the common prefix must
    reappear with the same content (``replayed_from``) or be kept aside whole, or the merge
    dropped or changed it. ``verified``: bytes of this log the caller has just verified in full.
    Reads only this log's own history (one ``git log`` and one ``git cat-file`` for it).
    """
    root = work_tree(session_dir)
    if root is None:
        return None, []
    try:  # a fresh clone: keep git's conversions off the record files before reading them
        ensure_ignored(root)
    except (OSError, GitFailed):
        pass  # a read-only clone: verify still reads what is there
    rel = _rel(root, session_dir / LOG_FILE)
    aside_rel = rel[: -len(LOG_FILE)] + REFUSED_FILE
    found = lineages(root, "HEAD", pathspecs=[f":(literal){rel}", f":(literal){aside_rel}"])
    with BlobStore(root) as store:
        return rel, _session_problems(root, rel, session_dir, found, store, verified)


def _session_problems(root: Path, rel: str, session_dir: Path, found: dict[str, Lineage], store: BlobStore,
                      verified: bytes | None, working: bool = True) -> list[HistoryProblem]:
    """A session's log history and its kept-aside file's, from lineages already read."""
    out = []
    if rel in found:
        out += _problems(root, found[rel], session_dir, store, working=working, verified=verified)
    aside = found.get(rel[: -len(LOG_FILE)] + REFUSED_FILE)
    if aside is not None:
        out += _kept_aside_problems(root, aside, store)
    return out


def _kept_aside_problems(root: Path, lin: Lineage, store: BlobStore) -> list[HistoryProblem]:
    """The kept-aside file is part of the record, and append-only like the log: no commit may
    change, drop or reorder an entry kept aside, delete the file, or put a link in its place."""
    from panel_tui.core.kept_aside import parse_kept_aside

    contents = store.read([o for e in lin.edges for o in (e.old, e.new) if o])
    problems = []
    for e in reversed(lin.edges):
        if e.not_a_file:
            problems.append(HistoryProblem(e.commit, e.author, e.date, f"replaces {REFUSED_FILE} with a link, not a file"))
            continue
        old_items = parse_kept_aside(contents.get(e.old) or b"")[0] if e.old else []
        if e.new is None:
            if old_items:
                problems.append(HistoryProblem(e.commit, e.author, e.date, f"deletes {REFUSED_FILE} "
                                                                           f"({len(old_items)} entries kept aside)"))
            continue
        new_items, problem = parse_kept_aside(contents.get(e.new) or b"")
        if problem:
            problems.append(HistoryProblem(e.commit, e.author, e.date, f"commits a {REFUSED_FILE} that {problem}"))
            continue
        changed = [k for k in new_items if not k.intact]
        if changed:
            problems.append(HistoryProblem(e.commit, e.author, e.date, f"commits a kept-aside entry changed after it "
                                                                       f"was kept aside ({changed[0].line()})"))
        kept = [(k.at, k.reason, k.replayed_onto, k.entry) for k in old_items]
        now = [(k.at, k.reason, k.replayed_onto, k.entry) for k in new_items]
        if now[: len(kept)] != kept:
            first = next((i for i, item in enumerate(kept) if i >= len(now) or now[i] != item), len(kept))
            problems.append(HistoryProblem(e.commit, e.author, e.date, f"changes or drops kept-aside entry {first + 1} "
                                                                       f"in {REFUSED_FILE} (it had {len(kept)})"))
    rewrites = accepted_rewrites(root) if problems else []
    for found in problems:
        found.accepted = _acceptance(rewrites, found.commit, lin.rel)
    return problems


_REPO_HISTORY: ContextVar[dict[Path, dict[str, Lineage]] | None] = ContextVar("panel_tui_repo_history", default=None)


@contextmanager
def one_history_per_repository() -> Iterator[None]:
    """Within this block (an audit's scan), every log's lineage in a repository is read in one pass
    the first time any session there asks, and each version's bytes streamed by one process."""
    from panel_tui.core.gitstore.tags import tags_read_once

    token = _REPO_HISTORY.set({})
    stores: dict[Path, BlobStore] = {}
    stores_token = _STORES.set(stores)
    try:
        with tags_read_once():
            yield
    finally:
        for store in stores.values():
            store.close()
        _STORES.reset(stores_token)
        _REPO_HISTORY.reset(token)


_STORES: ContextVar[dict[Path, BlobStore] | None] = ContextVar("panel_tui_blob_stores", default=None)


def _repo_problems(session_dir: Path, verified: bytes | None) -> tuple[str | None, list[HistoryProblem]] | None:
    """check_history from the repository's one-pass reading, when inside one_history_per_repository."""
    cache, stores = _REPO_HISTORY.get(), _STORES.get()
    if cache is None or stores is None:
        return None
    root = work_tree(session_dir)
    if root is None:
        return None, []
    rel = _rel(root, session_dir / LOG_FILE)
    if root not in cache:
        cache[root] = lineages(root)
        stores[root] = BlobStore(root)
    return rel, _session_problems(root, rel, session_dir, cache[root], stores[root], verified)


def incoming_problems(root: Path, since: str, tip: str) -> list[tuple[str, HistoryProblem]]:
    """What ``tip`` brings that ``since`` does not, checked as verify checks a history: every log
    changed between them, each new version verifying on its own and extending the one before it
    (versions ``since`` already has count as verified: this clone checked them). Returns (log path,
    problem) pairs not accepted on the record in this clone's HEAD."""
    found = lineages(root, tip, since)  # every log any new commit touched: a drop undone later still counts
    if not found:
        return []
    out = []
    with BlobStore(root) as store:
        for rel, lin in found.items():
            if rel == LOG_FILE or rel.endswith("/" + LOG_FILE):
                problems = _problems(root, lin, (root / rel).parent, store, working=False)
            else:
                problems = _kept_aside_problems(root, lin, store)
            out += [(rel, p) for p in problems if not p.accepted]
    return out


def _problems(root: Path, lin: Lineage, session_dir: Path, store: BlobStore, working: bool = True,
              verified: bytes | None = None) -> list[HistoryProblem]:
    """The problems of one log's lineage (see :func:`check_history`). A version no listed commit
    made (one ``since`` already had, for a sync) counts as verified."""
    rel = lin.rel
    own = _OwnCheck(root, rel, session_dir)
    if verified is not None:
        own.done[verified] = None
    contents = store.read([o for e in lin.edges for o in (e.old, e.new) if o] + ([lin.head] if lin.head else []))
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
        if oid is not None and (e.not_a_file or contents.get(oid) is None):  # a link or submodule there
            good[oid] = False
            kind = {"120000": "a symbolic link", "160000": "a submodule"}.get(e.new_mode, f"mode {e.new_mode}")
            problems.append(HistoryProblem(e.commit, e.author, e.date, f"replaces the log with {kind}, not a file"))
            continue
        if oid is None or oid in good:
            continue
        data = contents[oid]
        assert data is not None
        kids = [k.new for k in made_from.get(oid, [])]
        if oid != lin.head and kids and all(k is not None and contents.get(k) is not None
                                            and appends_entries(data, contents[k]) for k in kids):  # type: ignore[arg-type]
            if any(good.get(k, False) for k in kids):  # type: ignore[arg-type]
                good[oid] = True
                continue
        first = made_by[oid][-1]  # the commit that first brought this version
        problem = own.problem(data, first.commit)
        good[oid] = problem is None
        if problem is not None:
            problems.append(HistoryProblem(first.commit, first.author, first.date,
                                           "commits a log that does not verify on its own: " + problem.split(" Fix:")[0]))

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
            problems.append(HistoryProblem(e.commit, e.author, e.date, f"deletes the log ({len(version(old).entries)} "
                                                                       "entries)"))
            continue
        new_bytes = contents.get(e.new)
        if new_bytes is None:
            continue
        if appends_entries(contents[old], new_bytes) and good.get(e.new, False):  # type: ignore[arg-type]
            continue
        new = version(e.new)
        accounted = _accounted(root, e.commit, rel, version(old), new) if e.merge else set()
        problem = extension_problem(version(old), new, accounted)
        if problem and not new.problem:
            was = made_by.get(old)
            problems.append(HistoryProblem(e.commit, e.author, e.date, problem + (
                f" (compared with {was[0].commit[:10] if was else 'the version before'}, the last version that "
                "verified)" if old != e.old else "")))
    rewrites = accepted_rewrites(root) if problems else []
    for found in problems:
        found.accepted = _acceptance(rewrites, found.commit, rel)
    if not working:
        return problems
    head_bytes = contents.get(lin.head) if lin.head else None
    working_path = root / rel
    if head_bytes is not None and working_path.exists():
        working_bytes = working_path.read_bytes()
        if not appends_entries(head_bytes, working_bytes):
            problem = extension_problem(version(lin.head),  # type: ignore[arg-type]
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
    if root is None or not (session_dir / LOG_FILE).exists():
        return []
    return session_tag_problems(root, session_dir)


def history_unchecked(session_dir: Path) -> bool:
    """A session inside a git work tree whose history cannot be read because git is missing
    (verify and the audit then say "history not checked", never a silent "intact")."""
    from panel_tui.core.gitstore.run import _has_dot_git, enabled, git_path

    return enabled() and git_path() is None and _has_dot_git(session_dir.resolve())


def committed(session_dir: Path, rel: str) -> bool:
    """Whether HEAD holds the session's log at all (a note for verify, not a failure)."""
    root = work_tree(session_dir)
    return root is not None and blob(root, "HEAD", rel) is not None


def history_status(session_dir: Path, verified: bytes | None = None) -> str | None:
    """The audit's word on a session whose git history does not extend itself, or None."""
    return history_report(session_dir, verified)[0]


def history_report(session_dir: Path, verified: bytes | None = None) -> tuple[str | None, list[str]]:
    """(the audit's word on a history that fails, or None; the rewrites accepted on the record, as
    "<commit>: <reason>", which the audit shows beside an intact log)."""
    if history_unchecked(session_dir):
        return "history not checked (git not found)", []
    try:
        rel, problems = _repo_problems(session_dir, verified) or check_history(session_dir, verified)
    except GitFailed as exc:
        return f"history unreadable: {exc}", []
    accepted = list(dict.fromkeys(f"{p.commit[:10]}: {p.accepted}" for p in problems if p.accepted))
    problems = [p for p in problems if not p.accepted]
    if problems:
        return f"history rewritten: {problems[0].line(rel or LOG_FILE)}", accepted
    tags = sign_off_tag_problems(session_dir)
    return (f"sign-off tag without its sign-off: {tags[0]}" if tags else None), accepted


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
