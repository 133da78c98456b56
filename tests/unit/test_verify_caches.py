"""What verify now keeps between entries gives the answers it gave before: a name found good stays
good and a bad one is refused however often it is asked; names match as they did; an entry's hashed
bytes are json.dumps' with the same options."""

from __future__ import annotations

import json
import tomllib

import pytest

from panel_tui.core.errors import RuleRefused
from panel_tui.core.log.chain import canonical_json
from panel_tui.core.log.entries import same_name
from panel_tui.core.log.texts import check_name
from tests.conftest import SESSIONS

GOOD = ["Helen Davies", "helen  davies", "Siobhán Ó Briain", "A", "x" * 200, "Sam\tLee"]
BAD = ["", "   ", "\u200b\u200b", "a\x00b", "x" * 201, None, 3, ["A"]]


@pytest.mark.parametrize("round_", [1, 2, 3])  # the first asks afresh; later rounds after the names were seen
def test_a_name_is_judged_the_same_however_often_it_is_asked(round_: int) -> None:
    for name in GOOD:
        assert check_name(name) == name
        assert check_name(name, "member", "members") == name
    for bad in BAD:
        for role, field in (("by", None), ("chair", "chair"), ("member", None)):
            with pytest.raises(RuleRefused) as refused:
                check_name(bad, role, field)
            assert refused.value.field == (field or ("members" if role == "member" else role))


def test_names_match_as_they_did() -> None:
    def before(a: str, b: str) -> bool:
        return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()

    names = [*GOOD, "HELEN DAVIES", "Helen Davies ", "Helen Davis", "ǅ", "ǆ", "Straße", "STRASSE", ""]
    for _ in range(2):
        for a in names:
            for b in names:
                assert same_name(a, b) == before(a, b), (a, b)


def test_an_entrys_hashed_bytes_are_json_dumps_with_the_same_options() -> None:
    tables = []
    for log in sorted(SESSIONS.glob("*/decisions.toml")):
        doc = tomllib.loads(log.read_text(encoding="utf-8"))
        tables += [doc["log"], *doc.get("entry", [])]
    tables.append({"k": '\x00\x1f\x7f"\\é🙂\u2028', "n": [1, {"b": True, "a": None}], "hash": "x"})
    assert len(tables) > 20
    for t in tables:
        body = {k: v for k, v in t.items() if k != "hash"}
        dumped = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        assert canonical_json(t) == dumped.encode("utf-8")
    with pytest.raises(ValueError):
        canonical_json({"x": float("nan")})
