"""The log's rules that mutation testing (issue 22, item 7) found no test asserting.

Each refusal is checked for what a user gets from it: the rule (the CLI prints it), the field at
fault (the app puts the message beside that field and moves the cursor there) and the message
itself (it names what is wrong and what to do). Then the edges of each rule: the exact limits, the
format-1 logs the replay still reads, hand-made entries only a forger or a buggy writer would
produce (wrong evidence, supersedes, answers, sign-off record) and the stored figures.

Entries are built and checked in memory with the writer's own ``build_entry`` (which fills in
``from``, the evidence, ``supersedes`` and ``answers``, then validates) or with ``validate`` on a
hand-made entry: no file is written, so these run in milliseconds.
"""

from __future__ import annotations

import copy
import shutil
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from panel_tui.core.engine import rate
from panel_tui.core.errors import RuleRefused
from panel_tui.core.inspection import load_inspection
from panel_tui.core.log import (
    LOG_FORMAT_V1,
    LOG_FORMAT_V2,
    LOG_FORMAT_V3,
    LogState,
    build_entry,
    check_name,
    evidence_of,
    new_header,
    percent_value,
    sign_off_record,
    validate,
)
from panel_tui.core.log.rules import MAX_TEXT, percent_text
from tests.helpers import all_good_cases, inspection_text, write_inspection
from tests.unit.test_published import PUBLISHED

ROOT = Path(__file__).resolve().parents[2]
STOCKTON = ROOT / "sessions" / "stockton-2021"
WHY = "Planning for safety fell short only on contingency; the rest was good."
KEEP = "Considered; the computed band stands."
BANDS = "Inadequate, Requires improvement, Good, Outstanding"
O, G, RI, I = "Outstanding", "Good", "Requires improvement", "Inadequate"  # noqa: E741 (the bands by initial, as the reports abbreviate them)


class Meeting:
    """A decision log held in memory on one inspection (Stockton's by default)."""

    def __init__(self, session: Path, log_format: str = LOG_FORMAT_V3) -> None:
        self.insp = load_inspection(session)
        self.rating = rate(self.insp)
        self.format = log_format
        self.state = LogState(session / "decisions.toml", header={**new_header(self.insp), "format": log_format})

    def fields(self, kind: str, fields: dict[str, Any]) -> dict[str, Any]:
        out = {"by": "Chair", **fields}
        if self.format == LOG_FORMAT_V3:
            out.setdefault("entered_by", "Clerk")
        return out

    def build(self, kind: str, **fields: Any) -> dict[str, Any]:
        """The entry the writer would write (validated), not yet folded in."""
        return build_entry(self.state, self.rating, kind, self.fields(kind, fields))

    def record(self, kind: str, **fields: Any) -> dict[str, Any]:
        e = self.build(kind, **fields)
        self.state.apply(e)
        return e

    def refused(self, kind: str, **fields: Any) -> RuleRefused:
        before = len(self.state.entries)
        with pytest.raises(RuleRefused) as exc:
            self.build(kind, **fields)
        assert len(self.state.entries) == before
        return exc.value

    def hand_made(self, kind: str, **fields: Any) -> dict[str, Any]:
        """An entry as a forger (or another writer) might put it: only seq, kind and the fields given."""
        return {"seq": self.state.next_seq, "kind": kind, **self.fields(kind, fields)}

    def check(self, e: dict[str, Any]) -> RuleRefused | None:
        try:
            validate(self.state, self.rating, e)
        except RuleRefused as exc:
            return exc
        return None

    def meet(self, *members: str) -> Meeting:
        self.record("attendance", chair="Chair", members=list(members or ("A", "B")))
        return self


def said(exc: RuleRefused | None) -> tuple[str, str | None, str]:
    assert exc is not None, "expected a refusal"
    return exc.rule, exc.field, exc.message


def _stockton(tmp_path: Path, name: str, fmt: str | None = None) -> Meeting:
    """A meeting on a copy of Stockton's inspection (no log yet), in log format ``fmt`` (else the newest)."""
    d = tmp_path / name
    d.mkdir()
    shutil.copy(STOCKTON / "inspection.toml", d / "inspection.toml")
    return Meeting(d) if fmt is None else Meeting(d, fmt)


@pytest.fixture
def fresh(tmp_path: Path) -> Meeting:
    return _stockton(tmp_path, "stockton")


@pytest.fixture
def met(fresh: Meeting) -> Meeting:
    return fresh.meet()


@pytest.fixture
def v1(tmp_path: Path) -> Meeting:
    return _stockton(tmp_path, "stockton-v1", LOG_FORMAT_V1)


def _flat_cases(tmp_path: Path, cases: dict[str, list], name: str = "s") -> Meeting:
    return Meeting(write_inspection(tmp_path, inspection_text(all_good_cases(cases)), name)).meet()


