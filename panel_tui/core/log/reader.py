"""Reading a log: parse, check every entry's shape, chain and rules, then the file's exact bytes.

One pass, in order; the first problem found is the one reported, so a tampered entry is never
hidden behind a torn tail after it, and a comment or re-layout (valid TOML, valid hashes) still
fails as "not in canonical form".

Its parts: ``as_written`` (the quick parse of the writer's own layout, replayed here before it is
believed) and ``header_checks`` (the framework in force and format 1's date, asked of the [log]
table); their names are still importable from here.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from panel_tui.core.errors import InputError, RuleRefused
from panel_tui.core.log.as_written import parse_as_written
from panel_tui.core.log.chain import canonical_hash, first_difference, render_log
from panel_tui.core.log.entries import LOG_FORMATS
from panel_tui.core.log.header_checks import format_1_too_late, framework_problem
from panel_tui.core.log.rules import validate
from panel_tui.core.log.schema import ShapeError, check_entry, check_header
from panel_tui.core.log.state import LogState
from panel_tui.core.log.trailing import complete_entry_before, error_line, extra_bytes_problem
from panel_tui.core.tomlfile import decode_text, limit_problem, read_bytes

if TYPE_CHECKING:
    from panel_tui.core.engine import Rating
    from panel_tui.core.inspection import Inspection

__all__ = [  # parse_as_written, framework_problem and format_1_too_late moved out, still importable here
    "ENTRY_HEADER",
    "MAX_LOG_BYTES",
    "check_head",
    "format_1_too_late",
    "framework_problem",
    "parse_as_written",
    "read_state",
    "replay",
    "verify_bytes",
    "verify_structure",
]

MAX_LOG_BYTES = 64 * 1024 * 1024
ENTRY_HEADER = re.compile(rb"^\[\[entry\]\][ \t]*\r?$", re.M)


def _fail(state: LogState, message: str, entry: int | None = None) -> LogState:
    state.problem, state.problem_entry = message, entry
    return state


def read_state(path: Path, insp: Inspection, rating: Rating | None = None) -> LogState:
    """Read, verify and replay a log. Problems are reported in ``state.problem``, never raised."""
    state = LogState(path)
    try:
        data = read_bytes(path, "decision log", MAX_LOG_BYTES)
    except (InputError, OSError) as exc:
        return _fail(state, f"unreadable log: {exc}")
    return verify_bytes(state, data, insp, rating)


def verify_bytes(state: LogState, data: bytes, insp: Inspection, rating: Rating | None = None) -> LogState:
    """Verify ``data`` as the log at ``state.path``: parse, replay, then the canonical bytes."""
    path = state.path
    try:
        text = decode_text(data, path, "decision log")
    except InputError as exc:
        return _fail(state, f"unreadable log: {exc}")
    quick = _verified_as_written(path, data, text, insp, rating, state)
    if quick is not None:
        for f in fields(LogState):
            setattr(state, f.name, getattr(quick, f.name))
        return state
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return _torn_or_unparseable(state, data, insp, rating, exc)
    except (RecursionError, ValueError) as exc:  # tomllib lets int()'s digit limit through as ValueError
        place, problem = limit_problem(exc, text)
        return _fail(
            state, f"{path}: {place + ': ' if place else ''}unparseable log: {problem}. Nothing was overwritten."
        )
    replay(state, doc, insp, rating)
    if state.problem is None:
        _check_canonical(state, data)
    if state.problem is None:
        state.raw = data
    return state


# --- the writer's own layout, read without tomllib (as_written.py) -----------------------------
# What parse_as_written gives is never trusted for what it is: it is replayed through every check
# (shape, seq, chain, hash, rules) and the file's bytes must then equal the rendering of the tables
# read. Equal bytes mean the file is the writer's rendering of those tables, which tomllib reads
# back as the same tables, so the verdict is the one tomllib would have given. On anything else (a
# layout this does not know, any problem found, any error) the log is read again from its bytes
# with tomllib, so every message about a bad log is exactly what it was.


def _verified_as_written(
    path: Path, data: bytes, text: str, insp: Inspection, rating: Rating | None, given: LogState | None = None
) -> LogState | None:
    """The log replayed from :func:`parse_as_written` when every check passes and the bytes are its
    canonical rendering; None in every other case (the caller then reads it with tomllib).
    ``given``: the caller's state, whose kept-aside hashes (or where to read them) the trial keeps."""
    doc = parse_as_written(text)
    if doc is None:
        return None
    trial = LogState(path)
    if given is not None:
        trial.kept_aside_hashes, trial.kept_aside_problem = given.kept_aside_hashes, given.kept_aside_problem
        trial.kept_aside_source = given.kept_aside_source
        trial.framework_copy_source = given.framework_copy_source
    try:
        replay(trial, doc, insp, rating)
        if trial.problem is None:
            _check_canonical(trial, data)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError, ArithmeticError):
        return None  # JSON gave something tomllib never gives (a null, a float): tomllib decides
    if trial.problem is not None:
        return None
    trial.raw = data
    return trial


