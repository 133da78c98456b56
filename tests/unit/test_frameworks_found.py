"""Frameworks found where the inspectorate keeps them (issue 25, items 1 and 4): a frameworks/ folder in
the session's folder or any folder above it, then the bundled ones; ids unique across all; `framework
list|show|check`; a framework file from a folder is hostile input (refused with file, place and fix,
never a traceback; shown through the display helper); dates in force, and `new` choosing by them."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from panel_tui.core.errors import InputError
from panel_tui.core.framework import (
    FRAMEWORK_DIR,
    catalogue,
    check_file,
    framework_folders,
    framework_problems,
    load_framework,
    parse_framework,
)
from panel_tui.core.inspection import load_inspection

ROOT = Path(__file__).resolve().parents[2]
SESSIONS = ROOT / "sessions"
BUNDLED = {"hmip-yos-2018": FRAMEWORK_DIR / "hmip-yos-2018.toml", "hmip-yjs-2021": FRAMEWORK_DIR / "hmip-yjs-2021.toml"}


def cli(*args, cwd=None):
    env = {**os.environ, "PANEL_TUI_ENTERED_BY": "Clerk", "PANEL_TUI_GIT": "0"}
    return subprocess.run(
        [sys.executable, "-m", "panel_tui", *map(str, args)], capture_output=True, text=True, env=env, cwd=cwd
    )


def own_framework(folder: Path, new_id: str, base: str = "hmip-yjs-2021", edit=None) -> Path:
    """A framework of the inspectorate's own in ``folder``: a bundled one under a new id."""
    folder.mkdir(parents=True, exist_ok=True)
    text = BUNDLED[base].read_text(encoding="utf-8").replace(f'id = "{base}"', f'id = "{new_id}"')
    if edit:
        text = edit(text)
    p = folder / f"{new_id}.toml"
    p.write_text(text, encoding="utf-8")
    return p


def session_on(folder: Path, fw_id: str, source: str = "hammersmith-2022") -> Path:
    """The Hammersmith inspection (2021 framework) moved under ``folder``, naming ``fw_id``."""
    folder.mkdir(parents=True, exist_ok=True)
    text = (SESSIONS / source / "inspection.toml").read_text(encoding="utf-8")
    (folder / "inspection.toml").write_text(
        text.replace('framework = "hmip-yjs-2021"', f'framework = "{fw_id}"'), encoding="utf-8"
    )
    return folder


# --- where they are found -----------------------------------------------------------------------


def test_bundled_bytes_unchanged_and_pinned_by_the_example_logs():
    for name in ("stockton-2021", "leeds-2019", "hammersmith-2022", "lincolnshire-2023"):
        log = tomllib.loads((SESSIONS / name / "decisions.toml").read_text(encoding="utf-8"))["log"]
        assert hashlib.sha256(BUNDLED[log["framework"]].read_bytes()).hexdigest() == log["framework_sha256"]
        assert cli("verify", SESSIONS / name).returncode == 0


def test_found_in_the_session_folder_and_every_folder_above(tmp_path):
    repo = tmp_path / "repo"
    own_framework(repo / "frameworks", "insp-a")
    own_framework(repo / "2026" / "frameworks", "insp-b")
    s = session_on(repo / "2026" / "leeds", "insp-a")
    assert framework_folders(s) == [repo / "2026" / "frameworks", repo / "frameworks"]
    insp = load_inspection(s)
    assert insp.framework.id == "insp-a" and insp.framework.origin == "folder"
    assert insp.framework.path == repo / "frameworks" / "insp-a.toml"
    assert insp.framework.sha256 == hashlib.sha256((repo / "frameworks" / "insp-a.toml").read_bytes()).hexdigest()
    assert load_framework("insp-b", near=s).path.parent == repo / "2026" / "frameworks"
    assert load_framework("hmip-yjs-2021", near=s).origin == "bundled"
    # not found from elsewhere
    with pytest.raises(InputError, match="unknown framework 'insp-a'.*use one of: hmip-yjs-2021, hmip-yos-2018"):
        load_framework("insp-a", near=tmp_path)
    rated = json.loads(cli("rate", s, "--json").stdout)
    assert rated["framework"] == "insp-a" and rated["score"] == 31  # Hammersmith's figures, same rules


