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
from collections.abc import Callable
from typing import Any, NotRequired, get_args, get_origin

from panel_tui.core.log.entries import (
    ALL_KINDS,
    ENTERED_BY_FORMATS,
    FIELDS,
    FORMAT_3_KEYS,
    FORMAT_3_KINDS,
    LOG_FORMAT_V1,
    LOG_FORMAT_V2,
    LOG_FORMAT_V3,
    LOG_FORMATS,
    EntryHead,
    EntryTail,
    Evidence,
    EvidenceV1,
    Header,
    kinds_of,
)

MAX_INT = 2**53 - 1  # every integer a log holds survives a JSON number in any language
RFC3339_UTC = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z\Z")
HEX64 = re.compile(r"[0-9a-f]{64}\Z")
HEX_KEYS = {"prev", "hash", "replayed_from", "inspection_sha256", "framework_sha256", "kept_aside"}
TIME_KEYS = {"at", "created", "decided_at"}


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


Checker = Callable[[Any, str, str], None]


@functools.cache
def _checker(tp: Any) -> Checker:
    """A compiled check for one declared type: verify reads every entry, so no typing calls per value."""
    if get_origin(tp) is NotRequired:
        return _checker(get_args(tp)[0])
    origin = get_origin(tp)
    name = _type_name(tp)

    def wrong(value: Any, where: str, key: str) -> None:
        raise ShapeError(f"{where}: '{key}' must be {name}, not {type(value).__name__} {value!r:.40}.")

    if tp is bool:

        def check(value: Any, where: str, key: str) -> None:
            if type(value) is not bool:
                wrong(value, where, key)
    elif tp is int:

        def check(value: Any, where: str, key: str) -> None:
            if type(value) is not int:
                wrong(value, where, key)
            if not 0 <= value <= MAX_INT:
                raise ShapeError(f"{where}: '{key}' = {value} is out of range (0 to {MAX_INT}).")
    elif tp is float:

        def check(value: Any, where: str, key: str) -> None:
            if type(value) not in (int, float):
                wrong(value, where, key)
    elif tp is str:

        def check(value: Any, where: str, key: str) -> None:
            if type(value) is not str:
                wrong(value, where, key)
            if key in TIME_KEYS:
                _check_time(value, where, key)
            elif key in HEX_KEYS and not HEX64.match(value):
                raise ShapeError(f"{where}: '{key}' must be 64 lowercase hex digits (a SHA-256).")
    elif origin is list:
        item = _checker(get_args(tp)[0])

        def check(value: Any, where: str, key: str) -> None:
            if type(value) is not list:
                wrong(value, where, key)
            for i, v in enumerate(value, 1):
                item(v, f"{where}: '{key}' item {i}", key)
    elif origin is dict:
        val = _checker(get_args(tp)[1])

        def check(value: Any, where: str, key: str) -> None:
            if type(value) is not dict:
                wrong(value, where, key)
            for k, v in value.items():
                val(v, f"{where}: '{key}'", str(k))
    elif typing.is_typeddict(tp):

        def check(value: Any, where: str, key: str) -> None:
            if type(value) is not dict:
                wrong(value, where, key)
            check_table(value, tp, f"{where}: '{key}'")
    else:  # pragma: no cover - a TypedDict used a type this checker does not know
        raise TypeError(f"schema type {tp!r} not supported")
    return check


def _check_time(value: str, where: str, key: str) -> None:
    if not RFC3339_UTC.match(value):
        raise ShapeError(f"{where}: '{key}' must be an RFC 3339 UTC time like 2026-11-23T14:05:00Z, not {value!r:.40}.")
    try:
        dt.datetime.fromisoformat(value[:-1])
    except ValueError:
        raise ShapeError(f"{where}: '{key}' {value!r} is not a real date and time.") from None


def _check_fields(
    table: dict[str, Any], checks: dict[str, Checker], required: frozenset[str], where: str, what: str
) -> None:
    for k, v in table.items():
        check = checks.get(k)
        if check is None:
            unknown = [k for k in table if k not in checks]
            raise ShapeError(
                f"{where}: unknown key(s) {', '.join(repr(k) for k in unknown)}; {what}: {', '.join(checks)}."
            )
        check(v, where, k)
    if not required <= table.keys():
        missing = [k for k in checks if k in required and k not in table]
        raise ShapeError(f"{where}: missing key(s) {', '.join(repr(k) for k in missing)}.")


@functools.cache
def _table_checks(td: type) -> dict[str, Checker]:
    return {k: _checker(tp) for k, tp in _hints(td).items()}


def check_table(table: dict[str, Any], td: type, where: str) -> None:
    """Keys must be the TypedDict's, required ones present, each value of its declared type."""
    _check_fields(table, _table_checks(td), _required(td), where, "allowed")


def _entry_schema(kind: str, log_format: str) -> tuple[dict[str, Checker], frozenset[str]]:
    """A kind's keys in one format: format 1 has no ``replayed_from``, formats 1 and 2 neither
    ``entered_by`` nor ``decided_at``, and format 3 requires ``entered_by``."""
    v1 = log_format == LOG_FORMAT_V1
    left_out = set() if log_format in ENTERED_BY_FORMATS else set(FORMAT_3_KEYS)
    if v1:
        left_out.add("replayed_from")
    checks: dict[str, Checker] = {}
    required: set[str] = set()
    for td in (EntryHead, FIELDS[kind], EntryTail):
        for k, tp in _hints(td).items():
            if k in left_out:
                continue
            checks[k] = _checker(EvidenceV1 if (v1 and tp is Evidence) else tp)
        required |= _required(td)
    if log_format in ENTERED_BY_FORMATS:
        required.add("entered_by")
    return checks, frozenset(required)


_SCHEMAS = {(kind, fmt): _entry_schema(kind, fmt) for kind in ALL_KINDS for fmt in LOG_FORMATS}


def check_entry(e: dict[str, Any], n: int, log_format: str) -> None:
    """Raise ShapeError naming the field when entry ``n`` is not of its kind's shape."""
    kind = e.get("kind")
    log_format = log_format if log_format in LOG_FORMATS else LOG_FORMAT_V2
    kinds = kinds_of(log_format)
    if kind in FORMAT_3_KINDS and kind not in kinds:
        raise ShapeError(
            f"entry {n}: a {kind!r} entry is a kind of format 3 ({LOG_FORMAT_V3}) only; a {log_format} "
            f"log holds: {', '.join(kinds)}."
        )
    if kind not in kinds:
        raise ShapeError(f"entry {n}: unknown kind {kind!r}; the kinds are: {', '.join(kinds)}.")
    checks, required = _SCHEMAS[(kind, log_format)]
    where = f"entry {n} ({kind})"
    _check_fields(e, checks, required, where, f"a {kind} entry holds")
    if "decided_at" in e and "replayed_from" not in e:
        raise ShapeError(
            f"{where}: 'decided_at' is only for a replayed entry (with 'replayed_from'): the time "
            "the original entry was decided."
        )


def check_header(header: dict[str, Any]) -> None:
    check_table(header, Header, "[log]")
