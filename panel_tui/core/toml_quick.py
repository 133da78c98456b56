"""A quick reader for the plain TOML panel files are written in; tomllib reads everything else.

tomllib reads a character at a time in Python: reading each session's inspection.toml with it was
a sixth of the audit's time. Inspection files (and log headers, people and framework files) use a
small part of TOML: ``[table]`` and ``[[array]]`` headers one or two bare keys deep, ``key = value``
lines whose value is a basic string without escapes, a decimal integer or fraction, a date, a
boolean or an inline table of integers, comments and blank lines. This reads that part a line at a
time, one regular expression a line, and gives up (None) on anything else: an escape, a multi-line
or literal string, an array, a dotted or quoted key, a key or table given twice, a CR, a time. The
caller then reads the text with tomllib, which gives its own table or its own error, so a file's
messages never depend on this. For every text it accepts it returns exactly what
``tomllib.loads(text, parse_float=...)`` returns (tests/unit/test_toml_quick.py checks it against
tomllib on the bundled files and on thousands of altered ones).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

_KEY = r"[A-Za-z0-9_-]+"
_INT = r"-?(?:0|[1-9][0-9]{0,14})"  # at most 15 digits: every one is an exact JSON number
_LINE = re.compile(
    r"[ \t]*(?:"
    rf"(?P<key>{_KEY})[ \t]*=[ \t]*(?:"
    r'"(?P<str>[^"\\\x00-\x08\x0a-\x1f\x7f]*)"'
    r"|(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})"
    rf"|(?P<num>{_INT})(?P<frac>\.[0-9]+)?"
    r"|(?P<bool>true|false)"
    rf"|\{{[ \t]*(?P<inline>{_KEY}[ \t]*=[ \t]*{_INT}(?:[ \t]*,[ \t]*{_KEY}[ \t]*=[ \t]*{_INT})*)[ \t]*\}}"
    r")"
    rf"|\[\[(?P<array>{_KEY})(?:\.(?P<array_sub>{_KEY}))?\]\]"
    rf"|\[(?P<table>{_KEY})(?:\.(?P<table_sub>{_KEY}))?\]"
    r")?[ \t]*(?:#[^\x00-\x08\x0a-\x1f\x7f]*)?"
)
_INLINE_ITEM = re.compile(rf"({_KEY})[ \t]*=[ \t]*({_INT})")


class _GiveUp(Exception):
    """Not the plain part of TOML read here (or not TOML at all): tomllib decides."""


def quick_toml(text: str, parse_float: Callable[[str], Any] = float) -> dict[str, Any] | None:
    """The document, as tomllib would give it, or None when the text is not plain enough."""
    if "\r" in text:
        return None
    try:
        return _read(text, parse_float)
    except (_GiveUp, ValueError):  # ValueError: a date that is no real day (tomllib names it)
        return None


def _read(text: str, parse_float: Callable[[str], Any]) -> dict[str, Any]:
    root: dict[str, Any] = {}
    headed: set[int] = set()  # the tables a header made (an inline table is closed; others are not tables)
    arrays: set[int] = set()  # the arrays of tables ``[[...]]`` made
    current = root
    match = _LINE.fullmatch
    for line in text.split("\n"):
        m = match(line)
        if m is None:
            raise _GiveUp
        key = m.group("key")
        if key is not None:
            if key in current:
                raise _GiveUp
            current[key] = _value(m, parse_float)
            continue
        name = m.group("table")
        if name is not None:
            current = _table(root, name, m.group("table_sub"), headed, arrays)
            continue
        name = m.group("array")
        if name is not None:
            current = _array_item(root, name, m.group("array_sub"), headed, arrays)
    return root


def _value(m: re.Match[str], parse_float: Callable[[str], Any]) -> Any:
    kind = m.lastgroup
    if kind == "str":
        return m.group("str")
    if kind == "date":
        return dt.date.fromisoformat(m.group("date"))  # ValueError for a day that does not exist
    if kind in ("num", "frac"):
        return parse_float(m.group("num") + m.group("frac")) if m.group("frac") else int(m.group("num"))
    if kind == "bool":
        return m.group("bool") == "true"
    out: dict[str, int] = {}
    for k, v in _INLINE_ITEM.findall(m.group("inline")):
        if k in out:
            raise _GiveUp
        out[k] = int(v)
    return out


def _parent(root: dict[str, Any], name: str, headed: set[int], arrays: set[int]) -> dict[str, Any]:
    """The table ``[name.sub]`` goes in: a table a header made, or the last of an array of tables."""
    node = root.get(name)
    if isinstance(node, list) and id(node) in arrays:
        node = node[-1]
    if not isinstance(node, dict) or id(node) not in headed:
        raise _GiveUp  # missing (tomllib would make it), an inline table, or a value
    return node


def _table(root: dict[str, Any], name: str, sub: str | None, headed: set[int], arrays: set[int]) -> dict[str, Any]:
    parent, key = (root, name) if sub is None else (_parent(root, name, headed, arrays), sub)
    if key in parent:
        raise _GiveUp  # given twice, or already made by a deeper header: tomllib decides
    new: dict[str, Any] = {}
    parent[key] = new
    headed.add(id(new))
    return new


def _array_item(root: dict[str, Any], name: str, sub: str | None, headed: set[int], arrays: set[int]) -> dict[str, Any]:
    parent, key = (root, name) if sub is None else (_parent(root, name, headed, arrays), sub)
    items = parent.get(key)
    if items is None:
        items = parent[key] = []
        arrays.add(id(items))
    elif not isinstance(items, list) or id(items) not in arrays:
        raise _GiveUp
    new: dict[str, Any] = {}
    items.append(new)
    headed.add(id(new))
    return new
