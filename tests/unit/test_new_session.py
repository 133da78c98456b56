"""`panel-tui new` and sessions with figures or proposals still awaited."""

from __future__ import annotations

import subprocess
import sys
import tomllib

import pytest

from panel_tui.core.engine import AWAITING_FIGURES, AWAITING_PROPOSAL, INCOMPLETE, rate
from panel_tui.core.framework import load_framework
from panel_tui.core.inspection import load_inspection


def cli(*args):
    return subprocess.run([sys.executable, "-m", "panel_tui", *map(str, args)], capture_output=True, text=True)


def new(tmp_path, *extra, framework="hmip-yjs-2021"):
    d = tmp_path / "new-session"
    proc = cli("new", d, "--framework", framework, "--service", "Test YJS", "--fieldwork", "2024-05-13", *extra)
    return d, proc


@pytest.mark.parametrize("fw_id", ["hmip-yjs-2021", "hmip-yos-2018"])
def test_new_lists_every_standard_and_key_question_awaiting(tmp_path, fw_id):
    d, proc = new(tmp_path, "--lead-inspector", "A. Lead", framework=fw_id)
    assert proc.returncode == 0, proc.stderr
    doc = tomllib.loads((d / "inspection.toml").read_text(encoding="utf-8"))
    fw = load_framework(fw_id)
    assert doc["inspection"] == {
        "service": "Test YJS",
        "framework": fw_id,
        "fieldwork": __import__("datetime").date(2024, 5, 13),
        "lead_inspector": "A. Lead",
    }
    assert [s["id"] for s in doc["standard"]] == [s.id for s in fw.standards]
    for s, fs in zip(doc["standard"], fw.standards, strict=True):
        if fs.kind == "cases":
            assert s["question"] == [{"id": q.id} for q in fs.questions]
        else:
            assert set(s) == {"id"}
    insp = load_inspection(d)
    r = rate(insp)
    assert r.overall == r.computed_overall == INCOMPLETE
    assert {s.computed for s in r.standards} == {AWAITING_FIGURES, AWAITING_PROPOSAL}
    assert all(s.score is None for s in r.standards)


def test_new_writes_question_texts_as_comments(tmp_path):
    d, _ = new(tmp_path)
    text = (d / "inspection.toml").read_text(encoding="utf-8")
    assert 'id = "2.2.2"  # Planning concentrates on the child\'s safety' in text
    assert "# proposed = one of" in text


def test_check_lists_what_is_missing_and_exits_1(tmp_path):
    d, _ = new(tmp_path)
    proc = cli("check", d)
    assert proc.returncode == 1
    assert "1.1: awaiting the lead inspector's proposal" in proc.stdout
    assert "2.1: awaiting figures for 2.1.1, 2.1.2, 2.1.3" in proc.stdout


def test_partly_filled_session_rates_what_is_in(tmp_path):
    d, _ = new(tmp_path)
    p = d / "inspection.toml"
    text = p.read_text(encoding="utf-8")
    text = text.replace(
        'id = "1.1"  # Governance and leadership (judgement)',
        'id = "1.1"  # Governance and leadership (judgement)\nproposed = "Good"',
    )
    for q in ("2.1.1", "2.1.2", "2.1.3"):
        text = text.replace(f'id = "{q}"', f'id = "{q}"\nrelevant = 10\nyes = 9')
    text = text.replace('id = "2.2.1"', 'id = "2.2.1"\nrelevant = 10\nyes = 9')
    p.write_text(text, encoding="utf-8")
    r = rate(load_inspection(d))
    assert r.standard("1.1").computed == "Good" and r.standard("2.1").computed == "Outstanding"
    s22 = r.standard("2.2")
    assert s22.computed == AWAITING_FIGURES and s22.awaiting == ["2.2.2", "2.2.3"]
    assert r.overall == INCOMPLETE and r.computed_score == 2 + 3
    out = cli("check", d).stdout
    assert "2.2: awaiting figures for 2.2.2, 2.2.3" in out and "1.1:" not in out and "2.1:" not in out


def test_complete_session_checks_clean(sessions_dir):
    proc = cli("check", sessions_dir / "stockton-2021")
    assert proc.returncode == 0 and "valid (" in proc.stdout


@pytest.mark.parametrize(
    "args,message",
    [
        (["--framework", "hmip-nope"], "unknown framework 'hmip-nope'"),
        (["--fieldwork", "13/05/2024"], "--fieldwork: '13/05/2024' is not a date"),
        (["--fieldwork", "2024-02-30"], "is not a date"),
        (["--service", "  "], "--service: the service name is blank"),
        (["--service", "\u200b\u200b"], "--service: the service name is blank"),  # zero-width only
        (["--service", "A\nB"], "one line"),
        (["--lead-inspector", ""], "--lead-inspector: the lead inspector's name is blank"),
    ],
)
def test_new_refuses_bad_arguments_writing_nothing(tmp_path, args, message):
    base = {"--framework": "hmip-yjs-2021", "--service": "Test YJS", "--fieldwork": "2024-05-13"}
    for k, v in zip(args[::2], args[1::2], strict=True):
        base[k] = v
    d = tmp_path / "s"
    proc = cli("new", d, *[x for kv in base.items() for x in kv])
    assert proc.returncode == 2 and message in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr and not (d / "inspection.toml").exists()


def test_new_never_overwrites(tmp_path):
    d, _ = new(tmp_path)
    before = (d / "inspection.toml").read_bytes()
    _, proc = new(tmp_path)
    assert proc.returncode == 2 and "already exists" in proc.stderr
    assert (d / "inspection.toml").read_bytes() == before


def test_new_refuses_a_file_as_folder(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    proc = cli("new", f, "--framework", "hmip-yjs-2021", "--service", "S", "--fieldwork", "2024-05")
    assert proc.returncode == 2 and "is a file, not a folder" in proc.stderr


def test_hostile_service_name_is_written_as_toml_text(tmp_path):
    d = tmp_path / "s"
    name = 'Evil "YJS" ]\n[x]'.replace("\n", " ") + " [bold]x[/bold] \\"
    proc = cli("new", d, "--framework", "hmip-yjs-2021", "--service", name, "--fieldwork", "2024-05-13")
    assert proc.returncode == 0, proc.stderr
    assert load_inspection(d).service == name.strip()


def test_rate_and_export_show_awaiting(tmp_path):
    d, _ = new(tmp_path)
    rated = cli("rate", d)
    assert rated.returncode == 0 and "Incomplete: 13 standard(s) awaiting" in rated.stdout
    md = cli("export", d)
    assert md.returncode == 0 and "| awaiting figures |" in md.stdout and "| awaiting proposal |" in md.stdout
