"""The panel's rules: what an entry may say, given the state before it and the inspection.

One ``validate`` serves the writer (refusing before anything is written) and the replay
(refusing a hand-made entry with a valid hash), so the command line, the app and an auditor see
one set of rules. The figures an entry carries (``evidence``, the sign-off record) are recomputed
from the inspection and must match, so forged figures never reach the audit.

Its parts: ``texts`` (what a rationale, a reason or a name may be), ``attendance`` (who is present
and the quorum) and ``evidence`` (the figures recomputed); their names are still importable from here.
"""

from __future__ import annotations

from typing import Any

from panel_tui.core.engine import Rating, StandardResult, direction
from panel_tui.core.errors import RuleRefused
from panel_tui.core.log.attendance import DECIDING, check_attendance, check_present, quorum_shortfall
from panel_tui.core.log.entries import (
    ALL_KINDS,
    ATTENDANCE,
    BY_PRESENT,
    DECLINED,
    DISCRETION,
    DISMISSAL,
    DISSENT,
    ENTERED_BY_FORMATS,
    FORMAT_3_KINDS,
    LOG_FORMAT_V1,
    LOG_FORMAT_V3,
    PROPOSAL,
    RATIFICATION,
    REOPEN,
    RETRACTION,
    SIGN_OFF,
    UNRETRACTABLE,
    Entry,
)
from panel_tui.core.log.evidence import evidence_of, percent_text, percent_value, sign_off_record
from panel_tui.core.log.state import LogState
from panel_tui.core.log.texts import MAX_TEXT, MIN_RATIONALE, MIN_REASON, check_name, check_text
from panel_tui.core.log.times import check_time

__all__ = [  # the names moved out are still imported from here (tests and older callers)
    "DECIDING",
    "MAX_TEXT",
    "MIN_RATIONALE",
    "MIN_REASON",
    "check_name",
    "check_text",
    "evidence_of",
    "percent_text",
    "percent_value",
    "quorum_shortfall",
    "sign_off_record",
    "validate",
]


def _std(rating: Rating, sid: Any) -> StandardResult:
    for s in rating.standards:
        if s.id == sid:
            break
    else:
        ids = [s.id for s in rating.standards]
        raise RuleRefused("unknown-standard", f"unknown standard {sid!r}; use one of: {', '.join(ids)}.")
    if s.not_rated:
        raise RuleRefused("not-rated", f"{sid} is not rated ({s.not_rated}); there is nothing to decide.")
    return s


def _a(word: str) -> str:
    """The word with its indefinite article ("an uplift", "a lowering"), so a refusal reads as English."""
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


def _band(rating: Rating, value: Any, name: str = "to") -> int:
    names = rating.framework.band_names
    if value not in names:
        raise RuleRefused("unknown-band", f"{name} {value!r} is not a band; use one of: {', '.join(names)}.", name)
    return names.index(value)


def _one_step(rating: Rating, s: StandardResult, to: int, base: str) -> str:
    fw = rating.framework
    frm = fw.band_index(base)
    step = to - frm
    if step == 0:
        raise RuleRefused("no-change", f"{s.id} is already {base}; to keep it, record 'declined' instead.")
    if abs(step) > fw.discretion.steps:
        raise RuleRefused(
            "one-step",
            f"discretion moves {s.id} at most {fw.discretion.steps} band step from {base} "
            f"(to {fw.bands[frm + 1].name if frm + 1 < len(fw.bands) else '-'} or "
            f"{fw.bands[frm - 1].name if frm > 0 else '-'}).",
        )
    return direction(fw, base, fw.bands[to].name)


def _seq_of(e: Entry | None) -> int | None:
    return int(e["seq"]) if e else None


def _check_supersedes(state: LogState, e: Entry, s: StandardResult, what: str) -> None:
    standing = _seq_of(state.standing(e["kind"], s.id))
    if e.get("supersedes") != standing:
        named = f"entry {standing}" if standing is not None else "nothing (there is none; leave it out)"
        raise RuleRefused(
            "supersedes", f"'supersedes' must name the standing {what} on {s.id}: {named}, not {e.get('supersedes')!r}."
        )


def _check_answers(state: LogState, e: Entry, s: StandardResult) -> None:
    """A decision on a standard with a standing proposal answers it, and says so."""
    proposal = state.standing(PROPOSAL, s.id)
    expected = _seq_of(proposal) if not _is_v1(state) else e.get("answers")
    if e.get("answers") != expected:
        named = f"entry {expected}" if expected is not None else "nothing (no proposal stands; leave it out)"
        raise RuleRefused(
            "answers", f"'answers' must name the standing proposal on {s.id}: {named}, not {e.get('answers')!r}."
        )


