"""The copies the audit makes without running a dataclass's ``__init__`` are the objects
``dataclasses.replace`` makes: a standard given its final band, a framework read at another path."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from panel_tui.core.engine import _with_final, rate
from panel_tui.core.framework import Framework
from panel_tui.core.framework.session_copy import _at
from panel_tui.core.inspection import load_inspection
from tests.conftest import SESSIONS


def test_a_standard_with_its_final_band_is_what_replace_makes() -> None:
    for session in sorted(SESSIONS.glob("*/inspection.toml")):
        for s in rate(load_inspection(session)).standards:
            before = vars(s).copy()
            for band in ("Outstanding", "Inadequate"):
                copy = _with_final(s, band, 3)
                assert copy == dataclasses.replace(s, final=band, score=3)
                assert vars(copy) == vars(dataclasses.replace(s, final=band, score=3))
                assert copy is not s and vars(s) == before  # the original is left alone


def test_a_framework_at_another_path_is_what_replace_makes() -> None:
    fw = load_inspection(SESSIONS / "stockton-2021").framework
    fw.band_index(fw.bands[0].name)  # its cached tables filled, as they are once a session was rated
    elsewhere = Path("/elsewhere/framework.toml")
    copy = _at(fw, elsewhere)
    made = dataclasses.replace(fw, path=elsewhere)
    assert type(copy) is Framework and copy == made
    assert copy.path == elsewhere and fw.path != elsewhere
    assert {f.name: getattr(copy, f.name) for f in dataclasses.fields(Framework)} == {
        f.name: getattr(made, f.name) for f in dataclasses.fields(Framework)
    }
    for name in fw.band_names:  # the cached tables carried over give what the fresh object works out
        assert copy.band_index(name) == made.band_index(name)
    assert [copy.band_for_ratio(n, 7) for n in range(0, 701, 7)] == [
        made.band_for_ratio(n, 7) for n in range(0, 701, 7)
    ]
    assert copy.sample_of("2.1") == made.sample_of("2.1")
