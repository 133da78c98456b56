"""Ordering and rendering an entry in one pass (chain._fast_ordered, what verify takes for nearly every
entry) gives the bytes of ordering it (ordered_entry) and then rendering it, or leaves the entry to
them: on every entry of the golden inputs and the bundled logs, and on entries bent out of shape."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest

from panel_tui.core.log.chain import (
    _BARE,
    _ENTRY_ORDER,
    _EVIDENCE_ORDER,
    _QUESTION_ORDER,
    _fast_entry,
    _fast_ordered,
    _render,
    ordered_entry,
    render_entry,
)
from panel_tui.core.log.entries import LOG_FORMAT_V1
from tests.conftest import SESSIONS

GOLDEN = Path(__file__).resolve().parent / "golden"


def two_passes(e: dict[str, Any]) -> str:
    table = ordered_entry(e)
    fast = _fast_entry(table)
    return fast if fast is not None else _render(table, "entry", True)


def writers_entries() -> list[dict[str, Any]]:
    """Every format-2-on entry of the golden inputs (long key questions and awkward text among them)
    and of the bundled logs."""
    out = []
    for name in ("inputs.json", "inputs-v3.json", "inputs-v3-dismissal.json"):
        for case in json.loads((GOLDEN / name).read_text(encoding="utf-8")).values():
            if case["header"]["format"] != LOG_FORMAT_V1:
                out += case["entries"]
    return out + bundled_entries()


def bundled_entries() -> list[dict[str, Any]]:
    out = []
    for log in sorted(SESSIONS.glob("*/decisions.toml")):
        out += tomllib.loads(log.read_text(encoding="utf-8")).get("entry", [])
    return out


def test_the_schemas_keys_are_bare_and_listed_once() -> None:
    """The one pass writes a key as it is: sound only for bare keys, each once in its order."""
    for order in [*_ENTRY_ORDER.values(), _EVIDENCE_ORDER, _QUESTION_ORDER]:
        assert len(set(order)) == len(order)
        assert all(_BARE.match(k) for k in order)


def test_every_entry_the_writers_made_gives_the_same_bytes_either_way() -> None:
    entries = writers_entries()
    assert len(entries) > 40
    taken = 0
    for e in entries:
        one = _fast_ordered(e)
        if one is None:  # a key question too long for a line (an array of tables), an empty table
            assert "\n[[entry.evidence.questions]]\n" in two_passes(e) or two_passes(e).endswith("]\n")
            continue
        taken += 1
        assert one == two_passes(e)
        reordered = dict(reversed(list(e.items())))  # format 2 on: the schema's order, not the table's
        assert _fast_ordered(reordered) == one
    assert taken > len(entries) - 5


def test_every_entry_of_the_bundled_logs_takes_the_one_pass() -> None:
    for e in bundled_entries():
        assert _fast_ordered(e) == two_passes(e)


def bent(e: dict[str, Any]) -> list[dict[str, Any]]:
    """The entry with one thing each that the one pass must render alike or leave alone."""
    out = [{**e, "unknown": "x"}, {**e, "seq": 1.5}, {**e, "by": None}, {**e, "members": ["a", 1]}]
    out += [{**e, "kind": "no such kind"}, {k: v for k, v in e.items() if k != "kind"}]
    out += [{**e, "extra": {"a": "b"}}, {**e, "extra": [{"a": 1}]}, {**e, "flag": True}]
    out += [{**e, "ratings": {"2.2": "Good", "1.1": "Outstanding", 'a"b': "x"}}, {**e, "ratings": {}}]
    out += [{**e, "ratings": {"1.1": 3}}, {**e, "ratings": {"1.1": {"x": "y"}}}]
    ev = e.get("evidence")
    if isinstance(ev, dict):
        out += [{**e, "evidence": {}}, {**e, "evidence": {**ev, "unknown": 1}}, {**e, "evidence": {**ev, "x": {}}}]
        out += [{**e, "evidence": dict(reversed(list(ev.items())))}]
        qs = ev.get("questions")
        if isinstance(qs, list) and qs:
            flipped = [dict(reversed(list(q.items()))) for q in qs]
            out += [{**e, "evidence": {**ev, "questions": flipped}}]
            out += [{**e, "evidence": {**ev, "questions": [*flipped, "not a table"]}}]
            out += [{**e, "evidence": {**ev, "questions": [{**q, "note": "x" * 120} for q in qs]}}]
    return out


def test_entries_bent_out_of_shape_render_as_the_two_passes_render_them_or_are_left_to_them() -> None:
    taken = 0
    for e in writers_entries():
        for b in bent(e):
            one = _fast_ordered(b)
            try:
                expected = two_passes(b)
            except TypeError:  # no canonical form (a None): the one pass must not give one either
                assert one is None
                with pytest.raises(TypeError):
                    render_entry(b)
                continue
            if one is not None:
                taken += 1
                assert one == expected, b
            assert render_entry(b) == expected.encode("utf-8")
    assert taken > 80  # the reordered and resorted ones go the quick way


EDITS = [  # each tampering the hostile-log tests make, and re-layouts the writer never makes
    ("eight cases", "all cases"),  # a rationale changed: hash mismatch
    ("[[entry]]\nseq = 2\n", "# a comment\n[[entry]]\nseq = 2\n"),  # a comment
    ('kind = "ratification"\n', 'kind  =  "ratification"\n'),  # re-laid out
    ('kind = "ratification"\n', "kind = 'ratification'\n"),  # a literal string
    ('by = "Ratings panel chair"', 'by = "\\u0052atings panel chair"'),  # an escape the writer never writes
    ("\n\n[entry.evidence]\n", "\n[entry.evidence]\n"),  # a blank line gone
    ("\n\n[entry.evidence]\n", "\n\n[entry.evidence]\n\n"),  # a blank line more
    ('"\n\n[[entry]]\nseq = 2', '"\n\n[[entry]]\nseq = 2\n\n[entry.extra]\nx = 1'),  # a table no writer makes
]


@pytest.mark.parametrize("edit", EDITS)
def test_a_tampered_log_gets_the_same_verdict_with_and_without_the_one_pass(
    stockton_copy: Path, edit: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from panel_tui.core.inspection import load_inspection
    from panel_tui.core.log import chain, read_state

    log = stockton_copy / "decisions.toml"
    text = log.read_text(encoding="utf-8")
    assert edit[0] in text
    log.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    with_it = read_state(log, load_inspection(stockton_copy))
    monkeypatch.setattr(chain, "_fast_ordered", lambda e: None)
    without = read_state(log, load_inspection(stockton_copy))
    assert with_it.problem is not None
    assert (with_it.problem, with_it.problem_entry, with_it.torn) == (
        without.problem,
        without.problem_entry,
        without.torn,
    )
    assert with_it.entries == without.entries
