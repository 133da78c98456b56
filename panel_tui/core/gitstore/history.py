"""History as the anchor: every committed version of a log extends the one before it.

A hash chain cannot see its own tail cut off or the whole chain rewritten; git history can.
Rewrites are accepted only on the record (a committed ``.panel-tui-accepted.toml``). This module is
what verify, the audit and sync ask (and the words they report); the checks themselves are in
``lineage_check`` (the walk), ``version_check`` (one version on its own), ``accounting`` (merges)
and ``accepted`` (problems and accepted rewrites).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Literal

from panel_tui.core.errors import InputError
from panel_tui.core.framework.session_copy import COPY_FILE
from panel_tui.core.gitstore.accepted import HistoryProblem
from panel_tui.core.gitstore.copies import copy_groups, copy_origin_problems
from panel_tui.core.gitstore.lineage import BlobStore, Lineage, lineages
from panel_tui.core.gitstore.lineage_check import copy_problems, kept_aside_problems, log_problems, session_problems
from panel_tui.core.gitstore.run import REFUSED_FILE, GitFailed, _git, _rel, blob, ensure_ignored, work_tree
from panel_tui.core.gitstore.versions import LogVersion, common_prefix, entry_line, extension_problem, parse_version
from panel_tui.core.inspection import LOG_FILE
from panel_tui.core.tomlfile import MAX_RECORD_BYTES, read_regular


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
    copy_rel = rel[: -len(LOG_FILE)] + COPY_FILE
    folder = rel[: -len(LOG_FILE)].rstrip("/")
    files = [rel, aside_rel, copy_rel]
    specs = [f":(literal){folder}"] if folder else [f":(literal){f}" for f in files]  # one: Bloom filters apply
    found = lineages(root, "HEAD", pathspecs=specs, only=set(files))
    with BlobStore(root) as store:
        copied = copy_origin_problems(root, found[rel], store) if rel in found else []  # one git grep
        return rel, copied + session_problems(root, rel, session_dir, found, store, verified)


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


def _one_pass(session_dir: Path) -> tuple[Path, str, dict[str, Lineage], BlobStore] | Literal[False] | None:
    """The repository's one-pass reading for this session, when inside one_history_per_repository:
    (root, the log's path, every lineage, the blob stream); False outside git; None outside the block."""
    cache, stores = _REPO_HISTORY.get(), _STORES.get()
    if cache is None or stores is None:
        return None
    root = work_tree(session_dir)
    if root is None:
        return False
    rel = _rel(root, session_dir / LOG_FILE)
    _read_pass(root, cache, stores)
    return root, rel, cache[root], stores[root]


_COPIES: dict[Path, set[str]] = {}  # work tree -> its logs that share a [log] table (from the one pass)


def _read_pass(root: Path, cache: dict[Path, dict[str, Lineage]], stores: dict[Path, BlobStore]) -> None:
    """The repository's one pass, read the first time any session there asks."""
    if root not in cache:
        cache[root] = lineages(root)
        stores[root] = BlobStore(root)
        _COPIES[root] = copy_groups(root, cache[root], stores[root])  # logs sharing a [log] table: usually none


def deleted_logs(folder: Path, scanned: set[Path]) -> list[tuple[Path, str]]:
    """Inside one_history_per_repository (an audit): every log under ``folder`` that history holds
    and the disk does not, in a folder the audit did not read (``git rm -r`` of a session), as
    (its folder, the audit's word); a log whose record continues at another path is not listed
    (the continuation's own check compares them)."""
    from panel_tui.core.gitstore.deleted import gone_from

    cache, stores = _REPO_HISTORY.get(), _STORES.get()
    root = work_tree(folder)
    if cache is None or stores is None or root is None:
        return []
    try:
        _read_pass(root, cache, stores)
        out = []
        top, seen = folder.resolve(), None
        for rel, lin in sorted(cache[root].items()):
            if not rel.endswith(LOG_FILE) or lin.head is not None or rel in _COPIES.get(root, ()):
                continue
            where = (root / rel).parent.resolve()  # only for a log HEAD no longer has
            seen = seen if seen is not None else {f.resolve() for f in scanned}
            if where in seen or (where / LOG_FILE).exists() or not where.is_relative_to(top):
                continue
            gone = gone_from(lin, stores[root].read([e.old for e in lin.edges[:1] if e.old]))
            if gone is not None:
                out.append((where, f"log deleted: {gone.line()}; {gone.fix()}"))
        return out
    except GitFailed:
        return []  # the sessions read already say "history unreadable"


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
                problems = copy_origin_problems(root, lin, store)  # a new folder's log continues its origin
                problems += log_problems(root, lin, (root / rel).parent, store, working=False)
            elif rel == COPY_FILE or rel.endswith("/" + COPY_FILE):
                problems = copy_problems(root, lin)
            else:
                problems = kept_aside_problems(root, lin, store)
            out += [(rel, p) for p in problems if not p.accepted]
    return out


def sign_off_tag_problems(
    session_dir: Path, verified: bytes | None = None, lineage: Lineage | None = None, store: BlobStore | None = None
) -> list[str]:
    """Each ``panel/<session>/sign-off-N`` tag that names no sign-off in the working log
    (``verified``, ``lineage``, ``store``: what the caller already has, see session_tag_problems)."""
    from panel_tui.core.gitstore.tags import session_tag_problems

    root = work_tree(session_dir)
    if root is None or not (session_dir / LOG_FILE).exists():
        return []
    return session_tag_problems(root, session_dir, verified, lineage, store)


def history_unchecked(session_dir: Path) -> bool:
    """A session inside a git work tree whose history cannot be read (git missing or refusing the
    repository, a shallow clone, an unborn HEAD): verify and the audit then say "history not
    checked", never a silent "intact" (``trust.unchecked_reason`` says why)."""
    from panel_tui.core.gitstore.trust import unchecked_reason

    return unchecked_reason(session_dir) is not None


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
    from panel_tui.core.gitstore.trust import unchecked_reason

    why = unchecked_reason(session_dir)  # git missing, refusing, shallow, or HEAD unborn: said, never "intact"
    if why:
        return f"history not checked ({why})", []
    lineage, store, one = None, None, None
    try:
        one = _one_pass(session_dir)
        if one is False:
            rel, problems = None, []
        elif one is not None:
            root, rel, found, store = one
            lineage = found.get(rel)
            problems = copy_origin_problems(root, lineage, store) if lineage and rel in _COPIES.get(root, ()) else []
            problems += session_problems(root, rel, session_dir, found, store, verified)
        else:
            rel, problems = check_history(session_dir, verified)
    except GitFailed as exc:
        return f"history unreadable: {exc}", []
    accepted = list(dict.fromkeys(f"{p.commit[:10]}: {p.accepted}" for p in problems if p.accepted))
    problems = [p for p in problems if not p.accepted]
    if problems:
        return f"history rewritten: {problems[0].line(rel or LOG_FILE)}", accepted
    if isinstance(one, tuple):  # the work tree is known: not looked up again
        from panel_tui.core.gitstore.tags import session_tag_problems

        has_log = (session_dir / LOG_FILE).exists()
        tags = session_tag_problems(one[0], session_dir, verified, lineage, store, one[1]) if has_log else []
    else:
        tags = sign_off_tag_problems(session_dir, verified)
    return (f"sign-off tag without its sign-off: {tags[0]}" if tags else None), accepted


def deleted_status(session_dir: Path) -> str | None:
    """The audit's word on a session whose log is missing from disk while history holds it (from
    the one pass when inside one_history_per_repository: no git process), or None."""
    from panel_tui.core.gitstore.deleted import deleted_log, gone_from

    try:
        one = _one_pass(session_dir) if not (session_dir / LOG_FILE).exists() else False
        if one is None:
            gone = deleted_log(session_dir)
        elif one is False:
            return None
        else:
            root, rel, found, store = one
            lin = found.get(rel)
            ends = [lin.head, *(e.old for e in lin.edges[:1])] if lin else []
            gone = gone_from(lin, store.read([o for o in ends if o])) if lin else None
    except GitFailed as exc:
        return f"history unreadable: {exc}"
    return f"log deleted: {gone.line()}; {gone.fix()}" if gone else None


def check_against(session_dir: Path, ref: str) -> str | None:
    """Does the local log extend the one at ``ref`` (e.g. origin/main)? A problem line, or None.

    Raises InputError when the session is not in git or ``ref`` is unknown.
    """
    root = work_tree(session_dir)
    if root is None:
        raise InputError(
            session_dir,
            None,
            "not inside a git work tree, so there is no REF to compare with.",
            "drop --against, or keep the session in a git repository.",
        )
    if _git(root, "rev-parse", "--verify", "-q", f"{ref}^{{commit}}", check=False).returncode != 0:
        raise InputError(
            None,
            "--against",
            f"{ref!r} is not a commit in {root}.",
            "name a branch, tag or commit (e.g. origin/main; run `git fetch` first).",
        )
    rel = _rel(root, session_dir / LOG_FILE)
    theirs = parse_version(blob(root, ref, rel))
    if theirs is None:
        return None
    path = root / rel
    ours = (
        parse_version(read_regular(path, "decision log", MAX_RECORD_BYTES))
        if path.exists()
        else LogVersion(theirs.header, [])
    )
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
