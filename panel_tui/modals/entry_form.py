"""One modal form for every log entry: it collects fields, the caller's ``commit`` writes.

The form never loses what was typed: a refusal (from the core's rules, or from the write itself)
is shown inside the form and the form stays open. ``commit`` runs in a thread worker (the lock
wait and the fsync never freeze the screen) while the form says "Recording…"; it dismisses with
the result only after ``commit`` returned, i.e. after the entry is on disk. When the log moved on
since the form opened (another process recorded an entry), ``on_stale`` refreshes the caller's
view and the form shows what arrived, so the chair re-submits knowingly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.geometry import Region
from textual.message import Message
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widget import AwaitMount, Widget
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from panel_tui.core.display import local_time
from panel_tui.core.errors import InputError, RuleRefused
from panel_tui.core.log.writer import StaleView
from panel_tui.textual_fixes import FreshScreenStyles, ValuedSelect
from panel_tui.widgets.safe import para

Values = dict[str, Any]


@dataclass
class FormField:
    """A field of an entry form. ``visible`` decides, from the current values, whether it shows."""

    name: str
    label: str
    kind: str = "input"  # input | area | select | lines
    options: list[tuple[str, str]] = field(default_factory=list)  # (label, value) for select
    value: str = ""
    placeholder: str = ""
    note: str = ""  # shown under the label, e.g. a warning
    visible: Callable[[Values], bool] | None = None

    def shows(self, values: Values) -> bool:
        return self.visible is None or self.visible(values)


def _trimmed(text: Text) -> Text:
    """A Text without the blank lines at its start and end (its styles kept)."""
    text = text.copy()
    while text.plain.endswith("\n"):
        text.right_crop(1)
    start = len(text.plain) - len(text.plain.lstrip("\n"))
    return text[start:] if start else text


def lines_of(text: str) -> list[str]:
    """A "lines" field's value: its non-blank lines, trimmed (e.g. the members present)."""
    return [ln.strip() for ln in text.splitlines() if ln.strip()]


class FormFoot(Vertical):
    """The form's foot (messages and buttons). Says when its height changed, so the form fits
    its body to what is left whatever the order the messages and layouts came in."""

    class Resized(Message):
        pass

    def on_resize(self) -> None:
        self.post_message(self.Resized())


