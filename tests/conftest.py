"""Shared fixtures: paths to the bundled sessions and a builder for small inspection files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SESSIONS = ROOT / "sessions"


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

    append_entry(stockton_fresh, load_inspection(stockton_fresh), "attendance",
                 {"chair": "Chair", "members": ["A", "B"], "by": "Chair"})
    return stockton_fresh
