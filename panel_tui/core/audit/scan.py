"""Reading the sessions: each one read and verified exactly as ``verify`` does, summarised, let go.

Read-only by construction: it only reads files (no lock, no temporary file). A session that cannot
be read or whose log (or git history) does not verify is listed with its problem and never stops
the audit; its rows and figures are left out, since a broken log cannot be trusted.
"""

from __future__ import annotations

import gc
from collections import deque
from collections.abc import Callable, Generator, Iterator
from dataclasses import replace
from pathlib import Path

from panel_tui.core.audit.breakdown import Breakdown
from panel_tui.core.audit.figures import figures, summarise
from panel_tui.core.audit.names import Canonical
from panel_tui.core.audit.records import Audit, SessionRecord
from panel_tui.core.audit.rows import Row
from panel_tui.core.audit.same_record import deleted_records, log_alone, mark_same_record
from panel_tui.core.engine import rate
from panel_tui.core.errors import InputError
from panel_tui.core.inspection import LOG_FILE, load_inspection
from panel_tui.core.log import LogState, read_state
from panel_tui.core.sessions_dir import find_sessions


def _status(state: LogState) -> str:
    if state.problem is None:
        return "intact"
    if "inspection changed" in state.problem:
        return "inspection changed"
    if state.problem_entry is not None:
        return f"broken at entry {state.problem_entry}: {state.problem.split(': ', 2)[-1]}"
    return f"unreadable: {state.problem}"


# What a session's own files can make go wrong while it is read: listed as the session's problem,
# never raised, so one bad session (or a bad sibling in the precedents scan) stops nothing.
UNREADABLE = (InputError, OSError, RecursionError, ValueError, ArithmeticError)


def load_record(folder: Path, root: Path) -> SessionRecord:
    """One session's facts, figures and rows; its problem in ``log_status`` if it has one."""
    return Reading(folder, root).finish()


class Reading:
    """One session being read, in two steps: its own files first (the inspection, the log verified),
    then its git history. Between them the scan may hold it (see ``Scan``): a repository's history is
    one ``git log`` still running while the first sessions' own files are read on the other core."""

    def __init__(self, folder: Path, root: Path) -> None:
        self.rec = SessionRecord(str(folder.relative_to(root)) if folder.is_relative_to(root) else str(folder))
        self.steps = _load_record(folder, self.rec)
        self.done: SessionRecord | None = None
        self.holds = 0  # bytes of its log kept while it waits
        self.wants_history = self._step()  # its own files read now

    def _step(self) -> bool:
        """Run the next step; True when the history is what it waits for."""
        try:
            self.holds = next(self.steps)
            return True
        except StopIteration as stop:
            self.done = stop.value
        except UNREADABLE as exc:
            self.done = SessionRecord(self.rec.path)
            why = exc if isinstance(exc, InputError) else type(exc).__name__ + ": " + str(exc)
            self.done.log_status = f"unreadable: {why}"
        return False

    def finish(self) -> SessionRecord:
        """The whole record (its history checked, if it waits for that)."""
        while self.done is None:
            self._step()
        return self.done


