"""Writing a log: one entry at a time, under the session's lock, on the view it was prepared on.

A write states the head it was prepared on (``expect_head``); if another process recorded an
entry since, the write is refused and the new entries are named, so a screen left open never
overrides a decision it did not see. The new file is built from the verified bytes plus the
entry's canonical chunk, parsed and compared before it replaces the old one: the writer never
leaves a file that does not verify.
"""

from __future__ import annotations

import getpass
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from panel_tui.core.clock import now_rfc3339
from panel_tui.core.display import one_line
from panel_tui.core.errors import RuleRefused
from panel_tui.core.filelock import atomic_write, session_lock
from panel_tui.core.log.chain import canonical_hash, render_entry, render_header
from panel_tui.core.log.entries import (
    DECLINED,
    DISCRETION,
    ENTERED_BY_FORMATS,
    LOG_FORMAT,
    LOG_FORMAT_V1,
    NO_LOG,
    PROPOSAL,
    RATIFICATION,
    SIGN_OFF,
    Entry,
    entry_line,
)
from panel_tui.core.log.evidence import evidence_of, sign_off_record
from panel_tui.core.log.reader import read_state
from panel_tui.core.log.rules import validate
from panel_tui.core.log.schema import ShapeError, check_entry
from panel_tui.core.log.state import LogState

if TYPE_CHECKING:
    from panel_tui.core.engine import Rating
    from panel_tui.core.inspection import Inspection


class StaleView(RuleRefused):
    """The log moved on since the view a write was prepared on; nothing was written."""

    def __init__(self, expected: str, state: LogState, exists: bool) -> None:
        self.expected = expected
        self.current = state.head if exists and state.head else NO_LOG
        self.new_entries: list[Entry] | None = state.since(expected) if expected != NO_LOG else list(state.entries)
        if not exists:
            self.new_entries = []
            what = "the log it was prepared on is no longer on disk"
        elif self.new_entries is None:
            what = (
                f"the head it was prepared on ({expected[:16]}…) is not in this log at all "
                "(a different or rewritten log)"
            )
        else:
            what = "since then: " + "; ".join(describe(e) for e in self.new_entries)
        super().__init__(
            "stale-view",
            f"the log changed after this was prepared: {what}. Nothing was written. "
            f"Check the new entries, then submit again on the current head "
            f"({self.current}).",
        )


def describe(e: Entry) -> str:
    """One line naming an entry and who made it: 'entry 7 discretion 2.2 Requires improvement -> Good by X'."""
    return f"{entry_line(e)} by {one_line(str(e.get('by')), 60)}"


@dataclass
class Appended:
    """A recorded entry and the log's state after it (so a caller need not read the log again)."""

    entry: Entry
    state: LogState


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None and v != ""}


ENTERED_BY_ENV = "PANEL_TUI_ENTERED_BY"  # who enters entries from this shell, when --entered-by is not given


def who_enters(session_dir: Path) -> str:
    """Who is entering an entry, when the caller does not say (format 3's ``entered_by``).

    In order: the ``PANEL_TUI_ENTERED_BY`` setting; git's ``user.name`` (with ``<user.email>`` when
    set) for the session's work tree, when the session is in git; else the login name. An explicit
    ``--entered-by`` (the fields' ``entered_by``) comes before all of these.
    """
    named = os.environ.get(ENTERED_BY_ENV, "").strip()
    if named:
        return named
    from_git = _git_identity(session_dir)
    if from_git:
        return from_git
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no login name and no passwd entry (a bare container)
        return f"uid {os.getuid()}" if hasattr(os, "getuid") else "unknown user"


def _git_identity(session_dir: Path) -> str | None:
    """``Name <email>`` (or the name alone) from git's configuration for the session's work tree."""
    from panel_tui.core.errors import InputError
    from panel_tui.core.gitstore.run import GitFailed, _git, work_tree

    try:
        root = work_tree(session_dir)
        if root is None:
            return None
        name = _git(root, "config", "user.name", check=False).stdout.decode("utf-8", "replace").strip()
        if not name:
            return None
        email = _git(root, "config", "user.email", check=False).stdout.decode("utf-8", "replace").strip()
    except (InputError, GitFailed, OSError):
        return None
    return f"{name} <{email}>" if email else name


def new_header(insp: Inspection) -> dict[str, Any]:
    return {
        "format": LOG_FORMAT,
        "service": insp.service,
        "inspection_sha256": insp.sha256,
        "framework": insp.framework.id,
        "framework_sha256": insp.framework.sha256,
        "created": now_rfc3339(),
    }


