"""The entry forms of the meeting: which fields each asks, what it shows, and what it records.

Each builder takes the session as the meeting screen shows it and returns a FormSpec; the screen
only checks that the action applies and opens the spec in an EntryForm. Kept apart from the screen
so a form's fields can be read (and tested) in one place. The parts several forms share (FormSpec,
Context, the "by" field, the case and redo intros) are in modals/form_parts.py.
"""

from __future__ import annotations

import textwrap
from typing import Any

from rich.text import Text

from panel_tui.core.engine import StandardResult, discretion_targets
from panel_tui.modals.entry_form import FormField
from panel_tui.modals.form_parts import Context as Context  # re-exported: the meeting screen imports it from here
from panel_tui.modals.form_parts import FormSpec as FormSpec  # re-exported: what every builder here returns
from panel_tui.modals.form_parts import (
    ToEntry,
    by_field,
    case_intro,
    default_target,
    flag_intro,
    pending_proposal,
    precedents_text,
    redo_note,
    retracted_to_redo,
)
from panel_tui.widgets.safe import plain

SIGN_OFF_NAME = 28  # the name column of the sign-off summary (a longer name wraps under it)


def _for_standard(sid: str) -> ToEntry:
    return lambda v: {"standard": sid, **v}


def discretion(ctx: Context, s: StandardResult) -> FormSpec:
    targets = discretion_targets(ctx.session.rating.framework, s)
    unsupported = {t.band for t in targets if not t.supported}
    options = [(f"{t.band} ({t.direction}{'' if t.supported else ' — outside the criteria'})", t.band) for t in targets]
    default = default_target(targets, s)
    proposal = pending_proposal(ctx, s)
    if proposal is not None and proposal.get("to") in {t.band for t in targets}:
        default = str(proposal["to"])
    redo = retracted_to_redo(ctx, s.id, ("discretion",))
    if redo is not None and proposal is not None and proposal["seq"] > redo["seq"]:
        redo = None  # a newer case from the lead inspector is the better start
    if redo is not None and redo.get("to") in {t.band for t in targets}:
        default = str(redo["to"])
    start = redo or proposal or {}
    fields = [
        FormField("to", "Target band (one step)", "select", options, value=default),
        FormField(
            "rationale", "Rationale (required, at least 20 characters)", "area", value=str(start.get("rationale") or "")
        ),
        FormField(
            "other_evidence",
            "Other compelling evidence (required: the rating rests on 5 cases or fewer)",
            "area",
            visible=lambda v: "small-sample" in s.flag_names,
            value=str(start.get("other_evidence") or ""),
        ),
        FormField(
            "outside_reason",
            "Reason for going outside the criteria (required)",
            "area",
            note="⚠ WARNING: no flag supports this change. It will be recorded as outside the criteria.",
            visible=lambda v: v.get("to") in unsupported,
            value=str((redo or {}).get("outside_reason") or ""),
        ),
        by_field(ctx, "Decided by", value=str((redo or {}).get("by") or "")),
    ]
    intro = flag_intro(s)
    if redo is not None:
        intro.append_text(redo_note(ctx, redo))
    elif proposal is not None:
        intro.append(f"\nThe lead inspector proposed {proposal['to']} (entry {proposal['seq']}, by ", style="bold")
        intro.append_text(plain(proposal.get("by", ""), style="bold"))
        intro.append("): its case is below to adopt or edit. Recording this answers the proposal.\n", style="bold")
    return FormSpec(
        "discretion",
        f"Discretion on {s.id} {s.name}",
        intro,
        fields,
        _for_standard(s.id),
        standard=s.id,
        follow_up=("Precedents: looking in sibling sessions…", lambda: precedents_text(ctx, s)),
    )


def keep(ctx: Context, s: StandardResult) -> FormSpec:
    redo = retracted_to_redo(ctx, s.id, ("declined",)) or {}
    fields = [
        FormField(
            "reason", f"Why the panel keeps {s.computed} (required)", "area", value=str(redo.get("reason") or "")
        ),
        by_field(ctx, "Decided by", value=str(redo.get("by") or "")),
    ]
    intro = flag_intro(s)
    if redo:
        intro.append_text(redo_note(ctx, redo))
    proposal = pending_proposal(ctx, s)
    if proposal is not None:
        intro.append(
            f"\nThe lead inspector proposed {proposal['to']} (entry {proposal['seq']}): keeping "
            f"{s.computed} declines that proposal, and the log records that it answers it.\n",
            style="bold",
        )
        case_intro(intro, ctx, s.id)
    return FormSpec(
        "declined", f"Keep {s.id} {s.name} at {s.computed}", intro, fields, _for_standard(s.id), standard=s.id
    )


