"""A session keeps its rules (issue 25 item 2): the framework copy a format-4 log is decided under, and
the released versions older logs are verified by. Each test tries to break it."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from panel_tui.core.framework import FRAMEWORK_DIR, load_framework
from panel_tui.core.framework.session_copy import COPY_FILE, released_dir
from tests.unit.independent_verifier import verify as independent

ROOT = Path(__file__).resolve().parents[2]
SESSIONS = ROOT / "sessions"
SLUGS = ["stockton-2021", "leeds-2019", "hammersmith-2022", "lincolnshire-2023"]
STOCKTON = SESSIONS / "stockton-2021"
JS = ROOT / "tests" / "js"

pytestmark = [pytest.mark.unit]


def cli(*args: object, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    base = {**os.environ, "PANEL_TUI_ENTERED_BY": "Clerk", "PANEL_TUI_GIT": "0"}
    return subprocess.run(
        [sys.executable, "-m", "panel_tui", *map(str, args)],
        capture_output=True,
        text=True,
        env={**base, **(env or {})},
        cwd=cwd,
    )


def attend(session: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return cli("attend", session, "--chair", "Ann Chair", "--member", "Bob Member", "--member", "Cy Member", env=env)


def js_verify(session: Path) -> str | None:
    node = shutil.which("node")
    if node is None or not (JS / "node_modules" / "smol-toml").exists():
        return None
    return subprocess.run([node, str(JS / "verify.mjs"), str(session)], capture_output=True, text=True).stdout.strip()


@pytest.fixture
def fresh(tmp_path: Path) -> Path:
    """A Stockton session with its first entry recorded (format 4: it holds its copy of the rules)."""
    s = tmp_path / "stockton"
    s.mkdir()
    shutil.copy(STOCKTON / "inspection.toml", s / "inspection.toml")
    assert attend(s).returncode == 0
    return s


# --- released versions: older logs keep verifying --------------------------------------------------


@pytest.mark.quick
@pytest.mark.parametrize("slug", SLUGS)
def test_every_hash_an_example_log_names_is_released(slug: str) -> None:
    header = tomllib.loads((SESSIONS / slug / "decisions.toml").read_text(encoding="utf-8"))["log"]
    kept = released_dir() / f"{header['framework_sha256']}.toml"
    assert kept.is_file(), f"add {kept.name} (the version {slug}'s log was decided under)"
    assert hashlib.sha256(kept.read_bytes()).hexdigest() == header["framework_sha256"]
    assert tomllib.loads(kept.read_text(encoding="utf-8"))["framework"]["id"] == header["framework"]


@pytest.mark.quick
@pytest.mark.parametrize("fid", ["hmip-yos-2018", "hmip-yjs-2021"])
def test_every_bundled_framework_as_it_is_now_is_released(fid: str) -> None:
    """A release that rewords a bundled framework must keep the new bytes too, or the logs made under
    it would not verify after the next release."""
    fw = load_framework(fid)
    assert (released_dir() / f"{fw.sha256}.toml").read_bytes() == (FRAMEWORK_DIR / f"{fid}.toml").read_bytes(), (
        f"copy panel_tui/frameworks/{fid}.toml to panel_tui/frameworks/released/{fw.sha256}.toml"
    )


def test_a_reworded_bundled_framework_leaves_the_example_logs_verifying(tmp_path: Path) -> None:
    """The issue's test: one comment line added to each bundled framework, in a copy of the package."""
    pkg = tmp_path / "pkg"
    shutil.copytree(ROOT / "panel_tui", pkg / "panel_tui", ignore=shutil.ignore_patterns("__pycache__"))
    for fid in ("hmip-yos-2018", "hmip-yjs-2021"):
        f = pkg / "panel_tui" / "frameworks" / f"{fid}.toml"
        f.write_bytes(b"# reworded in a later release\n" + f.read_bytes())
    env = {"PYTHONPATH": str(pkg)}
    probe = cli("framework", "show", "hmip-yos-2018", "--json", env=env, cwd=tmp_path)
    assert json.loads(probe.stdout)["framework"]["file"].startswith(str(pkg))  # the reworded package is the one run
    for slug in SLUGS:
        r = cli("verify", SESSIONS / slug, env=env, cwd=tmp_path)
        assert r.returncode == 0 and "intact" in r.stdout, (slug, r.stderr)
    shutil.rmtree(pkg / "panel_tui" / "frameworks" / "released")  # without the released versions: as before issue 25
    r = cli("verify", STOCKTON, env=env, cwd=tmp_path)
    assert r.returncode == 1 and "framework changed" in r.stderr and "no released version" in r.stderr


# --- the session's copy -----------------------------------------------------------------------------