def test_unknown_id_names_every_framework_found(tmp_path):
    own_framework(tmp_path / "frameworks", "insp-a")
    s = session_on(tmp_path / "s", "insp-zzz")
    proc = cli("check", s)
    assert proc.returncode == 2
    assert "[inspection] framework: unknown framework 'insp-zzz'" in proc.stderr
    assert "use one of: hmip-yjs-2021, hmip-yos-2018, insp-a" in proc.stderr


@pytest.mark.parametrize("where", ["folder-vs-bundled", "folder-vs-folder"])
def test_an_id_two_files_give_is_refused_naming_both(tmp_path, where):
    repo = tmp_path / "repo"
    if where == "folder-vs-bundled":
        (repo / "frameworks").mkdir(parents=True)
        shutil.copy(BUNDLED["hmip-yjs-2021"], repo / "frameworks" / "hmip-yjs-2021.toml")
        fid, files = "hmip-yjs-2021", [repo / "frameworks" / "hmip-yjs-2021.toml", BUNDLED["hmip-yjs-2021"]]
    else:
        own_framework(repo / "frameworks", "insp-a")
        own_framework(repo / "2026" / "frameworks", "insp-a")
        fid, files = "insp-a", [repo / "2026" / "frameworks" / "insp-a.toml", repo / "frameworks" / "insp-a.toml"]
    s = session_on(repo / "2026" / "s", fid)
    proc = cli("rate", s)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert f"framework id '{fid}' is given by 2 files: {files[0]} and {files[1]}" in proc.stderr
    listed = cli("framework", "list", s)
    assert listed.returncode == 2 and f"{files[0]} and {files[1]}" in listed.stderr
    assert fid not in [line.split()[0] for line in listed.stdout.splitlines() if not line.startswith(" ")]


def test_a_malformed_framework_in_a_folder_is_refused_with_file_place_and_fix(tmp_path):
    bad = own_framework(
        tmp_path / "frameworks", "insp-bad", edit=lambda t: t.replace("min_percent = 65", 'min_percent = "sixty-five"')
    )
    own_framework(tmp_path / "frameworks", "insp-good")
    s = session_on(tmp_path / "s", "insp-bad")
    proc = cli("rate", s)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert (
        f"{bad}: [[band]] 3: 'min_percent' is 'sixty-five': it must be a number. Fix: write min_percent = 50."
        in proc.stderr
    )
    listed = cli("framework", "list", tmp_path)
    assert listed.returncode == 2 and "insp-good" in listed.stdout and "insp-bad" not in listed.stdout
    assert str(bad) in listed.stderr


def test_check_names_each_problem(tmp_path):
    def edit(t):
        t = t.replace('title = "HMI', 'titel = "x"\ntitle = "HMI', 1)  # unknown key
        t = t.replace("min_percent = 80", "min_percent = 60")  # band order
        t = t.replace("small_sample_cases = 5", "small_sample_cases = 5.5")  # type
        t = t.replace('id = "2.4"\n', 'id = "2.3"\n')  # a standard given twice
        t = t.replace('{ id = "2.4.1"', '{ id = "2.1.1"')  # a key question in two standards
        t = t.replace('name = "Reviewing"\nkind = "cases"', 'name = "Reviewing"\nkind = "cases"\nquestion_ = 1')
        t = t.replace(
            '[[domain]]\nid = "4"\nname = "Resettlement"',
            '[[domain]]\nid = "4"\nname = "Resettlement"\nsample = "custody"',
        )  # drawn on by no standard
        return t + '\n[[standard]]\nid = "5.1"\ndomain = "4"\nname = "Empty"\nkind = "cases"\n'  # no key questions

    p = own_framework(tmp_path / "frameworks", "insp-x", edit=edit)
    proc = cli("framework", "check", p)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    expected = [
        "[framework]: unknown key 'titel'",
        "[[band]] Outstanding: min_percent 60 does not rise above Good's 65",
        "[discretion]: 'small_sample_cases' is 5.5: it must be a whole number",
        "standard 2.3 is given twice",
        "key question 2.1.1 is also in standard 2.1",
        "unknown key 'question_'",
        "a case-based standard needs key questions",
        "sample custody is drawn on by no case-based standard",
    ]
    for text in expected:
        assert text in proc.stderr, text
    assert re.search(r"\d+ problems in ", proc.stderr)
    # loading names the first and how many more
    with pytest.raises(InputError, match=r"and \d+ more problems: panel-tui framework check"):
        load_framework("insp-x", near=tmp_path)


