"""The hash chain and the canonical forms: what is hashed, and the only bytes a log may hold.

Hash (both formats): SHA-256 of the canonical JSON of a table without its ``hash`` key. In
format 2 no float can reach the JSON (the schema forbids them), so the JSON is the one any
language writes: keys sorted by code point, no whitespace, only ``"``, ``\\`` and U+0000-U+001F
escaped (``\\b \\f \\n \\r \\t``, others ``\\u00xx``), integers in decimal, UTF-8. Format 1 hashed
Python's float spelling (``75.0``) and is kept only so old logs still verify.

Canonical TOML: the file is exactly what the writer renders (LF, UTF-8, no comments), with keys in
the schema's order. Anything else is evidence, not noise. The renderer is our own (docs/formats.md,
"Canonical bytes"): the layout is the one tomli-w 1.x wrote when the first logs were made, frozen
here so that a log verifies whatever TOML library is installed, for as long as it is kept.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

from panel_tui.core.log.entries import FIELDS, LOG_FORMAT_V1, EntryHead, EntryTail, Evidence, Header, QuestionEvidence

# json.dumps with these options builds this same encoder on every call; verify hashes every entry
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def canonical_json(table: dict[str, Any]) -> bytes:
    """The bytes that are hashed: the table without ``hash``, as canonical JSON in UTF-8."""
    body = {k: v for k, v in table.items() if k != "hash"}
    return _CANONICAL.encode(body).encode("utf-8")


def canonical_hash(table: dict[str, Any]) -> str:
    """Lowercase hex SHA-256 of :func:`canonical_json`."""
    return hashlib.sha256(canonical_json(table)).hexdigest()


# --- canonical TOML layout ----------------------------------------------------------------------


def _order(keys: list[str], table: dict[str, Any]) -> dict[str, Any]:
    """The table's keys in the declared order (keys the schema does not know keep their place last)."""
    out = {k: table[k] for k in keys if k in table}
    out.update((k, v) for k, v in table.items() if k not in out)
    return out


def _keys(td: type) -> list[str]:
    return list(td.__annotations__)


_HEAD, _TAIL = _keys(EntryHead), _keys(EntryTail)
_ENTRY_ORDER = {kind: _HEAD + _keys(td) + _TAIL for kind, td in FIELDS.items()}
_HEADER_ORDER = _keys(Header)
_EVIDENCE_ORDER = _keys(Evidence)
_QUESTION_ORDER = _keys(QuestionEvidence)


def ordered_entry(e: dict[str, Any], v1: bool = False) -> dict[str, Any]:
    """An entry with its keys (and its evidence's) in canonical order; maps sorted by code point.

    Format 1 fixed no order: its canonical form is the parsed table re-rendered as it stands.
    """
    if v1:
        return e
    out = _order(_ENTRY_ORDER.get(e.get("kind"), _HEAD + _TAIL), e)  # type: ignore[arg-type]
    ev = out.get("evidence")
    if isinstance(ev, dict):
        ev = _order(_EVIDENCE_ORDER, ev)
        qs = ev.get("questions")
        if isinstance(qs, list):
            ev["questions"] = [_order(_QUESTION_ORDER, q) if isinstance(q, dict) else q for q in qs]
        out["evidence"] = ev
    ratings = out.get("ratings")
    if isinstance(ratings, dict):
        out["ratings"] = dict(sorted(ratings.items()))
    return out


def render_header(header: dict[str, Any]) -> bytes:
    """The ``[log]`` table's canonical chunk (format 1 keeps the order it holds)."""
    v1 = header.get("format") == LOG_FORMAT_V1
    return _render(header if v1 else _order(_HEADER_ORDER, header), "log", False).encode("utf-8")


def render_entry(e: dict[str, Any], v1: bool = False, evidence_chunks: dict[Any, bytes] | None = None) -> bytes:
    """One entry's canonical chunk (``[[entry]]`` ... ), to follow a blank line.

    ``evidence_chunks`` (verify only): the rendered ``[entry.evidence]`` tail per standard, reused
    for every entry on that standard. Sound only once every entry's evidence has been checked equal
    to its standard's recomputed figures (replay does that), so equal tables render alike.
    """
    evidence = e.get("evidence")
    if evidence_chunks is not None and not v1 and isinstance(evidence, dict):
        key = e.get("standard")
        cached = evidence_chunks.get(key)
        if cached is not None:
            return render_entry({k: v for k, v in e.items() if k != "evidence"}) + cached
        full = render_entry(e)
        at = full.find(b"\n[entry.evidence]\n")
        if at >= 0:
            evidence_chunks[key] = full[at:]
        return full
    fast = None if v1 else _fast_ordered(e)
    if fast is None:
        table = ordered_entry(e, v1)
        fast = _fast_entry(table)
        if fast is None:
            fast = _render(table, "entry", True)
    return fast.encode("utf-8")