# --- text: rationales and reasons ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,rule,message",
    [
        (None, "text-required", "rationale is required."),
        ("a\x00" * 20, "text-nul", "rationale contains a NUL character; remove it."),
        ("x" * (MAX_TEXT + 1), "text-too-long", "rationale is 10,001 characters; the limit is 10,000."),
        ("   \u200b  ", "text-required", "rationale is blank (only spaces, zero-width or control characters)."),
        ("  N/A.  ", "text-placeholder", "rationale 'N/A.' is a placeholder; say why."),
        ("Agreed.", "text-placeholder", "rationale 'Agreed.' is a placeholder; say why."),
        ("Twenty chars less 1", "text-too-short", "rationale must be at least 20 characters (has 19)."),
    ],
)
def test_a_rationale_refused_names_itself_and_why(met, text, rule, message):
    fields = {"standard": "2.2", "to": G}
    if text is not None:
        fields["rationale"] = text
    assert said(met.refused("discretion", **fields)) == (rule, "rationale", message)


def test_text_limits_are_inclusive(met):
    assert met.build("discretion", standard="2.2", to=G, rationale="Exactly twenty chars")
    assert met.build("discretion", standard="2.2", to=G, rationale="x" * MAX_TEXT)
    assert met.build("discretion", standard="2.2", to=G, rationale="...tbc, with reasons given")


@pytest.mark.parametrize(
    "kind,fields,field,message",
    [
        ("declined", {"standard": "2.1", "reason": "ok"}, "reason", "reason 'ok' is a placeholder; say why."),
        ("retraction", {"retracts": 1, "reason": "oops"}, "reason", "reason must be at least 10 characters (has 4)."),
        ("dissent", {"member": "B", "reason": "no"}, "reason", "reason must be at least 10 characters (has 2)."),
        ("ratification", {"standard": "1.1", "to": O}, "reason", "reason for changing the proposed band is required."),
        (
            "discretion",
            {"standard": "2.3", "to": G, "rationale": WHY, "outside_criteria": True, "outside_reason": "short"},
            "outside_reason",
            "outside-criteria reason must be at least 10 characters (has 5).",
        ),
        (
            "discretion",
            {"standard": "3.2", "to": RI, "rationale": WHY},
            "other_evidence",
            "other compelling evidence (small sample) is required.",
        ),
    ],
)
def test_each_text_is_named_in_its_refusal_and_placed_at_its_field(met, kind, fields, field, message):
    rule, at, msg = said(met.refused(kind, **fields))
    assert (at, msg) == (field, message) and rule.startswith("text-")


def test_a_reopen_reason_is_checked(met):
    exc = _signed_off(met).refused("reopen", reason="again")
    assert said(exc) == ("text-too-short", "reason", "reason must be at least 10 characters (has 5).")


# --- names ---------------------------------------------------------------------------------------------

NAME_REQUIRED = "is required: a name with visible letters, not only spaces, zero-width or control characters."
NAME_INVALID = "must be at most 200 characters, without NUL."


@pytest.mark.parametrize("by", [None, " ", "\u200b\u200b", 7])
def test_who_makes_the_entry_is_required(fresh, by):
    fields: dict[str, Any] = {"standard": "2.2", "to": G, "rationale": WHY}
    e = fresh.hand_made("proposal", **fields)
    e["by"] = by
    assert said(fresh.check(e)) == ("by-required", "by", f"The name of who makes this entry {NAME_REQUIRED}")


@pytest.mark.parametrize("by", ["Tom\x00Baker", "x" * 201])
def test_a_name_has_no_nul_and_at_most_200_characters(fresh, by):
    e = fresh.hand_made("proposal", standard="2.2", to=G, rationale=WHY, **{"from": RI})
    e["by"] = by
    assert said(fresh.check(e)) == ("by-invalid", "by", f"The name of who makes this entry {NAME_INVALID}")


def test_any_other_name_is_labelled_by_itself():
    """check_name (exported for the front ends) names a role it has no label for by the role itself."""
    with pytest.raises(RuleRefused) as exc:
        check_name(" ", "lead inspector")
    assert said(exc.value) == ("by-required", "lead inspector", f"Lead inspector {NAME_REQUIRED}")
    assert check_name("Maria Jerram", "lead inspector") == "Maria Jerram"


def test_a_200_character_name_is_a_name(fresh):
    assert fresh.build("proposal", standard="2.2", to=G, rationale=WHY, by="x" * 200)


def test_format_3_names_who_enters_each_entry(fresh):
    exc = fresh.refused("proposal", standard="2.2", to=G, rationale=WHY, entered_by=" ")
    assert said(exc) == (
        "by-required",
        "entered_by",
        "The name of who enters this entry (--entered-by, PANEL_TUI_ENTERED_BY, git's user.name or "
        f"the login name) {NAME_REQUIRED}",
    )


def test_format_2_has_no_entered_by_to_check(tmp_path):
    m = _stockton(tmp_path, "v2", LOG_FORMAT_V2)
    assert m.check(m.hand_made("proposal", standard="2.2", to=G, rationale=WHY, **{"from": RI})) is None