def build_entry(state: LogState, rating: Rating, kind: str, fields: dict[str, Any]) -> Entry:
    """Fill in seq, time, who entered it (format 3), supersedes, evidence and the sign-off record;
    validate; hash.

    ``fields["entered_by"]`` (``--entered-by``) says who enters it; when it is not given, a format-3
    entry gets :func:`who_enters`. A format-1 or format-2 log is appended to in its own format: no
    ``entered_by`` is recorded there.
    """
    assert state.header is not None
    log_format = str(state.header["format"])
    e: Entry = {"seq": state.next_seq, "at": now_rfc3339(), "kind": kind}
    e.update(_clean(fields))
    if log_format in ENTERED_BY_FORMATS:
        if "entered_by" not in e:
            e["entered_by"] = who_enters(state.path.parent)
    else:
        e.pop("entered_by", None)
    sid = e.get("standard")
    known = any(s.id == sid for s in rating.standards)
    if kind in (DISCRETION, PROPOSAL, DECLINED) and known:
        s = rating.standard(sid)  # type: ignore[arg-type]
        e.setdefault("from" if kind != DECLINED else "band", s.computed)
        if kind in (DISCRETION, DECLINED):
            e["evidence"] = evidence_of(s, log_format)
            standing = state.standing(kind, sid)
            if standing is not None:
                e["supersedes"] = standing["seq"]
            proposal = state.standing(PROPOSAL, sid)
            if proposal is not None and log_format != LOG_FORMAT_V1:
                e["answers"] = proposal["seq"]
    if kind == RATIFICATION and known:
        s = rating.standard(sid)  # type: ignore[arg-type]
        e.setdefault("from", s.proposed)
        e.setdefault("to", s.proposed)
        standing = state.standing(kind, sid)
        if standing is not None:
            e["supersedes"] = standing["seq"]
    if kind == SIGN_OFF:
        e.update(sign_off_record(state, rating))
    if kind == DISCRETION and e.get("outside_reason"):
        e["outside_criteria"] = True
    validate(state, rating, e)
    from panel_tui.core.people import check_names  # write-time only: logs already recorded stay valid

    check_names(state, e)
    e["prev"] = state.head
    e = tomllib.loads(render_entry(e, log_format == LOG_FORMAT_V1).decode("utf-8"))["entry"][0]
    e["hash"] = canonical_hash(e)
    try:
        check_entry(e, e["seq"], log_format)
    except ShapeError as exc:
        raise RuleRefused("shape", str(exc)) from None
    return e


def _state_for_writing(path: Path, insp: Inspection, rating: Rating) -> LogState:
    """The log's state to build the next entry on; refuses a log that does not verify."""
    if path.exists():
        state = read_state(path, insp, rating)
        if state.problem:
            raise RuleRefused("log-does-not-verify", f"{state.problem} Nothing was written.")
        return state
    header = tomllib.loads(render_header(new_header(insp)).decode("utf-8"))["log"]
    return LogState(path, header=header, raw=render_header(header))


def append(
    session_dir: Path, insp: Inspection, kind: str, fields: dict[str, Any], expect_head: str | None = None
) -> Appended:
    """Validate and append one entry, on disk (fsynced) before returning it.

    Under the lock the log is read and verified again; ``expect_head`` (the head the caller's view
    was built on, or NO_LOG) must still be the head, or the write is refused with the new entries
    named. The new bytes are parsed and compared with what was meant before they replace the file.
    """
    done = append_all(session_dir, insp, [(kind, fields)], expect_head)
    return Appended(done.entries[0], done.state)


@dataclass
class AppendedAll:
    entries: list[Entry]
    state: LogState


def append_all(
    session_dir: Path, insp: Inspection, items: list[tuple[str, dict[str, Any]]], expect_head: str | None = None
) -> AppendedAll:
    """Append several entries in one write: all of them are recorded, or none (each validated on the
    state the ones before it leave, e.g. ratifying every judgement standard as proposed)."""
    from panel_tui.core.engine import rate
    from panel_tui.core.framework.session_copy import keeps_copy, write_copy
    from panel_tui.core.inspection import LOG_FILE

    path = session_dir / LOG_FILE
    with session_lock(path):
        rating = rate(insp)
        existed = path.exists()
        state = _state_for_writing(path, insp, rating)
        if expect_head is not None:
            current = state.head if existed else NO_LOG
            if expect_head.strip().lower() != current:
                raise StaleView(expect_head.strip().lower(), state, existed)
        assert state.raw is not None and state.header is not None
        v1 = state.header["format"] == LOG_FORMAT_V1
        before = len(state.entries)
        new = state.raw
        who: str | None = None  # worked out once per write (git config runs a process)
        try:
            for kind, fields in items:
                if state.header["format"] in ENTERED_BY_FORMATS and _clean(fields).get("entered_by") is None:
                    who = who or who_enters(session_dir)
                    fields = {**fields, "entered_by": who}
                entry = build_entry(state, rating, kind, fields)
                new += b"\n" + render_entry(entry, v1)
                state.apply(entry)
        except RuleRefused as exc:
            if len(items) > 1:
                exc.message = (
                    f"entry {len(state.entries) - before + 1} of {len(items)}: {exc.message} Nothing was written."
                )
            raise
        added = state.entries[before:]
        _check_written(new, state)
        for stale in path.parent.glob(f".{path.name}.tmp-*"):  # left by a writer that was killed
            stale.unlink(missing_ok=True)
        if not existed and keeps_copy(state.header["format"]):
            write_copy(session_dir, insp.framework)  # the session keeps its rules: before the log names them
        atomic_write(path, new)
    state.raw = new
    return AppendedAll(added, state)


def _check_written(new: bytes, state: LogState) -> None:
    """The bytes about to replace the log must parse back to exactly the entries meant (``state``,
    with the new entries applied)."""
    try:
        doc = tomllib.loads(new.decode("utf-8"))
    except tomllib.TOMLDecodeError as exc:  # pragma: no cover - would be a writer bug
        raise RuleRefused("write-check", f"the new log would not parse ({exc}); nothing was written.") from None
    assert state.header is not None
    if doc != {"log": state.header, "entry": state.entries}:  # pragma: no cover - a writer bug
        raise RuleRefused("write-check", "the new log would not read back as written; nothing was written.")


def append_entry(
    session_dir: Path, insp: Inspection, kind: str, fields: dict[str, Any], expect_head: str | None = None
) -> Entry:
    """:func:`append`, returning only the entry."""
    return append(session_dir, insp, kind, fields, expect_head).entry
