"""Shared fixtures: paths to the bundled sessions and a builder for small inspection files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SESSIONS = ROOT / "sessions"

# The git fixtures (a private git configuration; a bare remote and its clones) for every test that names
# them: defined with their helpers in tests/unit/gitrepos.py, offered here so no test file imports one.
from tests.unit.gitrepos import isolated_git, shared  # noqa: E402, F401 (after SESSIONS, which gitrepos imports)


@pytest.fixture
def sessions_dir() -> Path:
    return SESSIONS


@pytest.fixture
def stockton_copy(tmp_path: Path) -> Path:
    """A writable copy of the Stockton session (inspection and log)."""
    dst = tmp_path / "stockton-2021"
    shutil.copytree(SESSIONS / "stockton-2021", dst, ignore=shutil.ignore_patterns("*.lock"))
    return dst


@pytest.fixture
def stockton_fresh(tmp_path: Path) -> Path:
    """The Stockton inspection with no decision log yet."""
    dst = tmp_path / "stockton-fresh"
    dst.mkdir()
    shutil.copy(SESSIONS / "stockton-2021" / "inspection.toml", dst / "inspection.toml")
    return dst


@pytest.fixture
def stockton_met(stockton_fresh: Path) -> Path:
    """The Stockton inspection with the panel present (entry 1: Chair, members A and B)."""
    from panel_tui.core.inspection import load_inspection
    from panel_tui.core.log import append_entry

    append_entry(
        stockton_fresh,
        load_inspection(stockton_fresh),
        "attendance",
        {"chair": "Chair", "members": ["A", "B"], "by": "Chair"},
    )
    return stockton_fresh


# --- tiers: every test is marked by where it lives and what it needs (pyproject lists the markers) ---
# unit: tests/unit; ui: tests/ui (Textual Pilot and snapshots); git: needs real git repositories (a
# bare remote and clones); property: Hypothesis or random offices. The quick tier is
# `python -m pytest -m quick` (unit tests that need neither git repositories nor long properties).

_GIT_FIXTURES = {"shared", "isolated_git"}
_PROPERTY_FILES = {
    "test_hostile_property.py",
    "test_offices_property.py",
    "test_log_read_as_written.py",
    "test_canonical_render.py",
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        path = Path(str(item.fspath))
        tier = "ui" if "ui" in path.parts else "unit"
        item.add_marker(getattr(pytest.mark, tier))
        fixtures = set(getattr(item, "fixturenames", ()))
        uses_git = bool(fixtures & _GIT_FIXTURES) or "git" in path.name
        if uses_git:
            item.add_marker(pytest.mark.git)
        prop = path.name in _PROPERTY_FILES
        if prop:
            item.add_marker(pytest.mark.property)
        if tier == "unit" and not uses_git and not prop:
            item.add_marker(pytest.mark.quick)
