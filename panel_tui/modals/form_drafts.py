"""The drafts keeper of an entry form: what was typed, kept on disk until it is recorded.

No Textual import: the form asks the keeper what to restore as it opens, hands it the values on
every pause in typing, and tells it when the entry is recorded or the draft thrown away. The keeper
decides which kept values fit the form's fields and how a restored draft is described, so no typed
word is lost and nothing restored is hidden (core/drafts.py holds the file and its rules).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from panel_tui.core.display import local_time
from panel_tui.modals.form_model import FormField, Values, lines_of


class DraftKeeper:
    """Drafts of one form in one session folder (``where`` = (session folder, draft key)), or none."""

    def __init__(self, where: tuple[Path, str] | None, fields: list[FormField]) -> None:
        self.where = where
        self.fields = fields
        self.restored: dict[str, Any] = {}  # field name -> its Restored text (from core.drafts)
        self.not_restored: str | None = None  # why a kept draft was not put back, if it was not

    @property
    def active(self) -> bool:
        return self.where is not None

    def read(self) -> tuple[Values, str] | None:
        """The kept draft's values that fit this form's fields, and when it was typed."""
        if self.where is None:
            return None
        from panel_tui.core.drafts import get_draft, not_restored_because, restorable

        found = get_draft(*self.where)
        if found is None:
            return None
        # only a draft typed at this desk: a drafts file git tracks may come from anyone's clone
        self.not_restored = not_restored_because(self.where[0])
        if self.not_restored is not None:
            return None
        values, saved = found
        kept: Values = {}
        for f in self.fields:
            v = values.get(f.name)
            if f.kind == "select":
                if v is not None and any(value == v for _, value in f.options):
                    kept[f.name] = v
                continue
            if f.kind == "choose":  # the names ticked that are still offered
                if isinstance(v, list):
                    kept[f.name] = [x for _, x in f.options if x in v]
                continue
            if f.kind == "lines" and isinstance(v, list):
                v = "\n".join(str(x) for x in v)
            if not isinstance(v, str):
                continue
            # all of it in view: no blank lines at the ends, long blank runs and invisible
            # characters made visible (they are what would be recorded)
            shown = restorable(v, multiline=f.kind != "input")
            self.restored[f.name] = shown
            kept[f.name] = lines_of(shown.text) if f.kind == "lines" else shown.text
        return kept, saved

    def note(self, saved: str, timezone: str | None) -> tuple[str, bool]:
        """The line above the buttons on a restored draft: how many lines each text holds (a text
        longer than its field is not taken for a short one), and what was made visible in it.
        The flag says the note warns (something was made visible)."""
        typed = local_time(saved, timezone) if timezone else saved  # the meeting clock
        sizes = [
            f"{self._field(n).short_label}: {r.lines} line{'s' if r.lines != 1 else ''}"
            for n, r in self.restored.items()
            if r.lines and self._field(n).kind in ("area", "lines")
        ]
        note = f"✎ Draft restored ({'; '.join([*sizes, f'typed {typed}'])}, not yet recorded). ctrl+g discards it."
        problems = [
            f"{self._field(n).short_label}: {', '.join(r.problems())}" for n, r in self.restored.items() if r.problems()
        ]
        if not problems:
            return note, False
        return f"{note}\n⚠ Made visible, as it would be recorded: {'; '.join(problems)}. Read it all.", True

    def _field(self, name: str) -> FormField:
        return next(f for f in self.fields if f.name == name)

    def keep(self, values: Values, typed: bool) -> None:
        """Save what is typed (or clear the draft when nothing is). Raises OSError for the form to say."""
        if self.where is None:
            return
        from panel_tui.core.drafts import clear_draft, save_draft

        if typed:
            save_draft(self.where[0], self.where[1], {k: v for k, v in values.items() if isinstance(v, (str, list))})
        else:
            clear_draft(*self.where)

    def clear(self) -> None:
        """The entry is recorded, or the draft thrown away on purpose. Raises OSError."""
        if self.where is not None:
            from panel_tui.core.drafts import clear_draft

            clear_draft(*self.where)
