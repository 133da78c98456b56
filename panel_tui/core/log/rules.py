"""The panel's rules: what an entry may say, given the state before it and the inspection.

One ``validate`` serves the writer (refusing before anything is written) and the replay
(refusing a hand-made entry with a valid hash), so the command line, the app and an auditor see
one set of rules. The figures an entry carries (``evidence``, the sign-off record) are recomputed
from the inspection and must match, so forged figures never reach the audit.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from panel_tui.core.display import has_visible_text
from panel_tui.core.engine import Rating, StandardResult, direction, with_finals
from panel_tui.core.errors import RuleRefused
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
    same_name,
)
from panel_tui.core.log.state import LogState
from panel_tui.core.stats import two_dp

MIN_RATIONALE = 20
MIN_REASON = 10
MAX_TEXT = 10_000  # a rationale is a paragraph or two, not a pasted document
PLACEHOLDERS = {
    "n/a",
    "na",
    "tbc",
    "tbd",
    "todo",
    "none",
    "nil",
    "-",
    "--",
    "...",
    "x",
    "xx",
    "xxx",
    "test",
    "as above",
    "see above",
    "see notes",
    "no comment",
    "ok",
    "agreed",
    "fine",
    "same",
}


def check_text(value: Any, name: str, minimum: int, field: str | None = None) -> str:
    """A rationale or reason: real words, not a placeholder, no NUL, not a pasted document."""
    field = field or name
    if not isinstance(value, str):
        raise RuleRefused("text-required", f"{name} is required.", field)
    if "\x00" in value:
        raise RuleRefused("text-nul", f"{name} contains a NUL character; remove it.", field)
    if len(value) > MAX_TEXT:
        raise RuleRefused("text-too-long", f"{name} is {len(value):,} characters; the limit is {MAX_TEXT:,}.", field)
    stripped = value.strip()
    if not stripped or not has_visible_text(stripped):
        raise RuleRefused("text-required", f"{name} is blank (only spaces, zero-width or control characters).", field)
    if stripped.lower().rstrip(".") in PLACEHOLDERS:
        raise RuleRefused("text-placeholder", f"{name} '{stripped}' is a placeholder; say why.", field)
    if len(stripped) < minimum:
        raise RuleRefused(
            "text-too-short", f"{name} must be at least {minimum} characters (has {len(stripped)}).", field
        )
    return value


NAME_LABELS = {
    "by": "the name of who makes this entry",
    "chair": "the chair's name",
    "member": "a member's name",
    "entered_by": "the name of who enters this entry (--entered-by, PANEL_TUI_ENTERED_BY, git's "
    "user.name or the login name)",
}


def check_name(value: Any, name: str = "by", field: str | None = None) -> str:
    """A person's name: visible letters, no NUL, not a paragraph."""
    label = NAME_LABELS.get(name, name)
    field = field or ("members" if name == "member" else name)
    if not isinstance(value, str) or not value.strip() or not has_visible_text(value):
        raise RuleRefused(
            "by-required",
            f"{label[0].upper()}{label[1:]} is required: a name with visible "
            "letters, not only spaces, zero-width or control characters.",
            field,
        )
    if "\x00" in value or len(value) > 200:
        raise RuleRefused(
            "by-invalid", f"{label[0].upper()}{label[1:]} must be at most 200 characters, without NUL.", field
        )
    return value


def _check_present(state: LogState, value: Any, role: str) -> None:
    present = state.present
    if not any(same_name(str(value), p) for p in present):
        raise RuleRefused(
            "not-present",
            f"{role} {value!r} is not recorded as present; the panel present is: "
            f"{', '.join(present)}. Use one of these names, or record attendance again "
            "if someone arrived.",
            role,
        )


def _check_attendance(rating: Rating, e: Entry, quorum: bool, inquorate_allowed: bool = False) -> None:
    """Names present once each; in format 2, a chair and the framework's quorum of members. From
    format 3 attendance records who is present whatever their number (a late member's arrival is
    an attendance entry too): the quorum is checked on each decision instead (:func:`_check_quorum`)."""
    chair = check_name(e.get("chair"), "chair")
    members = e.get("members", [])
    if not isinstance(members, list):
        raise RuleRefused("members", "members must be a list of names.")
    for m in members:
        check_name(m, "member")
    if not quorum:
        return
    names = [chair, *members]
    for i, a in enumerate(names):
        if any(same_name(a, b) for b in names[:i]):
            raise RuleRefused(
                "attendance-duplicate", f"{a!r} is named twice; name each person present once.", "members"
            )
    needed = rating.framework.panel.quorum_members
    if len(members) < needed and not inquorate_allowed:
        raise RuleRefused(
            "quorum",
            f"a panel needs a chair and at least {needed} members present (quorum, "
            f"framework {rating.framework.id}); {len(members)} member"
            f"{'' if len(members) == 1 else 's'} named.",
            "members",
        )


