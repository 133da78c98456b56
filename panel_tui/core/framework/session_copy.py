"""A session keeps its rules: the framework a session with a log is rated, verified and exported by.

A decision log records the SHA-256 of the framework it was decided under. From format 4 on, the
framework's exact bytes are copied into the session (``framework.toml`` beside the log) at its
first entry, and that copy is the session's rules for good: a framework edited or reworded later,
in a ``frameworks/`` folder or in a new release of panel-tui, changes nothing for it. Older logs
(formats 1-3) kept no copy: their header hash is looked up among every released version of the
bundled framework they name (``panel_tui/frameworks/released/<sha256>.toml``), so a release may
reword a bundled file and every record made under an earlier release still verifies.

Only the choice of file is made here; whether its bytes match the log's header is the log
reader's check (a copy that disagrees is reported there as tampering, naming the file and the fix).
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import tomllib
from pathlib import Path
from typing import Any

from panel_tui.core.errors import InputError
from panel_tui.core.framework import discovery
from panel_tui.core.framework.in_force import Signature, _sidecar_entry, _signature
from panel_tui.core.framework.model import MAX_FRAMEWORK_BYTES, Framework
from panel_tui.core.framework.reader import parse_framework
from panel_tui.core.toml_quick import quick_toml
from panel_tui.core.tomlfile import read_bytes

COPY_FILE = "framework.toml"  # the session's own copy of its rules, beside decisions.toml
RELEASED = "released"  # panel_tui/frameworks/released/<sha256>.toml: every released bundled version
_LOG_FILE = "decisions.toml"  # (core.inspection.LOG_FILE; not imported: inspection imports this package)
_HEADER_BYTES = 8192  # the [log] table is the log's first chunk, a few hundred bytes
_SHA_RE = re.compile(r"[0-9a-f]{64}")

# parsed copies and released versions by their bytes' SHA-256 (the audit reads hundreds of sessions
# holding the same copy: each is parsed once and kept once, not once per session)
_COPIES: dict[tuple[str, str], Framework] = {}
# a session copy's SHA-256 by its path, kept while the file's signature holds (see copy_sha256)
_HASHES: dict[str, tuple[Signature, str]] = {}


def released_dir() -> Path:
    return discovery.FRAMEWORK_DIR / RELEASED


def log_header(log_path: Path) -> dict[str, Any] | None:
    """The ``[log]`` table of a decision log, read from its first chunk alone (None when there is
    no log, or its head does not read: the log reader then names what is wrong)."""
    try:  # never blocking: a FIFO at the log's name is refused by the log reader, not waited on
        fd = os.open(log_path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        head = os.read(fd, _HEADER_BYTES)
    except OSError:
        return None
    finally:
        os.close(fd)
    chunk = head.split(b"\n\n", 1)[0]
    try:
        text = chunk.decode("utf-8")
        doc = quick_toml(text)  # a header as the writer writes it; anything else tomllib reads
        table = (doc if doc is not None else tomllib.loads(text)).get("log")
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, ValueError, RecursionError):  # (an integer too long)
        return None
    return table if isinstance(table, dict) else None


def keeps_copy(log_format: object) -> bool:
    """Whether a log of this format keeps its framework in the session (format 4 on)."""
    from panel_tui.core.log.entries import LOG_FORMAT_V1, LOG_FORMAT_V2, LOG_FORMAT_V3

    return isinstance(log_format, str) and log_format not in (LOG_FORMAT_V1, LOG_FORMAT_V2, LOG_FORMAT_V3)


def _parse_cached(path: Path, origin: str, sidecar: tuple[dict[str, Any], Path] | None = None) -> Framework:
    sig = _signature(str(path)) if origin == "session" else None  # taken before the read: a later change shows
    data = read_bytes(path, "framework file", MAX_FRAMEWORK_BYTES)
    key = (hashlib.sha256(data).hexdigest(), origin)
    if sig is not None:  # the log reader's check of the copy (copy_sha256) need not read it a second time
        _HASHES[str(path)] = (sig, key[0])
    cached = _COPIES.get(key)
    if cached is None:
        cached = _COPIES[key] = parse_framework(data, path, sidecar, origin)
    return cached if cached.path == path else _at(cached, path)


def _at(fw: Framework, path: Path) -> Framework:
    """``replace(fw, path=path)`` for the same bytes read at another path, without running the frozen
    dataclass's ``__init__`` again: its fields (and its cached band tables, which depend on the bands
    and standards, never the path) copied as they are. The audit makes one per session."""
    new = object.__new__(Framework)
    new.__dict__.update(fw.__dict__)
    object.__setattr__(new, "path", path)
    return new


def read_copy(session_dir: Path, framework_id: str) -> Framework | None:
    """The session's own copy of its rules (None when there is none). A link planted there, a copy
    that does not read, or a copy of another framework than the one named is refused."""
    path = session_dir / COPY_FILE
    restore = (
        f"put back the session's own copy: `git checkout -- {COPY_FILE}` in the session's folder, or restore "
        "it from a backup (it is written once, at the first entry, and never changed)."
    )
    if os.path.islink(path):
        raise InputError(path, None, "is a symbolic link; a session's rules are never read through a link.", restore)
    if not os.path.lexists(path):
        return None
    try:
        fw = _parse_cached(path, "session")
    except InputError as exc:
        raise InputError(
            path, exc.place, f"the session's copy of its rules does not read: {exc.problem}", restore
        ) from None
    if fw.id != framework_id:
        raise InputError(
            path,
            "[framework]",
            f"the session's copy of its rules is framework '{fw.id}', but the "
            f"inspection and the log name '{framework_id}'.",
            restore,
        )
    return fw


def released_version(framework_id: str, sha256: object) -> Framework | None:
    """A released version of a bundled framework, by the hash a log recorded (None when the package
    holds no such version, or it is another framework's)."""
    if not isinstance(sha256, str) or not _SHA_RE.fullmatch(sha256):
        return None
    path = released_dir() / f"{sha256}.toml"
    if not path.is_file():
        return None
    sidecar = _sidecar_entry(discovery.FRAMEWORK_DIR, framework_id)
    fw = _parse_cached(path, "released", sidecar)
    return fw if fw.id == framework_id and fw.sha256 == sha256 else None


def session_framework(framework_id: str, session_dir: Path) -> Framework:
    """The framework a session is rated by: with a log, the rules it was decided under (its own
    copy; for an older log without one, the released version its hash names); else the one found
    by id (frameworks folders at or above the session, then the bundled ones)."""
    header = log_header(session_dir / _LOG_FILE)
    if header is not None and header.get("framework") == framework_id:
        if keeps_copy(header.get("format")):
            own = read_copy(session_dir, framework_id)
            if own is not None:
                want = header.get("framework_sha256")
                if own.sha256 == want:
                    return own
                # a copy edited or swapped after the first entry: the log reader names the tampering,
                # and the view beside that warning is rated by the rules the log names when they are
                # still to be had (released, or the framework found by id unchanged), not the forgery
                return _by_hash(framework_id, want, session_dir) or own
            # no copy: rated by the one found by id, and the log reader names the missing copy
        else:
            found = released_version(framework_id, header.get("framework_sha256"))
            if found is not None:
                return found
    return discovery.load_framework(framework_id, near=session_dir)


def _by_hash(framework_id: str, sha256: object, session_dir: Path) -> Framework | None:
    """The framework with this id and these exact bytes, if the package or a frameworks folder has it."""
    found = released_version(framework_id, sha256)
    if found is not None:
        return found
    try:
        by_id = discovery.load_framework(framework_id, near=session_dir)
    except InputError:
        return None
    return by_id if by_id.sha256 == sha256 else None


def copy_sha256(session_dir: Path) -> str | None:
    """The SHA-256 of the session's copy of its rules; None when there is none, "not a file" for a
    link (never read through), a folder or an unreadable file. Hashed once per content: the audit
    asks for every session."""
    path = session_dir / COPY_FILE
    if os.path.islink(path):
        return "not a file"
    sig = _signature(str(path))
    if sig is None:
        return None if not os.path.lexists(path) else "not a file"
    cached = _HASHES.get(str(path))
    if cached is not None and cached[0] == sig:
        return cached[1]
    try:
        found = hashlib.sha256(read_bytes(path, "framework file", MAX_FRAMEWORK_BYTES)).hexdigest()
    except InputError:
        return "not a file"
    _HASHES[str(path)] = (sig, found)
    return found


def rules_note(fw: Framework, session_dir: Path) -> str | None:
    """Where a session's rules were read from, when that is not the framework found by id today (one
    edited or reworded since the first entry): said by verify, so nobody wonders which rules apply."""
    if fw.origin not in ("session", "released"):
        return None
    try:
        now = discovery.load_framework(fw.id, near=session_dir)
    except InputError as exc:
        now_text = f"no framework '{fw.id}' is found by id now ({exc.problem.rstrip('.')})"
    else:
        if now.sha256 == fw.sha256:
            return None
        now_text = f"{now.path} has changed since (sha256 {now.sha256[:12]}…)"
    where = f"the session's own copy, {fw.path}" if fw.origin == "session" else f"{fw.id} as released, {fw.path}"
    return (
        f"rules: {where} (sha256 {fw.sha256[:12]}…), the rules the log was decided under; {now_text}: "
        "the session keeps its own."
    )


def write_copy(session_dir: Path, fw: Framework) -> None:
    """Store the framework's exact bytes in the session (the first entry's write, under the session's
    lock): written atomically, never through a link, and only the bytes whose hash the log records."""
    from panel_tui.core.filelock import atomic_write

    data = read_bytes(fw.path, "framework file", MAX_FRAMEWORK_BYTES)
    if hashlib.sha256(data).hexdigest() != fw.sha256:
        raise InputError(
            fw.path,
            None,
            "changed while this entry was being recorded, so the session cannot keep "
            "the rules the inspection was loaded with; nothing was written.",
            "record the entry again.",
        )
    atomic_write(session_dir / COPY_FILE, data)


def cache_clear() -> None:
    _COPIES.clear()
    _HASHES.clear()
