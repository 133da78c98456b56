"""Strict shapes: every entry and header read from disk is checked against the TypedDicts.

A valid hash proves only that the chain was recomputed, not that a writer of ours produced the
entry: ``seq = 2.0``, ``at = "yesterday"``, an unknown key or ``outside_criteria = "yes"`` are
refused here, each with the field named, before any rule looks at the entry.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import typing
from typing import Any, NotRequired, get_args, get_origin

from panel_tui.core.log.entries import (
    FIELDS,
    KINDS,
    LOG_FORMAT_V1,
    EntryHead,
    EntryTail,
    Evidence,
    EvidenceV1,
    Header,
)

MAX_INT = 2**53 - 1  # every integer a log holds survives a JSON number in any language
RFC3339_UTC = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z\Z")
HEX64 = re.compile(r"[0-9a-f]{64}\Z")
HEX_KEYS = {"prev", "hash", "replayed_from", "inspection_sha256", "framework_sha256"}
TIME_KEYS = {"at", "created"}


class ShapeError(ValueError):
    """An entry or header that no writer of ours produces; the message names the field."""


@functools.cache
def _hints(td: type) -> dict[str, Any]:
    return typing.get_type_hints(td, include_extras=True)


def _required(td: type) -> frozenset[str]:
    return td.__required_keys__  # type: ignore[attr-defined, no-any-return]


def _type_name(tp: Any) -> str:
    origin = get_origin(tp)
    if origin is list:
        return f"a list of {_type_name(get_args(tp)[0])}s"
    if origin is dict or typing.is_typeddict(tp):
        return "a table"
    return {int: "an integer", str: "a string", bool: "a boolean (true/false)", float: "a number"}.get(tp, str(tp))


def _check_value(value: Any, tp: Any, where: str, key: str) -> None:
    if get_origin(tp) is NotRequired:
        tp = get_args(tp)[0]
    origin = get_origin(tp)
    if tp is bool:
        ok = isinstance(value, bool)
    elif tp is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
        if ok and not 0 <= value <= MAX_INT:
            raise ShapeError(f"{where}: '{key}' = {value} is out of range (0 to {MAX_INT}).")
    elif tp is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif tp is str:
        ok = isinstance(value, str)
        if ok and key in TIME_KEYS:
            _check_time(value, where, key)
        if ok and key in HEX_KEYS and not HEX64.match(value):
            raise ShapeError(f"{where}: '{key}' must be 64 lowercase hex digits (a SHA-256).")
    elif origin is list:
        ok = isinstance(value, list)
        if ok:
            for i, item in enumerate(value, 1):
                _check_value(item, get_args(tp)[0], f"{where}: '{key}' item {i}", key)
    elif origin is dict:
        ok = isinstance(value, dict)
        if ok:
            for k, v in value.items():
                _check_value(v, get_args(tp)[1], f"{where}: '{key}'", str(k))
    elif typing.is_typeddict(tp):
        ok = isinstance(value, dict)
        if ok:
            check_table(value, tp, f"{where}: '{key}'")
    else:  # pragma: no cover - a TypedDict used a type this checker does not know
        raise TypeError(f"schema type {tp!r} not supported")
    if not ok:
        raise ShapeError(f"{where}: '{key}' must be {_type_name(tp)}, not {type(value).__name__} {value!r:.40}.")


def _check_time(value: str, where: str, key: str) -> None:
    if not RFC3339_UTC.match(value):
        raise ShapeError(f"{where}: '{key}' must be an RFC 3339 UTC time like 2026-11-23T14:05:00Z, "
                         f"not {value!r:.40}.")
    try:
        dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        raise ShapeError(f"{where}: '{key}' {value!r} is not a real date and time.") from None


def check_table(table: dict[str, Any], td: type, where: str) -> None:
    """Keys must be the TypedDict's, required ones present, each value of its declared type."""
    hints = _hints(td)
    unknown = [k for k in table if k not in hints]
    if unknown:
        raise ShapeError(f"{where}: unknown key(s) {', '.join(repr(k) for k in unknown)}; "
                         f"allowed: {', '.join(hints)}.")
    required = _required(td)
    missing = [k for k in hints if k in required and k not in table]
    if missing:
        raise ShapeError(f"{where}: missing key(s) {', '.join(repr(k) for k in missing)}.")
    for k, v in table.items():
        _check_value(v, hints[k], where, k)


def _entry_schema(kind: str, v1: bool) -> tuple[dict[str, Any], frozenset[str]]:
    hints: dict[str, Any] = {}
    required: set[str] = set()
    for td in (EntryHead, FIELDS[kind], EntryTail):
        h = _hints(td)
        if v1:
            h = {k: (EvidenceV1 if tp is Evidence else tp) for k, tp in h.items() if k != "replayed_from"}
        hints.update(h)
        required |= _required(td)
    return hints, frozenset(required)


_SCHEMAS = {(kind, v1): _entry_schema(kind, v1) for kind in KINDS for v1 in (False, True)}


def check_entry(e: dict[str, Any], n: int, log_format: str) -> None:
    """Raise ShapeError naming the field when entry ``n`` is not of its kind's shape."""
    kind = e.get("kind")
    where = f"entry {n}"
    if kind not in KINDS:
        raise ShapeError(f"{where}: unknown kind {kind!r}; the kinds are: {', '.join(KINDS)}.")
    hints, required = _SCHEMAS[(kind, log_format == LOG_FORMAT_V1)]
    unknown = [k for k in e if k not in hints]
    if unknown:
        raise ShapeError(f"{where} ({kind}): unknown key(s) {', '.join(repr(k) for k in unknown)}; "
                         f"a {kind} entry holds: {', '.join(hints)}.")
    missing = [k for k in hints if k in required and k not in e]
    if missing:
        raise ShapeError(f"{where} ({kind}): missing key(s) {', '.join(repr(k) for k in missing)}.")
    for k, v in e.items():
        _check_value(v, hints[k], f"{where} ({kind})", k)


def check_header(header: dict[str, Any]) -> None:
    check_table(header, Header, "[log]")

