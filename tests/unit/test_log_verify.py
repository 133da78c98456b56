"""verify: intact example logs pass; every kind of tampering fails naming the entry."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

SLUGS = ["stockton-2021", "leeds-2019", "hammersmith-2022", "lincolnshire-2023"]


def cli(*args):
    return subprocess.run([sys.executable, "-m", "panel_tui", *map(str, args)], capture_output=True, text=True)


def entries_text(path: Path) -> tuple[str, list[str]]:
    text = path.read_text(encoding="utf-8")
    parts = re.split(r"(?m)^(?=\[\[entry\]\]\s*$)", text)
    return parts[0], parts[1:]


@pytest.mark.parametrize("slug", SLUGS)
def test_example_logs_verify(sessions_dir, slug):
    proc = cli("verify", sessions_dir / slug)
    assert proc.returncode == 0, proc.stderr
    assert "intact" in proc.stdout and "signed off" in proc.stdout


def test_changing_any_value_fails_naming_the_entry(stockton_copy):
    log = stockton_copy / "decisions.toml"
    text = log.read_text()
    log.write_text(text.replace('to = "Good"\nrationale', 'to = "Outstanding"\nrationale', 1))
    proc = cli("verify", stockton_copy)
    assert proc.returncode == 1
    assert re.search(r"entry \d+: hash mismatch", proc.stderr)


def test_changing_a_rationale_character(stockton_copy):
    log = stockton_copy / "decisions.toml"
    text = log.read_text()
    assert "eight cases" in text
    log.write_text(text.replace("eight cases", "seven cases"))
    proc = cli("verify", stockton_copy)
    assert proc.returncode == 1 and "hash mismatch" in proc.stderr


def test_deleting_an_entry_fails(stockton_copy):
    log = stockton_copy / "decisions.toml"
    head, entries = entries_text(log)
    log.write_text(head + "".join(entries[:3] + entries[4:]))
    proc = cli("verify", stockton_copy)
    assert proc.returncode == 1 and "entry 4: seq gap or reorder" in proc.stderr


def test_swapping_entries_fails(stockton_copy):
    log = stockton_copy / "decisions.toml"
    head, entries = entries_text(log)
    entries[2], entries[3] = entries[3], entries[2]
    log.write_text(head + "".join(entries))
    proc = cli("verify", stockton_copy)
    assert proc.returncode == 1 and "entry 3" in proc.stderr


def test_renumbered_swap_breaks_the_chain(stockton_copy):
    log = stockton_copy / "decisions.toml"
    head, entries = entries_text(log)
    a, b = entries[2], entries[3]
    entries[2] = b.replace("seq = 4", "seq = 3")
    entries[3] = a.replace("seq = 3", "seq = 4")
    log.write_text(head + "".join(entries))
    proc = cli("verify", stockton_copy)
    assert proc.returncode == 1 and "entry 3: broken chain" in proc.stderr


def test_cut_off_tail_is_found_with_head(stockton_copy, sessions_dir):
    good = cli("verify", sessions_dir / "stockton-2021")
    head_hash = good.stdout.split("head ")[1].split(",")[0]
    log = stockton_copy / "decisions.toml"
    head, entries = entries_text(log)
    log.write_text((head + "".join(entries[:-2])).rstrip("\n") + "\n")  # cut as the writer would have left it
    assert cli("verify", stockton_copy).returncode == 0  # a chain cannot see its own tail cut
    proc = cli("verify", stockton_copy, "--head", head_hash)
    assert proc.returncode == 1
    assert "not in this log" in proc.stderr and "missing" in proc.stderr and "entry 11" in proc.stderr


def test_head_of_an_earlier_entry_says_entries_were_added(sessions_dir):
    log = (sessions_dir / "stockton-2021" / "decisions.toml").read_text()
    h5 = re.findall(r'(?m)^hash = "([0-9a-f]+)"', log)[4]
    proc = cli("verify", sessions_dir / "stockton-2021", "--head", h5)
    assert proc.returncode == 1 and "recorded head is entry 5" in proc.stderr and "added after it" in proc.stderr


def test_editing_the_inspection_afterwards(stockton_copy):
    insp = stockton_copy / "inspection.toml"
    insp.write_text(insp.read_text().replace("relevant = 8\nyes = 5", "relevant = 8\nyes = 6", 1))
    proc = cli("verify", stockton_copy)
    assert proc.returncode == 1 and "inspection changed" in proc.stderr
    rate = cli("rate", stockton_copy, "--json")
    assert rate.returncode == 1 and "inspection changed" in rate.stderr and '"score": 32' in rate.stdout


def test_rate_on_a_tampered_log_uses_the_inspection_alone(stockton_copy):
    log = stockton_copy / "decisions.toml"
    log.write_text(log.read_text().replace("eight cases", "8 cases"))
    proc = cli("rate", stockton_copy, "--json")
    assert proc.returncode == 1 and "hash mismatch" in proc.stderr
    assert '"score": 31' in proc.stdout  # computed only: the tampered decision is not trusted


def test_extra_top_level_key_is_rejected(stockton_copy):
    log = stockton_copy / "decisions.toml"
    log.write_text("note = 'x'\n" + log.read_text())
    proc = cli("verify", stockton_copy)
    assert proc.returncode == 1 and "unexpected top-level key" in proc.stderr


def test_entries_after_sign_off_are_reported(stockton_copy):
    import hashlib
    import json
    import tomllib

    import tomli_w

    log = stockton_copy / "decisions.toml"
    doc = tomllib.loads(log.read_text())
    last = doc["entry"][-1]
    e = {
        "seq": last["seq"] + 1,
        "at": "2026-01-01T00:00:00Z",
        "kind": "dissent",
        "member": "M",
        "reason": "I disagree with the whole outcome here.",
        "by": "M",
        "prev": last["hash"],
    }
    e["hash"] = hashlib.sha256(
        json.dumps(e, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    ).hexdigest()
    log.write_text(log.read_text() + "\n" + tomli_w.dumps({"entry": [e]}))
    proc = cli("verify", stockton_copy)
    assert proc.returncode == 1 and f"entry {e['seq']}: entries after sign-off" in proc.stderr


def test_torn_tail_is_not_called_tampering_and_is_not_overwritten(stockton_copy):
    log = stockton_copy / "decisions.toml"
    data = log.read_bytes()
    cut = data[: data.rfind(b"rationale") + 20] if b"rationale" in data[-400:] else data[:-40]
    log.write_bytes(cut)
    proc = cli("verify", stockton_copy)
    assert proc.returncode == 1 and "torn tail" in proc.stderr and "tamper" not in proc.stderr
    again = cli(
        "decline", stockton_copy, "--standard", "2.1", "--reason", "kept as computed after discussion", "--by", "c"
    )
    assert again.returncode == 2 and log.read_bytes() == cut


def test_missing_log(stockton_fresh):
    proc = cli("verify", stockton_fresh)
    assert proc.returncode == 1 and "missing log" in proc.stderr


def test_unparseable_log(stockton_copy):
    (stockton_copy / "decisions.toml").write_text("[log\nformat = 1\n")
    proc = cli("verify", stockton_copy)
    assert proc.returncode == 1 and "unparseable log" in proc.stderr and "Traceback" not in proc.stderr


def test_log_json_lists_entries_and_effective(sessions_dir):
    import json

    proc = cli("log", sessions_dir / "stockton-2021", "--json")
    doc = json.loads(proc.stdout)
    assert doc["verified"] and doc["signed_off"] and len(doc["entries"]) == 13
    kinds = [e["kind"] for e in doc["entries"]]
    assert kinds.count("declined") == 6 and kinds.count("discretion") == 1 and kinds[-1] == "sign-off"
    assert doc["entries"][-1]["entry_count"] == 12 and doc["entries"][-1]["score"] == 32


def test_framework_changed_is_reported(stockton_copy, tmp_path, monkeypatch):
    """A bundled framework edited in place, with no released version of the hash the log names, no
    longer matches framework_sha256 (with its released versions kept, the log verifies:
    tests/unit/test_session_rules.py)."""
    import shutil

    from panel_tui.core import framework as fwmod
    from panel_tui.core.framework import discovery
    from panel_tui.core.inspection import load_inspection
    from panel_tui.core.log import read_state

    alt = tmp_path / "frameworks"
    shutil.copytree(fwmod.FRAMEWORK_DIR, alt)
    p = alt / "hmip-yos-2018.toml"
    p.write_text(p.read_text().replace("near_boundary_points = 5", "near_boundary_points = 6"))
    shutil.rmtree(alt / "released")
    monkeypatch.setattr(discovery, "FRAMEWORK_DIR", alt)
    fwmod.load_framework.cache_clear()
    try:
        state = read_state(stockton_copy / "decisions.toml", load_inspection(stockton_copy))
    finally:
        fwmod.load_framework.cache_clear()
    assert state.problem and "framework changed" in state.problem and "no released version" in state.problem
