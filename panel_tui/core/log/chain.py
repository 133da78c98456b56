"""The hash chain and the canonical forms: what is hashed, and the only bytes a log may hold.

Hash (both formats): SHA-256 of the canonical JSON of a table without its ``hash`` key. In
format 2 no float can reach the JSON (the schema forbids them), so the JSON is the one any
language writes: keys sorted by code point, no whitespace, only ``"``, ``\\`` and U+0000-U+001F
escaped (``\\b \\f \\n \\r \\t``, others ``\\u00xx``), integers in decimal, UTF-8. Format 1 hashed
Python's float spelling (``75.0``) and is kept only so old logs still verify.

Canonical TOML: the file is exactly what the writer renders (tomli-w, LF, UTF-8, no comments),
with keys in the schema's order. Anything else is evidence, not noise.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

import tomli_w

from panel_tui.core.log.entries import (
    FIELDS,
    LOG_FORMAT_V1,
    EntryHead,
    EntryTail,
    Evidence,
    Header,
    QuestionEvidence,
)


def canonical_json(table: dict[str, Any]) -> bytes:
    """The bytes that are hashed: the table without ``hash``, as canonical JSON in UTF-8."""
    body = {k: v for k, v in table.items() if k != "hash"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


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
    v1 = header.get("format") == LOG_FORMAT_V1
    return tomli_w.dumps({"log": header if v1 else _order(_HEADER_ORDER, header)}).encode("utf-8")


def render_entry(e: dict[str, Any], v1: bool = False,
                 evidence_chunks: dict[Any, bytes] | None = None) -> bytes:
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
    table = ordered_entry(e, v1)
    fast = _fast_entry(table)
    return (fast if fast is not None else tomli_w.dumps({"entry": [table]})).encode("utf-8")


# --- the same bytes as tomli-w, faster, for the shapes entries have -------------------------------
# tomli-w renders character by character; verify renders every entry, so entries of the usual shapes
# (strings, integers, booleans, lists of strings, a sub-table, a list of short inline tables) take
# this path. Anything else falls back to tomli-w; tests assert both give the same bytes.

_ESCAPE = re.compile(r'[\x00-\x08\x0a-\x1f\x7f"\\]')
_COMPACT = {"\b": "\\b", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\"}
_BARE = re.compile(r"[A-Za-z0-9_-]+\Z")


def _str(s: str) -> str:
    if _ESCAPE.search(s) is None:
        return f'"{s}"'
    return '"' + _ESCAPE.sub(lambda m: _COMPACT.get(m.group(), "\\u%04x" % ord(m.group())), s) + '"'


_KEYS: dict[str, str] = {}  # a key as written: the schema's few dozen keys, looked up not matched


def _key(k: str) -> str:
    written = _KEYS.get(k)
    if written is None:
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
    """An inline value as tomli-w writes it at the top of a table, or None for 'use tomli-w'."""
    out = _scalar(v)
    if out is not None or type(v) is not list:
        return out
    if not v:
        return "[]"
    items = []
    for item in v:
        if type(item) is dict:
            inline = _inline_table(item)
            if inline is None or len(inline) + 5 > 100:  # tomli-w: "    {...}," must fit in 100
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
