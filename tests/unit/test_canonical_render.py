"""The canonical layout is tomli-w 1.x output: the fast renderer verify uses must give the same bytes."""

from __future__ import annotations

import random
import tomllib
from pathlib import Path

import pytest
import tomli_w

from panel_tui.core.log.chain import ordered_entry, render_entry, render_log

ROOT = Path(__file__).resolve().parents[2]
SLUGS = ["stockton-2021", "leeds-2019", "hammersmith-2022", "lincolnshire-2023"]
CHARS = ["a", "Z", " ", '"', "\\", "\n", "\r", "\t", "\x00", "\x08", "\x0c", "\x1b", "\x7f", "é", "\u200b",
         "\u2028", "🙂", "[", "]", "=", "#", "'", "."]


@pytest.mark.parametrize("slug", SLUGS)
def test_example_logs_are_their_own_canonical_rendering(slug):
    data = (ROOT / "sessions" / slug / "decisions.toml").read_bytes()
    doc = tomllib.loads(data.decode("utf-8"))
    assert render_log(doc["log"], doc["entry"]) == data
    assert tomli_w.dumps({"log": doc["log"], "entry": [ordered_entry(e) for e in doc["entry"]]}).encode() == data


def test_fast_renderer_matches_tomli_w_on_hostile_strings():
    rng = random.Random(20261123)
    for _ in range(3000):
        s = "".join(rng.choice(CHARS) for _ in range(rng.randint(0, 14)))
        e = {"seq": rng.randint(0, 2**53 - 1), "at": s, "kind": "dissent", "member": s, "reason": s, "by": s,
             "members": [s, s] if rng.random() < 0.5 else [], "outside_criteria": rng.random() < 0.5,
             "ratings": {s or "x": s, "1.1": "Good"},
             "evidence": {"computed": s, "flags": [s], "questions": [{"id": s, "percent": "62.50", "yes": 5}]}}
        assert render_entry(e) == tomli_w.dumps({"entry": [ordered_entry(e)]}).encode("utf-8"), repr(s)


def test_long_inline_tables_fall_back_to_tomli_w_layout():
    e = {"seq": 1, "kind": "declined",
         "evidence": {"computed": "Good", "flags": [], "questions": [{"id": "x" * 120, "percent": "1.00"}]}}
    out = render_entry(e)
    assert out == tomli_w.dumps({"entry": [ordered_entry(e)]}).encode("utf-8")
    assert b"[[entry.evidence.questions]]" in out
