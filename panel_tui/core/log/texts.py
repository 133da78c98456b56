"""What a rationale, a reason or a person's name in an entry may be: the field checks every kind
of entry shares.

Split from ``rules`` (which decides which fields each kind of entry needs, then applies these) so
that module keeps to the rules themselves; the limits and checks are exported from
``panel_tui.core.log`` as before.
"""

from __future__ import annotations

from typing import Any

from panel_tui.core.display import has_visible_text
from panel_tui.core.errors import RuleRefused

MIN_RATIONALE = 20
MIN_REASON = 10
MAX_TEXT = 10_000  # a rationale is a paragraph or two, not a pasted document
PLACEHOLDERS = {
    "n/a",
    "na",
    "tbc",
    "tbd",
    "todo",
    "none",
    "nil",
    "-",
    "--",
    "...",
    "x",
    "xx",
    "xxx",
    "test",
    "as above",
    "see above",
    "see notes",
    "no comment",
    "ok",
    "agreed",
    "fine",
    "same",
}


def check_text(value: Any, name: str, minimum: int, field: str | None = None) -> str:
    """A rationale or reason: real words, not a placeholder, no NUL, not a pasted document."""
    field = field or name
    if not isinstance(value, str):
        raise RuleRefused("text-required", f"{name} is required.", field)
    if "\x00" in value:
        raise RuleRefused("text-nul", f"{name} contains a NUL character; remove it.", field)
    if len(value) > MAX_TEXT:
        raise RuleRefused("text-too-long", f"{name} is {len(value):,} characters; the limit is {MAX_TEXT:,}.", field)
    stripped = value.strip()
    if not stripped or not has_visible_text(stripped):
        raise RuleRefused("text-required", f"{name} is blank (only spaces, zero-width or control characters).", field)
    if stripped.lower().rstrip(".") in PLACEHOLDERS:
        raise RuleRefused("text-placeholder", f"{name} '{stripped}' is a placeholder; say why.", field)
    if len(stripped) < minimum:
        raise RuleRefused(
            "text-too-short", f"{name} must be at least {minimum} characters (has {len(stripped)}).", field
        )
    return value


NAME_LABELS = {
    "by": "the name of who makes this entry",
    "chair": "the chair's name",
    "member": "a member's name",
    "entered_by": "the name of who enters this entry (--entered-by, PANEL_TUI_ENTERED_BY, git's "
    "user.name or the login name)",
}


_NAMES_OK: set[str] = set()  # names already found good (verify asks of each entry's two or three)


def check_name(value: Any, name: str = "by", field: str | None = None) -> str:
    """A person's name: visible letters, no NUL, not a paragraph."""
    if type(value) is str and value in _NAMES_OK:  # whether a name is good depends on the name alone
        return value
    label = NAME_LABELS.get(name, name)
    field = field or ("members" if name == "member" else name)
    if not isinstance(value, str) or not value.strip() or not has_visible_text(value):
        raise RuleRefused(
            "by-required",
            f"{label[0].upper()}{label[1:]} is required: a name with visible "
            "letters, not only spaces, zero-width or control characters.",
            field,
        )
    if "\x00" in value or len(value) > 200:
        raise RuleRefused(
            "by-invalid", f"{label[0].upper()}{label[1:]} must be at most 200 characters, without NUL.", field
        )
    if type(value) is str and len(_NAMES_OK) < 10_000:  # a hostile log's names must not grow it without end
        _NAMES_OK.add(value)
    return value
