"""One modal form for every log entry: it collects fields, the caller's ``commit`` writes.

The form never loses what was typed: a refusal (from the core's rules, or from the write itself)
is shown inside the form and the form stays open. ``commit`` runs in a thread worker (the lock
wait and the fsync never freeze the screen) while the form says "Recording…"; it dismisses with
the result only after ``commit`` returned, i.e. after the entry is on disk. When the log moved on
since the form opened (another process recorded an entry), ``on_stale`` refreshes the caller's
view and the form shows what arrived, so the chair re-submits knowingly. Each field's row on
screen (made, read back, shown or hidden, marked by a refusal) is modals/form_rows.py's.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.timer import Timer
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from panel_tui.core.errors import InputError, RuleRefused
from panel_tui.core.log.writer import StaleView
from panel_tui.modals.form_drafts import DraftKeeper
from panel_tui.modals.form_fit import FormFoot
from panel_tui.modals.form_model import (
    FormField,
    Values,
    default_value,
    first_focus,
    intro_with,
    lines_of,
    recorded_values,
    typed_beyond,
)
from panel_tui.modals.form_rows import FormRows
from panel_tui.textual_fixes import FreshScreenStyles
from panel_tui.widgets.safe import para

__all__ = ["EntryForm", "FormField", "Values", "lines_of"]


class EntryForm(FreshScreenStyles, FormRows):
    """A ModalScreen form. ``commit(values)`` writes and returns the result, or raises a refusal."""

    BINDINGS = [
        # priority: handled in key order by the app, before the next key is passed on. Otherwise
        # Esc travels through the focused field's queue first, and a key pressed right after it
        # (d, Esc, k at a quick pace: found in tmux) was typed into the closing form as a draft.
        Binding(
            "escape",
            "cancel",
            "Close",
            id="form.cancel",
            priority=True,
            tooltip="Close the form; nothing is recorded, typed text is kept as a draft",
        ),
        Binding("ctrl+s", "submit", "Confirm", id="form.confirm", tooltip="Record the entry (written to disk first)"),
        Binding(
            "ctrl+g",
            "discard",
            "Discard draft",
            id="form.discard",
            tooltip="Close the form and throw away what was typed in it",
        ),
    ]

    def __init__(
        self,
        title: str,
        intro: Text | None,
        fields: list[FormField],
        commit: Callable[[Values], Any],
        confirm_label: str = "Confirm",
        on_stale: Callable[[StaleView], str] | None = None,
        drafts: tuple[Path, str] | None = None,
        follow_up: tuple[str, Callable[[], Text]] | None = None,
        timezone: str | None = None,
    ) -> None:
        """``drafts`` = (session folder, draft key): typed text is kept there until recorded.
        ``follow_up`` = (placeholder, slow function): shown under the intro once a thread worker has
        run it (e.g. precedents from sibling sessions), so the form opens at once."""
        super().__init__()
        self.timezone = timezone  # the meeting clock, for the time a draft was typed
        self.follow_up = follow_up
        self.drafts = drafts
        self.keeper = DraftKeeper(drafts, fields)
        self._save_timer: Timer | None = None
        self.form_title = title
        self.intro = intro
        self.fields = fields
        self.commit = commit
        self.confirm_label = confirm_label
        self.on_stale = on_stale
        self.recording = False
        self._fault: str | None = None  # the field the refusal line points to

    def compose(self) -> ComposeResult:
        # Everything the form opens with is decided here, before anything is mounted: the fields'
        # values (a kept draft over the defaults), which rows show, and where the focus starts.
        # Setting them after mounting restyled and laid out the form again (tens of ms each).
        self.initial = {f.name: default_value(f) for f in self.fields}
        draft = self.keeper.read()
        self.had_draft = draft is not None
        self.start = {**self.initial, **(draft[0] if draft else {})}
        shown = [f for f in self.fields if f.shows(self.start)]
        first = first_focus(shown)
        if first is not None:  # Textual's auto-focus gives it the focus as the form mounts (by
            # default it would pick the scrolling body, restyling every field under it, ~30 ms,
            # and again when a field took the focus)
            # per form: Textual reads self.AUTO_FOCUS when the screen resumes (screen.py, 8.2.8); it is
            # declared a ClassVar only because most screens set it in the class body
            self.AUTO_FOCUS = f"#f-{first.name}"  # type: ignore[misc]
        with Vertical(id="form"):
            yield Label(Text(self.form_title, style="bold"), id="form-title")
            with VerticalScroll(id="form-body"):  # focusable: the keys scroll a long intro
                if self.intro is not None or self.follow_up is not None:
                    # one Static for the intro and the follow-up (a widget fewer to mount and paint)
                    follow = Text(self.follow_up[0], style="dim") if self.follow_up is not None else None
                    yield Static(intro_with(self.intro, follow), id="form-intro")
                for f in shown:  # a hidden field is mounted when it first shows (see _update_visibility)
                    yield from self._row(f)
            with FormFoot(id="form-foot"):  # docked: always on screen, the body scrolls above it
                if draft:  # the draft note and the refusal line are mounted only when there is one
                    note, warned = self.keeper.note(draft[1], self.timezone)
                    yield Static(para(note), id="form-draft", classes="-shown form-note" if warned else "-shown")
                elif self.keeper.not_restored is not None:  # the reason in full is in the notification
                    yield Static(
                        para("✎ A draft of this form was kept but not restored (see the notice)."),
                        id="form-draft",
                        classes="-shown form-note",
                    )
                with Horizontal(id="form-buttons"):
                    yield Button(f"{self.confirm_label} (ctrl+s)", id="confirm", variant="primary")
                    yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        self.app.clear_notifications()  # a toast from the last entry must not cover this form's fields
        if self.keeper.not_restored is not None:  # once, as the form opens (a draft made visible is
            # warned of in the form itself: a toast would cover that warning and the buttons)
            self.call_after_refresh(
                self.notify,
                f"Drafts not restored: {self.keeper.not_restored}.",
                title="Draft not restored",
                severity="warning",
                markup=False,
                timeout=8,
            )
        if self.follow_up is not None:
            self._run_follow_up(self.follow_up[1])
        for area in self.query(TextArea):  # typing goes after a pre-filled case, not before it; a
            # restored draft opens at its start, so its first lines are the ones seen
            if area.id is not None and area.id[2:] in self.keeper.restored:
                area.move_cursor((0, 0))
                area.scroll_home(animate=False)
            else:
                area.move_cursor(area.document.end)
        for line in self.query(Input):
            if line.id is not None and line.id[2:] in self.keeper.restored:
                line.cursor_position = 0
        # once the body has its height: bring the field to type in into view (a select-only form,
        # e.g. the sign-off, stays at the top, where its intro says what is missing)
        self.call_after_refresh(self._fit, self._show_focused)

    # --- drafts: no typed word lost ---------------------------------------------------------

    def typed(self) -> bool:
        """Has anything been typed beyond the values the form opened with?"""
        return typed_beyond(self.fields, self.initial, self.values())

    def _save_draft_now(self) -> None:
        if not self.keeper.active or self.recording:
            return
        try:
            self.keeper.keep(self.values(), self.typed())
        except OSError as exc:
            self.notify(
                f"Could not keep a draft: {exc.strerror or exc}. Your text is still in the form.",
                severity="warning",
                markup=False,
            )

    def on_text_area_changed(self, _: TextArea.Changed) -> None:
        self._schedule_draft()

    def on_input_changed(self, _: Input.Changed) -> None:
        self._schedule_draft()

    def _schedule_draft(self) -> None:
        """Save a moment after typing pauses, so a crash loses at most the last second."""
        if self.drafts is None or not self.is_mounted:
            return
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(0.8, self._save_draft_now)

    def action_submit(self) -> None:
        if self.recording:
            return  # one write at a time: a second ctrl+s while recording is ignored
        now = self.values()  # read once: each field's visibility is decided from the same values
        vals = recorded_values(self.fields, now)
        self.recording = True
        self.query("#form-error").remove_class("-shown")
        self.call_after_refresh(self._fit)
        self.query_one("#confirm", Button).label = "Recording… (writing to disk)"
        self._record(vals)

    @work(thread=True, exclusive=True, group="follow-up")
    def _run_follow_up(self, slow: Callable[[], Text]) -> None:
        """Off the UI thread; dropped if the form has closed meanwhile (the worker is cancelled with it)."""
        from textual.worker import get_current_worker

        try:
            text = slow()
        except Exception as exc:  # a broken sibling session must not break the form
            text = Text(f"(not available: {exc})", style="dim")
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_follow_up, text)

    def _show_follow_up(self, text: Text) -> None:
        if self.is_mounted:
            self.query_one("#form-intro", Static).update(intro_with(self.intro, text))
            self.call_after_refresh(self._keep_focused_in_view)

    @work(thread=True, exclusive=True, group="record")
    def _record(self, vals: Values) -> None:
        """Write in a thread; hand the result or the refusal back to the UI thread."""
        try:
            result = self.commit(vals)
        except (RuleRefused, InputError, OSError) as exc:
            self.app.call_from_thread(self._refused, exc)
            return
        self.app.call_from_thread(self._recorded, result)

    def _recorded(self, result: Any) -> None:
        self.recording = False
        if self._save_timer is not None:
            self._save_timer.stop()
        try:
            self.keeper.clear()
        except OSError:
            pass  # the entry is on disk; a stale draft is only shown as a draft next time
        self.dismiss(result)

    def _refused(self, exc: Exception) -> None:
        self.recording = False
        self.query_one("#confirm", Button).label = f"{self.confirm_label} (ctrl+s)"
        if isinstance(exc, StaleView) and self.on_stale is not None:
            self.show_error(f"{exc.message} {self.on_stale(exc)}")
        elif isinstance(exc, RuleRefused):
            self.show_error(exc.message, exc.field)
        elif isinstance(exc, OSError):
            self.show_error(
                f"could not write the log: {exc.strerror or exc} ({exc.filename}). Nothing was "
                "recorded; your text is still here."
            )
        else:
            self.show_error(str(exc))

    def action_cancel(self) -> None:
        for select in self.query(Select):  # Esc in an open list closes the list, as without priority
            if select.expanded:
                select.expanded = False
                select.focus()
                return
        if self.recording:
            self.notify("Recording in progress: wait until it is on disk.", severity="warning", markup=False)
            return
        if self._save_timer is not None:
            self._save_timer.stop()
        if self.typed():
            if self.drafts is not None:
                self._save_draft_now()
                self.notify(
                    "Nothing recorded. What you typed is kept as a draft: open the same form to go on "
                    "(ctrl+g there discards it).",
                    title="Draft kept",
                    markup=False,
                    timeout=5,
                )
            else:
                self.notify("Nothing recorded; what you typed was not kept.", severity="warning", markup=False)
        self.dismiss(None)

    def action_discard(self) -> None:
        """Close and throw away the typed text (and its draft): the one way to lose it, on purpose."""
        if self.recording:
            return
        if self._save_timer is not None:
            self._save_timer.stop()
        something = self.had_draft or self.typed()
        self.keeper.clear()
        self.notify(
            "Draft discarded; nothing recorded." if something else "Closed; nothing was typed or recorded.",
            markup=False,
            timeout=3,
        )
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "confirm":
            self.action_submit()
        else:
            self.action_cancel()
