"""A log copied or moved to a new folder is the continuation of the log it came from.

Two logs with the same ``[log]`` table (the same inspection hash, framework and ``created``) are
one session's record. A log that first appears in history carrying another path's [log] table (a
copy, or a move git did not see as a rename) is compared with that log as it stood in the
creating commit's parents: a copy that dropped or changed an entry on the way is named, though its
own history starts clean. The audit finds such logs from its one pass (``copy_groups``: the
working files' first bytes, no git process unless two logs share a table); verify and sync ask one
``git grep`` per created log.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from panel_tui.core.gitstore.accepted import HistoryProblem
from panel_tui.core.gitstore.lineage import BlobStore, Edge, Lineage
from panel_tui.core.gitstore.run import _git, blob
from panel_tui.core.gitstore.versions import LogVersion, extension_problem, parse_version
from panel_tui.core.inspection import LOG_FILE

_KEYS = (b"inspection_sha256 = ", b"framework = ", b"created = ")
_LOGS = [f":(literal){LOG_FILE}", f":(glob)**/{LOG_FILE}"]


def record_key(data: bytes | None) -> tuple[bytes, ...] | None:
    """What makes a log one session's record: its [log] table's inspection hash, framework and
    creation time, read from the canonical bytes (the table comes first), or None."""
    if not data or not data.startswith(b"[log]\n"):
        return None
    end = data.find(b"\n\n")
    lines = data[: end if end >= 0 else len(data)].split(b"\n")
    found = tuple(next((ln for ln in lines if ln.startswith(k)), b"") for k in _KEYS)
    return found if all(found) else None


def _created(lin: Lineage) -> list[Edge]:
    """The edges that created this log from nothing (a move git followed has ``moved_from``)."""
    return [e for e in lin.edges if e.old is None and e.new is not None and e.moved_from is None]


def copy_origin_problems(root: Path, lin: Lineage, store: BlobStore) -> list[HistoryProblem]:
    """For each commit that created this log (not a move git followed): if a log with the same
    record key stood at another path in that commit's parents, the new log must extend it."""
    out: list[HistoryProblem] = []
    for e in _created(lin):
        assert e.new is not None
        data = store.read([e.new]).get(e.new)
        key = record_key(data)
        if key is None:
            continue
        parents = [f"{e.commit}^1"] + ([f"{e.commit}^2"] if e.merge else [])  # a root commit: grep finds none
        grep = _git(
            root, "grep", "-l", "-z", "-F", "-e", key[2].decode("utf-8", "replace"), *parents, "--", *_LOGS, check=False
        )
        for item in grep.stdout.split(b"\0"):
            rev, _, path = item.decode("utf-8", "surrogateescape").partition(":")
            if not path or path == lin.rel:
                continue
            theirs = blob(root, rev, path)
            if record_key(theirs) != key:
                continue
            problem = _continuation_problem(theirs, data)
            if problem:
                commit = _git(root, "rev-parse", rev).stdout.decode().strip()
                out.append(
                    HistoryProblem(
                        e.commit,
                        e.author,
                        e.date,
                        f"{problem} (copied from {path} at {commit[:10]}: the same [log] table, one record)",
                    )
                )
            break
    return out


def _continuation_problem(theirs: bytes | None, ours: bytes | None) -> str | None:
    old = parse_version(theirs) or LogVersion(None, [])
    new = parse_version(ours) or LogVersion(None, [])
    return extension_problem(old, new)


def copy_groups(root: Path, found: dict[str, Lineage], store: BlobStore) -> set[str]:
    """The logs (paths) of the one pass that share their record key with another log: only these
    are asked ``copy_origin_problems`` (the rest cost no git process). A log's key is read from its
    working file's first bytes (a [log] table never changes in a history that verifies: a change is
    named by the history check itself); a log the disk no longer has, from its last version in git."""
    by_key: dict[tuple[bytes, ...], set[str]] = {}
    gone: dict[str, str] = {}
    for rel, lin in found.items():
        if not _is_log(rel):
            continue
        data = _first_bytes(root / rel)
        if data is None:
            last = next((o for o in (lin.head, *(e.old or e.new for e in lin.edges[:1])) if o), None)
            if last:
                gone[rel] = last
            continue
        key = record_key(data)
        if key is not None:
            by_key.setdefault(key, set()).add(rel)
    versions = store.read(list(gone.values())) if gone else {}
    for rel, oid in gone.items():
        key = record_key(versions.get(oid))
        if key is not None:
            by_key.setdefault(key, set()).add(rel)
    return {rel for rels in by_key.values() if len(rels) > 1 for rel in rels}


def _first_bytes(path: Path, size: int = 4096) -> bytes | None:
    """A regular file's first bytes, never blocking on a FIFO or following a link (None otherwise)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        return os.read(fd, size) if stat.S_ISREG(os.fstat(fd).st_mode) else None
    except OSError:
        return None
    finally:
        os.close(fd)


def _is_log(rel: str) -> bool:
    return rel == LOG_FILE or rel.endswith("/" + LOG_FILE)
