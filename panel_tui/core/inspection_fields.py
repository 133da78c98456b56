"""The inspection file's value checks: one function per kind of value (a date, a count, a band,
a case's text, the samples, one key question), each raising the error that names the file, the place
and the fix.

Split from ``inspection`` (which checks the file's tables and assembles the Inspection) so each
value's rule and its message sit together, one place to read what a value may be.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from panel_tui.core.display import has_visible_text, one_line, shown
from panel_tui.core.errors import InputError
from panel_tui.core.framework import Framework
from panel_tui.core.inspection_model import QuestionData
from panel_tui.core.tomlfile import line_of

CONTRADICTION_POINTS = Fraction(1, 2)  # counts and a published percent may differ by rounding only
MAX_COUNT = 100_000  # cases in one inspection's sample: real ones hold tens; more is a typo or an attack
_QUESTION_KEYS = {"id", "relevant", "yes", "percent"}


class _Place:
    """Where in the file, worked out only when an error is actually reported (line search is slow)."""

    def __init__(self, text: str, item_id: str, label: str) -> None:
        self.text, self.item_id, self.label = text, item_id, label

    def __str__(self) -> str:
        line = line_of(self.text, "id", self.item_id)
        return (f"line {line}, " if line else "") + self.label


def _date_text(value: Any, path: Path, place: object, key: str) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
        return value  # a month, where the report gives no day ("Fieldwork started: June 2019")
    raise InputError(
        path,
        place,
        f"'{key}' must be a date such as 2020-09-07 (or a month as \"2019-06\").",
        f"write {key} = 2020-09-07.",
    )


def _check_keys(table: dict[str, Any], allowed: set[str], path: Path, place: object) -> None:
    for key in table:
        if key not in allowed:
            raise InputError(
                path, place, f"unknown key '{one_line(key, 40)}'.", f"use only: {', '.join(sorted(allowed))}."
            )


def _count(q: dict[str, Any], key: str, path: Path, place: object) -> int | None:
    if key not in q:
        return None
    v = q[key]
    if isinstance(v, bool) or not isinstance(v, int):
        raise InputError(path, place, f"'{key}' must be a whole number of cases, not {shown(v)}.")
    if v < 0:
        raise InputError(path, place, f"'{key}' is negative ({v}).", "counts are zero or more.")
    if v > MAX_COUNT:
        raise InputError(
            path,
            place,
            f"'{key}' is {v:,}, over the {MAX_COUNT:,}-case limit.",
            "give the number of cases in the inspection's sample.",
        )
    return v


def _case_text(s: dict[str, Any], key: str, path: Path, place: object) -> str | None:
    """The lead inspector's rationale or evidence for a judgement standard: text with something
    visible in it (a case of spaces or zero-width characters reads as none to the panel)."""
    if key not in s:
        return None
    v = s[key]
    if not isinstance(v, str) or not has_visible_text(v):
        raise InputError(
            path,
            place,
            f"'{key}' must be the lead inspector's {key} as text, not {shown(v)}.",
            f'write {key} = "..." (a multi-line string with three quotes is fine), or leave it out.',
        )
    return v


def _band(value: Any, fw: Framework, path: Path, place: object, key: str) -> str:
    if not isinstance(value, str) or value not in fw.band_names:
        raise InputError(
            path, place, f"'{key}' is {shown(value)}, not a band name.", f"use one of: {', '.join(fw.band_names)}."
        )
    return value


MAX_SAMPLE = 1_000  # far above any inspection's case sample (Leeds: 42); bounds the search over bases
AWAITING = "awaiting"  # a key question listed by id alone: its figures are still to come


def _samples(value: Any, fw: Framework, path: Path) -> dict[str, int]:
    """[inspection.sample]: cases inspected per sample, as the report gives them."""
    names = fw.sample_names
    if not isinstance(value, dict):
        raise InputError(
            path, "[inspection] sample", "'sample' must be a table such as { court = 13, out_of_court = 13 }."
        )
    out = {}
    for key, n in value.items():
        if key not in names:
            raise InputError(
                path,
                "[inspection.sample]",
                f"unknown sample '{key}' for framework {fw.id}.",
                f"use only: {', '.join(names)}.",
            )
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_SAMPLE:
            raise InputError(
                path,
                "[inspection.sample]",
                f"sample {key} must be a whole number of cases from 1 to {MAX_SAMPLE:,}, not {n!r}.",
                "give the number of cases the report says were inspected.",
            )
        out[key] = n
    return out


def _question(q: Any, fw_std: Any, path: Path, text: str) -> QuestionData | str | None:
    if not isinstance(q, dict) or not isinstance(q.get("id"), str):
        raise InputError(path, f"standard {fw_std.id}", "each [[standard.question]] needs an id string.")
    qid = q["id"]
    place = _Place(text, qid, f"standard {fw_std.id}, question {one_line(qid, 40)}")
    valid = [x.id for x in fw_std.questions]
    if qid not in valid:
        raise InputError(
            path,
            place,
            f"unknown key question '{one_line(qid, 40)}' for standard {fw_std.id}.",
            f"use one of: {', '.join(valid)}.",
        )
    _check_keys(q, _QUESTION_KEYS, path, place)
    if set(q) == {"id"}:
        return AWAITING  # figures not in yet: shown as "awaiting figures", never rated
    relevant = _count(q, "relevant", path, place)
    yes = _count(q, "yes", path, place)
    pct: Fraction | None = None
    if "percent" in q:
        v = q["percent"]
        if isinstance(v, bool) or not isinstance(v, (int, Decimal)):
            raise InputError(path, place, f"'percent' must be a number, not {shown(v)}.")
        if not 0 <= v <= 100:  # compared before Fraction(): the boundary has bounded its digits
            raise InputError(path, place, f"percent {v} is outside 0-100.", "give % 'Yes' from 0 to 100.")
        pct = Fraction(v)
    if yes is not None and relevant is None:
        raise InputError(
            path, place, "'yes' is given without 'relevant'.", "add relevant = number of cases the question applied to."
        )
    if relevant is not None and yes is not None and yes > relevant:
        raise InputError(
            path,
            place,
            f"yes ({yes}) is more than relevant ({relevant}).",
            "yes counts cases answered 'Yes' among the relevant ones.",
        )
    if relevant == 0:
        if yes or pct is not None:
            raise InputError(
                path,
                place,
                "relevant = 0 (question did not apply) but a result is given.",
                "remove yes/percent, or correct relevant.",
            )
        return None
    if relevant is not None and yes is not None:
        exact = Fraction(100 * yes, relevant)
        if pct is not None and abs(pct - exact) >= CONTRADICTION_POINTS:
            raise InputError(
                path,
                place,
                f"percent {float(pct):g} contradicts {yes} of {relevant} ({float(exact):.2f}%).",
                "correct the counts or the percent, or give only one of them.",
            )
        return QuestionData(qid, exact, relevant, yes)
    if pct is None:
        raise InputError(
            path,
            place,
            "no result: give relevant and yes, or percent.",
            "add relevant = N and yes = N (or percent = P).",
        )
    return QuestionData(qid, pct, relevant, None)