def _load_record(folder: Path, rec: SessionRecord) -> Generator[int, None, SessionRecord]:
    """The steps of reading a session. Each ``yield`` comes before its git history is asked, giving
    the size of the log bytes it keeps while it waits (see ``Reading``); by then everything the log
    itself gives is worked out both ways, as if its history holds (``ok``) and as if it does not
    (``rec``), so a session held keeps its rows and figures, not its log, inspection and ratings."""
    try:
        insp = load_inspection(folder)
    except InputError as exc:
        rec.log_status = f"unreadable: {exc}"
        return rec
    rec.service, rec.framework, rec.fieldwork = insp.service, insp.framework.id, insp.fieldwork
    rec.lead_inspector = insp.lead_inspector
    rec.loaded = True
    computed = rate(insp, light=True)  # the audit shows no question's intervals
    rec.score, rec.max_score, rec.overall = computed.score, computed.max_score, computed.overall
    log_path = folder / LOG_FILE
    state = read_state(log_path, insp, computed) if log_path.exists() else None
    if state is None:  # finding 5: no log on disk, but history may hold one (then not "no log")
        from panel_tui.core.gitstore.history import deleted_status

        ok, error = _fresh_copy(rec), None
        ok.counted = True
        try:
            summarise(ok, None, computed)
        except Exception as exc:  # noqa: BLE001 - the session's only if it counts: raised below, as before
            error = exc
        del insp, computed
        yield 0  # history may hold the log (the scan may first read later sessions' own files)
        gone = deleted_status(folder)
        if gone:
            rec.log_status = gone
            return rec
        if error is not None:
            raise error
        return ok
    from panel_tui.core.audit.same_record import record_key
    from panel_tui.core.kept_aside import load_kept_aside, pending_count

    rec.record_key = record_key(state.header) if state.problem is None else None
    verified_bytes, state.raw = state.raw, None
    rec.log_status = _status(state)
    aside, aside_problem = load_kept_aside(folder)
    rec.kept_aside, rec.kept_aside_dismissed = pending_count(aside, state)
    if state.problem is not None:  # a broken log: no history asked, nothing counted
        return rec
    # issue 14: in git, a history that dropped or changed entries fails the session; what counts
    # if it holds is worked out first (an error doing so is the session's only if it counts)
    ok, error, final = _fresh_copy(rec), None, None
    try:
        final = rate(insp, state.finals, light=True)
        ok.score, ok.max_score, ok.overall = final.score, final.max_score, final.overall
        ok.signed_off = state.signed_off
        if aside_problem:
            ok.log_status, ok.signed_off = f"kept-aside entries changed: {aside_problem}", False
        else:
            ok.counted = True
            summarise(ok, state, final)
    except Exception as exc:  # noqa: BLE001 - raised below if the session counts, exactly as before
        error = exc
    del insp, computed, state, aside, final  # what the session keeps while held: ok, rec, the log's bytes
    from panel_tui.core.gitstore.history import history_report

    yield len(verified_bytes or b"")  # the history next (the scan may first read later sessions' files)
    history, accepted = history_report(folder, verified_bytes)
    if history:  # only what verifies counts (a history not checked is not known to): left out
        rec.log_status, rec.accepted_rewrites = history, accepted
        return rec
    if error is not None:
        raise error
    ok.accepted_rewrites = accepted
    return ok


def _fresh_copy(rec: SessionRecord) -> SessionRecord:
    """The record so far, with lists and figures of its own (summarise fills them in)."""
    return replace(rec, accepted_rewrites=[], never=[], pending=[], rows=[], tally={})


def decisions_of(rec: SessionRecord) -> list[Row]:
    """The rows of one session (only from a log that verifies)."""
    return rec.rows


# Sessions read as far as their history while the repository's one ``git log`` still runs (started
# by the audit command beside its imports): that many at most, so memory stays bounded however long
# git takes; a session held is then finished in order, exactly as it would have been at once. A
# thousand: git's log of 3,000 sessions' 63,000 commits takes as long as reading ~750 sessions, and
# one held keeps ~25 KB (its log's bytes, its rows; measured), so at most ~25 MB.
HELD_AT_MOST = 1000
HELD_BYTES_AT_MOST = 16 * 1024 * 1024  # and their logs' bytes (a session held keeps about twice its log)


