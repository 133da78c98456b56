"""The audit's rows: one per proposal, decision, retraction and dissent of a log that verifies.

A row is a tuple read like a dict, because at 1,000 sessions a dict per row was most of the
audit's memory; its keys (``ROW_KEYS``) are the columns of ``audit --json`` and decisions.csv.
"""

from __future__ import annotations

import datetime as dt
from itertools import pairwise
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from panel_tui.core.engine import Rating, direction
from panel_tui.core.log import LogState, percent_value
from panel_tui.core.log.entries import (
    ATTENDANCE,
    DECLINED,
    DISCRETION,
    DISSENT,
    KINDS,
    PROPOSAL,
    RATIFICATION,
    RETRACTION,
    Entry,
    entered_for,
)

if TYPE_CHECKING:
    from panel_tui.core.audit.records import SessionRecord

DECISION_KINDS = (DISCRETION, DECLINED, RATIFICATION, PROPOSAL)  # entries that set or propose a band
CONCERNING_KINDS = (RETRACTION, DISSENT)  # entries about another entry: rows too (format 2)
ROW_KINDS = tuple(k for k in KINDS if k in DECISION_KINDS + CONCERNING_KINDS)  # the log's own order
STATUSES = ("stands", "superseded", "retracted")
DIRECTIONS = ("uplift", "lowering", "none")

# The keys of a row in ``audit --json`` (and the columns of decisions.csv), in this order.
ROW_KEYS = (
    "session",
    "seq",
    "kind",
    "standard",
    "from",
    "to",
    "direction",
    "flags",
    "outside_criteria",
    "outside_reason",
    "other_evidence",
    "by",
    "entered_by",
    "chair",
    "at",
    "decided_at",
    "meeting_date",
    "rationale",
    "lowest_percent",
    "cases",
    "effective",
    "status",
    "superseded_by",
    "retracted_by",
    "outcome",
    "answered_by",
    "member",
    "concerns",
    "concerns_kind",
)
# The session's facts each row also carries for the screen's filters and the joined tables (in JSON
# they are in "sessions"); ``year`` is the fieldwork year, ``meeting_year`` the row's own.
CONTEXT_KEYS = ("framework", "lead_inspector", "year", "service", "meeting_year")
_INDEX = {k: i for i, k in enumerate(ROW_KEYS + CONTEXT_KEYS)}


class Row:
    """One entry of the audit's table, read like a dict (``row["kind"]``, ``row.get("to")``)."""

    __slots__ = ("values",)

    def __init__(self, values: tuple[Any, ...]) -> None:
        self.values = values

    def __getitem__(self, key: str) -> Any:
        return self.values[_INDEX[key]]

    def get(self, key: str, default: Any = None) -> Any:
        i = _INDEX.get(key)
        return default if i is None else self.values[i]

    def json(self) -> dict[str, Any]:
        return dict(zip(ROW_KEYS, self.values, strict=False))  # the context values after them are not columns

    @property
    def by_shown(self) -> str:
        """Who made the entry, as a view shows it: "entered by X for Y" when someone else entered it
        (format 3's ``entered_by``), else the ``by`` name. Raw text: shown through the display helpers."""
        return entered_for({"by": self["by"], "entered_by": self["entered_by"]}) or str(self["by"] or "")

    def __repr__(self) -> str:
        return f"Row({self.json()!r})"


def _direction(rating: Rating, frm: str | None, to: str | None) -> str | None:
    names = rating.framework.band_names
    if frm not in names or to not in names:
        return None
    return direction(rating.framework, frm, to)


_SHARED: dict[Any, Any] = {}  # one object for each repeated short value (kinds, bands, flag lists)


def _shared(value: Any) -> Any:
    if isinstance(value, list):
        value = tuple(value)
    if value is None or not isinstance(value, (str, tuple)):
        return value
    return _SHARED.setdefault(value, value) if len(_SHARED) < 100_000 else value


