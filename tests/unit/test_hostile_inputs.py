"""Hostile inputs (issue 10): every command ends with one message and exit 2 (or 1), never a traceback.

Each shape here was a traceback before: deep nesting, non-finite and absurd numbers, unreadable
files, a lock that is a folder, odd output paths, invalid UTF-8 in an argument, a folder tree
deeper than the recursion limit. Commands run in-process through ``main(argv)`` where that is
enough (fast), in a subprocess where the process boundary matters (argv bytes, permissions).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from panel_tui.cli import main
from tests.conftest import SESSIONS

STOCKTON = SESSIONS / "stockton-2021"


def run(capsys, *argv: str | Path) -> tuple[int, str, str]:
    """``panel-tui ARGV`` in-process: exit code, stdout, stderr."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_message(code: int, err: str, expected_code: int, *needles: str) -> None:
    assert code == expected_code, err
    assert "Traceback" not in err
    assert err.startswith("panel-tui: "), err
    for n in needles:
        assert n in err, f"{n!r} not in {err!r}"


def fresh(tmp_path: Path, name: str = "s") -> Path:
    d = tmp_path / name
    d.mkdir()
    shutil.copy(STOCKTON / "inspection.toml", d / "inspection.toml")
    return d


def with_log(tmp_path: Path, name: str = "s") -> Path:
    d = tmp_path / name
    shutil.copytree(STOCKTON, d, ignore=shutil.ignore_patterns("*.lock"))  # a local lock file is not the session
    return d


def set_question(d: Path, qid: str, value: str) -> None:
    """Replace a key question's counts with ``percent = VALUE`` (raw TOML)."""
    p = d / "inspection.toml"
    text, n = re.subn(
        rf'(id = "{re.escape(qid)}"\n)relevant = \d+\nyes = \d+\n',
        rf"\g<1>percent = {value}\n",
        p.read_text(encoding="utf-8"),
    )
    assert n == 1
    p.write_text(text, encoding="utf-8")


# --- the reading boundary -------------------------------------------------------------------

DEEP_ARRAY = "x = " + "[" * 5000 + "]" * 5000 + "\n"
DEEP_TABLE = "x = " + "{a=" * 3000 + "1" + "}" * 3000 + "\n"


@pytest.mark.parametrize("deep", [DEEP_ARRAY, DEEP_TABLE], ids=["array-5000", "inline-table-3000"])
@pytest.mark.parametrize("command", ["check", "rate", "verify", "log", "export", "open"])
def test_deep_inspection_is_refused_by_every_reader(tmp_path, capsys, deep, command):
    d = with_log(tmp_path)
    p = d / "inspection.toml"
    p.write_text(deep + p.read_text(encoding="utf-8"), encoding="utf-8")
    code, out, err = run(capsys, command, d)
    assert_one_message(code, err, 2, "inspection.toml", "line 1", "nested too deeply", "more than 16")


@pytest.mark.parametrize(
    "command", [["verify"], ["log"], ["log", "--json"], ["export"], ["rate"], ["sign-off", "--by", "Chair"]]
)
def test_deep_log_is_reported_not_raised(tmp_path, capsys, command):
    d = with_log(tmp_path)
    log = d / "decisions.toml"
    before = log.read_bytes() + b"\n" + DEEP_ARRAY.encode()
    log.write_bytes(before)
    code, out, err = run(capsys, command[0], d, *command[1:])
    assert code in (1, 2), err
    assert "Traceback" not in err
    assert "nested too deeply" in (err + out)
    assert log.read_bytes() == before  # never overwritten


def test_log_with_a_5001_digit_integer_is_reported(tmp_path, capsys):
    d = with_log(tmp_path)
    log = d / "decisions.toml"
    log.write_text(
        log.read_text(encoding="utf-8").replace("seq = 1\n", "seq = " + "1" * 5001 + "\n", 1), encoding="utf-8"
    )
    code, out, err = run(capsys, "verify", d)
    assert_one_message(code, err, 1, "unparseable log", "thousands of digits", "line ")