# --- attendance --------------------------------------------------------------------------------------


def test_attendance_names(fresh):
    assert said(fresh.refused("attendance", chair=" ", members=["A", "B"])) == (
        "by-required",
        "chair",
        f"The chair's name {NAME_REQUIRED}",
    )
    assert said(fresh.refused("attendance", chair="Chair", members=["A", " "])) == (
        "by-required",
        "members",
        f"A member's name {NAME_REQUIRED}",
    )
    assert said(fresh.refused("attendance", chair="Chair", members=["A", "x" * 201])) == (
        "by-invalid",
        "members",
        f"A member's name {NAME_INVALID}",
    )
    assert said(fresh.check(fresh.hand_made("attendance", chair="Chair", members="A, B"))) == (
        "members",
        None,
        "members must be a list of names.",
    )


@pytest.fixture
def v2(tmp_path: Path) -> Meeting:
    return _stockton(tmp_path, "stockton-v2", LOG_FORMAT_V2)


def test_format_2_attendance_needs_the_quorum(v2):
    assert said(v2.check(v2.hand_made("attendance", chair="Chair"))) == (
        "quorum",
        "members",
        "a panel needs a chair and at least 2 members present (quorum, framework hmip-yos-2018); 0 members named.",
    )
    assert said(v2.refused("attendance", chair="Chair", members=["A"])) == (
        "quorum",
        "members",
        "a panel needs a chair and at least 2 members present (quorum, framework hmip-yos-2018); 1 member named.",
    )
    assert v2.build("attendance", chair="Chair", members=["A", "B"])


def test_attendance_names_each_person_once(fresh, v2):
    for m in (fresh, v2):
        assert said(m.refused("attendance", chair="Ann Lee", members=["B", "ann  LEE"])) == (
            "attendance-duplicate",
            "members",
            "'ann  LEE' is named twice; name each person present once.",
        )


def test_format_3_attendance_records_whoever_is_present(fresh):
    assert fresh.build("attendance", chair="Chair", members=["A"])  # the quorum is checked on each decision
    assert fresh.check(fresh.hand_made("attendance", chair="Chair")) is None


def test_format_1_attendance_has_no_quorum(v1):
    assert v1.check(v1.hand_made("attendance", chair="Chair", members=["A"])) is None
    assert said(v1.check(v1.hand_made("attendance", chair="Chair", members=["A", " "])))[:2] == (
        "by-required",
        "members",
    )


def test_only_those_present_decide(met):
    assert said(met.refused("declined", standard="2.1", reason=KEEP, by="Tom Bakr")) == (
        "not-present",
        "by",
        "by 'Tom Bakr' is not recorded as present; the panel present is: Chair, A, B. Use one of "
        "these names, or record attendance again if someone arrived.",
    )
    assert said(met.refused("dissent", member="Tom Bakr", reason="I would have kept it.", by="A")) == (
        "not-present",
        "member",
        "member 'Tom Bakr' is not recorded as present; the panel present is: Chair, A, B. Use "
        "one of these names, or record attendance again if someone arrived.",
    )


def test_before_attendance_only_proposals_are_recorded(fresh):
    assert said(fresh.refused("declined", standard="2.1", reason=KEEP)) == (
        "no-attendance",
        None,
        "record who is present first (attendance: a chair and members); before the meeting "
        "only the lead inspector's proposals are recorded.",
    )
    assert fresh.build("proposal", standard="2.2", to=G, rationale=WHY, by="Maria Jerram")


# --- which standard, which band ----------------------------------------------------------------------


def test_unknown_kind_standard_and_band(met):
    assert said(met.check(met.hand_made("veto", standard="2.2"))) == (
        "unknown-kind",
        None,
        "unknown entry kind 'veto'; use one of: attendance, proposal, discretion, declined, "
        "ratification, retraction, sign-off, reopen, dissent, dismissal.",
    )
    assert said(met.refused("declined", standard="9.9", reason=KEEP)) == (
        "unknown-standard",
        None,
        "unknown standard '9.9'; use one of: 1.1, 1.2, 1.3, 1.4, 2.1, 2.2, 2.3, 2.4, 3.1, 3.2, 3.3, 3.4.",
    )
    assert said(met.refused("discretion", standard="2.2", to="Goood", rationale=WHY)) == (
        "unknown-band",
        "to",
        f"to 'Goood' is not a band; use one of: {BANDS}.",
    )
    assert said(met.refused("ratification", standard="1.1", to="Great", reason="Board evidence was stronger.")) == (
        "unknown-band",
        "to",
        f"to 'Great' is not a band; use one of: {BANDS}.",
    )


