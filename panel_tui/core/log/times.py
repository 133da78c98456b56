"""When an entry may say it was made: not before its log, not before the entry before it, not later
than now (each with a day's clock slack).

Every writer stamps ``at`` with the current UTC time, so an honest log's times never go back and
never lie ahead; a forged entry dated 2019 in a 2026 log, or 2099, used to verify (attack report of 2
December, finding 6) and the audit counted it under its false year. The same rule refuses a write
from a computer whose clock is more than a day wrong, before the entry is on disk, so an honest log
can never hold an entry that fails it. Formats 1 and 2 keep a replayed entry's original ``at``
(``sync --replay`` of another office's entries), so such an entry (``replayed_from``) is exempt from
the two lower bounds there; format 3 on stamps the replay's own time, and ``decided_at`` keeps the
original. Times are RFC 3339 UTC of one fixed shape (the schema checks it), so they compare as text.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from typing import TYPE_CHECKING, Any

from panel_tui.core.clock import now_rfc3339
from panel_tui.core.errors import RuleRefused
from panel_tui.core.log.entries import LOG_FORMAT_V1, LOG_FORMAT_V2
from panel_tui.core.log.schema import RFC3339_UTC

if TYPE_CHECKING:
    from panel_tui.core.log.state import LogState

SLACK = dt.timedelta(days=1)
_FMT = "%Y-%m-%dT%H:%M:%SZ"
_KEEPS_REPLAYED_AT = (LOG_FORMAT_V1, LOG_FORMAT_V2)


def _shift(t: str, by: dt.timedelta) -> str:
    """``t`` moved by ``by`` (fromisoformat, not strptime: opening a session imports no _strptime)."""
    return (dt.datetime.fromisoformat(t.removesuffix("Z")) + by).strftime(_FMT)


_BOUND: list[Any] = [None, ""]  # (the clock's second or the frozen time it was computed for, now + a day)


def _future_bound() -> str:
    """Now plus the slack, as text; computed once a second (a long log is verified in one)."""
    key = os.environ.get("PANEL_TUI_FROZEN_TIME") or int(time.time())
    if _BOUND[0] != key:
        _BOUND[0], _BOUND[1] = key, _shift(now_rfc3339(), SLACK)
    return str(_BOUND[1])


def _refuse(at: str, why: str) -> RuleRefused:
    return RuleRefused(
        "time",
        f"its time {at} is {why} by more than a day. Every writer of panel-tui stamps an entry with the "
        "current UTC time, so a log holding this was dated by hand; when recording, check this computer's "
        "clock and date, then record again.",
        "at",
    )


def check_time(state: LogState, e: dict[str, Any]) -> None:
    """Refuse an entry dated before its log's ``created`` or the entry before it, or in the future
    (one day's slack each way). Raises RuleRefused."""
    at, header = e.get("at"), state.header
    if not isinstance(at, str) or header is None or not RFC3339_UTC.match(at):
        return  # not a time at all: the schema names it
    created = str(header.get("created", ""))
    if not RFC3339_UTC.match(created):
        return
    if at > _future_bound():
        raise _refuse(at, "in the future (later than now)")
    if "replayed_from" in e and header.get("format") in _KEEPS_REPLAYED_AT:
        return
    if at < created and at < _shift(created, -SLACK):
        raise _refuse(at, f"before the log was created ({created})")
    before = _previous_at(state, header.get("format"))
    if before is not None and at < before and at < _shift(before, -SLACK):
        raise _refuse(at, f"before the entry before it ({before})")


def _previous_at(state: LogState, log_format: Any) -> str | None:
    """The ``at`` of the last entry the lower bound counts (a replayed one of format 1 or 2 is not)."""
    for prev in reversed(state.entries):
        if "replayed_from" in prev and log_format in _KEEPS_REPLAYED_AT:
            continue
        found = prev.get("at")
        return found if isinstance(found, str) else None
    return None