@pytest.mark.parametrize(
    "value,needle",
    [
        ("nan", "'percent' is NaN, not a number"),
        ("+nan", "not a number"),
        ("inf", "'percent' is Infinity, not a number"),
        ("-inf", "'percent' is -Infinity, not a number"),
        ("1e400", "far beyond any figure"),
        ("1e-400", "more than 30 decimal places"),
        ("1" * 5001, "thousands of digits"),
        ("1" * 20, "digit number, beyond any count"),
    ],
)
@pytest.mark.parametrize("command", ["check", "rate"])
def test_non_finite_and_absurd_percent_is_refused_with_key_and_line(tmp_path, capsys, value, needle, command):
    d = fresh(tmp_path)
    set_question(d, "2.2.2", value)
    line = next(
        i for i, ln in enumerate((d / "inspection.toml").read_text().splitlines(), 1) if ln.startswith("percent")
    )
    code, out, err = run(capsys, command, d)
    assert_one_message(code, err, 2, "inspection.toml", f"line {line}", needle)
    assert out == ""


@pytest.mark.parametrize("relevant,yes", [(10**400, 10**400), (10**16, 5), (100_001, 5)])
def test_check_and_rate_agree_on_huge_counts(tmp_path, capsys, relevant, yes):
    d = fresh(tmp_path)
    p = d / "inspection.toml"
    p.write_text(p.read_text().replace("relevant = 8\nyes = 5\n", f"relevant = {relevant}\nyes = {yes}\n", 1))
    results = [run(capsys, c, d) for c in ("check", "rate")]
    for code, _out, err in results:
        assert code == 2, err
        assert "Traceback" not in err and "relevant" in err
    assert results[0][2] == results[1][2]  # the same boundary, the same message


def test_count_limit_is_documented_and_the_limit_itself_is_accepted(tmp_path, capsys):
    from panel_tui.core.inspection import MAX_COUNT

    assert f"{MAX_COUNT:,}" in (Path(__file__).parents[2] / "docs" / "formats.md").read_text(encoding="utf-8")
    d = fresh(tmp_path)
    p = d / "inspection.toml"
    text = p.read_text().replace("sample = { court = 8, out_of_court = 5 }\n", "")  # no published sample to cap it
    p.write_text(text.replace("relevant = 8\nyes = 5\n", f"relevant = {MAX_COUNT}\nyes = 5\n", 1))
    code, out, err = run(capsys, "check", d)
    assert code == 0, err


def test_percent_keeps_its_exact_digits(tmp_path, capsys):
    """64.99999999999999999 is a float 65.0, but it is under 65: Requires improvement, not Good."""
    d = fresh(tmp_path)
    for q in ("2.2.1", "2.2.2", "2.2.3"):
        set_question(d, q, "64.99999999999999999" if q == "2.2.2" else "90")
    code, out, err = run(capsys, "rate", d, "--json")
    assert code == 0, err
    s = next(s for s in json.loads(out)["standards"] if s["id"] == "2.2")
    assert s["computed"] == "Requires improvement"
    set_question_again = (d / "inspection.toml").read_text().replace("64.99999999999999999", "65.0")
    (d / "inspection.toml").write_text(set_question_again)
    code, out, err = run(capsys, "rate", d, "--json")
    assert next(s for s in json.loads(out)["standards"] if s["id"] == "2.2")["computed"] == "Good"


def test_a_deep_but_legal_file_is_not_slowed_or_refused(tmp_path, capsys):
    """Sixteen levels are allowed; the depth rule is about absurd files only."""
    from panel_tui.core.errors import InputError
    from panel_tui.core.tomlfile import parse_toml

    ok = "x = " + "[" * 15 + "]" * 15 + "\n"
    assert parse_toml(ok, Path("f.toml"), "file")["x"]
    with pytest.raises(InputError, match="line 2: file is nested too deeply"):
        parse_toml("a = 1\nx = " + "[" * 17 + "]" * 17 + "\n", Path("f.toml"), "file")
    with pytest.raises(InputError, match="nested too deeply"):  # dotted keys nest without brackets
        parse_toml("x" + ".x" * 40 + " = 1\n", Path("f.toml"), "file")


