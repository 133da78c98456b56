"""An entry form's model: its fields, the values it opens with, which rows show, where the focus starts.

Pure (no Textual import): the form widget (modals/entry_form.py) only mounts what this decides, so
the choices a chair meets first (which field is focused, what a draft restores, which values are
recorded) can be read and tested without a screen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rich.text import Text

Values = dict[str, Any]


@dataclass
class FormField:
    """A field of an entry form. ``visible`` decides, from the current values, whether it shows.
    ``choose_first`` marks a field whose default is only a guess the chair must check before typing
    (who dissents, which entry to retract): the form starts there, not on the first text field."""

    name: str
    label: str
    kind: str = "input"  # input | area | select | lines | choose (several of the options: a list)
    options: list[tuple[str, str]] = field(default_factory=list)  # (label, value) for select and choose
    value: str = ""
    placeholder: str = ""
    note: str = ""  # shown under the label, e.g. a warning
    visible: Callable[[Values], bool] | None = None
    choose_first: bool = False

    def shows(self, values: Values) -> bool:
        return self.visible is None or self.visible(values)

    @property
    def short_label(self) -> str:
        """The label without its parenthesis ("Rationale" of "Rationale (required, ...)")."""
        return self.label.split(" (", 1)[0]


def lines_of(text: str) -> list[str]:
    """A "lines" field's value: its non-blank lines, trimmed (e.g. the members present)."""
    return [ln.strip() for ln in text.splitlines() if ln.strip()]


def default_value(f: FormField) -> Any:
    """The value a field opens with when no draft is kept (as the form's ``values`` would read it)."""
    if f.kind == "select":
        return f.value or f.options[0][1]
    if f.kind in ("lines", "choose"):
        return lines_of(f.value)
    return f.value


def first_focus(shown: list[FormField]) -> FormField | None:
    """Where the focus starts: the first field that needs a choice (``choose_first``), else the
    first text field (a band's default comes from the evidence and is usually right), else the
    first field. (The dissent form started in Reason: Enter pressed to open the member list typed
    blank lines.)"""
    marked = next((f for f in shown if f.choose_first), None)
    if marked is not None:
        return marked
    return next((f for f in shown if f.kind != "select"), shown[0] if shown else None)


def recorded_values(fields: list[FormField], now: Values) -> Values:
    """The values a submit records: only the fields shown for ``now`` (each field's visibility
    decided from the same values)."""
    return {f.name: now[f.name] for f in fields if f.shows(now)}


def typed_beyond(fields: list[FormField], initial: Values, now: Values) -> bool:
    """Has anything been typed beyond the values the form opened with?"""
    return any(
        now.get(f.name) != initial.get(f.name) and now.get(f.name) not in ("", []) for f in fields if f.kind != "select"
    )


def trimmed(text: Text) -> Text:
    """A Text without the blank lines at its start and end (its styles kept)."""
    text = text.copy()
    while text.plain.endswith("\n"):
        text.right_crop(1)
    start = len(text.plain) - len(text.plain.lstrip("\n"))
    return text[start:] if start else text


def intro_with(intro: Text | None, follow: Text | None) -> Text:
    """The intro, then the follow-up (placeholder or result), one blank line between them and
    none at either end (the first field's label brings its own): blank lines at 80x24 pushed
    the field to type in off the screen (a chair found three between the flags and the
    precedents)."""
    out = Text()
    for t in (intro, follow):
        if t is None:
            continue
        t = trimmed(t)
        if t.plain:
            if out.plain:
                out.append("\n\n")
            out.append_text(t)
    return out
