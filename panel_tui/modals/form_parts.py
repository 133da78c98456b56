"""The parts the entry form builders share: what a builder is given and returns, and the fields
and intros several forms use.

A builder (modals/forms.py) takes a Context (the session shown and who chairs) and returns a
FormSpec; who makes the entry, the lead inspector's case, a retracted entry to start again from,
the flags and the precedents are asked or shown the same way on several forms, so each is written
once here and the builders there read as the list of what each form asks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rich.text import Text

from panel_tui.core.engine import StandardResult, leaning
from panel_tui.core.session import Session
from panel_tui.modals.entry_form import FormField
from panel_tui.widgets.safe import plain

ToEntry = Callable[[dict[str, Any]], Any]  # form values -> an entry's fields, or [(kind, fields), ...]


@dataclass
class FormSpec:
    kind: str
    title: str
    intro: Text | None
    fields: list[FormField]
    to_entry: ToEntry
    confirm: str = "Record"
    standard: str | None = None  # the standard it is about (drafts are kept per form and standard)
    follow_up: tuple[str, Callable[[], Text]] | None = None  # slow extra text, filled in by a worker


@dataclass
class Context:
    """What every form needs from the screen: the session shown and who chairs."""

    session: Session
    chair: str = ""
    state: Any = field(init=False)

    def __post_init__(self) -> None:
        self.state = self.session.log if not self.session.log_problem else None


def by_field(
    ctx: Context, label: str, name: str = "by", chair_last: bool = False, value: str = "", choose_first: bool = False
) -> FormField:
    """Who makes the entry: chosen from the attendance once it stands, the chair first (or last, for
    a dissent, which is usually a member's), starting on ``value`` when present, else the first listed."""
    present = ctx.state.present if ctx.state is not None else []
    if not present:
        return FormField(name, label, value=value or ctx.chair, choose_first=choose_first)
    if chair_last:
        present = [*present[1:], *present[:1]]
    return FormField(
        name,
        label,
        "select",
        [(p, p) for p in present],
        value=value if value in present else present[0],
        choose_first=choose_first,
    )


def case_intro(intro: Text, ctx: Context, sid: str, then: str = "") -> Text:
    """The lead inspector's case (rationale and evidence, in full) under a form's intro, so the panel
    answers it having read it (the keep form did not show it)."""
    from panel_tui.widgets.detail import case_text

    before = len(intro)
    case_text(intro, ctx.session, sid, heading="\nThe lead inspector's case")
    if then and len(intro) > before:
        intro.append(then + "\n")
    return intro


def retracted_to_redo(ctx: Context, sid: str, kinds: tuple[str, ...]) -> dict[str, Any] | None:
    """The entry of ``kinds`` on ``sid`` retracted last, when nothing of its group was recorded on
    ``sid`` since: recording again starts from its fields, so a rationale retracted to fix one word
    is not typed again in full."""
    state = ctx.state
    if state is None:
        return None
    for e in reversed(state.entries):
        if e.get("standard") != sid or e["kind"] not in kinds:
            continue
        return e if e["seq"] in state.retracted else None
    return None


def redo_note(ctx: Context, e: dict[str, Any]) -> Text:
    """Says where the pre-filled fields come from, and why that entry was retracted."""
    from panel_tui.core.display import one_line

    r = ctx.state.entry(ctx.state.retracted[e["seq"]]) if ctx.state is not None else None
    t = Text(
        f"\nPre-filled from entry {e['seq']} ({e['kind']}), retracted by entry {r['seq'] if r else '?'}: ", style="bold"
    )
    t.append_text(plain(one_line(str(r.get("reason", "")) if r else "")))
    t.append(". Edit what needs changing, then ctrl+s.\n")
    return t


def pending_proposal(ctx: Context, s: StandardResult) -> dict[str, Any] | None:
    """The lead inspector's proposal on ``s`` that no standing decision has answered yet."""
    if ctx.state is None:
        return None
    p = ctx.state.proposals.get(s.id)
    return p if p is not None and ctx.state.outcome_of(p) == "pending" else None


def flag_intro(s: StandardResult) -> Text:
    t = Text()
    t.append(f"{s.id} {s.name}: computed {s.computed}, final {s.final}\n", style="bold")
    for f in s.flags:
        t.append(f"⚑ {f.name}: {f.reason}\n")
    if not s.flags and s.kind == "cases":
        t.append("No discretion flag: this standard does not meet the criteria for discretion.\n")
    return t


def precedents_text(ctx: Context, s: StandardResult) -> Text:
    """Earlier decisions on the same standard in sibling sessions, similar % and sample (slow: a worker runs it)."""
    from panel_tui.core.audit import sibling_precedents
    from panel_tui.core.display import one_line
    from panel_tui.core.stats import two_dp

    lowest = two_dp(s.lowest_percent) if s.lowest_percent is not None else None
    found, note = sibling_precedents(ctx.session.dir, s.id, lowest, s.cases)
    t = Text()
    if not found and not note:
        return Text("No precedents: no sibling session decided this standard on similar figures.", style="dim")
    if note:
        t.append(f"\nPrecedents: {note}\n", style="dim")
    if not found:
        return t
    t.append("\nPrecedents (same standard, lowest within 5 points, similar sample):\n", style="bold")
    for d in found[:5]:
        base = f"{d['lowest_percent']}%" + (f" of {d['cases']}" if d["cases"] else "")
        t.append(one_line(f"  {d['session']} #{d['seq']} {d['kind']} {d['from']} → {d['to']} ({base}): "))
        t.append(one_line(str(d["rationale"] or ""), 90))
        t.append("\n")
    return t


def default_target(targets: list[Any], s: StandardResult) -> str:
    """The band a form starts on: one the flags point to, else the first the criteria support."""
    lean = leaning(s)
    supported = [t for t in targets if t.supported]
    band: str = next((t.band for t in supported if t.direction == lean), (supported or targets)[0].band)
    return band