# --- the layout rules (docs/formats.md, "Canonical bytes") -----------------------------------------
# Two renderers of the same rules: _render, whole and plain, for any table of strings, integers,
# floats, booleans, arrays and tables; and _fast_entry for the shapes entries have (strings, integers,
# booleans, lists of strings, a sub-table, a list of short inline tables), which verify takes for
# every entry. _fast_entry gives None for anything else, and _render renders it. The golden files in
# tests/unit/golden hold the bytes both must give; tomli-w is only a test oracle.

_INDENT = "    "
_LINE = 100  # an array of tables goes inline when every '    { ... },' line fits in this many characters


def _render(table: Mapping[str, Any], name: str, in_array: bool) -> str:
    """``[log]`` (name "log") or one ``[[entry]]`` (name "entry", in_array) with its sub-tables.

    An entry is always an ``[[entry]]`` table, even one so small it would fit on a line as an inline
    table (tomli-w 1.x wrote ``entry = [{ ... }]`` then); no entry that has its 64-digit ``prev`` and
    ``hash`` is ever that small.
    """
    out: list[str] = []
    _table(out, table, name, in_array)
    return "".join(out)


def _table(out: list[str], table: Mapping[str, Any], name: str, in_array: bool) -> None:
    """One table: its header, its ``key = value`` lines, then its sub-tables, each after a blank line.

    A sub-table is a value that is a table, or each table of a non-empty array of tables when one of
    them would not fit on a line of its own as an inline table (``[[name.key]]``). A table with only
    sub-tables has no header of its own, unless it is an element of an array of tables.
    """
    lines: list[tuple[str, Any]] = []
    subs: list[tuple[str, Mapping[str, Any], bool]] = []
    for k, v in table.items():
        if isinstance(v, Mapping):
            subs.append((k, v, False))
        elif _is_array_of_tables(v) and not all(_fits_inline(t) for t in v):
            subs.extend((k, t, True) for t in v)
        else:
            lines.append((k, v))
    written = False
    if in_array or (name and (lines or not subs)):
        out.append(f"[[{name}]]\n" if in_array else f"[{name}]\n")
        written = True
    for k, v in lines:
        out.append(f"{_key(k)} = {_literal(v)}\n")
        written = True
    for k, sub, sub_in_array in subs:
        if written:
            out.append("\n")
        written = True
        key = _key(k)
        _table(out, sub, f"{name}.{key}" if name else key, sub_in_array)


def _is_array_of_tables(v: Any) -> bool:
    """A non-empty array holding only tables: the one kind of array that may become sub-tables."""
    return isinstance(v, (list, tuple)) and bool(v) and all(isinstance(t, Mapping) for t in v)


def _fits_inline(t: Mapping[str, Any]) -> bool:
    """Whether ``    { ... },`` is one line of at most 100 characters (code points, not bytes)."""
    line = f"{_INDENT}{_inline(t)},"
    return len(line) <= _LINE and "\n" not in line