def test_brackets_inside_strings_and_comments_do_not_count_as_depth():
    from panel_tui.core.tomlfile import deep_line

    text = (
        'a = "'
        + "[" * 50
        + "\"\nb = '"
        + "{" * 50
        + "'\n# "
        + "[" * 50
        + '\nc = """\n'
        + "[" * 50
        + '\n"""\nd = [[[1]]]\n'
    )
    assert deep_line(text, 2) == 7
    assert deep_line(text, 3) is None


# --- files and folders that cannot be read or written ---------------------------------------

needs_non_root = pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads every file regardless of permissions"
)


@pytest.mark.parametrize(
    "command", [["check"], ["rate"], ["verify"], ["log"], ["export"], ["sign-off", "--by", "Chair"]]
)
def test_unreadable_inspection_is_one_message(tmp_path, capsys, command, monkeypatch):
    d = with_log(tmp_path)
    real = os.open

    def deny(path, flags, *args, **kwargs):  # the bounded reader opens with os.open (O_NONBLOCK, then fstat)
        if os.path.basename(path) == "inspection.toml":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", deny)
    code, out, err = run(capsys, command[0], d, *command[1:])
    assert_one_message(code, err, 2, "inspection.toml", "cannot read inspection file: Permission denied", "permissions")


@needs_non_root
def test_unreadable_file_for_real(tmp_path):
    d = fresh(tmp_path)
    (d / "inspection.toml").chmod(0)
    proc = subprocess.run([sys.executable, "-m", "panel_tui", "check", str(d)], capture_output=True, text=True)
    assert proc.returncode == 2 and "Permission denied" in proc.stderr and "Traceback" not in proc.stderr


@needs_non_root
def test_unwritable_session_folder_refuses_the_write(tmp_path):
    d = with_log(tmp_path)
    before = (d / "decisions.toml").read_bytes()
    d.chmod(0o555)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "panel_tui", "reopen", str(d), "--reason", "x" * 20, "--by", "C"],
            capture_output=True,
            text=True,
        )
    finally:
        d.chmod(0o755)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "Permission denied" in proc.stderr
    assert (d / "decisions.toml").read_bytes() == before


def test_write_error_under_the_lock_is_one_message(tmp_path, capsys, monkeypatch):
    """Whatever the OS refuses while the log is being written (full disk, no permission)."""
    import panel_tui.core.log.writer as writer

    d = fresh(tmp_path)

    def full(path: Path, data: bytes) -> None:
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(writer, "atomic_write", full)
    code, out, err = run(capsys, "attend", d, "--chair", "Ann Chair", "--member", "Bo Member", "--member", "Cy Member")
    assert_one_message(code, err, 2, "decisions.toml", "No space left on device", "free some disk space")
    assert not (d / "decisions.toml").exists()


def test_lock_file_that_is_a_folder(tmp_path, capsys):
    d = with_log(tmp_path)
    (d / "decisions.toml.lock").mkdir()
    before = (d / "decisions.toml").read_bytes()
    code, out, err = run(capsys, "reopen", d, "--reason", "the panel meets again", "--by", "Chair")
    assert_one_message(code, err, 2, "decisions.toml.lock", "lock file is a folder", "remove the folder")
    assert (d / "decisions.toml").read_bytes() == before


def test_stale_temporary_file_that_is_a_folder(tmp_path, capsys):
    d = fresh(tmp_path)
    (d / ".decisions.toml.tmp-1").mkdir()
    code, out, err = run(capsys, "attend", d, "--chair", "Ann Chair", "--member", "Bo Member", "--member", "Cy Member")
    assert_one_message(code, err, 2, ".decisions.toml.tmp-1")


def test_log_that_is_a_folder(tmp_path, capsys):
    d = fresh(tmp_path)
    (d / "decisions.toml").mkdir()
    code, out, err = run(capsys, "verify", d)
    assert code == 1 and "not a regular file" in err and "Traceback" not in err


# --- arguments ------------------------------------------------------------------------------


def _cli(*args: bytes) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable.encode(), b"-m", b"panel_tui", *args], capture_output=True)


