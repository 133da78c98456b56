"""The audit screen's scan as messages: sessions and their rows in batches while it reads, then the whole.

The scan runs in a thread worker (screens/audit.py); what it reads reaches the UI thread only as
these messages, never as attributes written from the thread. Sessions are handed over in batches,
at most one every ``BATCH_EVERY`` seconds (the first at once, the last before ``ScanDone``), so a
thousand sessions cost the UI thread about ten table appends a second, not one per session. Every
message carries the number of the scan that sent it: after ``r`` (a new scan) or with the screen
gone, a late batch from the old scan is recognised and dropped, never mixed into the new tables.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.message import Message

from panel_tui.core.audit import Audit, SessionRecord

BATCH_EVERY = 0.1  # seconds between two batches of sessions from the scan (at most ten a second)
# Each batch costs the UI thread work that grows with the rows already in the table (DataTable
# recounts its rows' offsets and repaints what shows), and the UI thread shares the GIL with the
# scan, so the interval grows with them: 0.1 s at first, one more 0.1 s for every ROWS_PER_STEP
# rows sent, at most MAX_EVERY (from 4,500 rows on). Measured on 1,000 sessions (18,000 rows),
# process CPU to the end of the scan in run_test: a batch every 0.1 s throughout 10.5-10.8 s;
# +0.1 s per 2,000 rows 8.4-8.6 s; per 500 rows 7.5-7.8 s; one batch at the end 4.7-7.1 s.
ROWS_PER_STEP = 500
MAX_EVERY = 1.0


class ScanRows(Message):
    """Sessions read since the last batch (each with its rows), and how far the scan has got."""

    def __init__(self, scan: int, records: list[SessionRecord], done: int, total: int) -> None:
        super().__init__()
        self.scan, self.records, self.done, self.total = scan, records, done, total


class ScanDone(Message):
    """The scan has read every session: ``audit`` has the figures (every batch came before it)."""

    def __init__(self, scan: int, audit: Audit) -> None:
        super().__init__()
        self.scan, self.audit = scan, audit


class ScanFailed(Message):
    """The folder itself could not be read: nothing more will come from this scan."""

    def __init__(self, scan: int, error: BaseException) -> None:
        super().__init__()
        self.scan, self.error = scan, error


class Cancelled(Exception):
    """The screen went away or a new scan started: stop reading."""


class Batcher:
    """Worker side: collects the sessions as run_audit reads them and posts them in batches.

    ``post`` sends a message to the screen (thread-safe); ``cancelled`` says whether the worker
    was cancelled, checked at every session so a scan stops within one session of ``r`` or leaving.
    """

    def __init__(self, scan: int, post: Callable[[Message], object], cancelled: Callable[[], bool]) -> None:
        self.scan, self.post, self.cancelled = scan, post, cancelled
        self.pending: list[SessionRecord] = []
        self.last: float | None = None  # when the last batch went (None: the first goes at once)
        self.sent = 0  # rows sent so far

    def interval(self) -> float:
        """Seconds until the next batch: longer as the table grows (see ROWS_PER_STEP)."""
        return min(MAX_EVERY, BATCH_EVERY * (1 + self.sent / ROWS_PER_STEP))

    def record(self, rec: SessionRecord) -> None:
        if self.cancelled():
            raise Cancelled
        self.pending.append(rec)

    def progress(self, done: int, total: int) -> None:
        if self.cancelled():
            raise Cancelled
        now = time.monotonic()
        if self.last is None or done == total or now - self.last >= self.interval():
            self.last = now
            batch, self.pending = self.pending, []
            self.sent += sum(len(rec.rows) for rec in batch)
            self.post(ScanRows(self.scan, batch, done, total))


def reading_text(done: int, total: int, rows: int) -> str:
    """The status line while the scan reads: every count says it is incomplete ("so far"), in words."""
    return f"Reading {done:,} of {total:,} sessions… {rows:,} decisions so far; figures when the scan ends"