class Scan:
    """An audit read a session at a time, for a screen that shows rows before the scan ends:
    iterate it (in a worker) for each session's record as soon as it is read, with ``done`` and
    ``total`` kept up to date; then :meth:`audit` gives the whole (figures need every session).

    ``keep_rows=False``: each record's rows are dropped once yielded (the caller has them), so
    ``Audit.decisions`` stays empty and memory holds no row for long.
    """

    def __init__(self, root: Path, canonical: Canonical | None = None, keep_rows: bool = True) -> None:
        self.root, self.keep_rows = root, keep_rows
        self.logs_alone: list[Path] = []  # a decisions.toml with no inspection.toml: listed too
        self.folders, self.refused = find_sessions(root, recursive=True, logs_alone=self.logs_alone)
        self.total, self.done = len(self.folders) + len(self.logs_alone), 0
        self.records: dict[str, SessionRecord] = {}  # a [log] table -> the first session holding it
        self.sessions: list[SessionRecord] = []
        self.decisions: list[Row] = []
        self.breakdown = Breakdown(canonical)

    def __iter__(self) -> Iterator[SessionRecord]:
        from panel_tui.core.gitstore.history import one_history_per_repository
        from panel_tui.core.gitstore.prefetch import history_running
        from panel_tui.core.gitstore.run import one_look_per_folder
        from panel_tui.core.gitstore.trust import asked_once_per_repository

        # the sessions share their parent folders, and each repository's history is read in one pass
        with one_look_per_folder(), one_history_per_repository(), asked_once_per_repository():
            held: deque[Reading] = deque()  # read as far as their history, in order, while git reads it
            weight = 0  # the bytes of their logs
            paused = False  # the collector, while sessions are held (see below)
            try:
                for folder in self.folders[self.done :]:
                    reading = Reading(folder, self.root)
                    room = len(held) < HELD_AT_MOST and weight + reading.holds <= HELD_BYTES_AT_MOST
                    if (held or reading.wants_history) and room and history_running():
                        if not held and gc.isenabled():
                            # held sessions all live until git is done and they are finished: full
                            # collections meanwhile only walk them, and the history as it is read,
                            # again and again (0.3 s of a 3,000-session audit, measured)
                            gc.disable()
                            paused = True
                        held.append(reading)
                        weight += reading.holds
                        continue
                    held.append(reading)
                    weight = 0
                    while held:  # the first reads the history (tens of thousands of objects, then frozen)
                        yield from self._first(held.popleft())
                    if paused:
                        gc.enable()
                        paused = False
            finally:
                if paused:
                    gc.enable()
            while held:
                yield from self._first(held.popleft())
            if self.done == len(self.folders):  # then what the folders alone do not show
                extra = [log_alone(f, self.root) for f in self.logs_alone]
                found = deleted_records(self.root, set(self.folders))
                self.total += len(found)
                for rec in extra + found:
                    yield from self._keep(rec)

    def _first(self, reading: Reading) -> Iterator[SessionRecord]:
        """A session's whole record, in the scan's order, checked against the records before it."""
        rec = reading.finish()
        first = self.records.setdefault(rec.record_key, rec) if rec.record_key else rec
        if first is not rec:  # one record in two places: counted once
            mark_same_record(rec, first)
        yield from self._keep(rec)

    def _keep(self, rec: SessionRecord) -> Iterator[SessionRecord]:
        """Count one record in, hand it to the caller, then keep or drop its rows."""
        self.sessions.append(rec)
        self.breakdown.add(rec.rows)
        self.done += 1
        yield rec
        if self.keep_rows:
            self.decisions.extend(rec.rows)
        else:
            rec.rows = []

    def audit(self) -> Audit:
        """The audit of every session read (call it once the iteration is over)."""
        return Audit(self.root, self.sessions, self.decisions, figures(self.sessions, self.breakdown), self.refused)


def run_audit(
    root: Path,
    progress: Callable[[int, int], None] | None = None,
    rows: Callable[[list[Row]], None] | None = None,
    canonical: Canonical | None = None,
    record: Callable[[SessionRecord], None] | None = None,
) -> Audit:
    """Scan every session at any depth under ``root``; ``progress(done, total)`` is called as it goes.

    ``rows``: each session's rows are handed to it as the session is read and not kept
    (``Audit.decisions`` stays empty), so an audit written out as it goes holds no row for long.
    ``canonical``: a person's one name for any spelling (a register), merged before counting by chair.
    ``record``: each session's record (its rows on it) as soon as it is read, before ``progress``: the
    audit screen shows sessions and rows while the scan goes on.
    """
    scan = Scan(root, canonical, keep_rows=rows is None)
    for rec in scan:
        if record is not None:
            record(rec)
        if rows is not None:
            rows(rec.rows)
        if progress:
            progress(scan.done, scan.total)
    return scan.audit()