@pytest.mark.parametrize(
    "args",
    [
        [b"check", b"\xff\xfe"],
        [b"rate", b"bad\xc3(name", b"--json"],
        [b"audit", b"\xff", b"--json"],
        [b"verify", b"\xff", b"--head", b"\xfe"],
        [b"attend", b"\xff", b"--chair", b"A\xffB"],
    ],
    ids=["check", "rate", "audit", "verify-head", "attend"],
)
def test_invalid_utf8_in_arguments(args):
    proc = _cli(*args)
    assert proc.returncode == 2, proc.stderr
    assert b"Traceback" not in proc.stderr
    assert proc.stderr.startswith(b"panel-tui: ")
    assert b"\xff" not in proc.stderr and b"\x1b" not in proc.stderr


def test_invalid_utf8_in_a_text_argument_is_refused_before_writing(tmp_path):
    d = fresh(tmp_path)
    proc = _cli(b"attend", str(d).encode(), b"--chair", b"Ann \xff Chair", b"--member", b"Bo")
    assert proc.returncode == 2 and b"argument --chair: is not valid UTF-8 text" in proc.stderr
    assert not (d / "decisions.toml").exists()


def test_a_session_folder_whose_name_is_not_utf8_still_works(tmp_path):
    d = tmp_path / os.fsdecode(b"caf\xe9")
    d.mkdir()
    shutil.copy(STOCKTON / "inspection.toml", d / "inspection.toml")
    proc = _cli(b"check", os.fsencode(d))
    assert proc.returncode == 0, proc.stderr
    assert b"valid" in proc.stdout and b"\xe9" not in proc.stdout  # shown escaped, never raw bytes


def test_escape_sequence_in_a_path_argument_is_shown_not_sent():
    proc = _cli(b"check", b"evil\x1b]0;PWNED\x07\x1b[2J")
    assert proc.returncode == 2 and b"\x1b" not in proc.stderr and b"\x07" not in proc.stderr
    assert "␛]0;PWNED␇␛[2J".encode() in proc.stderr


# --- folder trees ---------------------------------------------------------------------------


def _deep_tree(base: Path, levels: int) -> Path:
    """``levels`` nested one-letter folders, made relative to stay under PATH_MAX."""
    old = os.getcwd()
    os.chdir(base)
    try:
        for _ in range(levels):
            os.mkdir("a")
            os.chdir("a")
        shutil.copy(STOCKTON / "inspection.toml", "inspection.toml")
    finally:
        os.chdir(old)
    return base


def _remove_deep_tree(base: Path) -> None:
    """Remove the chain bottom-up without recursion (shutil.rmtree in 3.11 recurses, and so would
    pytest's clean-up of its temporary folders at exit)."""
    old = os.getcwd()
    os.chdir(base)
    try:
        depth = 0
        while os.path.isdir("a"):
            os.chdir("a")
            depth += 1
        for name in os.listdir("."):
            os.remove(name)
        for _ in range(depth):
            os.chdir("..")
            os.rmdir("a")
    finally:
        os.chdir(old)


def test_audit_of_a_tree_deeper_than_the_recursion_limit(capsys):
    # Outside pytest's tmp_path: its clean-up of old runs (shutil.rmtree) would recurse into it.
    root = Path(tempfile.mkdtemp(prefix="panel-tui-deep-"))
    shutil.copytree(STOCKTON, root / "stockton")
    try:
        _deep_tree(root, sys.getrecursionlimit() + 200)
        code, out, err = run(capsys, "audit", root, "--json")
    finally:
        _remove_deep_tree(root)
        shutil.rmtree(root)
    assert code == 0, err
    doc = json.loads(out)
    assert [s["path"] for s in doc["sessions"] if s["service"]] == ["stockton"]
    refused = [s for s in doc["sessions"] if s["service"] is None]
    assert len(refused) == 1 and "deeper than 32 folder levels" in refused[0]["log_status"]


def test_sessions_at_the_depth_limit_are_found(tmp_path):
    from panel_tui.core.sessions_dir import MAX_DEPTH, find_sessions

    _deep_tree(tmp_path, MAX_DEPTH)
    found, problems = find_sessions(tmp_path, recursive=True)
    assert len(found) == 1 and len(found[0].relative_to(tmp_path).parts) == MAX_DEPTH and problems == []