def _literal(v: Any, depth: int = 0) -> str:
    """A value on the right of ``=`` (or in an array ``depth`` levels deep)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)  # format 1's floats: Python's shortest round-trip spelling (62.5, 75.0)
    if isinstance(v, str):
        return _str(v)
    if isinstance(v, (list, tuple)):
        if not v:
            return "[]"
        items = "".join(f"{_INDENT * (depth + 1)}{_literal(item, depth + 1)},\n" for item in v)
        return f"[\n{items}{_INDENT * depth}]"
    if isinstance(v, Mapping):
        return _inline(v)
    raise TypeError(f"no canonical TOML form for a value of type {type(v).__qualname__}")


def _inline(t: Mapping[str, Any]) -> str:
    """An inline table; values in it start again at depth 0 (as tomli-w 1.x did)."""
    if not t:
        return "{}"
    return "{ " + ", ".join(f"{_key(k)} = {_literal(v)}" for k, v in t.items()) + " }"


# --- the same bytes, faster, for the shapes entries have -------------------------------------------

_ESCAPE = re.compile(r'[\x00-\x08\x0a-\x1f\x7f"\\]')
_COMPACT = {"\b": "\\b", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\"}
_BARE = re.compile(r"[A-Za-z0-9_-]+\Z")


def _str(s: str) -> str:
    """A basic string: the quote, the backslash and every control character but tab escaped."""
    if _ESCAPE.search(s) is None:
        return f'"{s}"'
    return '"' + _ESCAPE.sub(lambda m: _COMPACT.get(m.group(), f"\\u{ord(m.group()):04x}"), s) + '"'


_KEYS: dict[str, str] = {}  # a key as written: the schema's few dozen keys, looked up not matched


def _key(k: str) -> str:
    """A key as written: bare when it is only A-Z a-z 0-9 _ - (and not empty), else a quoted string."""
    written = _KEYS.get(k)
    if written is None:
        if not isinstance(k, str):
            raise TypeError(f"a TOML key must be a string, not {type(k).__qualname__}")
        written = k if _BARE.match(k) else _str(k)
        if len(_KEYS) < 10_000:  # a hostile log's own keys must not grow it without end
            _KEYS[k] = written
    return written


def _scalar(v: Any) -> str | None:
    if v is True:
        return "true"
    if v is False:
        return "false"
    if type(v) is int:
        return str(v)
    if type(v) is str:
        return _str(v)
    return None


def _value(v: Any) -> str | None:
    """An inline value at the top of a table, or None for 'render it with _render'."""
    out = _scalar(v)
    if out is not None or type(v) is not list:
        return out
    if not v:
        return "[]"
    items = []
    for item in v:
        if type(item) is dict:
            inline = _inline_table(item)
            if inline is None or len(inline) + 5 > _LINE:  # "    {...}," must fit (_fits_inline)
                return None
            items.append(inline)
        else:
            one = _scalar(item)
            if one is None:
                return None
            items.append(one)
    return "[\n" + "".join(f"    {x},\n" for x in items) + "]"


def _inline_table(t: dict[str, Any]) -> str | None:
    parts = []
    for k, v in t.items():
        one = _scalar(v)
        if one is None:
            return None
        parts.append(f"{_key(k)} = {one}")
    return "{ " + ", ".join(parts) + " }" if parts else "{}"


def _fast_entry(e: dict[str, Any]) -> str | None:
    lines = ["[[entry]]\n"]
    subs = []
    for k, v in e.items():
        if type(v) is dict:
            subs.append((k, v))
            continue
        one = _value(v)
        if one is None:
            return None
        lines.append(f"{_key(k)} = {one}\n")
    for k, sub in subs:
        if not sub or any(type(v) is dict for v in sub.values()):
            return None
        lines.append(f"\n[entry.{_key(k)}]\n")
        for sk, sv in sub.items():
            one = _value(sv)
            if one is None:
                return None
            lines.append(f"{_key(sk)} = {one}\n")
    return "".join(lines)


# --- the same bytes again, ordering and rendering in one pass -----------------------------------------
# What verify takes for nearly every entry of format 2 on: an entry holding only its kind's keys, each
# a string, an integer, a boolean, a list of strings, or the evidence and ratings tables (the keys of
# the schema are all bare: written as they are). ordered_entry then _fast_entry give the same bytes
# (tests/unit/test_render_one_pass.py checks that; test_canonical_render.py both against tomli-w); anything
# else is left to them.


def _fast_ordered(e: dict[str, Any]) -> str | None:
    order = _ENTRY_ORDER.get(e.get("kind"))  # type: ignore[arg-type]
    if order is None:
        return None
    out = ["[[entry]]\n"]
    subs: list[str] = []
    found = 0
    for k in order:
        if k not in e:
            continue
        found += 1
        v = e[k]
        t = type(v)
        if t is str:
            out.append(f"{k} = {_str(v)}\n")
        elif t is int:
            out.append(f"{k} = {v}\n")
        elif t is bool:
            out.append(f"{k} = {'true' if v else 'false'}\n")
        elif t is dict:
            sub = _evidence(v) if k == "evidence" else _ratings(v) if k == "ratings" else None
            if sub is None:
                return None
            subs.append(f"\n[entry.{k}]\n{sub}")
        else:
            one = _value(v)
            if one is None:
                return None
            out.append(f"{k} = {one}\n")
    if found != len(e):  # a key the schema does not know: the general path places it
        return None
    return "".join(out + subs)


def _evidence(ev: dict[str, Any]) -> str | None:
    out = []
    found = 0
    for k in _EVIDENCE_ORDER:
        if k not in ev:
            continue
        found += 1
        v = ev[k]
        if k == "questions" and isinstance(v, list):  # as ordered_entry orders them
            v = [_order(_QUESTION_ORDER, q) if isinstance(q, dict) else q for q in v]
        one = _value(v)
        if one is None:
            return None
        out.append(f"{k} = {one}\n")
    if found != len(ev) or not out:
        return None
    return "".join(out)


def _ratings(ratings: dict[str, Any]) -> str | None:
    out = []
    for k, v in sorted(ratings.items()):
        if type(k) is not str or type(v) is not str:
            return None
        out.append(f"{_key(k)} = {_str(v)}\n")
    return "".join(out) if out else None


def render_log(header: dict[str, Any], entries: list[dict[str, Any]], evidence_verified: bool = False) -> bytes:
    """The whole canonical file: the header, then each entry after one blank line.

    ``evidence_verified``: every entry's evidence was checked equal to its standard's figures, so
    each standard's evidence is rendered once (see :func:`render_entry`).
    """
    v1 = header.get("format") == LOG_FORMAT_V1
    chunks: dict[Any, bytes] | None = {} if evidence_verified else None
    return b"\n".join([render_header(header), *(render_entry(e, v1, chunks) for e in entries)])


def first_difference(actual: bytes, expected: bytes) -> int:
    """The 1-based line of the first byte where two renderings differ."""
    n = min(len(actual), len(expected))
    i = next((k for k in range(n) if actual[k] != expected[k]), n)
    return actual.count(b"\n", 0, i) + 1