def ratify(ctx: Context, s: StandardResult) -> FormSpec:
    bands = ctx.session.rating.framework.band_names
    proposed = s.proposed or ""
    redo = retracted_to_redo(ctx, s.id, ("ratification",)) or {}
    fields = [
        FormField(
            "to",
            "Rating",
            "select",
            [(b + (" (proposed)" if b == proposed else ""), b) for b in bands],
            value=str(redo.get("to") or proposed),
            choose_first=True,
        ),
        FormField(
            "reason",
            "Reason for changing the proposed band (required)",
            "area",
            visible=lambda v: v.get("to") != proposed,
            value=str(redo.get("reason") or ""),
        ),
        by_field(ctx, "Ratified by", value=str(redo.get("by") or "")),
    ]
    intro = Text(f"{s.id} {s.name}: the lead inspector proposes {proposed}.\n")
    case_intro(intro, ctx, s.id, "Ratifying as proposed answers it; another band needs a reason.")
    if redo:
        intro.append_text(redo_note(ctx, redo))
    return FormSpec("ratification", f"Ratify {s.id} {s.name}", intro, fields, _for_standard(s.id), standard=s.id)


def ratify_all(ctx: Context, todo: list[str]) -> FormSpec:
    r = ctx.session.rating
    intro = Text("Ratify as the lead inspector proposed (one entry each, recorded together):\n\n", style="bold")
    for sid in todo:
        s = r.standard(sid)
        intro.append(f"  {s.id:<4} {s.name:<32} {s.proposed}\n", style="")
    intro.append("\nTo change a proposed band, use r on that standard instead.", style="")
    ids = tuple(todo)
    return FormSpec(
        "ratification",
        f"Ratify {len(todo)} judgement standards as proposed",
        intro,
        [by_field(ctx, "Ratified by")],
        lambda v: [("ratification", {"standard": sid, "by": v.get("by", "")}) for sid in ids],
        confirm="Ratify all",
    )


def propose(ctx: Context, s: StandardResult) -> FormSpec:
    targets = discretion_targets(ctx.session.rating.framework, s)
    fields = [
        FormField(
            "to",
            "Proposed band",
            "select",
            [(f"{t.band} ({t.direction}{'' if t.supported else ', no flag supports it'})", t.band) for t in targets],
            value=default_target(targets, s),
        ),
        FormField("rationale", "The case for the panel (required)", "area"),
        FormField("by", "Proposed by", value=ctx.session.inspection.lead_inspector or ""),
    ]
    return FormSpec(
        "proposal", f"Prepare a case on {s.id} {s.name}", flag_intro(s), fields, _for_standard(s.id), standard=s.id
    )


def retract_start(ctx: Context, sid: str | None, retractable: list[dict[str, Any]]) -> dict[str, Any]:
    """The entry the retraction form starts on: the selected standard's standing decision, else its
    latest entry that may be retracted (a proposal, a dissent from its decision), else the newest
    entry. (It started on the newest: with the cursor on 2.1, ctrl+s would have retracted 3.2's.)"""
    state = ctx.state
    if state is not None and sid is not None:
        open_ = {e["seq"] for e in retractable}
        standing = state.panel.get(sid) or state.ratified.get(sid)
        mine: list[dict[str, Any]] = [e for e in state.for_standard(sid) if e["seq"] in open_]
        if standing is not None and standing["seq"] in open_:
            mine.append(standing)
        if mine:
            return mine[-1]
    return retractable[-1]


def retract(ctx: Context, sid: str | None = None) -> FormSpec | None:
    """None when there is nothing left to retract."""
    from panel_tui.core.display import at_word, entry_summary
    from panel_tui.core.log import UNRETRACTABLE

    state = ctx.state
    entries = [
        e
        for e in (state.entries if state else [])
        if e["kind"] not in UNRETRACTABLE and e["seq"] not in state.retracted
    ]
    if not entries:
        return None
    start = retract_start(ctx, sid, entries)
    options = [(at_word(f"#{e['seq']} {e['kind']}: {entry_summary(e)}", 70), str(e["seq"])) for e in reversed(entries)]
    fields = [
        FormField("retracts", "Entry to retract", "select", options, value=str(start["seq"]), choose_first=True),
        FormField("reason", "Reason (required)", "area"),
        by_field(ctx, "Retracted by"),
    ]
    where = f" (starting on {sid}'s)" if sid is not None and start.get("standard") == sid else ""
    return FormSpec(
        "retraction",
        f"Retract an entry{where}: it stays in the log, marked retracted",
        None,
        fields,
        lambda v: {**v, "retracts": int(v["retracts"])},
    )


def attendance(ctx: Context) -> FormSpec:
    """Who is present. With a people register (people.toml) the names are chosen from it, chairs
    first; someone not in it can still be typed, and the form warns that they are not."""
    prev = ctx.state.attendance if ctx.state is not None and ctx.state.attendance else {}
    chair, members = str(prev.get("chair", "")), [str(m) for m in prev.get("members", [])]
    intro = Text("Who is present at this ratings panel?")
    from panel_tui.core.errors import InputError
    from panel_tui.core.people import find_register

    try:
        register = find_register(ctx.session.dir)
    except (InputError, OSError) as exc:
        register = None
        intro.append_text(plain(f"\n⚠ People register not used: {exc}", "bold"))
    if register is None or not register.people:
        fields = [
            FormField("chair", "Chair", value=chair),
            FormField("members", "Members present (one per line)", "lines", value="\n".join(members)),
        ]
        return FormSpec("attendance", "Attendance", intro, fields, lambda v: {**v, "by": v.get("chair", "")})
    return _attendance_from(register, chair, members, intro)