@pytest.mark.parametrize("fw_id", list(BUNDLED))
def test_check_passes_the_bundled_frameworks_and_the_dates_beside_them(fw_id):
    proc = cli("framework", "check", BUNDLED[fw_id])
    assert proc.returncode == 0, proc.stderr
    assert "a valid framework" in proc.stdout and "12 standards" in proc.stdout or "13 standards" in proc.stdout
    assert cli("framework", "check", FRAMEWORK_DIR / "in_force.toml").returncode == 0


def test_id_must_match_the_file_name(tmp_path):
    p = own_framework(tmp_path / "frameworks", "insp-a")
    p.rename(tmp_path / "frameworks" / "insp-b.toml")
    with pytest.raises(InputError, match="does not match the file name"):
        load_framework("insp-b", near=tmp_path)
    proc = cli("framework", "check", tmp_path / "frameworks" / "insp-b.toml")
    assert proc.returncode == 2 and 'name the file insp-a.toml, or set id = "insp-b"' in proc.stderr


def test_hostile_names_are_shown_visibly_never_raw(tmp_path):
    folder = tmp_path / "frameworks"
    own_framework(folder, "insp-a", edit=lambda t: t.replace('name = "Planning"', 'name = "Plan\\u001b[31mning"', 1))
    (folder / "evil\x1b]0;x\x07.toml").write_text("x", encoding="utf-8")
    listed = cli("framework", "list", tmp_path)
    assert "\x1b" not in listed.stdout + listed.stderr and "\x07" not in listed.stderr
    assert "evil␛]0;x␇.toml" in listed.stderr and "not a framework id" in listed.stderr
    assert "'name' is 'Plan\\x1b[31mning'" in listed.stderr  # a control character in a name is refused


def test_no_traceback_on_any_one_line_removed_or_any_value_retyped(tmp_path):
    """Every single-line deletion of a bundled framework, and every value replaced by another type,
    is either still a good framework or refused as an InputError (never another exception)."""
    text = BUNDLED["hmip-yjs-2021"].read_text(encoding="utf-8")
    lines = text.splitlines()
    variants = ["\n".join(lines[:i] + lines[i + 1 :]) for i in range(len(lines))]
    for i, line in enumerate(lines):
        m = re.match(r"(\s*[a-z_]+ = )(.*)", line)
        if m:
            for other in ('"x"', "7", "true", "[1, 2]", "{ a = 1 }", "2021-10-13", '"\\u001b"', "-3"):
                variants.append("\n".join(lines[:i] + [m.group(1) + other] + lines[i + 1 :]))
    p = tmp_path / "hmip-yjs-2021.toml"
    for v in variants:
        data = v.encode()
        problems = framework_problems(data, p)
        assert all(isinstance(x, InputError) and str(x) for x in problems)
        try:
            parse_framework(data, p)
        except InputError:
            assert problems
        else:
            assert not problems


# --- dates in force ---------------------------------------------------------------------------


def test_bundled_dates_in_force_with_their_sources():
    fw18, fw21 = load_framework("hmip-yos-2018"), load_framework("hmip-yjs-2021")
    assert (str(fw18.in_force.start), str(fw18.in_force.until)) == ("2018-06-01", "2021-10-12")
    assert (str(fw21.in_force.start), str(fw21.in_force.until)) == ("2021-10-13", "2025-03-31")
    assert fw21.in_force.file == FRAMEWORK_DIR / "in_force.toml"
    assert "Wirral" in fw21.in_force.source and "12 October 2021" in fw21.in_force.source
    assert "13 October 2021" in fw21.in_force.note
    assert "June 2018" in fw18.in_force.source
    shown = json.loads(cli("framework", "show", "hmip-yjs-2021", "--json").stdout)
    assert shown["format"] == "panel-tui/framework/1"
    assert shown["framework"]["in_force"]["from"] == "2021-10-13"
    assert [s["id"] for s in shown["framework"]["standards"]][-1] == "4.1"
    assert {r["id"] for r in shown["framework"]["rules"]} >= {"bands", "panel.quorum_members"}