def test_a_standard_not_rated_has_nothing_to_decide(tmp_path):
    judgement = {"1.1": G, "1.2": G, "1.3": G, "1.4": G, "3.4": G}
    cases = {sid: [(10, 8)] * 3 for sid in ("2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3")}
    text = inspection_text(cases, judgement, framework="hmip-yjs-2021")
    text += '\n[[standard]]\nid = "4.1"\nnot_rated = "No resettlement cases."\n'
    m = Meeting(write_inspection(tmp_path, text)).meet()
    assert said(m.refused("ratification", standard="4.1")) == (
        "not-rated",
        None,
        "4.1 is not rated (No resettlement cases.); there is nothing to decide.",
    )


def test_judgement_and_case_standards_take_their_own_kinds(met):
    assert said(met.refused("discretion", standard="1.1", to=O, rationale=WHY)) == (
        "judgement-standard",
        None,
        "1.1 is a judgement standard: use ratification to confirm or change the proposed band.",
    )
    assert said(met.refused("declined", standard="1.1", reason=KEEP)) == (
        "judgement-standard",
        None,
        "1.1 is a judgement standard: ratify it instead.",
    )
    assert said(met.refused("ratification", standard="2.2", to=G, reason="Board evidence was stronger.")) == (
        "case-standard",
        None,
        "2.2 is case-based: its band comes from the key questions; use discretion or declined.",
    )


def test_from_and_band_are_the_computed_or_proposed_ones(met):
    assert said(met.refused("discretion", standard="2.2", to=G, rationale=WHY, **{"from": G})) == (
        "from",
        None,
        "'from' must be 2.2's computed band 'Requires improvement', not 'Good'.",
    )
    assert said(met.refused("declined", standard="2.2", reason=KEEP, band=G)) == (
        "band",
        None,
        "'band' must be the computed band kept, 'Requires improvement'.",
    )
    assert said(
        met.refused("ratification", standard="1.1", to=O, reason="Board evidence was stronger.", **{"from": O})
    ) == ("from", None, "'from' must be the proposed band 'Good'.")


# --- discretion: one step, a change, within or outside the criteria -------------------------------------


def test_discretion_must_change_the_band(met):
    assert said(met.refused("discretion", standard="2.2", to=RI, rationale=WHY)) == (
        "no-change",
        None,
        "2.2 is already Requires improvement; to keep it, record 'declined' instead.",
    )


@pytest.mark.parametrize(
    "qs,to,message",
    [
        ([(10, 3), (10, 9), (10, 9)], G, "2.1 at most 1 band step from Inadequate (to Requires improvement or -)."),
        ([(10, 9), (10, 9), (10, 9)], RI, "2.1 at most 1 band step from Outstanding (to - or Good)."),
        ([(10, 6), (10, 9), (10, 9)], O, "2.1 at most 1 band step from Requires improvement (to Good or Inadequate)."),
        ([(10, 7), (10, 9), (10, 9)], I, "2.1 at most 1 band step from Good (to Outstanding or Requires improvement)."),
    ],
)
def test_the_one_step_limit_names_the_bands_within_it(tmp_path, qs, to, message):
    m = _flat_cases(tmp_path, {"2.1": qs})
    assert said(m.refused("discretion", standard="2.1", to=to, rationale=WHY)) == (
        "one-step",
        None,
        f"discretion moves {message}",
    )


def test_outside_the_criteria(met):
    assert said(met.refused("discretion", standard="2.3", to=G, rationale=WHY)) == (
        "outside-criteria",
        "outside_reason",
        "2.3 has no discretion flag; record an outside-criteria reason to go ahead.",
    )
    assert said(met.refused("discretion", standard="2.2", to=I, rationale=WHY)) == (
        "outside-criteria",
        "outside_reason",
        "2.2 has no flag supporting a lowering (flags: near-boundary, one-case); "
        "record an outside-criteria reason to go ahead.",
    )
    assert said(met.refused("discretion", standard="2.2", to=I, rationale=WHY, outside_reason="Too short")) == (
        "text-too-short",
        "outside_reason",
        "outside-criteria reason must be at least 10 characters (has 9).",
    )
    e = met.build("discretion", standard="2.2", to=I, rationale=WHY, outside_reason="The wider evidence was weaker.")
    assert e["outside_criteria"] is True


def within(exc: RuleRefused | None) -> bool:
    """Refused as within the criteria, with the article that fits the direction ("an uplift")."""
    return said(exc) == (
        "outside-criteria",
        None,
        "2.2's flags support an uplift: it is within the criteria, so no outside-criteria reason is recorded.",
    )


def test_an_uplift_no_flag_supports_is_outside_the_criteria_with_its_article(tmp_path):
    """66% on 50 cases: Good, 1 point above 65 and one 'Yes' from Requires improvement, so every flag
    supports a lowering; an uplift is refused as "an uplift", a lowering within as "a lowering"."""
    m = _flat_cases(tmp_path, {"2.1": [(50, 33), (50, 50), (50, 50)]})
    assert said(m.refused("discretion", standard="2.1", to=O, rationale=WHY)) == (
        "outside-criteria",
        "outside_reason",
        "2.1 has no flag supporting an uplift (flags: near-boundary, one-case); "
        "record an outside-criteria reason to go ahead.",
    )
    assert said(m.refused("discretion", standard="2.1", to=RI, rationale=WHY, outside_reason="Because I say so.")) == (
        "outside-criteria",
        None,
        "2.1's flags support a lowering: it is within the criteria, so no outside-criteria reason is recorded.",
    )