def test_unreadable_folder_in_the_tree_is_listed(tmp_path, monkeypatch):
    from panel_tui.core import sessions_dir

    (tmp_path / "locked").mkdir()
    shutil.copytree(STOCKTON, tmp_path / "ok")
    real = os.scandir

    def scandir(path):
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(sessions_dir.os, "scandir", scandir)
    found, problems = sessions_dir.find_sessions(tmp_path, recursive=True)
    assert [f.name for f in found] == ["ok"]
    assert problems == [f"{tmp_path / 'locked'}: refused, cannot be read (Permission denied)"]


def test_symlinked_sessions_are_refused_at_any_depth(tmp_path):
    from panel_tui.core.sessions_dir import find_sessions

    shutil.copytree(STOCKTON, tmp_path / "real" / "s")
    (tmp_path / "deep" / "er").mkdir(parents=True)
    (tmp_path / "deep" / "er" / "link").symlink_to(tmp_path / "real" / "s")
    (tmp_path / "loop").symlink_to(tmp_path)  # never followed
    found, problems = find_sessions(tmp_path, recursive=True)
    assert found == [tmp_path / "real" / "s"]
    assert problems == [f"{tmp_path / 'deep' / 'er' / 'link'}: refused, a symlinked session folder or file"]


# --- text with nothing visible ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text,expected",
    [
        ("", False),
        ("   \t\n", False),
        ("\u200b" * 25, False),
        ("\u200c\u200d\u2060\ufeff", False),
        ("\u202e\u2066\u061c", False),
        ("\x00\x1b\x7f\x85", False),
        ("\u3164\u2800\u115f", False),
        ("\u0301\u0301", False),
        ("\U000e0041", False),
        ("a", True),
        ("\u200bx\u200b", True),
        ("é", True),
        ("中文", True),
        ("👍", True),
        ("٣", True),
        (".", True),
    ],
)
def test_has_visible_text(text, expected):
    from panel_tui.core.display import has_visible_text

    assert has_visible_text(text) is expected


@pytest.mark.parametrize(
    "key,value", [("service", "\u200b" * 25), ("service", " \u3164 "), ("lead_inspector", "\u200b\u200d")]
)
def test_invisible_names_in_an_inspection_are_refused(tmp_path, capsys, key, value):
    d = fresh(tmp_path)
    p = d / "inspection.toml"
    text = p.read_text(encoding="utf-8")
    text = re.sub(rf'^{key} = ".*"$', f'{key} = "{value}"', text, count=1, flags=re.M)
    p.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "check", d)
    assert_one_message(code, err, 2, "[inspection]", f"'{key}'", "visible text")


def test_a_huge_unknown_id_or_key_gives_a_short_message(tmp_path, capsys):
    d = fresh(tmp_path)
    p = d / "inspection.toml"
    p.write_text(p.read_text().replace('id = "2.2"', 'id = "' + "9" * 1_000_000 + '"', 1))
    code, out, err = run(capsys, "check", d)
    assert_one_message(code, err, 2, "unknown standard '999", "…'")
    assert len(err) < 400
    p.write_text(
        p.read_text()
        .replace('"' + "9" * 1_000_000 + '"', '"2.2"')
        .replace("relevant = 8\nyes = 5\n", "relevant = 8\nyes = 5\n" + "k" * 100_000 + " = 1\n", 1)
    )
    code, out, err = run(capsys, "check", d)
    assert_one_message(code, err, 2, "unknown key 'kkk")
    assert len(err) < 400


# --- the apps' exit codes ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "command,module,cls", [("audit", "panel_tui.app", "PanelApp"), ("open", "panel_tui.app", "PanelApp")]
)
def test_an_app_that_crashed_does_not_exit_0(tmp_path, capsys, monkeypatch, command, module, cls):
    import importlib

    class Crashed:
        """Stands in for the Textual app: ``run`` returns after an unhandled error, as Textual does."""

        return_code = None

        def __init__(self, *args, **kwargs) -> None:
            pass

        def run(self) -> None:
            self.return_code = 1

    monkeypatch.setattr(importlib.import_module(module), cls, Crashed)
    code, out, err = run(capsys, command, with_log(tmp_path))
    assert code == 1
