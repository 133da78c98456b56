"""Output paths and spreadsheets (issue 10): no export writes over a session's own files, no CSV
cell runs as a formula or carries a raw control character."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from panel_tui.cli import main
from panel_tui.core.inspection import load_inspection
from panel_tui.core.log import append_entry
from panel_tui.core.outputs import spreadsheet_safe
from tests.conftest import SESSIONS

STOCKTON = SESSIONS / "stockton-2021"
HYPERLINK = '=HYPERLINK("http://x.example","click")'
DDE = "@SUM(1+1)*cmd|' /C calc'!A0"
PLUS = "+1+2 the panel weighed the case files"
MINUS = "-2+3 the panel weighed the interviews"
ESC = "Chair \x1b]0;PWNED\x07\x1b[2J"


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def session(tmp_path: Path) -> Path:
    d = tmp_path / "stockton"
    shutil.copytree(STOCKTON, d)
    return d


# --- output paths ---------------------------------------------------------------------------

OWNED = [
    "decisions.toml",
    "inspection.toml",
    "decisions.toml.lock",
    "decisions.drafts.toml",
    "cases.csv",
    ".decisions.toml.tmp-123",
]


@pytest.mark.parametrize("name", OWNED)
@pytest.mark.parametrize("fmt", ["md", "csv"])
def test_export_never_writes_over_a_file_the_tool_owns(session, capsys, name, fmt):
    target = session / name
    before = target.read_bytes() if target.exists() else None
    code, out, err = run(capsys, "export", session, "--format", fmt, "-o", target)
    assert code == 2 and "Traceback" not in err
    assert err.count("\n") == 1 and "a file panel-tui keeps in a session folder" in err
    assert (target.read_bytes() if target.exists() else None) == before
    assert not list(session.glob(".record*")) and out == ""


def test_export_onto_the_log_leaves_it_byte_identical(session):
    log = session / "decisions.toml"
    before = log.read_bytes()
    assert main(["export", str(session), "-o", str(log)]) == 2
    assert log.read_bytes() == before
    assert main(["verify", str(session)]) == 0


def test_export_refuses_the_log_through_a_symlink_and_a_hard_link(session, tmp_path, capsys):
    log = session / "decisions.toml"
    before = log.read_bytes()
    (tmp_path / "soft.md").symlink_to(log)
    os.link(log, tmp_path / "hard.md")
    for out in ("soft.md", "hard.md"):
        code, _, err = run(capsys, "export", session, "-o", tmp_path / out)
        assert code == 2 and "keeps in a session folder" in err
    assert log.read_bytes() == before


def test_export_to_a_folder_or_a_missing_folder(session, tmp_path, capsys):
    code, out, err = run(capsys, "export", session, "-o", tmp_path)
    assert code == 2 and "is a folder; the output must be a file" in err
    code, out, err = run(capsys, "export", session, "-o", tmp_path / "no" / "such" / "record.md")
    assert code == 2 and "does not exist; nothing was written" in err
    assert not (tmp_path / "no").exists()


def test_export_to_a_plain_new_file_still_works(session, tmp_path, capsys):
    code, out, err = run(capsys, "export", session, "-o", tmp_path / "record.md")
    assert code == 0, err
    assert (tmp_path / "record.md").read_text(encoding="utf-8").startswith("# Ratings panel record")


def test_export_write_refused_by_the_os_is_one_message(session, tmp_path, capsys, monkeypatch):
    import panel_tui.core.outputs as outputs

    def denied(path, data):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(outputs, "atomic_write", denied)
    code, out, err = run(capsys, "export", session, "-o", tmp_path / "record.md")
    assert code == 2 and "cannot write the output file: Permission denied" in err and "Traceback" not in err


def test_audit_csv_refuses_an_existing_file_and_a_missing_parent(session, tmp_path, capsys):
    f = tmp_path / "out.csv"
    f.write_text("keep me")
    code, out, err = run(capsys, "audit", session.parent, "--csv", f)
    assert code == 2 and "exists and is not a folder" in err
    assert f.read_text() == "keep me"
    code, out, err = run(capsys, "audit", session.parent, "--csv", tmp_path / "no" / "out")
    assert code == 2 and "does not exist" in err


def test_audit_csv_refuses_a_csv_name_linked_to_a_session_file(session, tmp_path, capsys):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "decisions.csv").symlink_to(session / "decisions.toml")
    before = (session / "decisions.toml").read_bytes()
    code, out, err = run(capsys, "audit", session.parent, "--csv", out_dir)
    assert code == 2 and "keeps in a session folder" in err
    assert (session / "decisions.toml").read_bytes() == before


# --- spreadsheets -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw,cell",
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'⇥=1"),
        ("\r=1", "'␍=1"),
        ("a=1", "a=1"),
        ("ok\nnext", "ok\nnext"),
        ("\x1b[2J", "␛[2J"),
        (3, 3),
        (None, None),
        (62.5, 62.5),
        (True, True),
        ("", ""),
    ],
)
def test_spreadsheet_safe(raw, cell):
    assert spreadsheet_safe(raw) == cell


@pytest.fixture
def hostile_session(tmp_path: Path) -> Path:
    """A fresh Stockton session whose entries carry formulas and escape sequences."""
    d = tmp_path / "all" / "evil\x1b]0;PWNED\x07"
    d.mkdir(parents=True)
    shutil.copy(STOCKTON / "inspection.toml", d / "inspection.toml")
    insp = load_inspection(d)
    append_entry(d, insp, "attendance", {"chair": DDE, "members": [ESC, "-Member", "-Chair"], "by": DDE})
    append_entry(d, insp, "ratification", {"standard": "1.1", "to": "Outstanding", "reason": PLUS, "by": ESC})
    append_entry(d, insp, "declined", {"standard": "2.1", "reason": MINUS, "by": DDE})
    append_entry(
        d,
        insp,
        "discretion",
        {
            "standard": "2.2",
            "to": "Good",
            "rationale": HYPERLINK,
            "by": "-Chair",
            "entered_by": "-Chair",  # so the record's by cell is "-Chair" itself
            "other_evidence": "=cmd|' /C calc'!A0 and interviews",
        },
    )
    return d


def _cells(text: str) -> list[str]:
    return [c for row in csv.reader(io.StringIO(text)) for c in row]


def _assert_inert(cells: list[str]) -> None:
    for c in cells:
        assert not c.startswith(("=", "+", "-", "@", "\t", "\r")), c
        assert not any(ord(ch) < 0x20 and ch != "\n" or 0x7F <= ord(ch) <= 0x9F for ch in c), repr(c)


def test_export_csv_cells_are_inert(hostile_session, capsys):
    code, out, err = run(capsys, "export", hostile_session, "--format", "csv")
    assert code == 0, err
    cells = _cells(out)
    _assert_inert(cells)
    assert "'" + HYPERLINK in cells and "'" + PLUS in cells and "'" + MINUS in cells and "'-Chair" in cells


def test_audit_csv_cells_are_inert(hostile_session, tmp_path, capsys):
    out_dir = tmp_path / "csv"
    code, out, err = run(capsys, "audit", hostile_session.parent, "--csv", out_dir)
    assert code == 0, err
    assert "\x1b" not in err
    cells = [
        c
        for name in ("sessions", "decisions", "figures")
        for c in _cells((out_dir / f"{name}.csv").read_text(encoding="utf-8"))
    ]
    _assert_inert(cells)
    assert "'" + HYPERLINK in cells and "'" + DDE in cells and "'" + MINUS in cells
    assert "evil␛]0;PWNED␇" in cells  # the folder name, made visible
    assert all("\x1b" not in (out_dir / f).read_text(encoding="utf-8") for f in os.listdir(out_dir))


def test_audit_json_keeps_the_exact_values(hostile_session, capsys):
    """JSON is for programs, not spreadsheets: values exactly as recorded (JSON escapes controls)."""
    import json

    code, out, err = run(capsys, "audit", hostile_session.parent, "--json")
    assert code == 0 and "\x1b" not in out
    rationales = {d["rationale"] for d in json.loads(out)["decisions"]}
    assert HYPERLINK in rationales and MINUS in rationales


@pytest.mark.parametrize(
    "args",
    [
        ["audit", "sessions", "--json"],
        ["rate", "sessions/stockton-2021"],
        ["log", "sessions/stockton-2021"],
        ["log", "sessions/stockton-2021", "--json"],
    ],
)
def test_a_reader_that_went_away_ends_the_command_quietly(args):
    """`panel-tui audit DIR --json | head` said "cannot use a file: Broken pipe. Fix: check the path"
    (exit 2): the reader closing the pipe is not a bad input. Now: no message, exit 141 as for SIGPIPE."""
    root = Path(__file__).resolve().parents[2]
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first byte
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "panel_tui", *args], stdout=write_end, stderr=subprocess.PIPE, cwd=root, text=True
        )
    finally:
        os.close(write_end)
    assert proc.returncode == 141, proc.stderr
    assert proc.stderr == ""