def test_within_the_criteria_no_outside_reason_is_recorded(met):
    assert within(met.refused("discretion", standard="2.2", to=G, rationale=WHY, outside_reason="Because I say so."))
    e = met.build("discretion", standard="2.2", to=G, rationale=WHY)
    assert within(met.check({**e, "outside_criteria": True}))
    assert within(met.check({**e, "outside_reason": "Because I say so."}))


# --- what an entry carries: supersedes, answers, evidence ----------------------------------------------


def test_supersedes_names_the_standing_decision(met):
    kept = met.record("declined", standard="2.1", reason=KEEP)
    e = met.build("declined", standard="2.1", reason="Kept again, after the dissent.")
    assert e["supersedes"] == kept["seq"]
    assert said(met.check({**e, "supersedes": 99})) == (
        "supersedes",
        None,
        "'supersedes' must name the standing decision on 2.1: entry 2, not 99.",
    )
    fresh_e = met.build("declined", standard="2.4", reason=KEEP)
    assert said(met.check({**fresh_e, "supersedes": 2})) == (
        "supersedes",
        None,
        "'supersedes' must name the standing decision on 2.4: nothing (there is none; leave it out), not 2.",
    )
    up = met.build("discretion", standard="2.2", to=G, rationale=WHY)
    assert said(met.check({**up, "supersedes": 2})) == (
        "supersedes",
        None,
        "'supersedes' must name the standing decision on 2.2: nothing (there is none; leave it out), not 2.",
    )
    r = met.build("ratification", standard="1.1")
    assert said(met.check({**r, "supersedes": 1})) == (
        "supersedes",
        None,
        "'supersedes' must name the standing ratification on 1.1: nothing (there is none; leave it out), not 1.",
    )


def test_answers_names_the_standing_proposal(met):
    p = met.record("proposal", standard="2.2", to=G, rationale=WHY, by="Maria Jerram")
    e = met.build("declined", standard="2.2", reason=KEEP)
    assert e["answers"] == p["seq"]
    assert said(met.check({k: v for k, v in e.items() if k != "answers"})) == (
        "answers",
        None,
        "'answers' must name the standing proposal on 2.2: entry 2, not None.",
    )
    other = met.build("declined", standard="2.1", reason=KEEP)
    assert said(met.check({**other, "answers": 2})) == (
        "answers",
        None,
        "'answers' must name the standing proposal on 2.1: nothing (no proposal stands; leave it out), not 2.",
    )


def test_evidence_must_be_the_inspections_figures(met):
    e = met.build("declined", standard="2.2", reason=KEEP)
    assert said(met.check({**e, "evidence": "62.5"})) == (
        "evidence",
        None,
        "'evidence' must be the figures of 2.2 as the inspection gives them.",
    )
    forged = copy.deepcopy(e)
    forged["evidence"]["lowest_percent"] = "65.00"
    assert said(met.check(forged)) == (
        "evidence",
        None,
        "evidence.lowest_percent of 2.2 is '65.00', but the inspection gives '62.50': the figures "
        "were not the ones decided on.",
    )
    dropped = copy.deepcopy(e)
    del dropped["evidence"]["flip_distance"]
    assert said(met.check(dropped)) == (
        "evidence",
        None,
        "evidence.flip_distance of 2.2 is None, but the inspection gives 1: the figures were not the ones decided on.",
    )
    assert met.check(e) is None and met.check(copy.deepcopy(e)) is None  # checked again, from the cache


# --- retraction, dissent, sign-off, reopen ---------------------------------------------------------------


@pytest.mark.parametrize("target,shown", [(99, "99"), (True, "True"), ("1", "'1'"), (0, "0")])
def test_a_retraction_names_an_entry_that_exists(met, target, shown):
    assert said(met.refused("retraction", retracts=target, reason="Recorded in error.")) == (
        "retracts",
        None,
        f"there is no entry {shown} to retract (entries 1-1).",
    )


def test_retracted_twice_and_unretractable(met):
    e = met.record("declined", standard="2.1", reason=KEEP)
    r = met.record("retraction", retracts=e["seq"], reason="Recorded in error.")
    assert said(met.refused("retraction", retracts=e["seq"], reason="Recorded in error.")) == (
        "retracted",
        None,
        "entry 2 was already retracted by entry 3.",
    )
    assert said(met.refused("retraction", retracts=r["seq"], reason="Undo the undo, please.")) == (
        "unretractable",
        None,
        "entry 3 is a retraction entry, which cannot be retracted.",
    )