def meeting_date(at: Any, zone: ZoneInfo | None) -> str | None:
    """The date an entry was made on the meeting's clock ("2024-03-05"), from its stored UTC time.

    The zone's offset is worked out once per UTC hour (most of a meeting's entries share a few
    hours), and only used when it is the same at both ends of the hour; otherwise (an hour with a
    change of clocks in it) each time is converted on its own.
    """
    if not isinstance(at, str) or len(at) != 20:
        return None
    if zone is None:
        return at[:10]
    try:
        offset = _hour_offset(zone, at[:13])
        if offset is None:
            when = dt.datetime.fromisoformat(at[:19]).replace(tzinfo=dt.UTC)
            return when.astimezone(zone).date().isoformat()
        minute = int(at[11:13]) * 60 + int(at[14:16]) + offset
    except ValueError:
        return None
    if 0 <= minute < 1440:
        return at[:10]
    return (dt.date.fromisoformat(at[:10]) + dt.timedelta(days=minute // 1440)).isoformat()


_OFFSETS: dict[tuple[str, str], int | None] = {}  # (zone, "YYYY-MM-DDTHH") -> minutes east of UTC, or None
_HOUR = dt.timedelta(minutes=59, seconds=59)


def _hour_offset(zone: ZoneInfo, hour: str) -> int | None:
    key = (zone.key, hour)
    if key in _OFFSETS:
        return _OFFSETS[key]
    start = dt.datetime.fromisoformat(hour + ":00:00").replace(tzinfo=dt.UTC)
    first, last = start.astimezone(zone).utcoffset(), (start + _HOUR).astimezone(zone).utcoffset()
    found = None
    if first is not None and first == last and first % dt.timedelta(minutes=1) == dt.timedelta(0):
        found = int(first // dt.timedelta(minutes=1))
    if len(_OFFSETS) < 100_000:
        _OFFSETS[key] = found
    return found


def zone_of(r: Rating) -> ZoneInfo | None:
    try:
        return ZoneInfo(r.framework.panel.timezone)
    except (ValueError, KeyError, OSError):  # a framework's zone is checked when it loads; never fatal here
        return None


def superseded_by(st: LogState) -> dict[int, int]:
    """seq -> the entry that replaced it in its group (the next one up its stack of unretracted
    entries), for the entries that are superseded now."""
    out = {}
    for stack in st.stacks.values():
        for below, above in pairwise(stack):
            out[below] = above
    return out


def session_rows(rec: SessionRecord, st: LogState, r: Rating) -> list[Row]:
    """The session's proposals, decisions, retractions and dissents, each with its status, the
    chair of the meeting when it was made (the attendance standing then) and its meeting date."""
    rows = []
    zone = zone_of(r)
    replaced = superseded_by(st)
    attending: list[Entry] = []  # unretracted attendance entries so far: the last one stands
    for e in st.entries:
        kind = e["kind"]
        if kind == ATTENDANCE:
            attending.append(e)
        elif kind == RETRACTION and attending and any(a["seq"] == e.get("retracts") for a in attending):
            attending = [a for a in attending if a["seq"] != e.get("retracts")]
        if kind not in ROW_KINDS:
            continue
        chair = attending[-1].get("chair") if attending else None
        day = meeting_date(e.get("decided_at") or e.get("at"), zone)
        context = (rec.framework, rec.lead_inspector, rec.year, rec.service, day[:4] if day else None)
        sid = e.get("standard")
        frm = to = dirn = lowest = cases = other = outcome = answered_by = member = concerns = concerns_kind = None
        flags: Any = ()
        if kind in DECISION_KINDS:
            frm, to = e.get("from", e.get("band")), e.get("to", e.get("band"))
            dirn = _direction(r, frm, to)
            ev = e.get("evidence", {})
            flags = ev["flags"] if "flags" in ev else (r.standard(sid).flag_names if sid else [])
            lowest, cases, other = percent_value(ev.get("lowest_percent")), ev.get("cases"), e.get("other_evidence")
            if kind == PROPOSAL:  # its outcome as `log --json` gives it (the state's own reading)
                outcome = st.outcome_of(e)
                answered_by = (st.answer_to(e) or {}).get("seq")
        else:
            target = _target(st, e)
            if target is not None:
                concerns, concerns_kind, sid = target["seq"], target["kind"], target.get("standard")
                if sid is None and target["kind"] == DISSENT:  # a retracted dissent: the standard it was about
                    sid = (_target(st, target) or {}).get("standard")
            member = e.get("member")
        word = st.standing_word(e)
        rows.append(
            Row(
                (
                    rec.path,
                    e["seq"],
                    _shared(kind),
                    _shared(sid),
                    _shared(frm),
                    _shared(to),
                    dirn,
                    _shared(flags),
                    bool(e.get("outside_criteria", False)),
                    e.get("outside_reason"),
                    other,
                    _shared(e.get("by")),
                    _shared(e.get("entered_by")),
                    _shared(chair),
                    e.get("at"),
                    e.get("decided_at"),
                    _shared(day),
                    e.get("rationale", e.get("reason")),
                    lowest,
                    cases,
                    word == "stands",
                    word,
                    replaced.get(e["seq"]) if word == "superseded" else None,
                    st.retracted.get(e["seq"]),
                    outcome,
                    answered_by,
                    _shared(member),
                    concerns,
                    _shared(concerns_kind),
                    *context,
                )
            )
        )
    return rows


def _target(st: LogState, e: Entry) -> Entry | None:
    """The entry a dissent is about or a retraction retracts (a dissent may concern none)."""
    seq = e.get("about") if e["kind"] == DISSENT else e.get("retracts")
    return st.entry(seq) if isinstance(seq, int) and not isinstance(seq, bool) else None