def _torn_or_unparseable(
    state: LogState, data: bytes, insp: Inspection, rating: Rating | None, exc: Exception
) -> LogState:
    """A parse error: a torn tail only if every complete entry before the last header verifies."""
    path = state.path
    starts = [m.start() for m in ENTRY_HEADER.finditer(data)]
    if starts:
        cut = starts[-1]
        try:
            prefix_doc = tomllib.loads(data[:cut].decode("utf-8"))
        except (ValueError, RecursionError):  # TOMLDecodeError is a ValueError
            prefix_doc = None
        if prefix_doc is not None:
            line = data.count(b"\n", 0, cut) + 1
            replay(state, prefix_doc, insp, rating)
            if state.problem is None and _extra_after_last(state, prefix_doc, data, cut, exc, insp, rating):
                return state
            if state.problem is None:
                _check_canonical(state, data[:cut].removesuffix(b"\n"), torn_at=line)
            if state.problem is not None:
                state.problem += f" The last entry (from line {line}) is also incomplete."
                return state
            state.torn = True
            return _fail(
                state,
                f"{path}: torn tail: the last entry (from line {line}) is incomplete, as if a write "
                f"was cut off; the {len(state.entries)} entries before it verify. Nothing was "
                "overwritten. Fix: restore the file from a backup, or remove the incomplete lines "
                f"from line {line} after checking what they were.",
            )
    return _fail(state, f"{path}: unparseable log: {exc}. Nothing was overwritten.")


def _extra_after_last(
    state: LogState,
    prefix_doc: dict[str, Any],
    data: bytes,
    cut: int,
    exc: Exception,
    insp: Inspection,
    rating: Rating | None,
) -> bool:
    """Bytes that do not parse after a last entry that is complete and verifies (trailing.py):
    the problem names those bytes, never the entry, and True is returned."""
    err = error_line(exc)
    found = complete_entry_before(data, cut, _offset_of_line(data, err) if err else len(data))
    if found is None or found[1].get("hash") != canonical_hash(found[1]):
        return False
    trial = LogState(state.path)
    trial.kept_aside_hashes, trial.kept_aside_problem = state.kept_aside_hashes, state.kept_aside_problem
    trial.kept_aside_source, trial.framework_copy_source = state.kept_aside_source, state.framework_copy_source
    replay(trial, {**prefix_doc, "entry": [*prefix_doc.get("entry", []), found[1]]}, insp, rating)
    if trial.problem is not None or trial.header is None:
        return False
    expected = render_log(trial.header, trial.entries, evidence_verified=True)
    problem = extra_bytes_problem(state.path, data, expected, len(trial.entries))
    if problem is None:
        return False
    for f in fields(LogState):
        setattr(state, f.name, getattr(trial, f.name))
    _fail(state, problem)
    return True


def _check_canonical(state: LogState, data: bytes, torn_at: int | None = None) -> None:
    assert state.header is not None
    expected = render_log(state.header, state.entries, evidence_verified=True)  # replay checked the evidence
    if data == expected:
        return
    extra = extra_bytes_problem(state.path, data, expected, len(state.entries)) if torn_at is None else None
    if extra is not None:
        _fail(state, extra)
        return
    line = first_difference(data, expected)
    entry = data.count(b"\n[[entry]]\n", 0, _offset_of_line(data, line)) or None
    found = data.split(b"\n")[line - 1][:60].decode("utf-8", "replace") if line <= data.count(b"\n") + 1 else ""
    where = f" (entry {entry})" if entry else " (the [log] table)"
    _fail(
        state,
        f"{state.path}: not in canonical form at line {line}{where} ({found!r}): the file is not exactly what "
        "panel-tui writes (a comment, a re-layout or an edit). Its entries' hashes may still match, but a "
        "decision log must be byte-for-byte the writer's output. Fix: restore the file from a backup or "
        "its git history; nothing was overwritten.",
        entry,
    )


def _offset_of_line(data: bytes, line: int) -> int:
    pos = 0
    for _ in range(line - 1):
        pos = data.find(b"\n", pos) + 1
        if pos == 0:
            return len(data)
    return pos