OTHER = "<someone not in people.toml>"  # the chair choice that opens a field to type a name in


def _attendance_from(register: Any, chair: str, members: list[str], intro: Text) -> FormSpec:
    """The chosen names come from the register, so only a typed one can be refused for its spelling:
    the typed fields are the ones named ``chair`` and ``members``, where a refusal puts its message."""
    known = register.names("chair")
    in_reg = [m for m in members if register.find(m) is not None]
    others = [m for m in members if register.find(m) is None]
    warn = f"⚠ Not in {register.path}: recorded as typed (check the spelling, or add them to the register)."
    fields = [
        FormField(
            "chair_pick",
            "Chair (from people.toml)",
            "select",
            [(n, n) for n in known] + [(OTHER, OTHER)],
            value=register.canonical(chair) if register.find(chair) else (OTHER if chair else known[0]),
        ),
        FormField(
            "chair",
            "Chair, not in people.toml",
            value=chair if register.find(chair) is None else "",
            note=warn,
            visible=lambda v: v.get("chair_pick") == OTHER,
        ),
        FormField(
            "members_ticked",
            "Members present (space ticks a name)",
            "choose",
            [(n, n) for n in register.names("member")],
            value="\n".join(register.canonical(m) for m in in_reg),
        ),
        FormField("members", "Members not in people.toml (one per line)", "lines", value="\n".join(others), note=warn),
    ]

    def to_entry(v: dict[str, Any]) -> dict[str, Any]:
        name = v.get("chair", "") if v.get("chair_pick") == OTHER else v.get("chair_pick", "")
        return {"chair": name, "members": [*v.get("members_ticked", []), *v.get("members", [])], "by": name}

    return FormSpec("attendance", "Attendance", intro, fields, to_entry)


def dissent(ctx: Context, sid: str | None = None) -> FormSpec:
    """A member's dissent: members are offered before the chair, and it starts on the standing
    decision on the selected standard ``sid`` (the usual case) rather than the panel in general."""
    from panel_tui.core.display import at_word, entry_summary

    state = ctx.state
    entries = list(reversed(state.entries if state else []))
    options = [("(the panel's conclusions generally)", "")] + [
        (at_word(f"#{e['seq']} {e['kind']} {e.get('standard', '')}: {entry_summary(e)}", 70), str(e["seq"]))
        for e in entries
    ]
    standing = (state.panel.get(sid) or state.ratified.get(sid)) if state is not None and sid is not None else None
    fields = [
        by_field(ctx, "Member dissenting", "member", chair_last=True, choose_first=True),
        FormField("about", "About", "select", options, value=str(standing["seq"]) if standing else ""),
        FormField("reason", "Reason (required)", "area"),
    ]
    return FormSpec(
        "dissent",
        "Record a dissent",
        None,
        fields,
        lambda v: {**v, "about": int(v["about"]) if v.get("about") else None, "by": v.get("member", "")},
    )


def sign_off(ctx: Context) -> FormSpec:
    from panel_tui.core.log import LogState

    r = ctx.session.rating
    t = Text()
    t.append(f"Final ratings: {r.score}/{r.max_score}, {r.overall}\n\n", style="bold")
    missing = (ctx.state or LogState(ctx.session.log_path)).missing_for_sign_off(r)
    if missing:  # first, so it is above the fold at 80x24
        t.append("Not ready to sign off:\n", style="bold")
        for m in missing:
            t.append(f"  ✗ {m}\n")
        t.append("\n")
    else:
        t.append(
            "✓ Everything the panel must consider has been recorded. After sign-off the session is "
            "read-only until reopened with a reason.\n\n"
        )
    for s in r.standards:  # a long name wraps in its column: the band stays whole in its own
        change = "" if s.final == s.computed else f"  (computed {s.computed})"
        lines = textwrap.wrap(s.name, SIGN_OFF_NAME, break_long_words=False) or [""]
        t.append(f"  {s.id:<4} {lines[0]:<{SIGN_OFF_NAME}} {s.final}{change}\n")
        for more in lines[1:]:
            t.append(f"  {'':<4} {more}\n")
    return FormSpec(
        "sign-off", "Sign off the session", t, [by_field(ctx, "Signed off by")], lambda v: v, confirm="Sign off"
    )


def reopen(ctx: Context) -> FormSpec:
    fields = [FormField("reason", "Reason for reopening (required)", "area"), by_field(ctx, "Reopened by")]
    return FormSpec("reopen", "Reopen the signed-off session", None, fields, lambda v: v)