def test_the_first_entry_stores_the_frameworks_exact_bytes(fresh: Path) -> None:
    header = tomllib.loads((fresh / "decisions.toml").read_text(encoding="utf-8"))["log"]
    assert header["format"] == "panel-tui/decisions/4"
    copy = (fresh / COPY_FILE).read_bytes()
    assert copy == (FRAMEWORK_DIR / "hmip-yos-2018.toml").read_bytes()
    assert hashlib.sha256(copy).hexdigest() == header["framework_sha256"]
    assert not [p for p in fresh.iterdir() if ".tmp-" in p.name]
    assert independent(fresh) is None
    r = cli("verify", fresh)
    assert r.returncode == 0, r.stderr
    assert "rules:" not in r.stdout  # the copy is the bundled file as it is now: nothing to say
    assert js_verify(fresh) in (None, f"ok 1 {r.stdout.split('head ')[1].split(',')[0]}")


def test_a_copy_swapped_for_another_framework_with_the_same_id_is_tampering(fresh: Path) -> None:
    other = (FRAMEWORK_DIR / "hmip-yos-2018.toml").read_text(encoding="utf-8")
    other = other.replace("near_boundary_points = 5", "near_boundary_points = 15")  # same id, other rules
    assert 'id = "hmip-yos-2018"' in other
    (fresh / COPY_FILE).write_text(other, encoding="utf-8")
    r = cli("verify", fresh)
    assert r.returncode == 1
    assert "framework changed: the session's copy of its rules" in r.stderr and str(fresh / COPY_FILE) in r.stderr
    assert "tampering" in r.stderr and "git checkout -- framework.toml" in r.stderr
    assert "Traceback" not in r.stderr
    assert js_verify(fresh) in (None, "framework changed")
    assert independent(fresh) == "framework changed"
    # nothing more is recorded on it
    w = cli("dissent", fresh, "--member", "Bob Member", "--reason", "The sample was too small.")
    assert w.returncode == 2 and "framework changed" in w.stderr


def test_a_copy_edited_by_one_comment_is_tampering(fresh: Path) -> None:
    copy = fresh / COPY_FILE
    copy.write_bytes(copy.read_bytes() + b"# an innocent note\n")
    r = cli("verify", fresh)
    assert r.returncode == 1 and "framework changed: the session's copy" in r.stderr
    rated = cli("rate", fresh)
    assert "framework changed" in rated.stderr  # rate says so too, beside the ratings


def test_a_copy_deleted_is_named_with_the_fix(fresh: Path) -> None:
    (fresh / COPY_FILE).unlink()
    r = cli("verify", fresh)
    assert r.returncode == 1
    assert f"framework copy missing: {fresh / COPY_FILE}" in r.stderr and "git checkout -- framework.toml" in r.stderr
    assert js_verify(fresh) in (None, "framework copy missing")
    assert independent(fresh) == "framework copy missing"


def test_a_link_planted_before_the_first_entry_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    s = tmp_path / "s"
    s.mkdir()
    shutil.copy(STOCKTON / "inspection.toml", s / "inspection.toml")
    target = tmp_path / "outside.toml"
    target.write_bytes(b"precious\n")
    (s / COPY_FILE).symlink_to(target)
    r = attend(s)
    assert r.returncode == 2 and "symbolic link" in r.stderr and "Traceback" not in r.stderr
    assert target.read_bytes() == b"precious\n" and not (s / "decisions.toml").exists()


def test_a_link_planted_after_is_never_read_through(fresh: Path, tmp_path: Path) -> None:
    real = (fresh / COPY_FILE).read_bytes()
    outside = tmp_path / "same-bytes.toml"
    outside.write_bytes(real)  # even a link to the very same bytes
    (fresh / COPY_FILE).unlink()
    (fresh / COPY_FILE).symlink_to(outside)
    r = cli("verify", fresh)
    assert r.returncode != 0 and "symbolic link" in r.stderr and str(fresh / COPY_FILE) in r.stderr
    assert "Traceback" not in r.stderr


def test_the_sessions_copy_wins_over_a_parent_folders_framework_edited_later(tmp_path: Path) -> None:
    """A framework kept in frameworks/ of a parent folder, reworded and retuned there after the meeting
    began: the session keeps the rules it was decided under (its copy); a new session gets the new ones."""
    repo = tmp_path / "panels"
    (repo / "frameworks").mkdir(parents=True)
    mine = (
        (FRAMEWORK_DIR / "hmip-yos-2018.toml")
        .read_text(encoding="utf-8")
        .replace('id = "hmip-yos-2018"', 'id = "insp-yos-r"')
    )
    (repo / "frameworks" / "insp-yos-r.toml").write_text(mine, encoding="utf-8")
    s = repo / "2026" / "stockton"
    s.mkdir(parents=True)
    insp = (
        (STOCKTON / "inspection.toml")
        .read_text(encoding="utf-8")
        .replace('framework = "hmip-yos-2018"', 'framework = "insp-yos-r"')
    )
    (s / "inspection.toml").write_text(insp, encoding="utf-8")
    assert attend(s).returncode == 0
    before = json.loads(cli("rate", s, "--json").stdout)
    # edited in place: small samples now up to 50 cases, and a note reworded
    (repo / "frameworks" / "insp-yos-r.toml").write_text(
        mine.replace("small_sample_cases = 5", "small_sample_cases = 50"), encoding="utf-8"
    )
    r = cli("verify", s)
    assert r.returncode == 0, r.stderr
    # verify says which rules apply, and that the folder's file changed since
    assert f"rules: the session's own copy, {s / COPY_FILE}" in r.stdout
    assert f"{repo / 'frameworks' / 'insp-yos-r.toml'} has changed since" in r.stdout
    assert "the session keeps its own" in r.stdout
    after = json.loads(cli("rate", s, "--json").stdout)
    assert [x["flags"] for x in after["standards"]] == [x["flags"] for x in before["standards"]]
    # a session with no log yet is rated by the framework as it is now
    s2 = repo / "2026" / "other"
    s2.mkdir()
    (s2 / "inspection.toml").write_text(insp, encoding="utf-8")
    now = json.loads(cli("rate", s2, "--json").stdout)
    assert [x["flags"] for x in now["standards"]] != [x["flags"] for x in before["standards"]]