def test_dates_in_the_framework_file_or_beside_it_never_both(tmp_path):
    folder = tmp_path / "frameworks"
    own_framework(
        folder,
        "insp-a",
        edit=lambda t: t.replace(
            'title = "', 'in_force = { from = 2026-01-01, source = "our board minute 12" }\ntitle = "', 1
        ),
    )
    assert str(load_framework("insp-a", near=tmp_path).in_force.start) == "2026-01-01"
    (folder / "in_force.toml").write_text(
        "[insp-a]\nfrom = 2026-02-01\n\n[insp-gone]\nfrom = 2020-01-01\n", encoding="utf-8"
    )
    with pytest.raises(InputError, match="also given in"):
        load_framework("insp-a", near=tmp_path)
    found = catalogue(tmp_path)
    assert any("insp-gone" in str(p) and "not in this folder" in str(p) for p in found.problems)
    (folder / "in_force.toml").write_text("[insp-a]\nfrom = 2026-02-01\nuntil = 2025-01-01\n", encoding="utf-8")
    problems = check_file(folder / "in_force.toml")
    assert any("'until' (2025-01-01) is before 'from' (2026-02-01)" in str(p) for p in problems)


@pytest.mark.parametrize(
    "fieldwork,picked",
    [
        ("2019-06", "hmip-yos-2018"),
        ("2020-09-21", "hmip-yos-2018"),
        ("2021-10-12", "hmip-yos-2018"),
        ("2021-10-13", "hmip-yjs-2021"),
        ("2022-07-18", "hmip-yjs-2021"),
        ("2023-01", "hmip-yjs-2021"),
    ],
)
def test_new_picks_the_framework_in_force_and_names_it(tmp_path, fieldwork, picked):
    d = tmp_path / "s"
    proc = cli("new", d, "--service", "Test YJS", "--fieldwork", fieldwork)
    assert proc.returncode == 0, proc.stderr
    assert f'framework = "{picked}"' in (d / "inspection.toml").read_text(encoding="utf-8")
    named = [line for line in proc.stdout.splitlines() if line.startswith("framework ")]
    assert len(named) == 1 and named[0].startswith(f"framework {picked} (") and fieldwork in named[0]
    assert proc.stderr == ""


def test_new_warns_in_one_line_when_the_chosen_framework_was_not_in_force(tmp_path):
    proc = cli("new", tmp_path / "a", "--framework", "hmip-yos-2018", "--service", "S", "--fieldwork", "2024-05-13")
    assert proc.returncode == 0 and (tmp_path / "a" / "inspection.toml").exists()
    assert proc.stderr.count("\n") == 1
    assert proc.stderr.startswith(
        "panel-tui: warning: hmip-yos-2018 was not in force on the fieldwork date 2024-05-13 "
        "(in force 2018-06-01 to 2021-10-12)"
    )
    quiet = cli("new", tmp_path / "b", "--framework", "hmip-yjs-2021", "--service", "S", "--fieldwork", "2024-05-13")
    assert quiet.returncode == 0 and quiet.stderr == "" and "framework hmip-yjs-2021 (" not in quiet.stdout
    month = cli("new", tmp_path / "c", "--framework", "hmip-yjs-2021", "--service", "S", "--fieldwork", "2021-10")
    assert month.returncode == 0 and month.stderr == ""  # in force on some day of that month


@pytest.mark.parametrize(
    "fieldwork,message",
    [
        ("2021-10", "2 frameworks were in force on 2021-10: hmip-yos-2018 (2018-06-01 to 2021-10-12); hmip-yjs-2021"),
        ("2026-01-05", "no framework found was in force on 2026-01-05"),
        ("2017-01-05", "no framework found was in force on 2017-01-05"),
    ],
)
def test_new_refuses_when_the_date_does_not_settle_it(tmp_path, fieldwork, message):
    proc = cli("new", tmp_path / "s", "--service", "S", "--fieldwork", fieldwork)
    assert proc.returncode == 2 and message in proc.stderr and not (tmp_path / "s").exists()


def test_new_picks_the_inspectorates_own_framework_by_its_dates(tmp_path):
    own_framework(
        tmp_path / "frameworks",
        "insp-2026",
        edit=lambda t: t.replace('title = "', 'in_force = { from = 2026-01-01 }\ntitle = "', 1),
    )
    proc = cli("new", tmp_path / "2026" / "s", "--service", "S", "--fieldwork", "2026-03-02")
    assert proc.returncode == 0, proc.stderr
    assert "framework insp-2026 (" in proc.stdout
    assert load_inspection(tmp_path / "2026" / "s").framework.path == tmp_path / "frameworks" / "insp-2026.toml"