def replay(state: LogState, doc: dict[str, Any], insp: Inspection, rating: Rating | None = None) -> LogState:
    """Check the header and every entry in order (shape, seq, chain, hash, rules) and fold it in."""
    from panel_tui.core.engine import rate

    path = state.path
    extra = set(doc) - {"log", "entry"}
    if extra:
        return _fail(
            state, f"{path}: unexpected top-level key(s): {', '.join(sorted(extra))} (only [log] and [[entry]])."
        )
    header = doc.get("log")
    if not isinstance(header, dict):
        return _fail(state, f"{path}: missing [log] table.")
    if header.get("format") not in LOG_FORMATS:
        return _fail(
            state, f"{path}: unknown log format {header.get('format')!r} (this version reads {', '.join(LOG_FORMATS)})."
        )
    try:
        check_header(header)
    except ShapeError as exc:
        return _fail(state, f"{path}: {exc}")
    state.header = header
    log_format = str(header["format"])
    late = format_1_too_late(header)
    if late:
        return _fail(state, f"{path}: {late}")
    if header["inspection_sha256"] != insp.sha256:
        return _fail(
            state,
            f"{path}: inspection changed: {insp.path.name} no longer matches the file the decisions "
            f"were made on (sha256 {str(header['inspection_sha256'])[:12]}…, now {insp.sha256[:12]}…).",
        )
    fw = insp.framework
    if header["framework"] != fw.id:
        return _fail(
            state,
            f"{path}: framework changed: the log was made under {header['framework']!r}, "
            f"the inspection names {fw.id!r}.",
        )
    problem = framework_problem(header, fw, insp.session_dir, state.framework_copy_source)
    if problem:
        return _fail(state, f"{path}: {problem}")
    entries = doc.get("entry", [])
    if not isinstance(entries, list):
        return _fail(state, f"{path}: 'entry' must be an array of tables.")
    rating = rating or rate(insp)
    prev = canonical_hash(header)
    for i, e in enumerate(entries, 1):
        if not isinstance(e, dict):
            return _fail(state, f"{path}: entry {i} is not a table.", i)
        try:
            check_entry(e, i, log_format)
        except ShapeError as exc:
            return _fail(
                state, f"{path}: {exc} No writer of panel-tui produces this: the entry was made or changed by hand.", i
            )
        if e["seq"] != i:
            return _fail(state, f"{path}: entry {i}: seq gap or reorder (found seq {e['seq']!r}, expected {i}).", i)
        if e["prev"] != prev:
            return _fail(
                state,
                f"{path}: entry {i}: broken chain (prev does not match the hash of entry {i - 1}"
                f"{' (the [log] table)' if i == 1 else ''}).",
                i,
            )
        if e["hash"] != canonical_hash(e):
            return _fail(state, f"{path}: entry {i}: hash mismatch (the entry was changed after it was written).", i)
        if state.signed_off and e["kind"] != "reopen":
            return _fail(
                state, f"{path}: entry {i}: entries after sign-off (entry {state.sign_off_seq}) without a reopen.", i
            )
        try:
            validate(state, rating, e)
        except RuleRefused as exc:
            return _fail(state, f"{path}: entry {i}: breaks the log's rules: {exc.message}", i)
        state.apply(e)
        prev = e["hash"]
    return state


def verify_structure(path: Path, data: bytes) -> str | None:
    """A version of a log checked on its own without its inspection's rules: it parses, every entry
    has a writer's shape, seq, chain and hash, and the bytes are the writer's canonical form.

    For versions in git history whose inspection or framework file is no longer the one installed
    (the rules of the time cannot be run again); a current log is always checked in full.
    """
    try:
        doc = tomllib.loads(decode_text(data, path, "decision log"))
    except (InputError, ValueError, RecursionError) as exc:
        return f"does not parse ({exc})"
    state = LogState(path)
    header = doc.get("log")
    if set(doc) - {"log", "entry"} or not isinstance(header, dict) or header.get("format") not in LOG_FORMATS:
        return "is not a decision log this version writes (its top-level tables or [log] format)"
    try:
        check_header(header)
    except ShapeError as exc:
        return str(exc)
    late = format_1_too_late(header)
    if late:
        return late
    entries = doc.get("entry", [])
    if not isinstance(entries, list):
        return "'entry' is not an array of tables"
    prev = canonical_hash(header)
    for i, e in enumerate(entries, 1):
        try:
            if not isinstance(e, dict):
                raise ShapeError(f"entry {i} is not a table")
            check_entry(e, i, str(header["format"]))
        except ShapeError as exc:
            return f"{exc} (no writer of panel-tui produces this)"
        if e["seq"] != i or e["prev"] != prev or e["hash"] != canonical_hash(e):
            return f"entry {i}: its seq, prev or hash is not the chain's (changed after it was written)"
        prev = e["hash"]
    state.header, state.entries = header, entries
    _check_canonical(state, data)
    return state.problem.split(": ", 1)[1].split(" Fix:")[0] if state.problem else None


def check_head(state: LogState, head: str) -> str | None:
    """Compare with a head hash recorded elsewhere; a problem message, or None when it matches."""
    head = head.strip().lower()
    if state.head == head:
        return None
    later_entries = state.since(head)
    if later_entries is not None:
        later = len(later_entries)
        at = len(state.entries) - later
        return (
            f"the recorded head is {'the [log] table' if at == 0 else f'entry {at}'}; {later} "
            f"entr{'y' if later == 1 else 'ies'} {'was' if later == 1 else 'were'} added after it "
            f"(up to entry {len(state.entries)})."
        )
    return (
        f"the recorded head {head[:16]}… is not in this log, which ends at entry {len(state.entries)} "
        f"(head {str(state.head)[:16]}…): entries after the recorded head are missing (the tail was cut off) "
        "or the log was rewritten."
    )