# --- in git -----------------------------------------------------------------------------------------


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True).stdout


@pytest.mark.git
def test_the_copy_is_committed_with_the_first_entry_and_never_changed(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path / "repo"
    s = root / "stockton"
    s.mkdir(parents=True)
    _git(root, "init", "-q")
    _git(root, "config", "user.name", "Clerk")
    _git(root, "config", "user.email", "clerk@example.invalid")
    shutil.copy(STOCKTON / "inspection.toml", s / "inspection.toml")
    _git(root, "add", ".")
    _git(root, "commit", "-qm", "inspection")
    git_on = {"PANEL_TUI_GIT": "1"}
    assert attend(s, **git_on).returncode == 0
    assert set(_git(root, "show", "--name-only", "--format=", "HEAD").split()) == {
        "stockton/decisions.toml",
        "stockton/framework.toml",
    }
    d = cli("dissent", s, "--member", "Bob Member", "--reason", "The sample was too small.", env=git_on)
    assert d.returncode == 0, d.stderr
    assert _git(root, "show", "--name-only", "--format=", "HEAD").split() == ["stockton/decisions.toml"]
    assert cli("verify", s, env=git_on).returncode == 0
    # a later commit changes the copy, and the next one puts it back: the history names the change
    copy = s / COPY_FILE
    original = copy.read_bytes()
    copy.write_bytes(original + b"# retuned\n")
    _git(root, "commit", "-qam", "retune the rules")
    changed = _git(root, "rev-parse", "HEAD").strip()
    copy.write_bytes(original)
    _git(root, "commit", "-qam", "put them back")
    r = cli("verify", s, env=git_on)
    assert r.returncode == 1 and changed[:10] in r.stderr and "changes framework.toml" in r.stderr, r.stderr


@pytest.mark.parametrize(
    "bytes_, words",
    [
        (b"garbage = = \n", "the session's copy of its rules does not read"),
        (
            (FRAMEWORK_DIR / "hmip-yjs-2021.toml").read_bytes(),
            "is framework 'hmip-yjs-2021', but the inspection and the log",
        ),
    ],
)
def test_a_copy_that_does_not_read_or_is_another_framework_is_refused_naming_it(
    fresh: Path, bytes_: bytes, words: str
) -> None:
    (fresh / COPY_FILE).write_bytes(bytes_)
    for args in (("verify", fresh), ("rate", fresh), ("export", fresh, "--format", "md")):
        r = cli(*args)
        assert r.returncode == 2 and str(fresh / COPY_FILE) in r.stderr and words in r.stderr, (args, r.stderr)
        assert "git checkout -- framework.toml" in r.stderr and "Traceback" not in r.stderr


def test_a_forged_copy_does_not_rate_the_view_beside_its_warning(fresh: Path) -> None:
    """Lowering the 'Good' boundary in the session's copy would lift standards in the read-only view
    that shows the tampering: the view is rated by the rules the log names (here the bundled file,
    unchanged), and the warning still names the copy."""
    from panel_tui.core.session import load_session

    before = load_session(fresh)
    rated_before = json.loads(cli("rate", fresh, "--json").stdout)
    assert before.log_problem is None
    copy = fresh / COPY_FILE
    forged = copy.read_text(encoding="utf-8").replace("min_percent = 80", "min_percent = 66")
    assert forged != copy.read_text(encoding="utf-8")
    copy.write_text(forged, encoding="utf-8")
    after = load_session(fresh)
    assert after.log_problem is not None and "framework changed: the session's copy" in after.log_problem
    assert after.inspection.framework.sha256 == before.inspection.framework.sha256
    assert [(s.id, s.computed) for s in after.rating.standards] == [(s.id, s.computed) for s in before.rating.standards]
    rated = cli("rate", fresh, "--json")
    assert "framework changed" in rated.stderr
    assert json.loads(rated.stdout)["standards"] == rated_before["standards"]