def test_list_and_show(tmp_path):
    own_framework(tmp_path / "frameworks", "insp-a")
    proc = cli("framework", "list", tmp_path, "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["format"] == "panel-tui/framework/1" and doc["problems"] == []
    by_id = {f["id"]: f for f in doc["frameworks"]}
    assert by_id["insp-a"]["origin"] == "folder" and by_id["insp-a"]["in_force"] is None
    assert by_id["hmip-yjs-2021"]["in_force"]["until"] == "2025-03-31"
    assert list(by_id)[:2] == ["hmip-yos-2018", "hmip-yjs-2021"]  # by date in force; undated last
    text = cli("framework", "list", tmp_path).stdout
    assert "hmip-yjs-2021  2021-10-13 to 2025-03-31  HMI Probation youth justice services standards" in text
    assert "insp-a  dates in force not given" in text
    show = cli("framework", "show", "hmip-yos-2018").stdout
    for part in (
        "in force: 2018-06-01 to 2021-10-12",
        "Requires improvement: from 50%, score 1",
        "2.2.2 Planning",
        "near-boundary within 5 points",
        "a chair and at least 2 members",
        "samples",
        "provenance",
        "3.4 Joint working (cases, counted, sample out_of_court)",
    ):
        assert part in show, part
    assert cli("framework", "show", "nope").returncode == 2


# --- docs/frameworks.md -------------------------------------------------------------------------


def test_the_guide_uses_only_keys_the_reader_accepts():
    from panel_tui.core.framework.checks import _KEYS, _TOP_KEYS

    guide = (ROOT / "docs" / "frameworks.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", guide, re.S)
    assert len(blocks) >= 9
    for block in blocks:
        doc = tomllib.loads(block)
        for key, value in doc.items():
            if key in _TOP_KEYS:
                for table in value if isinstance(value, list) else [value]:
                    assert set(table) <= set(_KEYS[key]), (key, set(table) - set(_KEYS[key]))
                    for q in table.get("question", []):
                        assert set(q) <= set(_KEYS["question"])
                    if isinstance(table.get("in_force"), dict):
                        assert set(table["in_force"]) <= set(_KEYS["in_force"])
            else:  # an in_force.toml entry
                assert re.fullmatch(r"[a-z0-9.-]+", key) and set(value) <= set(_KEYS["in_force"])


def test_the_guides_worked_example(tmp_path):
    """The revision of hmip-yjs-2021 the guide walks through: copy, new id and dates, 4.1 counted."""
    repo = tmp_path / "panels"
    p = own_framework(
        repo / "frameworks",
        "insp-yjs-2021-r",
        edit=lambda t: t.replace(
            'title = "HMI Probation youth justice services standards, 2021 revision"',
            'title = "Youth justice standards, 2021 revision with resettlement counted"\n'
            'in_force = { from = 2026-04-01, source = "Board decision 2026/14", '
            'note = "Resettlement counted from April 2026." }',
        ).replace("counted = false", "counted = true"),
    )
    assert cli("framework", "check", p).returncode == 0
    proc = cli("new", repo / "2026" / "stockton", "--service", "Stockton-on-Tees YJS", "--fieldwork", "2026-05-11")
    assert proc.returncode == 0, proc.stderr
    assert "framework insp-yjs-2021-r (Youth justice standards, 2021 revision with resettlement counted)" in proc.stdout
    assert load_framework("insp-yjs-2021-r", near=repo).max_score == 39


def test_files_that_are_no_framework_are_named_never_a_hang_or_traceback(tmp_path):
    folder = tmp_path / "frameworks"
    folder.mkdir()
    os.mkfifo(folder / "fifo.toml")  # reading it would block: never opened
    (folder / "dir.toml").mkdir()
    (folder / "big.toml").write_bytes(b"a" * 2_000_000)
    (folder / "bare.toml").write_text('[framework]\nid = "bare"\n', encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "panel_tui", "framework", "list", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    for name in ("fifo.toml", "dir.toml"):
        assert f"{folder / name}: is not a regular file, so it is not a framework." in proc.stderr
    assert "big.toml: framework file is 2,000,000 bytes, over the 1,048,576-byte limit" in proc.stderr
    assert "bare.toml: [framework]: missing key 'title' (and 5 more problems: panel-tui framework check " in proc.stderr
    checked = cli("framework", "check", folder / "bare.toml")
    assert "missing table [discretion]" in checked.stderr and "missing key 'near_boundary_points'" not in checked.stderr
    assert "hmip-yjs-2021" in proc.stdout  # the good ones are still listed
