"""The reader's first try without tomllib (a log in the writer's own layout) gives exactly the
verdict, entries and messages of tomllib's reading, for good logs and for tampered ones."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import panel_tui.core.log.reader as reader
from panel_tui.core.errors import InputError, RuleRefused
from panel_tui.core.inspection import load_inspection
from panel_tui.core.log import append_entry, read_state
from tests.conftest import SESSIONS
from tests.unit.test_hostile_property import SETTINGS, mutated_log

STOCKTON = SESSIONS / "stockton-2021"
SLUGS = sorted(p.name for p in SESSIONS.iterdir() if (p / "decisions.toml").exists())


def both_ways(path: Path) -> tuple[object, object]:
    """(state read as usual, state read with tomllib alone)."""
    insp = load_inspection(path.parent)
    quick = read_state(path, insp)
    original = reader._verified_as_written
    reader._verified_as_written = lambda *a, **k: None
    try:
        slow = read_state(path, insp)
    finally:
        reader._verified_as_written = original
    return quick, slow


def same(a, b) -> None:
    assert (a.problem, a.problem_entry, a.torn, a.signed_off, a.sign_off_seq) == (
        b.problem,
        b.problem_entry,
        b.torn,
        b.signed_off,
        b.sign_off_seq,
    )
    assert a.header == b.header and a.entries == b.entries and a.retracted == b.retracted
    assert a.raw == b.raw and a.stacks == b.stacks


@pytest.mark.parametrize("slug", SLUGS)
def test_example_logs_read_as_written_are_tomllib_s_tables(slug):
    text = (SESSIONS / slug / "decisions.toml").read_text(encoding="utf-8")
    parsed = reader.parse_as_written(text)
    assert parsed is not None  # the writer's layout: the quick way is taken
    assert parsed == tomllib.loads(text)
    same(*both_ways(SESSIONS / slug / "decisions.toml"))


@pytest.mark.parametrize(
    "edit",
    [
        ("eight cases", "all cases"),  # a rationale changed: hash mismatch
        ("seq = 3\n", "seq = 03\n"),  # not TOML at all
        ("[[entry]]\nseq = 2\n", "# a comment\n[[entry]]\nseq = 2\n"),  # a comment: not canonical
        ('kind = "ratification"\n', 'kind  =  "ratification"\n'),  # re-laid out
        ('to = "Good"\n', 'to = "Good"\nto = "Good"\n'),  # a duplicate key
        ('"\n\n[[entry]]\nseq = 2', '"\n\n[[entry]]\nseq = 2\n\n[entry.extra]\nx = 1'),  # a table no writer makes
    ],
)
def test_tampered_logs_give_the_same_message_either_way(stockton_copy, edit):
    log = stockton_copy / "decisions.toml"
    text = log.read_text(encoding="utf-8")
    assert edit[0] in text
    log.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    quick, slow = both_ways(log)
    assert slow.problem is not None
    same(quick, slow)


@SETTINGS
@given(text=st.text(min_size=12, max_size=60), name=st.text(min_size=1, max_size=12))
def test_any_text_a_writer_records_reads_back_the_same_either_way(tmp_path_factory, text, name):
    d = tmp_path_factory.mktemp("s")
    (d / "inspection.toml").write_bytes((STOCKTON / "inspection.toml").read_bytes())
    insp = load_inspection(d)
    try:
        append_entry(d, insp, "attendance", {"chair": "Chair", "members": ["A", name], "by": "Chair"})
        append_entry(d, insp, "dissent", {"member": "A", "reason": text, "by": "A"})
    except (RuleRefused, InputError):  # the rules refuse some names and texts: nothing to read back
        return
    quick, slow = both_ways(d / "decisions.toml")
    assert quick.problem is None
    same(quick, slow)


@SETTINGS
@given(data=mutated_log())
def test_mutated_logs_read_the_same_either_way(tmp_path_factory, data):
    d = tmp_path_factory.mktemp("m")
    (d / "inspection.toml").write_bytes((STOCKTON / "inspection.toml").read_bytes())
    (d / "decisions.toml").write_bytes(data)
    same(*both_ways(d / "decisions.toml"))
