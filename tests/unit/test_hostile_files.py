"""Hostile files (attack report of 2 December, findings 7, 8, 9, 12): bytes after a complete entry,
absurd values in the files beside the log, and a log or its neighbours that are not regular files.

Each test here failed on main before its fix. The messages must name the file, the place and the
fix, never lead a user to delete a confirmed entry, and never be a traceback or a hang.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from panel_tui.cli import main
from panel_tui.core.inspection import load_inspection
from panel_tui.core.log import read_state
from tests.conftest import SESSIONS

STOCKTON = SESSIONS / "stockton-2021"


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


# --- 7: bytes after the last complete entry ------------------------------------------------------

JUNK = {
    "x": b"x",
    "lone-cr": b"\r",
    "newline": b"\n",
    "spaces": b"   ",
    "comment": b"# looked at this\n",
    "half-header": b"[[entr",
    "blank-comment-x": b"\n# c\nx",
}


@pytest.mark.parametrize("junk", list(JUNK.values()), ids=list(JUNK))
def test_bytes_after_a_complete_entry_are_named_and_the_entry_kept(stockton_copy, junk):
    log = stockton_copy / "decisions.toml"
    good = log.read_bytes()
    entries = good.count(b"\n[[entry]]\n")
    lines = good.count(b"\n")
    log.write_bytes(good + junk)
    state = read_state(log, load_inspection(stockton_copy))
    msg = str(state.problem)
    assert not state.torn and "torn tail" not in msg, msg
    assert f"{len(junk)} unexpected byte{'s' if len(junk) > 1 else ''} after entry {entries} (line {lines + 1}" in msg
    assert f"entry {entries} is complete" in msg and f"the {entries - 1} before it verify" in msg
    assert f"truncate -s {len(good)} " in msg and "Nothing was overwritten" in msg
    assert "remove the incomplete lines" not in msg
    assert log.read_bytes() == good + junk


def test_the_fix_the_message_gives_keeps_every_entry(stockton_copy):
    log = stockton_copy / "decisions.toml"
    good = log.read_bytes()
    log.write_bytes(good + b"x")
    msg = str(read_state(log, load_inspection(stockton_copy)).problem)
    size = int(msg.split("truncate -s ")[1].split(" ")[0])
    log.write_bytes(log.read_bytes()[:size])  # what `truncate -s SIZE` does
    state = read_state(log, load_inspection(stockton_copy))
    assert state.problem is None and len(state.entries) == good.count(b"\n[[entry]]\n")


def test_verify_command_names_the_extra_byte(stockton_copy, capsys):
    log = stockton_copy / "decisions.toml"
    log.write_bytes(log.read_bytes() + b"\r")
    code, _out, err = run(capsys, "verify", stockton_copy)
    assert code == 1 and "1 unexpected byte after entry 13" in err and "torn" not in err
    assert "Traceback" not in err


@pytest.mark.parametrize("cut_at", [b'hash = "', b'by = "', b"[[entry]]\nseq"], ids=["in-hash", "in-by", "header"])
def test_a_real_torn_tail_keeps_its_message(stockton_copy, cut_at):
    log = stockton_copy / "decisions.toml"
    data = log.read_bytes()
    log.write_bytes(data[: data.rindex(cut_at) + len(cut_at) - 2])
    state = read_state(log, load_inspection(stockton_copy))
    assert state.torn and "torn tail" in str(state.problem) and "unexpected byte" not in str(state.problem)


def test_a_torn_entry_with_junk_after_it_is_still_torn(stockton_copy):
    log = stockton_copy / "decisions.toml"
    log.write_bytes(log.read_bytes()[:-30] + b"\nx")
    state = read_state(log, load_inspection(stockton_copy))
    assert "unexpected byte" not in str(state.problem)
    assert state.problem is not None


# --- 8a: absurd values in decisions.refused.toml (the entries kept aside) ------------------------

KEPT_ASIDE = {
    "huge-int": "x = " + "9" * 5000 + "\n",
    "deep": "x = " + "[" * 40 + "]" * 40 + "\n",
    "refused-int": "refused = 5\n",
    "entry-int": "[[refused]]\nentry = 3\n",
    "nan": "x = nan\n",
}


@pytest.fixture(params=list(KEPT_ASIDE.values()), ids=list(KEPT_ASIDE))
def bad_kept_aside(request, stockton_copy) -> Path:
    (stockton_copy / "decisions.refused.toml").write_text(request.param, encoding="utf-8")
    return stockton_copy


@pytest.mark.parametrize(
    "argv",
    [
        ["verify"],
        ["log"],
        ["log", "--json"],
        ["export", "--format", "md", "-o", "{out}"],
        ["dismiss", "--kept-aside", "0123456789abcdef", "--reason", "Settled at the meeting today.", "--by", "C"],
    ],
    ids=["verify", "log", "log-json", "export", "dismiss"],
)
def test_a_bad_kept_aside_file_is_a_message_in_every_command(bad_kept_aside, capsys, tmp_path, argv):
    out_file = tmp_path / "out.md"
    args = [a.replace("{out}", str(out_file)) for a in argv]
    code, out, err = run(capsys, args[0], bad_kept_aside, *args[1:])
    assert "Traceback" not in err and code in (1, 2), (code, err)
    assert "decisions.refused.toml" in err
    assert not out_file.exists()


def test_the_kept_aside_message_names_the_line_and_the_fix(stockton_copy, capsys):
    (stockton_copy / "decisions.refused.toml").write_text("a = 1\nx = " + "9" * 5000 + "\n", encoding="utf-8")
    code, _out, err = run(capsys, "verify", stockton_copy)
    assert code == 1 and "decisions.refused.toml: does not parse (line 2: " in err
    assert "restore it from git history" in err and "never delete it" in err


def test_the_audit_names_a_bad_kept_aside_file_and_goes_on(bad_kept_aside, capsys):
    code, out, err = run(capsys, "audit", bad_kept_aside.parent, "--json")
    assert "Traceback" not in err and code in (0, 1)
    assert "decisions.refused.toml" in out


# --- 9: a record file that is a FIFO, a device or a folder -----------------------------------------

NOT_FILES = ["fifo", "folder", "device"]


def plant(path: Path, kind: str) -> None:
    """Put something that is not a regular file at ``path`` (a character device: /dev/null's numbers)."""
    path.unlink(missing_ok=True)
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    else:
        try:
            os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        except PermissionError:
            pytest.skip("mknod is not permitted here (needs root or CAP_MKNOD)")


def cli(*argv: str | Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """In a subprocess with a timeout: a hang fails the test instead of stopping the suite."""
    return subprocess.run(
        [sys.executable, "-m", "panel_tui", *map(str, argv)], capture_output=True, text=True, timeout=timeout
    )


@pytest.mark.parametrize("kind", NOT_FILES)
@pytest.mark.parametrize("name", ["decisions.toml", "decisions.refused.toml"])
@pytest.mark.parametrize("command", [["verify"], ["log", "--json"], ["rate"], ["export", "--format", "md", "-o"]])
def test_a_record_file_that_is_not_a_regular_file_is_refused_never_waited_on(
    stockton_copy, tmp_path, kind, name, command
):
    plant(stockton_copy / name, kind)
    argv = [command[0], stockton_copy, *command[1:]] + ([tmp_path / "out.md"] if command[-1] == "-o" else [])
    r = cli(*argv)
    assert "Traceback" not in r.stderr, r.stderr
    if command[0] != "rate" or name == "decisions.toml":
        assert r.returncode in (1, 2) and name in r.stdout + r.stderr, (r.returncode, r.stdout, r.stderr)
        assert "not a regular file" in r.stdout + r.stderr


@pytest.mark.parametrize("kind", NOT_FILES)
def test_a_write_onto_a_log_that_is_not_a_regular_file_is_refused(stockton_copy, kind):
    plant(stockton_copy / "decisions.toml", kind)
    r = cli("dissent", stockton_copy, "--member", "Bob Member", "--about", "2", "--reason", "Too generous by far here")
    assert r.returncode in (1, 2) and "Traceback" not in r.stderr and "not a regular file" in r.stderr


def test_the_audit_names_the_session_and_goes_on_with_the_others(tmp_path):
    shutil.copytree(STOCKTON, tmp_path / "a-good", ignore=shutil.ignore_patterns("*.lock"))
    shutil.copytree(STOCKTON, tmp_path / "b-fifo", ignore=shutil.ignore_patterns("*.lock"))
    shutil.copytree(STOCKTON, tmp_path / "c-good", ignore=shutil.ignore_patterns("*.lock"))
    plant(tmp_path / "b-fifo" / "decisions.toml", "fifo")
    plant(tmp_path / "c-good" / "decisions.refused.toml", "fifo")
    r = cli("audit", tmp_path, "--json")
    assert "Traceback" not in r.stderr
    sessions = {s["path"]: s["log_status"] for s in json.loads(r.stdout)["sessions"]}
    assert sessions["a-good"] == "intact"
    assert "FIFO" in sessions["b-fifo"], sessions
    assert "decisions.refused.toml" in json.dumps(json.loads(r.stdout)), r.stdout[:500]


@pytest.mark.parametrize("kind", NOT_FILES)
def test_drafts_and_people_files_that_are_not_regular_files(stockton_copy, kind):
    from panel_tui.core.drafts import DRAFTS_FILE, load_drafts
    from panel_tui.core.errors import InputError
    from panel_tui.core.people import PEOPLE_FILE, find_register

    plant(stockton_copy / DRAFTS_FILE, kind)
    assert load_drafts(stockton_copy) == {}
    assert os.path.lexists(stockton_copy / DRAFTS_FILE)  # not moved aside: it is not ours
    plant(stockton_copy / PEOPLE_FILE, kind)
    with pytest.raises(InputError, match="not a regular file|is a folder|not a regular"):
        find_register(stockton_copy)


# --- 12: an empty head is refused, never a skipped check ---------------------------------------------


@pytest.mark.parametrize("value", ["", "  "], ids=["empty", "blank"])
@pytest.mark.parametrize(
    "argv",
    [["verify", "--head"], ["dissent", "--member", "Bob Member", "--reason", "Too generous here", "--expect-head"]],
    ids=["verify-head", "dissent-expect-head"],
)
def test_an_empty_head_is_refused(stockton_copy, argv, value):
    before = (stockton_copy / "decisions.toml").read_bytes()
    r = cli(argv[0], stockton_copy, *argv[1:], value)
    assert r.returncode == 2 and "is empty" in r.stderr and "intact" not in r.stdout, (r.stdout, r.stderr)
    assert (stockton_copy / "decisions.toml").read_bytes() == before
