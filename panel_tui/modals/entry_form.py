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
from typing import Any, Callable

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from panel_tui.core.errors import InputError, RuleRefused
from panel_tui.core.log.writer import StaleView
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


class EntryForm(ModalScreen[Any]):
    """A ModalScreen form. ``commit(values)`` writes and returns the result, or raises a refusal."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="form.cancel", tooltip="Close the form; nothing is written"),
        Binding("ctrl+s", "submit", "Confirm", id="form.confirm", tooltip="Record the entry (written to disk first)"),
    ]

    def __init__(self, title: str, intro: Text | None, fields: list[FormField],
                 commit: Callable[[Values], Any], confirm_label: str = "Confirm",
                 on_stale: Callable[[StaleView], str] | None = None) -> None:
        super().__init__()
        self.form_title = title
        self.intro = intro
        self.fields = fields
        self.commit = commit
        self.confirm_label = confirm_label
        self.on_stale = on_stale
        self.recording = False

    def compose(self) -> ComposeResult:
        with Vertical(id="form"):
            yield Label(Text(self.form_title, style="bold"), id="form-title")
            with VerticalScroll(id="form-body"):
                if self.intro is not None:
                    yield Static(self.intro, id="form-intro")
                for f in self.fields:
                    with Vertical(id=f"row-{f.name}", classes="form-row"):
                        yield Label(Text(f.label), classes="form-label")
                        if f.note:
                            yield Static(Text(f.note), classes="form-note")
                        yield self._widget(f)
            yield Static("", id="form-error")
            with Horizontal(id="form-buttons"):
                yield Button(f"{self.confirm_label} (ctrl+s)", id="confirm", variant="primary")
                yield Button("Cancel (esc)", id="cancel")

    def _widget(self, f: FormField):
        wid = f"f-{f.name}"
        if f.kind == "select":
            options = [(Text(label), value) for label, value in f.options]  # labels may hold user text: never markup
            return Select(options, value=f.value or f.options[0][1], allow_blank=False, id=wid)
        if f.kind in ("area", "lines"):
            area = TextArea(f.value, id=wid, soft_wrap=True, show_line_numbers=False, tab_behavior="focus")
            area.placeholder = f.placeholder
            return area
        return Input(f.value, placeholder=f.placeholder, id=wid)

    def on_mount(self) -> None:
        self._update_visibility()
        # start where typing is needed: the first visible text field (a select already has a default)
        visible = [f for f in self.fields if self._is_visible(f)]
        first = next((f for f in visible if f.kind != "select"), visible[0] if visible else None)
        if first is not None:
            self.query_one(f"#f-{first.name}").focus()

    def values(self) -> Values:
        out: Values = {}
        for f in self.fields:
            w = self.query_one(f"#f-{f.name}")
            if isinstance(w, Select):
                out[f.name] = w.value
            elif isinstance(w, TextArea):
                text = w.text
                out[f.name] = [ln.strip() for ln in text.splitlines() if ln.strip()] if f.kind == "lines" else text
            else:
                out[f.name] = w.value
        return out

    def _is_visible(self, f: FormField) -> bool:
        return f.visible is None or f.visible(self.values())

    def _update_visibility(self) -> None:
        vals = self.values()
        for f in self.fields:
            self.query_one(f"#row-{f.name}").display = f.visible is None or f.visible(vals)

    def on_select_changed(self, _: Select.Changed) -> None:
        self._update_visibility()

    def show_error(self, message: str) -> None:
        self.query_one("#form-error", Static).update(para(f"✗ {message}"))
        self.query_one("#form-error").add_class("-shown")

    def action_submit(self) -> None:
        if self.recording:
            return  # one write at a time: a second ctrl+s while recording is ignored
        vals = {f.name: v for f, v in zip(self.fields, self.values().values()) if self._is_visible(f)}
        self.recording = True
        self.query_one("#form-error").remove_class("-shown")
        self.query_one("#confirm", Button).label = "Recording… (writing to disk)"
        self._record(vals)

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
        self.dismiss(result)

    def _refused(self, exc: Exception) -> None:
        self.recording = False
        self.query_one("#confirm", Button).label = f"{self.confirm_label} (ctrl+s)"
        if isinstance(exc, StaleView) and self.on_stale is not None:
            self.show_error(f"{exc.message} {self.on_stale(exc)}")
        elif isinstance(exc, RuleRefused):
            self.show_error(exc.message)
        elif isinstance(exc, OSError):
            self.show_error(f"could not write the log: {exc.strerror or exc} ({exc.filename}). Nothing was "
                            "recorded; your text is still here.")
        else:
            self.show_error(str(exc))

    def action_cancel(self) -> None:
        if self.recording:
            self.notify("Recording in progress: wait until it is on disk.", severity="warning", markup=False)
            return
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "confirm":
            self.action_submit()
        else:
            self.action_cancel()