def _is_v1(state: LogState) -> bool:
    return bool(state.header) and state.header.get("format") == LOG_FORMAT_V1  # type: ignore[union-attr]


def _check_evidence(state: LogState, e: Entry, s: StandardResult) -> None:
    expected = state.evidence_cache.get(s.id)
    if expected is None:
        expected = state.evidence_cache[s.id] = evidence_of(s, LOG_FORMAT_V1 if _is_v1(state) else "")
    found = e.get("evidence")
    if found == expected:
        return
    if not isinstance(found, dict):
        raise RuleRefused("evidence", f"'evidence' must be the figures of {s.id} as the inspection gives them.")
    for key in sorted(set(expected) | set(found)):
        if expected.get(key) != found.get(key):
            raise RuleRefused(
                "evidence",
                f"evidence.{key} of {s.id} is {found.get(key)!r}, but the inspection gives "
                f"{expected.get(key)!r}: the figures were not the ones decided on.",
            )


def _check_dismissal(state: LogState, e: Entry) -> None:
    """A dismissal names an entry kept aside beside this log (its own hash intact) not yet dismissed."""
    from panel_tui.core.kept_aside import KEPT_ASIDE_FILE

    target = e.get("kept_aside")
    if not isinstance(target, str) or target not in state.kept_aside():
        problem = f" ({state.kept_aside_problem})" if state.kept_aside_problem else ""
        raise RuleRefused(
            "kept-aside",
            f"there is no entry kept aside in {KEPT_ASIDE_FILE} whose hash is "
            f"{str(target)[:64]!r}{problem}: a dismissal names an entry kept aside "
            "beside this log, by its own hash, and no writer of panel-tui records one "
            "for any other.",
            "kept_aside",
        )
    if target in state.dismissed:
        raise RuleRefused(
            "dismissed",
            f"the kept-aside entry {target[:12]}… was already dismissed by entry "
            f"{state.dismissed[target]}; an entry is dismissed once (retract that "
            "dismissal first to dismiss it again).",
            "kept_aside",
        )
    check_text(e.get("reason"), "reason", MIN_REASON)