# Entries that decide something: in format 3 each needs the framework's quorum present.
DECIDING = (DISCRETION, DECLINED, RATIFICATION, RETRACTION, SIGN_OFF, DISMISSAL)


def quorum_shortfall(state: LogState, rating: Rating) -> str | None:
    """Why the panel present cannot decide (too few members for the framework's quorum, and who was
    present before and would complete it), or None when it is quorate."""
    a = state.attendance
    if a is None:
        return None
    members = [str(m) for m in a.get("members", [])]
    needed = rating.framework.panel.quorum_members
    if len(members) >= needed:
        return None
    earlier: list[str] = []
    for e in state.entries:
        if e.get("kind") == ATTENDANCE:
            for name in [str(e.get("chair")), *map(str, e.get("members", []))]:
                if not any(same_name(name, p) for p in state.present + earlier):
                    earlier.append(name)
    missing = needed - len(members)
    who = f"; present earlier: {', '.join(earlier)}" if earlier else ""
    return (
        f"the panel is inquorate: {len(members)} member{'' if len(members) == 1 else 's'} present besides the "
        f"chair ({', '.join(members) or 'none'}), and the quorum of framework {rating.framework.id} is a chair "
        f"and {needed}; {missing} more member{'' if missing == 1 else 's'} would complete it{who}. Record the "
        "arrival (attendance) first."
    )


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


def percent_text(value: Fraction) -> str:
    """An exact percentage as a two-decimal string, rounded half up (2/3 of 100 -> "66.67")."""
    # floor(value * 100 + 1/2) in integers (a Fraction here cost a tenth of reading a log)
    hundredths = (200 * value.numerator + value.denominator) // (2 * value.denominator)
    return f"{hundredths // 100}.{hundredths % 100:02d}"


def percent_value(value: Any) -> float | None:
    """A stored percentage as a number for figures and JSON: format 2 keeps "62.50", format 1 62.5."""
    if isinstance(value, bool) or value is None:
        return None
    return float(value) if isinstance(value, (int, float, str)) else None


def evidence_of(s: StandardResult, log_format: str) -> dict[str, Any]:
    """The figures a decision was made on, stored with it: no floats in format 2."""
    v1 = log_format == LOG_FORMAT_V1
    ev: dict[str, Any] = {"computed": s.computed}
    if s.lowest_percent is not None:
        ev["lowest_percent"] = two_dp(s.lowest_percent) if v1 else percent_text(s.lowest_percent)
        ev["lowest_questions"] = list(s.lowest_questions)
    if s.cases is not None:
        ev["cases"] = s.cases
    ev["flags"] = s.flag_names
    if s.flip_distance is not None:
        ev["flip_distance"] = s.flip_distance
    if not v1 and s.questions:
        qs = []
        for q in s.questions:
            qe: dict[str, Any] = {"id": q.id, "percent": percent_text(q.percent)}
            if q.yes is not None:
                qe["yes"] = q.yes
            if q.relevant is not None:
                qe["relevant"] = q.relevant
            qs.append(qe)
        ev["questions"] = qs
    return ev


def sign_off_record(state: LogState, rating: Rating) -> dict[str, Any]:
    """What a sign-off seals: final ratings, score, overall and the entries before it."""
    final = with_finals(rating, state.finals)  # the replay's own rating (light in the audit)
    return {
        "ratings": {s.id: s.final for s in final.standards},
        "score": final.score,
        "max_score": final.max_score,
        "overall": final.overall,
        "entry_count": len(state.entries),
    }


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
        _check_present(state, e.get("by"), "by")
        if kind == DISSENT:
            _check_present(state, e.get("member"), "member")
    if log_format in ENTERED_BY_FORMATS and kind in DECIDING and state.attendance is not None:
        short = quorum_shortfall(state, rating)
        if short:
            raise RuleRefused("inquorate", short)
    if kind == ATTENDANCE:
        _check_attendance(rating, e, quorum=v2, inquorate_allowed=log_format in ENTERED_BY_FORMATS)
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
