"""`panel-tui paragraphs PATH [--json] [--all]` (issue 25, item 5): the paragraph a report writer would
paste for every decision that stands, in the report's voice, from the one source the app's `c` uses;
and `paragraphs_annex`, the same paragraphs for the exported record's annex."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from panel_tui.core.inspection import load_inspection
from panel_tui.core.log import append_entry
from panel_tui.core.paragraph import EVERY, paragraphs_annex, report_paragraph, session_paragraphs
from panel_tui.core.session import load_session

UPLIFT = (
    "Planning (court disposals) was originally assessed as 'Requires improvement': its lowest-scoring key "
    "question, 'Planning concentrates on the child's safety', was answered 'Yes' in 5 of 8 cases (62.5%). "
    "We applied professional discretion to this score, uplifting it to 'Good'. "
)


def cli(*args):
    env = {**os.environ, "PANEL_TUI_ENTERED_BY": "Clerk", "PANEL_TUI_GIT": "0"}
    return subprocess.run([sys.executable, "-m", "panel_tui", *map(str, args)], capture_output=True, text=True, env=env)


def test_stockton_prints_the_published_uplift_only_by_default(sessions_dir):
    proc = cli("paragraphs", sessions_dir / "stockton-2021")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith(
        "2.2 Planning (court disposals): professional discretion, Requires improvement -> Good (entry "
    )
    assert lines[1].startswith(UPLIFT) and len(lines) == 2
    assert proc.stderr == ""  # signed off: no note


def test_all_adds_kept_bands_and_ratifications_naming_every_tied_question(sessions_dir):
    proc = cli("paragraphs", sessions_dir / "stockton-2021", "--all")
    assert proc.returncode == 0
    out = proc.stdout
    assert "We rated Governance and leadership as 'Good'." in out
    assert (
        "Assessment (court disposals) was assessed as 'Good': its lowest-scoring key questions, 'Assessment "
        "analyses what supports the child's desistance' and 'Assessment analyses how to keep other people safe', "
        "were each answered 'Yes' in 6 of 8 cases (75%). We considered applying professional discretion to this "
        "score and kept it at 'Good'."
    ) in out
    heads = [line.split()[0] for line in out.splitlines() if line and line[0].isdigit() and "(entry " in line]
    assert heads == ["1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.4", "3.1", "3.2", "3.3", "3.4"]  # framework order


def test_json(sessions_dir):
    d = sessions_dir / "stockton-2021"
    doc = json.loads(cli("paragraphs", d, "--json").stdout)
    head = cli("verify", d).stdout.split("head ")[1].split(",")[0]
    assert doc["format"] == "panel-tui/paragraphs/1" and doc["head"] == head and doc["signed_off"] is True
    assert doc["all"] is False and len(doc["paragraphs"]) == 1
    p = doc["paragraphs"][0]
    assert (p["standard"], p["name"], p["kind"], p["from"], p["to"]) == (
        "2.2",
        "Planning (court disposals)",
        "discretion",
        "Requires improvement",
        "Good",
    )
    assert p["text"].startswith(UPLIFT)
    every = json.loads(cli("paragraphs", d, "--json", "--all").stdout)
    assert every["all"] is True and len(every["paragraphs"]) == 11


def test_the_app_the_command_and_the_annex_share_one_text(sessions_dir):
    session = load_session(sessions_dir / "stockton-2021")
    every = session_paragraphs(session, EVERY)
    fw, st = session.rating.framework, session.log
    for p in every:
        entry = st.panel.get(p.standard) or st.ratified.get(p.standard)
        assert p.text == report_paragraph(fw, session.rating.standard(p.standard), entry)  # what `c` shows
    assert paragraphs_annex(session) == [p.text for p in every]
    assert paragraphs_annex(sessions_dir / "stockton-2021") == [p.text for p in every]
    printed = json.loads(cli("paragraphs", sessions_dir / "stockton-2021", "--json", "--all").stdout)
    assert [p["text"] for p in printed["paragraphs"]] == paragraphs_annex(str(sessions_dir / "stockton-2021"))


def test_no_log(stockton_fresh):
    proc = cli("paragraphs", stockton_fresh)
    assert proc.returncode == 0 and proc.stdout.strip() == "no decisions recorded: nothing to report"
    assert paragraphs_annex(stockton_fresh) == []


def test_nothing_moved_and_not_signed_off(stockton_met):
    insp = load_inspection(stockton_met)
    append_entry(
        stockton_met, insp, "declined", {"standard": "2.1", "reason": "Good reflects the work seen.", "by": "A"}
    )
    proc = cli("paragraphs", stockton_met)
    assert "no standing decision moved a band (--all adds kept bands and ratifications)" in proc.stdout
    proc = cli("paragraphs", stockton_met, "--all")
    assert "kept it at 'Good'. Good reflects the work seen." in proc.stdout
    assert "not signed off" in proc.stderr


def test_a_retracted_decision_is_not_reported(stockton_met):
    insp = load_inspection(stockton_met)
    e = append_entry(
        stockton_met,
        insp,
        "discretion",
        {"standard": "2.2", "to": "Good", "by": "Chair", "rationale": "Planning was better than the one figure shows"},
    )
    assert "uplifting it to 'Good'" in cli("paragraphs", stockton_met).stdout
    append_entry(
        stockton_met,
        insp,
        "retraction",
        {"retracts": e["seq"], "reason": "recorded on the wrong standard", "by": "Chair"},
    )
    assert "no standing decision moved a band" in cli("paragraphs", stockton_met).stdout


def test_text_is_shown_visibly(stockton_met):
    insp = load_inspection(stockton_met)
    append_entry(
        stockton_met,
        insp,
        "discretion",
        {"standard": "2.2", "to": "Good", "by": "Chair", "rationale": "Red \x1b[31m text\u202e and a bell \x07 here"},
    )
    proc = cli("paragraphs", stockton_met)
    assert "\x1b" not in proc.stdout and "\u202e" not in proc.stdout and "\x07" not in proc.stdout
    assert "Red ␛[31m text<U+202E> and a bell ␇ here." in proc.stdout
    doc = json.loads(cli("paragraphs", stockton_met, "--json").stdout)
    assert "\x1b[31m" in doc["paragraphs"][0]["text"]  # JSON carries the text as recorded (escaped by JSON)


def test_a_log_that_does_not_verify_reports_nothing(stockton_copy):
    log = stockton_copy / "decisions.toml"
    log.write_text(
        log.read_text(encoding="utf-8").replace("Planning for desistance", "Planning for Desistance"), encoding="utf-8"
    )
    proc = cli("paragraphs", stockton_copy)
    assert proc.returncode == 1 and proc.stdout == ""
    assert "does not verify" in proc.stderr and "Traceback" not in proc.stderr
    assert paragraphs_annex(stockton_copy) == []