@pytest.mark.parametrize("about,shown", [(99, "99"), (True, "True"), ("2", "'2'")])
def test_a_dissent_is_about_an_entry_that_exists(met, about, shown):
    met.record("declined", standard="2.1", reason=KEEP)
    assert said(met.refused("dissent", member="B", about=about, reason="I would have kept it.", by="B")) == (
        "about",
        None,
        f"there is no entry {shown} to dissent from.",
    )
    assert met.build("dissent", member="B", about=2, reason="I would have kept it.", by="B")
    assert met.build("dissent", member="B", reason="I disagree with the whole meeting.", by="B")


def _signed_off(m: Meeting) -> Meeting:
    for sid in ("1.1", "1.2", "1.3", "1.4"):
        m.record("ratification", standard=sid)
    for sid in ("2.1", "2.2", "2.4", "3.1", "3.2", "3.3", "3.4"):
        m.record("declined", standard=sid, reason=KEEP)
    m.record("sign-off")
    return m


def test_sign_off_refusals(met):
    assert said(met.refused("sign-off")) == (
        "sign-off-incomplete",
        None,
        "cannot sign off: 1.1 is not ratified; 1.2 is not ratified; 1.3 is not ratified; 1.4 is not ratified; "
        "2.1 is flagged (near-boundary, one-case) with no discretion or declined entry; 2.2 is flagged "
        "(near-boundary, one-case) with no discretion or declined entry; 2.4 is flagged (one-case, small-sample) "
        "with no discretion or declined entry; 3.1 is flagged (near-boundary, one-case, small-sample) with no "
        "discretion or declined entry; 3.2 is flagged (near-boundary, one-case, small-sample) with no discretion "
        "or declined entry; 3.3 is flagged (one-case, small-sample) with no discretion or declined entry; 3.4 is "
        "flagged (one-case, small-sample) with no discretion or declined entry.",
    )
    for sid in ("1.1", "1.2", "1.3", "1.4"):
        met.record("ratification", standard=sid)
    for sid in ("2.1", "2.2", "2.4", "3.1", "3.2", "3.3", "3.4"):
        met.record("declined", standard=sid, reason=KEEP)
    so = met.build("sign-off")
    assert (so["score"], so["overall"], so["max_score"], so["entry_count"]) == (31, O, 36, 12)
    assert said(met.check({**so, "score": 32})) == ("sign-off-record", None, "sign-off score must be 31, not 32.")
    assert said(met.check({k: v for k, v in so.items() if k != "overall"})) == (
        "sign-off-record",
        None,
        "sign-off overall must be 'Outstanding', not None.",
    )


def test_after_sign_off_only_reopen(met):
    m = _signed_off(met)
    assert said(m.refused("declined", standard="2.1", reason=KEEP)) == (
        "signed-off",
        None,
        "the session was signed off at entry 13; only 'reopen' (with a reason) is accepted.",
    )
    assert m.build("reopen", reason="The service reported a data error.")


def test_reopen_needs_a_sign_off(met):
    assert said(met.refused("reopen", reason="Reopen for no reason at all.")) == (
        "not-signed-off",
        None,
        "the session is not signed off; there is nothing to reopen.",
    )


def test_sign_off_record_is_the_final_rating(met):
    met.record("discretion", standard="2.2", to=G, rationale=WHY)
    # the panel's one uplift gives Stockton's published record (tests/unit/test_published.py)
    stockton = PUBLISHED["stockton-2021"]
    assert sign_off_record(met.state, met.rating) == {
        "ratings": stockton["ratings"],
        "score": stockton["score"],
        "max_score": 36,
        "overall": O,
        "entry_count": 2,
    }


# --- an inspection still incomplete ----------------------------------------------------------------------


def _incomplete(tmp_path: Path, awaiting: list[str], name: str) -> Meeting:
    cases = all_good_cases()
    for sid in awaiting:
        cases[sid] = [(10, 8), "AWAIT", (10, 8)]
    text = inspection_text(cases).replace("percent = AWAIT\n", "")
    return Meeting(write_inspection(tmp_path, text, name))


def test_no_entry_on_an_incomplete_inspection(tmp_path):
    tail = (
        "), and a decision log freezes the inspection it is made on. Complete inspection.toml first (panel-tui "
        "check lists what is missing), then record."
    )
    m = _incomplete(tmp_path, ["2.1", "2.2", "2.3"], "three")
    assert said(m.refused("attendance", chair="C", members=["A", "B"])) == (
        "inspection-incomplete",
        None,
        "the inspection is not complete (2.1: awaiting figures for 2.1.2; 2.2: awaiting "
        "figures for 2.2.2; 2.3: awaiting figures for 2.3.2" + tail,
    )
    m = _incomplete(tmp_path, ["2.1", "2.2", "2.3", "3.1"], "four")
    assert said(m.refused("proposal", standard="2.4", to=G, rationale=WHY)) == (
        "inspection-incomplete",
        None,
        "the inspection is not complete (2.1: awaiting figures for 2.1.2; 2.2: awaiting "
        "figures for 2.2.2; 2.3: awaiting figures for 2.3.2; …" + tail,
    )


