"""The checks every framework file passes: one collector of problems, each with its place and fix.

A framework from a folder is hostile input: ``_Reader`` never raises, it notes every problem
(``framework check`` lists them all), so the reading code can go on past a bad value.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from pathlib import Path
from typing import Any

from panel_tui.core.display import has_visible_text, one_line, shown
from panel_tui.core.errors import InputError
from panel_tui.core.framework.model import ITEM_ID_RE, MAX_ITEMS, MAX_NAME, MAX_TEXT, SAMPLE_ID_RE
from panel_tui.core.tomlfile import line_of

_TOP_KEYS = ("framework", "band", "overall", "discretion", "panel", "sample", "domain", "standard", "rule")
_KEYS = {
    "framework": ("id", "title", "in_force"),
    "in_force": ("from", "until", "source", "note"),
    "band": ("name", "min_percent", "score", "label"),
    "overall": ("name", "min_score"),
    "discretion": ("near_boundary_points", "one_case", "small_sample_cases", "steps", "one_case_possible"),
    "panel": ("quorum_members", "timezone"),
    "sample": ("id", "name"),
    "domain": ("id", "name", "sample"),
    "standard": ("id", "domain", "name", "kind", "counted", "sample", "question"),
    "question": ("id", "text", "sample"),
    "rule": ("id", "owner", "source", "in_force", "note"),
}
_MISSING = object()


class _Absent(dict):  # type: ignore[type-arg]
    """A required table that is missing (already a problem): its keys are not reported again."""


class _Reader:
    """Checks a parsed framework document, collecting every problem with its place and fix."""

    def __init__(self, path: Path, text: str) -> None:
        self.path, self.text = path, text
        self.problems: list[InputError] = []

    def problem(self, place: str, text: str, fix: str | None = None) -> None:
        self.problems.append(InputError(self.path, place, text, fix))

    def at(self, key: str, value: str, label: str) -> str:
        """A place named by an id or name, with its line when it can be found."""
        line = line_of(self.text, key, value) if self.text else None
        return (f"line {line}, " if line else "") + label

    def keys(self, table: dict[str, Any], allowed: tuple[str, ...], place: str) -> None:
        for key in table:
            if key not in allowed:
                self.problem(place, f"unknown key '{one_line(str(key), 40)}'.", f"use only: {', '.join(allowed)}.")

    def table(self, doc: dict[str, Any], key: str, place: str, required: bool = True) -> dict[str, Any] | None:
        value = doc.get(key, _MISSING)
        if value is _MISSING:
            if required:
                self.problem(
                    place, f"missing table {place}.", f"add {place} to the framework file (docs/frameworks.md)."
                )
            return None
        if not isinstance(value, dict):
            self.problem(place, f"'{key}' must be a table ({place}), not {_kind(value)}.")
            return None
        return value

    def tables(self, doc: dict[str, Any], key: str, required: bool = True) -> list[dict[str, Any]]:
        place = f"[[{key}]]"
        value = doc.get(key, _MISSING)
        if value is _MISSING:
            if required:
                self.problem(place, f"no {place} tables.", f"add at least one {place} (docs/frameworks.md).")
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.problem(place, f"'{key}' must be an array of tables ({place}).", f"write each one as a {place} table.")
            return []
        if len(value) > MAX_ITEMS:
            self.problem(place, f"{len(value)} {place} tables, over the {MAX_ITEMS} limit.")
            return []
        return value

    def get(
        self,
        table: dict[str, Any],
        key: str,
        kind: str,
        place: str,
        *,
        required: bool = True,
        default: Any = None,
        low: float | None = None,
        high: float | None = None,
    ) -> Any:
        """One value of the kind expected (None, after noting the problem, when it is not)."""
        if key not in table:
            if required and not isinstance(table, _Absent):
                self.problem(place, f"missing key '{key}'.", f"add {key} = {_KEY_EXAMPLE.get(key, _EXAMPLE[kind])}.")
            return default
        v = table[key]
        ok = {
            "id": isinstance(v, str) and bool(ITEM_ID_RE.fullmatch(v)),
            "sample": isinstance(v, str) and bool(SAMPLE_ID_RE.fullmatch(v)),
            "name": isinstance(v, str) and has_visible_text(v) and len(v) <= MAX_NAME and _plain(v),
            "text": isinstance(v, str) and len(v) <= MAX_TEXT and _plain(v),
            "int": isinstance(v, int) and not isinstance(v, bool),
            "number": isinstance(v, (int, float)) and not isinstance(v, bool),
            "bool": isinstance(v, bool),
            "date": isinstance(v, dt.date) and not isinstance(v, dt.datetime),
        }[kind]
        if not ok:
            self.problem(
                place,
                f"'{key}' is {shown(v)}: it must be {_WORDS[kind]}.",
                f"write {key} = {_KEY_EXAMPLE.get(key, _EXAMPLE[kind])}.",
            )
            return default
        if (low is not None and v < low) or (high is not None and v > high):
            span = f"from {_num(low)} to {_num(high)}" if high is not None else f"{_num(low)} or more"
            self.problem(place, f"'{key}' is {v}: it must be {span}.")
            return default
        return v


_WORDS = {
    "id": "letters, digits, '.', '-' or '_' (starting with a letter or digit, at most 40)",
    "sample": "a sample id: letters, digits, '_' or '-', starting with a letter (it is a key of [inspection] sample)",
    "name": f"visible text on one line, at most {MAX_NAME} characters",
    "text": f"text without control characters, at most {MAX_TEXT} characters",
    "int": "a whole number",
    "number": "a number",
    "bool": "true or false",
    "date": "a date such as 2021-10-13 (no quotes)",
}
_KEY_EXAMPLE = {
    "title": '"Youth justice standards, 2026 revision"',
    "timezone": '"Europe/London"',
    "min_percent": "50",
    "score": "1",
    "min_score": "7",
    "near_boundary_points": "5",
    "small_sample_cases": "5",
    "steps": "1",
    "quorum_members": "2",
    "label": '"Too few: 50-64%"',
    "text": '"Planning concentrates on the child\'s safety"',
    "note": '"..."',
    "source": '"..."',
}
_EXAMPLE = {
    "id": '"2.1"',
    "sample": '"court"',
    "name": '"Assessment"',
    "text": '"..."',
    "int": "2",
    "number": "50",
    "bool": "true",
    "date": "2021-10-13",
}


def _plain(text: str) -> bool:
    """No control characters (a tab aside): framework text is shown in terminals and written in comments."""
    return not any((ord(c) < 32 and c != "\t") or 0x7F <= ord(c) <= 0x9F or c in "\u2028\u2029" for c in text)


def _kind(value: object) -> str:
    return {dict: "a table", list: "an array", str: "text", bool: "true or false"}.get(
        type(value), type(value).__name__
    )


def _num(x: float | None) -> str:
    return f"{x:g}" if x is not None else ""


def _duplicates(r: _Reader, names: list[str], table: str, key: str) -> None:
    seen: set[str] = set()
    for n in names:
        if n in seen:
            r.problem(r.at(key, n, f"[[{table}]] {n}"), f"{key} {shown(n)} is given twice.", "give each once.")
        seen.add(n)


def pct(p: Fraction) -> str:
    return f"{float(p):g}"
