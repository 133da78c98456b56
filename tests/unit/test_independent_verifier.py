"""A short verifier written from docs/formats.md agrees with `panel-tui verify`."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.unit.independent_verifier import verify

SLUGS = ["stockton-2021", "leeds-2019", "hammersmith-2022", "lincolnshire-2023"]


def tool_ok(path) -> bool:
    return subprocess.run([sys.executable, "-m", "panel_tui", "verify", str(path)], capture_output=True).returncode == 0


@pytest.mark.parametrize("slug", SLUGS)
def test_agrees_on_intact_logs(sessions_dir, slug):
    assert verify(sessions_dir / slug) is None and tool_ok(sessions_dir / slug)


@pytest.mark.parametrize(
    "edit", [("eight cases", "seven cases"), ("seq = 3\n", "seq = 33\n"), ('kind = "declined"', 'kind = "discretion"')]
)
def test_agrees_on_tampered_logs(stockton_copy, edit):
    log = stockton_copy / "decisions.toml"
    log.write_text(log.read_text().replace(*edit, 1))
    assert verify(stockton_copy) is not None
    assert not tool_ok(stockton_copy)


def test_agrees_on_a_changed_inspection(stockton_copy):
    p = stockton_copy / "inspection.toml"
    p.write_text(p.read_text() + "\n# a comment\n")
    assert verify(stockton_copy) == "inspection changed"
    assert not tool_ok(stockton_copy)
