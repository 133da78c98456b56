"""When an entry may be dated (attack report of 2 December, finding 6): a forged entry dated years
before its log, before the entry before it, or in the future fails verify here, in the JavaScript
verifier and in the independent Python one alike; a replayed format-2 entry keeps its own time; a
computer whose clock is more than a day wrong is refused before it writes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from panel_tui.core.log import canonical_hash, render_log
from tests.conftest import SESSIONS
from tests.unit.independent_verifier import verify as independent

STOCKTON = SESSIONS / "stockton-2021"
JS = Path(__file__).resolve().parent.parent / "js"
NODE = shutil.which("node")


def forged(tmp_path: Path, at: str, **extra: Any) -> Path:
    """Stockton without its sign-off, plus a copy of its last entry dated ``at``, re-chained."""
    d = tmp_path / "s"
    shutil.copytree(STOCKTON, d, ignore=shutil.ignore_patterns("*.lock"))
    doc = tomllib.loads((d / "decisions.toml").read_text(encoding="utf-8"))
    entries = [e for e in doc["entry"] if e["kind"] != "sign-off"]
    e = {"seq": 0, "at": at, "kind": "dissent", "member": "Panel member", "about": len(entries)}
    e.update(reason="I disagreed with this at the time we met.", by="Panel member", **extra)
    entries.append(e)
    prev = canonical_hash(doc["log"])
    for i, x in enumerate(entries, 1):
        x["seq"], x["prev"] = i, prev
        x["hash"] = prev = canonical_hash(x)
    (d / "decisions.toml").write_bytes(render_log(doc["log"], entries))
    return d


def tool(d: Path, *argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "panel_tui", *argv, str(d)], capture_output=True, text=True, env=env or None
    )


def js(d: Path) -> str:
    if NODE is None or not (JS / "node_modules" / "smol-toml").is_dir():
        pytest.skip("node or tests/js/node_modules missing (npm install --prefix tests/js)")
    return subprocess.run([NODE, str(JS / "verify.mjs"), str(d)], capture_output=True, text=True).stdout.strip()


FORGED = {
    "years-before-created": ("2019-01-01T00:00:00Z", "before the log was created"),
    "before-the-entry-before": ("2020-10-13T08:00:00Z", "before the log was created"),
    "future": ("2099-12-31T23:59:59Z", "in the future"),
}


@pytest.mark.parametrize("at,said", list(FORGED.values()), ids=list(FORGED))
def test_a_forged_date_fails_every_verifier(tmp_path, at, said):
    d = forged(tmp_path, at)
    r = tool(d, "verify")
    assert r.returncode == 1 and said in r.stderr and "entry 13" in r.stderr, r.stderr
    assert independent(d) is not None and "entry 13" in str(independent(d))
    assert js(d).startswith("entry 13: dated")


def test_an_entry_dated_before_the_one_before_it_fails(tmp_path):
    d = forged(tmp_path, "2020-10-13T09:50:00Z")  # within a day of created, but a day before entry 12
    doc = tomllib.loads((d / "decisions.toml").read_text(encoding="utf-8"))
    doc["log"]["created"] = "2020-10-12T09:00:00Z"  # so only the entry before it can refuse it
    entries = doc["entry"]
    for e in entries:
        if e["at"] < "2020-10-14":
            continue
        e["at"] = "2020-10-14T09:00:00Z"
    entries[-2]["at"] = "2020-10-15T10:00:00Z"
    prev = canonical_hash(doc["log"])
    for x in entries:
        x["prev"] = prev
        x["hash"] = prev = canonical_hash(x)
    (d / "decisions.toml").write_bytes(render_log(doc["log"], entries))
    r = tool(d, "verify")
    assert r.returncode == 1 and "before the entry before it (2020-10-15T10:00:00Z)" in r.stderr, r.stderr
    assert independent(d) is not None and js(d).startswith("entry 13: dated before")


def test_within_a_day_of_slack_verifies_everywhere(tmp_path):
    d = forged(tmp_path, "2020-10-13T10:00:00Z")  # 23 hours before created and before entry 12
    assert tool(d, "verify").returncode == 0
    assert independent(d) is None and js(d).startswith("ok 13")


def test_a_replayed_format_2_entry_keeps_its_own_older_time(tmp_path):
    d = forged(tmp_path, "2019-01-01T00:00:00Z", replayed_from="ab" * 32)
    r = tool(d, "verify")
    assert r.returncode == 0, r.stderr
    assert independent(d) is None and js(d).startswith("ok 13")


def test_a_computer_whose_clock_is_wrong_is_refused_before_it_writes(stockton_met):
    log = stockton_met / "decisions.toml"
    before = log.read_bytes()
    env = {**os.environ, "PANEL_TUI_FROZEN_TIME": "2001-01-01T00:00:00Z"}
    r = subprocess.run(
        [sys.executable, "-m", "panel_tui", "dissent", str(stockton_met), "--member", "A", "--reason", "A disagrees."],
        capture_output=True,
        text=True,
        env=env,
    )
    assert r.returncode == 2 and "clock" in r.stderr and "Traceback" not in r.stderr, r.stderr
    assert log.read_bytes() == before
