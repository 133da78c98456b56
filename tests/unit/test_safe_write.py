"""One safe way to write a file (issue 21): no write follows a link planted at a temporary name or
at the target, and a session folder that is a link is refused; nothing outside is ever changed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from panel_tui.core.errors import InputError
from panel_tui.core.filelock import LinkRefused, atomic_write, session_lock
from panel_tui.core.outputs import is_owned_name
from tests.conftest import SESSIONS

# Every temporary name panel-tui has ever used for its files (old fixed ones and the pid-named ones).
OLD_TMP_NAMES = [
    ".decisions.toml.tmp-{pid}",
    ".decisions.drafts.toml.tmp-{pid}",
    ".cases.csv.tmp",
    ".inspection.toml.tmp",
    ".decisions.refused.toml.tmp-{pid}",
]


def cli(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "panel_tui", *map(str, args)],
        capture_output=True,
        text=True,
        env={**os.environ, "PANEL_TUI_GIT": "0"},
    )


def victim(tmp_path: Path) -> Path:
    v = tmp_path / "elsewhere" / "victim.txt"
    v.parent.mkdir(exist_ok=True)
    v.write_bytes(b"precious\n")
    return v


def test_atomic_write_never_writes_through_a_planted_temp_name(tmp_path: Path) -> None:
    v = victim(tmp_path)
    target = tmp_path / "decisions.toml"
    for name in OLD_TMP_NAMES:
        (tmp_path / name.format(pid=os.getpid())).symlink_to(v)
    atomic_write(target, b"new\n")
    assert target.read_bytes() == b"new\n" and not target.is_symlink()
    assert v.read_bytes() == b"precious\n"
    leftovers = [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name and not p.is_symlink()]
    assert leftovers == []  # the temporary file was renamed over the target


@pytest.mark.parametrize(
    "name", ["decisions.toml", "decisions.drafts.toml", "cases.csv", "inspection.toml", "record.md"]
)
def test_atomic_write_refuses_a_target_that_is_a_link(tmp_path: Path, name: str) -> None:
    v = victim(tmp_path)
    (tmp_path / name).symlink_to(v)
    with pytest.raises(LinkRefused) as info:
        atomic_write(tmp_path / name, b"evil\n")
    assert "symbolic link" in str(info.value) and name in str(info.value)
    assert v.read_bytes() == b"precious\n"
    assert [p for p in tmp_path.iterdir() if ".tmp-" in p.name] == []


def test_atomic_write_refuses_a_folder_that_is_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "session").symlink_to(real)
    with pytest.raises(LinkRefused):
        atomic_write(tmp_path / "session" / "decisions.toml", b"x")
    assert list(real.iterdir()) == []


def test_the_lock_never_creates_a_file_through_a_link(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere" / "made-by-lock"
    outside.parent.mkdir()
    (tmp_path / "decisions.toml.lock").symlink_to(outside)  # dangling: O_CREAT would create it
    with pytest.raises(InputError):
        with session_lock(tmp_path / "decisions.toml"):
            pass
    assert not outside.exists()


def test_every_temporary_name_is_owned_so_no_output_replaces_one() -> None:
    assert is_owned_name(".decisions.toml.tmp-0123abcd")
    assert is_owned_name(".cases.csv.tmp-0123abcd")
    assert is_owned_name("decisions.refused.toml") and is_owned_name(".panel-tui-accepted.toml")
    assert not is_owned_name("record.md")


def session(tmp_path: Path) -> Path:
    s = tmp_path / "s"
    s.mkdir()
    shutil.copy(SESSIONS / "stockton-2021" / "inspection.toml", s / "inspection.toml")
    return s


def test_recording_refuses_a_log_that_is_a_link_and_changes_nothing(tmp_path: Path) -> None:
    s = session(tmp_path)
    assert cli("attend", s, "--chair", "Ann", "--member", "Bo", "--member", "Cy").returncode == 0
    real = tmp_path / "elsewhere.toml"
    shutil.move(s / "decisions.toml", real)
    (s / "decisions.toml").symlink_to(real)
    before = real.read_bytes()
    r = cli("dissent", s, "--member", "Bo", "--reason", "Bo disagrees with the panel here")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "symbolic link" in r.stderr and "decisions.toml" in r.stderr
    assert real.read_bytes() == before


def test_recording_with_planted_temp_links_writes_only_the_log(tmp_path: Path) -> None:
    s = session(tmp_path)
    v = victim(tmp_path)
    for name in OLD_TMP_NAMES:
        for pid in range(os.getpid() - 50, os.getpid() + 50):  # whichever pid the CLI gets
            link = s / name.format(pid=pid)
            if not link.exists() and not link.is_symlink():
                link.symlink_to(v)
    r = cli("attend", s, "--chair", "Ann", "--member", "Bo", "--member", "Cy")
    assert r.returncode == 0, r.stderr
    assert v.read_bytes() == b"precious\n"
    assert not (s / "decisions.toml").is_symlink()


def test_export_refuses_an_output_file_that_is_a_link(tmp_path: Path) -> None:
    s = session(tmp_path)
    v = victim(tmp_path)
    (tmp_path / "record.md").symlink_to(v)
    r = cli("export", s, "--format", "md", "-o", tmp_path / "record.md")
    assert r.returncode == 2 and "symbolic link" in r.stderr and "Traceback" not in r.stderr
    assert v.read_bytes() == b"precious\n"


def test_export_refuses_every_owned_name_and_anything_under_git(tmp_path: Path) -> None:
    s = session(tmp_path)
    for name in ("decisions.refused.toml", ".panel-tui-accepted.toml", ".gitattributes"):
        (tmp_path / name).write_bytes(b"keep\n")
        r = cli("export", s, "--format", "md", "-o", tmp_path / name)
        assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
        assert (tmp_path / name).read_bytes() == b"keep\n"
    (tmp_path / ".git").mkdir()
    r = cli("export", s, "--format", "md", "-o", tmp_path / ".git" / "record.md")
    assert r.returncode == 2 and ".git" in r.stderr
    assert not (tmp_path / ".git" / "record.md").exists()


def test_new_refuses_a_planted_link_at_the_inspection_file(tmp_path: Path) -> None:
    v = victim(tmp_path)
    folder = tmp_path / "new"
    folder.mkdir()
    (folder / "inspection.toml").symlink_to(tmp_path / "elsewhere" / "made-by-new.toml")  # dangling
    r = cli("new", folder, "--framework", "hmip-yjs-2021", "--service", "X", "--fieldwork", "2024-05-13")
    assert r.returncode == 2 and "symbolic link" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "elsewhere" / "made-by-new.toml").exists() and v.read_bytes() == b"precious\n"


def test_import_cases_never_writes_through_links_at_its_old_temp_names(tmp_path: Path) -> None:
    """Issue 21's repro: `.cases.csv.tmp` and `.inspection.toml.tmp` planted as links to files
    elsewhere were overwritten by import-cases, and cases.csv / inspection.toml became links."""
    folder = tmp_path / "s"
    r = cli("new", folder, "--framework", "hmip-yjs-2021", "--service", "X", "--fieldwork", "2024-05-13")
    assert r.returncode == 0, r.stderr
    v1, v2 = tmp_path / "elsewhere" / "a.txt", tmp_path / "elsewhere" / "b.txt"
    v1.parent.mkdir()
    v1.write_bytes(b"precious a\n")
    v2.write_bytes(b"precious b\n")
    (folder / ".cases.csv.tmp").symlink_to(v1)
    (folder / ".inspection.toml.tmp").symlink_to(v2)
    answers = tmp_path / "answers.csv"
    answers.write_text("case,2.1.1\nC01,Yes\nC02,No\n")
    r = cli("import-cases", folder, answers)
    assert "Traceback" not in r.stderr
    assert v1.read_bytes() == b"precious a\n" and v2.read_bytes() == b"precious b\n"
    assert not (folder / "inspection.toml").is_symlink() and not (folder / "cases.csv").is_symlink()
    (folder / "cases.csv").unlink(missing_ok=True)
    (folder / "cases.csv").symlink_to(v1)  # the target itself a link: refused, nothing written through it
    r = cli("import-cases", folder, answers)
    assert r.returncode == 2 and "symbolic link" in r.stderr and v1.read_bytes() == b"precious a\n"