# --- format-1 logs, as the replay still reads them -----------------------------------------------------------


def _v1_entry(m: Meeting, kind: str, sid: str, **fields: Any) -> dict[str, Any]:
    s = m.rating.standard(sid)
    e = m.hand_made(kind, standard=sid, evidence=evidence_of(s, LOG_FORMAT_V1), **fields)
    e.setdefault("from" if kind != "declined" else "band", s.computed)
    return e


def test_format_1_needs_no_attendance_and_answers_nothing_by_itself(v1):
    p = v1.hand_made("proposal", standard="2.2", to=G, rationale=WHY, **{"from": RI})
    assert v1.check(p) is None
    v1.state.apply(p)
    kept = _v1_entry(v1, "declined", "2.2", reason=KEEP)  # no attendance, no 'answers': format 1 had neither
    assert v1.check(kept) is None
    assert v1.check({**kept, "answers": 1}) is None  # what format 1 says it answers, it answers
    up = _v1_entry(v1, "discretion", "2.2", to=G, rationale=WHY, outside_criteria=True, outside_reason="Said so then.")
    assert v1.check(up) is None  # format 1 recorded outside reasons within the criteria too


def test_format_1_evidence_is_numbers_and_has_no_questions(v1):
    s = v1.rating.standard("2.2")
    ev = evidence_of(s, LOG_FORMAT_V1)
    assert ev == {
        "computed": RI,
        "lowest_percent": 62.5,
        "lowest_questions": ["2.2.2"],
        "cases": 8,
        "flags": ["near-boundary", "one-case"],
        "flip_distance": 1,
    }
    e = _v1_entry(v1, "declined", "2.2", reason=KEEP)
    e["evidence"] = evidence_of(s, "")
    assert said(v1.check(e))[0] == "evidence"  # format 2's figures are not format 1's


def test_format_2_evidence_has_every_question_as_text(met):
    ev = evidence_of(met.rating.standard("3.2"), LOG_FORMAT_V3)
    assert ev == {
        "computed": G,
        "lowest_percent": "66.67",
        "lowest_questions": ["3.2.3"],
        "cases": 3,
        "flags": ["near-boundary", "one-case", "small-sample"],
        "flip_distance": 1,
        "questions": [
            {"id": "3.2.1", "percent": "80.00", "yes": 4, "relevant": 5},
            {"id": "3.2.2", "percent": "75.00", "yes": 3, "relevant": 4},
            {"id": "3.2.3", "percent": "66.67", "yes": 2, "relevant": 3},
        ],
    }


def test_format_1_dissent_names_its_member(v1):
    assert said(v1.check(v1.hand_made("dissent", member=" ", reason="I would have kept it."))) == (
        "by-required",
        "member",
        f"A member's name {NAME_REQUIRED}",
    )
    assert said(v1.check(v1.hand_made("dissent", member="A\x00", reason="I would have kept it."))) == (
        "by-invalid",
        "member",
        f"A member's name {NAME_INVALID}",
    )


def test_format_1_logs_accept_entries_on_an_incomplete_inspection(tmp_path):
    m = _incomplete(tmp_path, ["2.1"], "v1")
    m1 = Meeting(m.insp.session_dir, LOG_FORMAT_V1)
    assert m1.check(m1.hand_made("proposal", standard="2.2", to=G, rationale=WHY, **{"from": O})) is None


# --- stored percentages ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value,number",
    [
        ("62.50", 62.5),
        (62.5, 62.5),
        (80, 80.0),
        ("66.67", 66.67),
        (None, None),
        (True, None),
        (False, None),
        ([62.5], None),
    ],
)
def test_percent_value_reads_both_formats(value, number):
    assert percent_value(value) == number


@pytest.mark.parametrize(
    "value,text",
    [
        (Fraction(125, 2), "62.50"),
        (Fraction(200, 3), "66.67"),
        (Fraction(100, 3), "33.33"),
        (Fraction(1, 200), "0.01"),
        (Fraction(100), "100.00"),
        (Fraction(0), "0.00"),
    ],
)
def test_percent_text_is_two_decimals_half_up(value, text):
    assert percent_text(value) == text


# --- format 3: a panel below quorum, and dismissals of entries kept aside ------------------------------


def test_below_quorum_no_decision_is_taken(fresh):
    fresh.record("attendance", chair="Chair", members=["A"])
    assert said(fresh.refused("declined", standard="2.1", reason=KEEP)) == (
        "inquorate",
        None,
        "the panel is inquorate: 1 member present besides the chair (A), and the quorum of "
        "framework hmip-yos-2018 is a chair and 2; 1 more member would complete it. Record the "
        "arrival (attendance) first.",
    )
    assert fresh.build("proposal", standard="2.2", to=G, rationale=WHY, by="Chair")  # a proposal decides nothing


