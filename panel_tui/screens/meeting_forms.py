"""The meeting screen's panel actions that write: each checks it applies, then opens its form.

Kept apart from the screen's layout and view (screens/meeting.py) so what an action requires (a
selected standard of the right kind, a session this link may write) and which form it opens
(modals/forms.py, imported when first used) read in one place; recording the form's entry is the
write path's (screens/meeting_writes.py).
"""

from __future__ import annotations

from typing import Any

from panel_tui.core import agenda
from panel_tui.core.engine import StandardResult
from panel_tui.screens.meeting_writes import MeetingWrites
from panel_tui.widgets.standards_table import StandardsTable


class MeetingForms(MeetingWrites):
    """The form-opening half of the meeting screen (screens/meeting.py): ``read_only`` says why
    this session may not be written from here, if anything."""

    read_only: str | None

    # --- helpers ------------------------------------------------------------------------

    @property
    def selected(self) -> StandardResult | None:
        sid = self.query_one(StandardsTable).selected_id
        return self.session.rating.standard(sid) if sid else None

    @property
    def chair(self) -> str:
        state = self.session.log
        if state and state.attendance and not self.session.log_problem:
            return str(state.attendance.get("chair", ""))
        return ""

    def writable_for(self, kind: str, quiet: bool = False) -> bool:
        s = self.session
        problem = self.role.refusal(kind)  # a served link's role first (panel_tui/roles.py)
        if problem is not None:
            pass
        elif self.read_only:
            problem = f"Read-only: {self.read_only}."
        elif s.log_problem:
            problem = "Read-only: the decision log does not verify (see the banner)."
        elif s.log and s.log.signed_off and kind != "reopen":
            problem = f"Read-only: signed off at entry {s.log.sign_off_seq}. Reopen (o) with a reason first."
        if problem and not quiet:
            self.notify(problem, severity="warning", markup=False)
        return problem is None

    def need_selected(self, kinds: tuple[str, ...]) -> StandardResult | None:
        s = self.selected
        if s is None:
            return None
        if s.not_rated:
            self.notify(f"{s.id} is not rated: nothing to decide.", severity="warning", markup=False)
            return None
        if s.awaiting:
            self.notify(f"{s.id} is {s.computed.lower()}: nothing to decide yet.", severity="warning", markup=False)
            return None
        if s.kind not in kinds:
            hint = "use r to ratify it" if s.kind == "judgement" else "use d (discretion) or k (keep)"
            self.notify(
                f"{s.id} is a {'judgement' if s.kind == 'judgement' else 'case-based'} standard: {hint}.",
                severity="warning",
                markup=False,
            )
            return None
        return s

    def context(self) -> Any:
        from panel_tui.modals.forms import Context

        return Context(self.session, self.chair)

    def open_spec(self, spec: Any) -> None:
        self.open_form(
            spec.kind, spec.title, spec.intro, spec.fields, spec.to_entry, spec.confirm, spec.standard, spec.follow_up
        )

    # --- actions: check the action applies, then open its form (defined in modals/forms.py) --

    def action_discretion(self) -> None:
        from panel_tui.modals import forms

        s = self.need_selected(("cases",))
        if s is not None and self.writable_for("discretion"):
            self.open_spec(forms.discretion(self.context(), s))

    def action_keep(self) -> None:
        from panel_tui.modals import forms

        s = self.need_selected(("cases",))
        if s is not None and self.writable_for("declined"):
            self.open_spec(forms.keep(self.context(), s))

    def action_ratify(self) -> None:
        from panel_tui.modals import forms

        s = self.need_selected(("judgement",))
        if s is not None and self.writable_for("ratification"):
            self.open_spec(forms.ratify(self.context(), s))

    def action_ratify_all(self) -> None:
        from panel_tui.modals import forms

        if not self.writable_for("ratification"):
            return
        todo = agenda.to_ratify(self.session.log if not self.session.log_problem else None, self.session.rating)
        if not todo:
            self.notify("Every judgement standard is ratified already.", markup=False)
            return
        self.open_spec(forms.ratify_all(self.context(), todo))

    def action_propose(self) -> None:
        from panel_tui.modals import forms

        s = self.need_selected(("cases",))
        if s is not None and self.writable_for("proposal"):
            self.open_spec(forms.propose(self.context(), s))

    def action_retract(self) -> None:
        from panel_tui.modals import forms

        if not self.writable_for("retraction"):
            return
        spec = forms.retract(self.context(), self.query_one(StandardsTable).selected_id)
        if spec is None:
            self.notify("There is no entry to retract.", severity="warning", markup=False)
            return
        self.open_spec(spec)

    def action_attendance(self) -> None:
        from panel_tui.modals import forms

        if self.writable_for("attendance"):
            self.open_spec(forms.attendance(self.context()))

    def action_dissent(self) -> None:
        from panel_tui.modals import forms

        if self.writable_for("dissent"):
            self.open_spec(forms.dissent(self.context(), self.query_one(StandardsTable).selected_id))

    def action_sign_off(self) -> None:
        from panel_tui.modals import forms

        if self.writable_for("sign-off"):
            self.open_spec(forms.sign_off(self.context()))

    def action_reopen(self) -> None:
        from panel_tui.modals import forms

        if self.writable_for("reopen"):
            self.open_spec(forms.reopen(self.context()))