class EntryForm(FreshScreenStyles, ModalScreen[Any]):
    """A ModalScreen form. ``commit(values)`` writes and returns the result, or raises a refusal."""

    BINDINGS = [
        # priority: handled in key order by the app, before the next key is passed on. Otherwise
        # Esc travels through the focused field's queue first, and a key pressed right after it
        # (d, Esc, k at a quick pace: found in tmux) was typed into the closing form as a draft.
        Binding("escape", "cancel", "Close", id="form.cancel", priority=True,
                tooltip="Close the form; nothing is recorded, typed text is kept as a draft"),
        Binding("ctrl+s", "submit", "Confirm", id="form.confirm", tooltip="Record the entry (written to disk first)"),
        Binding("ctrl+g", "discard", "Discard draft", id="form.discard",
                tooltip="Close the form and throw away what was typed in it"),
    ]

    def __init__(self, title: str, intro: Text | None, fields: list[FormField],
                 commit: Callable[[Values], Any], confirm_label: str = "Confirm",
                 on_stale: Callable[[StaleView], str] | None = None,
                 drafts: tuple[Path, str] | None = None,
                 follow_up: tuple[str, Callable[[], Text]] | None = None, timezone: str | None = None) -> None:
        """``drafts`` = (session folder, draft key): typed text is kept there until recorded.
        ``follow_up`` = (placeholder, slow function): shown under the intro once a thread worker has
        run it (e.g. precedents from sibling sessions), so the form opens at once."""
        super().__init__()
        self.timezone = timezone  # the meeting clock, for the time a draft was typed
        self.follow_up = follow_up
        self.drafts = drafts
        self._save_timer: Timer | None = None
        self.form_title = title
        self.intro = intro
        self.fields = fields
        self.commit = commit
        self.confirm_label = confirm_label
        self.on_stale = on_stale
        self.recording = False
        self._fault: str | None = None  # the field the refusal line points to
        self._restored: dict[str, Any] = {}  # field name -> its Restored text (from core.drafts)
        self._not_restored: str | None = None  # why a kept draft was not put back, if it was not

    def compose(self) -> ComposeResult:
        # Everything the form opens with is decided here, before anything is mounted: the fields'
        # values (a kept draft over the defaults), which rows show, and where the focus starts.
        # Setting them after mounting restyled and laid out the form again (tens of ms each).
        self.initial = {f.name: self._default(f) for f in self.fields}
        draft = self._read_draft()
        self.had_draft = draft is not None
        self.start = {**self.initial, **(draft[0] if draft else {})}
        shown = [f for f in self.fields if f.shows(self.start)]
        first = next((f for f in shown if f.kind != "select"), shown[0] if shown else None)
        if first is not None:  # Textual's auto-focus gives it the focus as the form mounts (by
            # default it would pick the scrolling body, restyling every field under it, ~30 ms,
            # and again when a field took the focus)
            self.AUTO_FOCUS = f"#f-{first.name}"
        with Vertical(id="form"):
            yield Label(Text(self.form_title, style="bold"), id="form-title")
            with VerticalScroll(id="form-body"):  # focusable: the keys scroll a long intro
                if self.intro is not None or self.follow_up is not None:
                    # one Static for the intro and the follow-up (a widget fewer to mount and paint)
                    follow = Text(self.follow_up[0], style="dim") if self.follow_up is not None else None
                    yield Static(self._intro_with(follow), id="form-intro")
                for f in shown:  # a hidden field is mounted when it first shows (see _update_visibility)
                    yield from self._row(f)
            with FormFoot(id="form-foot"):  # docked: always on screen, the body scrolls above it
                if draft:  # the draft note and the refusal line are mounted only when there is one
                    note, warned = self._draft_note(draft[1])
                    yield Static(para(note), id="form-draft", classes="-shown form-note" if warned else "-shown")
                elif self._not_restored is not None:  # the reason in full is in the notification
                    yield Static(para("✎ A draft of this form was kept but not restored (see the notice)."),
                                 id="form-draft", classes="-shown form-note")
                with Horizontal(id="form-buttons"):
                    yield Button(f"{self.confirm_label} (ctrl+s)", id="confirm", variant="primary")
                    yield Button("Cancel (esc)", id="cancel")

    def _draft_note(self, saved: str) -> tuple[str, bool]:
        """The line above the buttons on a restored draft: how many lines each text holds (a text
        longer than its field is not taken for a short one), and what was made visible in it."""
        typed = local_time(saved, self.timezone) if self.timezone else saved  # the meeting clock
        sizes = [f"{self._short(n)}: {r.lines} line{'s' if r.lines != 1 else ''}"
                 for n, r in self._restored.items() if r.lines and self._kind(n) in ("area", "lines")]
        note = f"✎ Draft restored ({'; '.join([*sizes, f'typed {typed}'])}, not yet recorded). ctrl+g discards it."
        problems = [f"{self._short(n)}: {', '.join(r.problems())}" for n, r in self._restored.items() if r.problems()]
        if not problems:
            return note, False
        return f"{note}\n⚠ Made visible, as it would be recorded: {'; '.join(problems)}. Read it all.", True

    def _short(self, name: str) -> str:
        label = next(f.label for f in self.fields if f.name == name)
        return label.split(" (", 1)[0]

    def _kind(self, name: str) -> str:
        return next(f.kind for f in self.fields if f.name == name)

    def _intro_with(self, follow: Text | None) -> Text:
        """The intro, then the follow-up (placeholder or result), one blank line between them and
        none at either end (the first field's label brings its own): blank lines at 80x24 pushed
        the field to type in off the screen (a chair found three between the flags and the
        precedents)."""
        parts = [t for t in (self.intro, follow) if t is not None]
        out = Text()
        for t in parts:
            t = _trimmed(t)
            if t.plain:
                if out.plain:
                    out.append("\n\n")
                out.append_text(t)
        return out

    @staticmethod
    def _default(f: FormField) -> Any:
        """The value a field opens with when no draft is kept (as ``values`` would read it)."""
        if f.kind == "select":
            return f.value or f.options[0][1]
        if f.kind == "lines":
            return lines_of(f.value)
        return f.value

    def _read_draft(self) -> tuple[Values, str] | None:
        """The kept draft's values that fit this form's fields, and when it was typed."""
        if self.drafts is None:
            return None
        from panel_tui.core.drafts import get_draft, not_restored_because, restorable

        found = get_draft(*self.drafts)
        if found is None:
            return None
        # only a draft typed at this desk: a drafts file git tracks may come from anyone's clone
        self._not_restored = not_restored_because(self.drafts[0])
        if self._not_restored is not None:
            return None
        values, saved = found
        kept: Values = {}
        for f in self.fields:
            v = values.get(f.name)
            if f.kind == "select":
                if v is not None and any(value == v for _, value in f.options):
                    kept[f.name] = v
                continue
            if f.kind == "lines" and isinstance(v, list):
                v = "\n".join(str(x) for x in v)
            if not isinstance(v, str):
                continue
            # all of it in view: no blank lines at the ends, long blank runs and invisible
            # characters made visible (they are what would be recorded)
            shown = restorable(v, multiline=f.kind != "input")
            self._restored[f.name] = shown
            kept[f.name] = lines_of(shown.text) if f.kind == "lines" else shown.text
        return kept, saved

    def _row(self, f: FormField) -> list[Widget]:
        """A field's label, note and widget, placed straight in the body and tied together by the
        class ``field-NAME`` (no container per field: a form opened 11% faster without them)."""
        tie = f"field-{f.name}"
        parts: list[Widget] = [Label(Text(f.label), id=f"label-{f.name}", classes=f"form-label {tie}")]
        if f.note:
            parts.append(Static(Text(f.note), id=f"note-{f.name}", classes=f"form-note {tie}"))
        widget = self._widget(f, self.start[f.name])
        widget.add_class(tie, update=False)  # styled as it mounts: a restyle now would be wasted (~1.5 ms)
        parts.append(widget)
        return parts

    def _widget(self, f: FormField, value: Any) -> Widget:
        wid = f"f-{f.name}"
        if f.kind == "select":
            options = [(Text(label), v) for label, v in f.options]  # labels may hold user text: never markup
            return ValuedSelect(options, value=value, allow_blank=False, id=wid)
        if f.kind in ("area", "lines"):
            text = "\n".join(value) if isinstance(value, list) else value
            area = TextArea(text, id=wid, soft_wrap=True, show_line_numbers=False, tab_behavior="focus")
            area.placeholder = f.placeholder
            return area
        return Input(value, placeholder=f.placeholder, id=wid)

    def on_mount(self) -> None:
        self.app.clear_notifications()  # a toast from the last entry must not cover this form's fields
        if self._not_restored is not None:  # once, as the form opens (a draft made visible is
            # warned of in the form itself: a toast would cover that warning and the buttons)
            self.call_after_refresh(self.notify, f"Drafts not restored: {self._not_restored}.",
                                    title="Draft not restored", severity="warning", markup=False, timeout=8)
        if self.follow_up is not None:
            self._run_follow_up(self.follow_up[1])
        for area in self.query(TextArea):  # typing goes after a pre-filled case, not before it; a
            # restored draft opens at its start, so its first lines are the ones seen
            if area.id is not None and area.id[2:] in self._restored:
                area.move_cursor((0, 0))
                area.scroll_home(animate=False)
            else:
                area.move_cursor(area.document.end)
        for line in self.query(Input):
            if line.id is not None and line.id[2:] in self._restored:
                line.cursor_position = 0
        # once the body has its height: bring the field to type in into view (a select-only form,
        # e.g. the sign-off, stays at the top, where its intro says what is missing)
        self.call_after_refresh(self._fit, self._show_focused)

    def _show_focused(self) -> None:
        if self._fault is not None:  # refused already (ctrl+s pressed at once): its message too
            self._scroll_to_field(self._fault)
            return
        focused = self.focused
        if isinstance(focused, (TextArea, Input)):
            focused.scroll_visible(animate=False)
        else:
            self.query_one("#form-body").scroll_home(animate=False)

    def on_resize(self) -> None:
        self._fit()

    def on_form_foot_resized(self, _: FormFoot.Resized) -> None:
        """A line above the buttons came or went: the body is refitted, and the field at fault (if
        any) brought back into view with its message. Found in tmux at 80x24: ctrl+s within half a
        second of opening the dissent form left the message under the line above the buttons,
        because the form's first fitting ran after the refusal's."""
        fault = self._fault
        self._fit(lambda: self._scroll_to_field(fault) if fault is not None and self._fault == fault else None)

    def _fit(self, then: Callable[[], object] | None = None) -> None:
        """Keep the buttons and messages on screen at any size: the body (intro and fields) gets the
        height the form has left and scrolls within it. (A max-height of 1fr inside an auto-height
        form resolves to the whole form in Textual, which pushed the buttons below the screen.)
        ``then`` runs once the body has its new height (e.g. scrolling a field into view)."""
        if not self.is_mounted or not self.size.height:
            return
        form = self.query_one("#form")
        chrome = form.styles.gutter.height + self.query_one("#form-title").outer_size.height
        left = max(3, self.size.height - chrome - self.query_one("#form-foot").outer_size.height)
        body = self.query_one("#form-body")
        if body.styles.max_height is None or body.styles.max_height.value != left:
            body.styles.max_height = left
            if then is not None:
                self.call_after_refresh(then)
        elif then is not None:
            then()

    def values(self) -> Values:
        out: Values = {}
        for f in self.fields:
            found = self.query(f"#f-{f.name}")
            if not found:  # a row not shown yet keeps the value it would open with
                out[f.name] = self.start[f.name]
                continue
            w = found.first()
            if isinstance(w, Select):
                out[f.name] = w.value
            elif isinstance(w, TextArea):
                text = w.text
                out[f.name] = lines_of(text) if f.kind == "lines" else text
            else:
                out[f.name] = w.value
        return out

    def row_shown(self, name: str) -> bool:
        """Is the field ``name`` on the form now? (A field not shown yet is not mounted at all.)"""
        found = self.query(f"#f-{name}")
        return bool(found) and found.first().display


    def _update_visibility(self) -> None:
        """Show and hide fields as the values change. A field is mounted the first time it shows
        and is then only hidden, so text typed in it is kept if it shows again."""
        vals = self.values()
        for i, f in enumerate(self.fields):
            show = f.shows(vals)
            found = self.query(f".field-{f.name}")
            if found:
                for w in found:
                    w.display = show
                if not show:  # its message is about text no longer asked for: gone with it
                    self._clear_message(f.name)
            elif show:
                later = next((w for g in self.fields[i + 1:] for w in self.query(f"#label-{g.name}")), None)
                body = self.query_one("#form-body")
                if later is not None:
                    body.mount(*self._row(f), before=later)
                else:
                    body.mount(*self._row(f))

    def _clear_message(self, name: str) -> None:
        """Take down the message under field ``name`` and, if it pointed there, the refusal line
        (found by a chair: a message for a field hidden and shown again came back with it)."""
        self.query(f"#err-{name}").remove_class("-shown")
        if self._fault == name:
            self._fault = None
            self.query("#form-error").remove_class("-shown")
            self.call_after_refresh(self._fit)

    def on_select_changed(self, _: Select.Changed) -> None:
        self._update_visibility()

    def show_error(self, message: str, field: str | None = None) -> None:
        """The message at the bottom, and beside the field at fault, which gets the focus and is scrolled to."""
        for w in self.query(".field-error"):
            w.remove_class("-shown")
        now = self.values()
        at_fault = next((f for f in self.fields if f.name == field and f.shows(now)), None)
        self._fault = at_fault.name if at_fault is not None else None
        # the whole message once: beside the field at fault when there is one (the line above the
        # buttons, always on screen, then only says where to look)
        foot = f"✗ Not recorded: see the message under “{at_fault.label}”." if at_fault else f"✗ {message}"
        mounts: list[AwaitMount] = []
        line = self.query("#form-error")
        if line:
            line.first(Static).update(para(foot))
            line.first().add_class("-shown")
        else:  # mounted when first needed, above the buttons
            mounts.append(self.query_one("#form-foot").mount(Static(para(foot), id="form-error", classes="-shown"),
                                                             before="#form-buttons"))
        if at_fault is None:
            self._fit_once_mounted(mounts)
            return
        text = para(f"✗ {message}")
        found = self.query(f"#err-{field}")
        if found:
            found.first(Static).update(text)
            found.first().add_class("-shown")
        else:  # mounted when first needed, under its field: most forms never show one
            mounts.append(self.query_one("#form-body").mount(
                Static(text, id=f"err-{field}", classes="field-error -shown"),  # shown by its class only
                after=f"#f-{field}"))
        widget = self.query_one(f"#f-{field}")
        widget.focus()
        # scroll the row into view only once the body is as short as the taller foot leaves it:
        # scrolled before, the line above the buttons then covered the message under the last field
        self._fit_once_mounted(mounts, lambda: self._scroll_to_field(field))

    def _fit_once_mounted(self, mounts: list[AwaitMount], then: Callable[[], object] | None = None) -> None:
        """Fit the body (then ``then``) once the messages just mounted are in the layout. Fitted
        before, on a busy machine, the body was sized for the foot without the new line above the
        buttons, and the message under the last field ended one line below what could be seen
        (a test failed so under load)."""
        async def settle() -> None:
            for mounted in mounts:
                await mounted
            self.call_after_refresh(self._fit, then)

        if mounts:
            self.call_later(settle)
        else:
            self.call_after_refresh(self._fit, then)

    def _scroll_to_field(self, name: str, tries: int = 5) -> None:
        """Bring a field's label, widget and message into view together, and check again after
        the next refresh until they are (at most ``tries`` times). On a busy machine a refusal
        right after opening came while the body was still being laid out: a part just mounted had
        no region yet, or the scroll was cut short by the body's old height, and the message
        stayed a line below the view (found in tmux at 80x24, then in a test under load)."""
        region = self._field_region(name)
        if region is None:
            if tries > 0:
                self.call_after_refresh(self._scroll_to_field, name, tries - 1)
            return
        body = self.query_one("#form-body")
        body.scroll_to_region(region, animate=False)
        if tries > 0:
            self.call_after_refresh(self._recheck_field, name, tries - 1)

    def _recheck_field(self, name: str, tries: int) -> None:
        region = self._field_region(name)
        body = self.query_one("#form-body")
        top, height = int(body.scroll_y), body.scrollable_content_region.height
        if region is None or not (top <= region.y and region.bottom <= top + height):
            self._scroll_to_field(name, tries)

    def _field_region(self, name: str) -> Region | None:
        """Where a field's label, widget and message are in the body, or None while any of them
        is not laid out yet."""
        parts = list(self.query(f".field-{name}")) + [w for w in self.query(f"#err-{name}") if w.display]
        if not parts or any(not w.virtual_region.area for w in parts):
            return None
        region = parts[0].virtual_region
        for w in parts[1:]:
            region = region.union(w.virtual_region)
        return region

    # --- drafts: no typed word lost ---------------------------------------------------------

    def typed(self) -> bool:
        """Has anything been typed beyond the values the form opened with?"""
        now = self.values()
        return any(now.get(f.name) != self.initial.get(f.name) and now.get(f.name) not in ("", [])
                   for f in self.fields if f.kind != "select")

    def _save_draft_now(self) -> None:
        if self.drafts is None or self.recording:
            return
        from panel_tui.core.drafts import clear_draft, save_draft

        try:
            if self.typed():
                save_draft(self.drafts[0], self.drafts[1], {k: v for k, v in self.values().items()
                                                            if isinstance(v, (str, list))})
            else:
                clear_draft(*self.drafts)
        except OSError as exc:
            self.notify(f"Could not keep a draft: {exc.strerror or exc}. Your text is still in the form.",
                        severity="warning", markup=False)

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
        vals = {f.name: now[f.name] for f in self.fields if f.shows(now)}
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
            self.query_one("#form-intro", Static).update(self._intro_with(text))
            # the intro grew above the field being typed in: keep that field on screen (found in
            # tmux at 80x24: the precedents pushed Rationale below the buttons)
            self.call_after_refresh(self._keep_focused_in_view)

    def _keep_focused_in_view(self) -> None:
        if self._fault is not None:
            self._scroll_to_field(self._fault)
            return
        focused = self.focused
        if isinstance(focused, (TextArea, Input, Select)) and focused in self.query_one("#form-body").children:
            focused.scroll_visible(animate=False)

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
        if self.drafts is not None:
            from panel_tui.core.drafts import clear_draft

            try:
                clear_draft(*self.drafts)
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
            self.show_error(f"could not write the log: {exc.strerror or exc} ({exc.filename}). Nothing was "
                            "recorded; your text is still here.")
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
                self.notify("Nothing recorded. What you typed is kept as a draft: open the same form to go on "
                            "(ctrl+g there discards it).", title="Draft kept", markup=False, timeout=5)
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
        if self.drafts is not None:
            from panel_tui.core.drafts import clear_draft

            clear_draft(*self.drafts)
        self.notify("Draft discarded; nothing recorded." if something else "Closed; nothing was typed or recorded.",
                    markup=False, timeout=3)
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "confirm":
            self.action_submit()
        else:
            self.action_cancel()