def test_below_quorum_names_who_was_present_earlier(fresh):
    fresh.meet("A", "B")
    chair_alone = fresh.hand_made("attendance", chair="Chair")  # everyone else left (no members listed at all)
    assert fresh.check(chair_alone) is None
    fresh.state.apply(chair_alone)
    assert said(fresh.refused("ratification", standard="1.1")) == (
        "inquorate",
        None,
        "the panel is inquorate: 0 members present besides the chair (none), and the quorum of "
        "framework hmip-yos-2018 is a chair and 2; 2 more members would complete it; present "
        "earlier: A, B. Record the arrival (attendance) first.",
    )


KEPT = "ab" * 32  # the hash of an entry kept aside beside the log (its own hash intact)
OTHER = "cd" * 32


def _kept_aside(m: Meeting, problem: str | None = None) -> Meeting:
    m.state.kept_aside_source = lambda: (frozenset({KEPT}), problem)
    return m


def test_a_dismissal_names_an_entry_kept_aside(met):
    m = _kept_aside(met)
    for target, shown in ((OTHER, repr(OTHER)), (5, "'5'")):
        assert said(m.check(m.hand_made("dismissal", kept_aside=target, reason="Superseded by entry 7."))) == (
            "kept-aside",
            "kept_aside",
            f"there is no entry kept aside in decisions.refused.toml whose hash is {shown}: "
            "a dismissal names an entry kept aside beside this log, by its own hash, and "
            "no writer of panel-tui records one for any other.",
        )
    assert said(m.check(m.hand_made("dismissal", kept_aside=KEPT, reason="tbc"))) == (
        "text-placeholder",
        "reason",
        "reason 'tbc' is a placeholder; say why.",
    )
    first = m.record("dismissal", kept_aside=KEPT, reason="Superseded by entry 7.")
    assert said(m.refused("dismissal", kept_aside=KEPT, reason="Superseded again, by entry 9.")) == (
        "dismissed",
        "kept_aside",
        f"the kept-aside entry {KEPT[:12]}… was already dismissed by entry {first['seq']}; "
        "an entry is dismissed once (retract that dismissal first to dismiss it again).",
    )


def test_a_dismissal_says_why_the_kept_aside_file_gave_nothing(met):
    m = _kept_aside(met, "decisions.refused.toml does not parse")
    assert said(m.check(m.hand_made("dismissal", kept_aside=OTHER, reason="Superseded by entry 7."))) == (
        "kept-aside",
        "kept_aside",
        f"there is no entry kept aside in decisions.refused.toml whose hash is {OTHER!r} "
        "(decisions.refused.toml does not parse): a dismissal names an entry kept aside "
        "beside this log, by its own hash, and no writer of panel-tui records one for any "
        "other.",
    )


def test_a_dismissal_is_a_format_3_entry(v2, v1):
    for m, fmt in ((v2, LOG_FORMAT_V2), (v1, LOG_FORMAT_V1)):
        _kept_aside(m)
        assert said(m.check(m.hand_made("dismissal", kept_aside=KEPT, reason="Superseded by entry 7."))) == (
            "format",
            None,
            f"a dismissal is an entry of decision-log format 3 ({LOG_FORMAT_V3}); this log is {fmt} "
            "and keeps its own format's entries. Settle the kept-aside entry by recording the "
            "decision knowingly instead.",
        )


def test_a_larger_quorum_lists_every_member_present(tmp_path):
    """A framework whose quorum is a chair and 3 members: two present are named, and one more is needed."""
    (tmp_path / "frameworks").mkdir()
    text = (ROOT / "panel_tui" / "frameworks" / "hmip-yos-2018.toml").read_text(encoding="utf-8")
    three = text.replace('id = "hmip-yos-2018"', 'id = "test-quorum-3"', 1).replace(
        "quorum_members = 2 ", "quorum_members = 3 ", 1
    )
    assert three != text
    (tmp_path / "frameworks" / "test-quorum-3.toml").write_text(three, encoding="utf-8")
    m = Meeting(write_inspection(tmp_path, inspection_text(all_good_cases(), framework="test-quorum-3"))).meet("A", "B")
    assert said(m.refused("declined", standard="2.1", reason=KEEP)) == (
        "inquorate",
        None,
        "the panel is inquorate: 2 members present besides the chair (A, B), and the quorum of "
        "framework test-quorum-3 is a chair and 3; 1 more member would complete it. Record the "
        "arrival (attendance) first.",
    )


def test_an_overlong_hash_is_shown_cut_at_64_characters(met):
    m = _kept_aside(met)
    long = "0123456789abcdef" * 5  # 80 characters: not a hash at all
    exc = m.check(m.hand_made("dismissal", kept_aside=long, reason="Superseded by entry 7."))
    assert said(exc)[:2] == ("kept-aside", "kept_aside")
    assert f"whose hash is {long[:64]!r}: a dismissal" in exc.message
