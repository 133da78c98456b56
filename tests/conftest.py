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
    shutil.copytree(SESSIONS / "stockton-2021", dst)
    return dst


@pytest.fixture
def stockton_fresh(tmp_path: Path) -> Path:
    """The Stockton inspection with no decision log yet."""
    dst = tmp_path / "stockton-fresh"
    dst.mkdir()
    shutil.copy(SESSIONS / "stockton-2021" / "inspection.toml", dst / "inspection.toml")
    return dst
