"""An entry form's rows: each field's label, note and widget, mounted the first time it shows,
read back as the form's values, and the message a refusal puts under the field at fault.

Kept apart from the form (modals/entry_form.py), which decides what it opens with, keeps drafts and
records: here is only what each field is on screen. The rows sit straight in the scrolling body,
tied together by the class ``field-NAME`` (no container per field: a form opened 11% faster
without them), and the fitting of that body to the screen is form_fit's.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widget import AwaitMount, Widget
from textual.widgets import Input, Label, Select, SelectionList, Static, TextArea

from panel_tui.core.display import at_word
from panel_tui.modals.form_fit import FittingForm
from panel_tui.modals.form_model import FormField, Values, lines_of
from panel_tui.textual_fixes import ValuedSelect
from panel_tui.widgets.safe import para

FORM_WIDTH = 90  # the form's width (styles/app.tcss #form), at most the screen's
SELECT_CHROME = 12  # the form's border and padding and the select's own border, padding and arrow


class FormRows(FittingForm):
    """The rows of a form's fields in ``#form-body``. ``fields`` are the form's fields, ``start``
    the values it opens with (set by the form as it composes, before any row is made)."""

    fields: list[FormField]
    start: Values

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
            # labels may hold user text: never markup; shortened at a word to the form's width (Textual
            # cut them mid-word: "safety in sco"), the value recorded is unchanged
            room = max(20, min(FORM_WIDTH, self.app.size.width or FORM_WIDTH) - SELECT_CHROME)
            options = [(Text(at_word(label, room)), v) for label, v in f.options]
            return ValuedSelect(options, value=value, allow_blank=False, id=wid)
        if f.kind == "choose":  # several of the options (names present), each ticked row marked ✓
            from panel_tui.widgets.tick_list import TickList

            return TickList(f.options, list(value), id=wid)
        if f.kind in ("area", "lines"):
            text = "\n".join(value) if isinstance(value, list) else value
            area = TextArea(text, id=wid, soft_wrap=True, show_line_numbers=False, tab_behavior="focus")
            area.placeholder = f.placeholder
            return area
        return Input(value, placeholder=f.placeholder, id=wid)

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
            elif isinstance(w, SelectionList):
                out[f.name] = [v for _, v in f.options if v in w.selected]  # in the options' order
            elif isinstance(w, TextArea):
                text = w.text
                out[f.name] = lines_of(text) if f.kind == "lines" else text
            elif isinstance(w, Input):
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
                later = next((w for g in self.fields[i + 1 :] for w in self.query(f"#label-{g.name}")), None)
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
            mounts.append(
                self.query_one("#form-foot").mount(
                    Static(para(foot), id="form-error", classes="-shown"), before="#form-buttons"
                )
            )
        if at_fault is None:
            self._fit_once_mounted(mounts)
            return
        name = at_fault.name  # the field at fault (as given)
        text = para(f"✗ {message}")
        found = self.query(f"#err-{name}")
        if found:
            found.first(Static).update(text)
            found.first().add_class("-shown")
        else:  # mounted when first needed, under its field: most forms never show one
            mounts.append(
                self.query_one("#form-body").mount(
                    Static(text, id=f"err-{name}", classes="field-error -shown"),  # shown by its class only
                    after=f"#f-{name}",
                )
            )
        widget = self.query_one(f"#f-{name}")
        widget.focus()
        # scroll the row into view only once the body is as short as the taller foot leaves it:
        # scrolled before, the line above the buttons then covered the message under the last field
        self._fit_once_mounted(mounts, lambda: self._scroll_to_field(name))
