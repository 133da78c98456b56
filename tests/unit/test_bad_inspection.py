"""Bad inspection files: one clear message (file, place, fix), exit 2, no traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.helpers import all_good_cases, inspection_text, write_inspection

GOOD = inspection_text(all_good_cases())


def run_check(path):
    return subprocess.run([sys.executable, "-m", "panel_tui", "check", str(path)], capture_output=True, text=True)


def assert_refused(proc, *needles):
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""
    for n in needles:
        assert n in proc.stderr, f"{n!r} not in {proc.stderr!r}"


CASES = {
    "malformed": (
        GOOD.replace('service = "Test YOS"', 'service = "Test YOS'),
        ["inspection.toml", "line 2", "column", "not valid TOML"],
    ),
    "unknown framework": (
        GOOD.replace("hmip-yos-2018", "hmip-yos-2099"),
        ["unknown framework 'hmip-yos-2099'", "hmip-yjs-2021, hmip-yos-2018"],
    ),
    "unknown standard": (
        GOOD + '\n[[standard]]\nid = "9.9"\nproposed = "Good"\n',
        ["unknown standard '9.9'", "use one of: 1.1"],
    ),
    "unknown question": (
        GOOD.replace('id = "2.2.3"', 'id = "2.2.7"'),
        ["unknown key question '2.2.7'", "2.2.1, 2.2.2, 2.2.3"],
    ),
    "missing standard": (
        GOOD.replace('id = "1.4"\nproposed = "Good"', 'id = "1.3"\nproposed = "Good"'),
        ["given twice"],
    ),
    "missing question": (
        inspection_text(all_good_cases({"2.4": [(10, 8), (10, 8)]})),
        ["standard 2.4", "missing: 2.4.3", "relevant = 0"],
    ),
    "unknown key": (
        GOOD.replace("relevant = 10\nyes = 8\n", "relevent = 10\nyes = 8\n", 1),
        ["unknown key 'relevent'", "question 2.1.1", "use only"],
    ),
    "yes > relevant": (
        inspection_text(all_good_cases({"2.2": [(8, 8), (8, 9), (8, 6)]})),
        ["question 2.2.2", "yes (9) is more than relevant (8)"],
    ),
    "negative": (inspection_text(all_good_cases({"2.2": [(8, 8), (8, -1), (8, 6)]})), ["question 2.2.2", "negative"]),
    "percent > 100": (inspection_text(all_good_cases({"2.2": [101, 90, 90]})), ["question 2.2.1", "outside 0-100"]),
    "percent < 0": (inspection_text(all_good_cases({"2.2": [-3, 90, 90]})), ["question 2.2.1", "outside 0-100"]),
    "contradiction": (
        inspection_text(all_good_cases({"2.2": [{"relevant": 8, "yes": 5, "percent": 63.5}, 90, 90]})),
        ["question 2.2.1", "percent 63.5 contradicts 5 of 8 (62.50%)"],
    ),
    "band misspelt": (
        GOOD.replace('proposed = "Good"', 'proposed = "Goood"', 1),
        ["standard 1.1", "'Goood'", "Inadequate, Requires improvement, Good, Outstanding"],
    ),
    "yes without relevant": (
        inspection_text(all_good_cases({"2.2": [{"yes": 3}, 90, 90]})),
        ["'yes' is given without 'relevant'"],
    ),
    "no result": (inspection_text(all_good_cases({"2.2": [{"relevant": 8}, 90, 90]})), ["no result"]),
    "all not applicable": (
        inspection_text(all_good_cases({"3.4": [(0, 0), (0, 0)]})),
        ["standard 3.4", "no key question"],
    ),
    "counted left unrated": (
        GOOD.replace('id = "1.1"\nproposed = "Good"', 'id = "1.1"\nnot_rated = "none"'),
        ["cannot be left unrated"],
    ),
    "judgement with questions": (
        GOOD.replace('id = "1.1"\nproposed = "Good"', 'id = "1.1"\n[[standard.question]]\nid = "1.1.1"\npercent = 50'),
        ["judgement standard"],
    ),
    "missing fieldwork": (GOOD.replace("fieldwork = 2024-01-15\n", ""), ["missing 'fieldwork'"]),
    "bad date": (GOOD.replace("fieldwork = 2024-01-15", 'fieldwork = "last June"'), ["'fieldwork' must be a date"]),
    "float count": (GOOD.replace("relevant = 10\nyes = 8", "relevant = 10\nyes = 8.5", 1), ["whole number"]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_inspection_is_refused_with_a_clear_message(tmp_path, name):
    text, needles = CASES[name]
    d = write_inspection(tmp_path, text)
    assert_refused(run_check(d), *needles)


def test_missing_standard_is_named(tmp_path):
    text = GOOD.replace('[[standard]]\nid = "1.4"\nproposed = "Good"\n', "")
    assert_refused(run_check(write_inspection(tmp_path, text)), "standard(s) missing: 1.4")


def test_path_that_does_not_exist(tmp_path):
    assert_refused(run_check(tmp_path / "nope"), "nope", "not found")


def test_file_that_is_not_text(tmp_path):
    d = tmp_path / "bin"
    d.mkdir()
    (d / "inspection.toml").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    assert_refused(run_check(d), "not a text file")


def test_invalid_utf8(tmp_path):
    d = tmp_path / "latin"
    d.mkdir()
    (d / "inspection.toml").write_bytes(GOOD.replace("Test YOS", "Caf\xe9").encode("latin-1"))
    assert_refused(run_check(d), "not valid UTF-8", "line 2")


def test_huge_file_is_refused_before_parsing(tmp_path):
    d = tmp_path / "huge"
    d.mkdir()
    with open(d / "inspection.toml", "wb") as fh:
        fh.write(GOOD.encode())
        fh.write(b"#" * (5 * 1024 * 1024))
    assert_refused(run_check(d), "over the", "not parsed")


def test_bom_is_accepted(tmp_path):
    d = tmp_path / "bom"
    d.mkdir()
    (d / "inspection.toml").write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    proc = run_check(d)
    assert proc.returncode == 0 and "valid" in proc.stdout


def test_rate_refuses_bad_input_too(tmp_path):
    d = write_inspection(tmp_path, inspection_text(all_good_cases({"2.2": [(8, 8), (8, 9), (8, 6)]})))
    proc = subprocess.run([sys.executable, "-m", "panel_tui", "rate", str(d), "--json"], capture_output=True, text=True)
    assert_refused(proc, "yes (9) is more than relevant (8)")