def validate(state: LogState, rating: Rating, e: Entry) -> None:
    """Check one entry against the rules, given the state before it. Raises RuleRefused."""
    kind = e.get("kind")
    if kind not in ALL_KINDS:
        raise RuleRefused("unknown-kind", f"unknown entry kind {kind!r}; use one of: {', '.join(ALL_KINDS)}.")
    log_format = state.header.get("format") if state.header is not None else None
    if kind in FORMAT_3_KINDS and log_format not in ENTERED_BY_FORMATS:
        raise RuleRefused(
            "format",
            f"a {kind} is an entry of decision-log format 3 ({LOG_FORMAT_V3}); this log is "
            f"{log_format} and keeps its own format's entries. Settle the kept-aside entry by "
            "recording the decision knowingly instead.",
        )
    check_name(e.get("by"))
    check_time(state, dict(e))  # not before the log or the entry before it, not in the future (times.py)
    if log_format in ENTERED_BY_FORMATS:
        check_name(e.get("entered_by"), "entered_by")  # format 3: who typed it in, on every entry
    missing = rating.inspection.missing()
    if missing and not _is_v1(state):
        raise RuleRefused(
            "inspection-incomplete",
            "the inspection is not complete ("
            + "; ".join(missing[:3])
            + ("; …" if len(missing) > 3 else "")
            + "), and a decision log freezes the inspection it is made on. Complete inspection.toml "
            "first (panel-tui check lists what is missing), then record.",
        )
    if state.signed_off and kind != REOPEN:
        raise RuleRefused(
            "signed-off",
            f"the session was signed off at entry {state.sign_off_seq}; only 'reopen' (with a reason) is accepted.",
        )
    v2 = not _is_v1(state)
    if v2 and kind in BY_PRESENT and not (kind == SIGN_OFF and state.attendance is None):
        if state.attendance is None:  # (a sign-off lists attendance among what is missing instead)
            raise RuleRefused(
                "no-attendance",
                "record who is present first (attendance: a chair and members); "
                "before the meeting only the lead inspector's proposals are recorded.",
            )
        check_present(state, e.get("by"), "by")
        if kind == DISSENT:
            check_present(state, e.get("member"), "member")
    if log_format in ENTERED_BY_FORMATS and kind in DECIDING and state.attendance is not None:
        short = quorum_shortfall(state, rating)
        if short:
            raise RuleRefused("inquorate", short)
    if kind == ATTENDANCE:
        check_attendance(rating, e, quorum=v2, inquorate_allowed=log_format in ENTERED_BY_FORMATS)
    elif kind in (DISCRETION, PROPOSAL):
        s = _std(rating, e.get("standard"))
        base = s.computed
        if s.kind != "cases":
            raise RuleRefused(
                "judgement-standard",
                f"{s.id} is a judgement standard: use ratification to confirm or change the proposed band.",
            )
        if e.get("from") != base:
            raise RuleRefused("from", f"'from' must be {s.id}'s computed band {base!r}, not {e.get('from')!r}.")
        way = _one_step(rating, s, _band(rating, e.get("to")), base)
        check_text(e.get("rationale"), "rationale", MIN_RATIONALE)
        if kind == DISCRETION:
            if "small-sample" in s.flag_names:
                check_text(
                    e.get("other_evidence"), "other compelling evidence (small sample)", MIN_REASON, "other_evidence"
                )
            if way in s.directions:
                if not _is_v1(state) and ("outside_criteria" in e or "outside_reason" in e):
                    raise RuleRefused(
                        "outside-criteria",
                        f"{s.id}'s flags support {_a(way)}: it is within the "
                        "criteria, so no outside-criteria reason is recorded.",
                    )
            else:
                if e.get("outside_criteria") is not True:
                    why = (
                        "has no discretion flag"
                        if not s.flags
                        else f"has no flag supporting {_a(way)} (flags: {', '.join(s.flag_names)})"
                    )
                    raise RuleRefused(
                        "outside-criteria",
                        f"{s.id} {why}; record an outside-criteria reason to go ahead.",
                        "outside_reason",
                    )
                check_text(e.get("outside_reason"), "outside-criteria reason", MIN_REASON, "outside_reason")
            _check_supersedes(state, e, s, "decision")
            _check_answers(state, e, s)
            _check_evidence(state, e, s)
    elif kind == DECLINED:
        s = _std(rating, e.get("standard"))
        if s.kind != "cases":
            raise RuleRefused("judgement-standard", f"{s.id} is a judgement standard: ratify it instead.")
        if e.get("band") != s.computed:
            raise RuleRefused("band", f"'band' must be the computed band kept, {s.computed!r}.")
        check_text(e.get("reason"), "reason", MIN_REASON)
        _check_supersedes(state, e, s, "decision")
        _check_answers(state, e, s)
        _check_evidence(state, e, s)
    elif kind == RATIFICATION:
        s = _std(rating, e.get("standard"))
        if s.kind != "judgement":
            raise RuleRefused(
                "case-standard",
                f"{s.id} is case-based: its band comes from the key questions; use discretion or declined.",
            )
        if e.get("from") != s.proposed:
            raise RuleRefused("from", f"'from' must be the proposed band {s.proposed!r}.")
        to = _band(rating, e.get("to"))
        if to != rating.framework.band_index(s.proposed):  # type: ignore[arg-type]
            check_text(e.get("reason"), "reason for changing the proposed band", MIN_REASON, "reason")
        _check_supersedes(state, e, s, "ratification")
    elif kind == RETRACTION:
        target = e.get("retracts")
        t = state.entry(target) if isinstance(target, int) and not isinstance(target, bool) else None
        if t is None:
            raise RuleRefused("retracts", f"there is no entry {target!r} to retract (entries 1-{len(state.entries)}).")
        if t["kind"] in UNRETRACTABLE:
            raise RuleRefused("unretractable", f"entry {target} is a {t['kind']} entry, which cannot be retracted.")
        if target in state.retracted:
            raise RuleRefused("retracted", f"entry {target} was already retracted by entry {state.retracted[target]}.")
        check_text(e.get("reason"), "reason", MIN_REASON)
    elif kind == DISSENT:
        check_name(e.get("member"), "member", "member")
        about = e.get("about")
        if about is not None and (isinstance(about, bool) or not isinstance(about, int) or state.entry(about) is None):
            raise RuleRefused("about", f"there is no entry {about!r} to dissent from.")
        check_text(e.get("reason"), "reason", MIN_REASON)
    elif kind == SIGN_OFF:
        missing = state.missing_for_sign_off(rating)
        if missing:
            raise RuleRefused("sign-off-incomplete", "cannot sign off: " + "; ".join(missing) + ".")
        for key, value in sign_off_record(state, rating).items():
            if e.get(key) != value:
                raise RuleRefused("sign-off-record", f"sign-off {key} must be {value!r}, not {e.get(key)!r}.")
    elif kind == DISMISSAL:
        _check_dismissal(state, e)
    elif kind == REOPEN:
        if not state.signed_off:
            raise RuleRefused("not-signed-off", "the session is not signed off; there is nothing to reopen.")
        check_text(e.get("reason"), "reason", MIN_REASON)
