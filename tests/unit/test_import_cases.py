"""`panel-tui import-cases`: counts from case answers, cases.csv kept, and every refusal."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from panel_tui.core.cases import CASES_FILE, import_cases, merge_tables, read_case_file
from panel_tui.core.engine import rate
from panel_tui.core.errors import InputError
from panel_tui.core.framework import load_framework
from panel_tui.core.inspection import load_inspection
from panel_tui.core.new_session import write_new_session


def cli(*args):
    return subprocess.run([sys.executable, "-m", "panel_tui", *map(str, args)], capture_output=True, text=True)


@pytest.fixture
def session(tmp_path) -> Path:
    d = tmp_path / "s"
    write_new_session(d, "hmip-yjs-2021", "Test YJS", "2024-05-13", "A. Lead")
    return d


def write(tmp_path, text, name="cases.in.csv") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def questions(d):
    doc = tomllib.loads((d / "inspection.toml").read_text(encoding="utf-8"))
    return {q["id"]: q for s in doc["standard"] for q in s.get("question", [])}


GOOD = "case,2.2.1,2.2.2,2.2.3\nC1,Yes,yes,N/A\nC2,y,No,\nC3,Y,N,Yes\nC4,YES,Yes,n/a\nC5,yes,no,NO\n"


def test_counts_written_and_everything_else_kept(tmp_path, session):
    before = (session / "inspection.toml").read_text(encoding="utf-8")
    proc = cli("import-cases", session, write(tmp_path, GOOD))
    assert proc.returncode == 0, proc.stderr
    assert "2.2.2: 2 of 5" in proc.stdout and "5 cases" in proc.stdout
    qs = questions(session)
    assert {k: qs[k] for k in ("2.2.1", "2.2.2", "2.2.3")} == {
        "2.2.1": {"id": "2.2.1", "relevant": 5, "yes": 5},
        "2.2.2": {"id": "2.2.2", "relevant": 5, "yes": 2},
        "2.2.3": {"id": "2.2.3", "relevant": 2, "yes": 1},
    }
    assert qs["2.1.1"] == {"id": "2.1.1"}  # not in the file: still awaiting
    after = (session / "inspection.toml").read_text(encoding="utf-8")
    # only the figures changed: every other line (comments included) is as it was
    kept = [ln for ln in before.splitlines() if not ln.startswith(("# relevant = N", "# yes = N")) or "2.2." not in ln]
    assert all(ln in after.splitlines() for ln in kept if ln.startswith(("#", "[", "id", "service", "lead")))
    assert after.count("# relevant = N") == before.count("# relevant = N") - 3
    r = rate(load_inspection(session))
    assert r.standard("2.2").computed == "Inadequate" and r.standard("2.2").lowest_questions == ["2.2.2"]


def test_case_answers_kept_beside_the_inspection(tmp_path, session):
    cli("import-cases", session, write(tmp_path, GOOD))
    kept = (session / CASES_FILE).read_text(encoding="utf-8").splitlines()
    assert kept[0] == "case,2.2.1,2.2.2,2.2.3"
    assert kept[2] == "C2,Yes,No,"  # spelt one way whatever the input
    table = read_case_file(session / CASES_FILE, load_framework("hmip-yjs-2021"))
    assert table.answered("2.2.2", "No") == ["C2", "C3", "C5"]


def test_a_second_import_merges_by_column(tmp_path, session):
    cli("import-cases", session, write(tmp_path, GOOD))
    proc = cli("import-cases", session, write(tmp_path, "case,3.1.1,3.1.2,3.1.3\nD1,Yes,Yes,Yes\n", "ooc.csv"))
    assert proc.returncode == 0, proc.stderr
    kept = (session / CASES_FILE).read_text(encoding="utf-8").splitlines()
    assert kept[0] == "case,2.2.1,2.2.2,2.2.3,3.1.1,3.1.2,3.1.3"
    assert kept[-1] == "D1,,,,Yes,Yes,Yes"
    assert questions(session)["2.2.2"]["yes"] == 2 and questions(session)["3.1.1"] == {
        "id": "3.1.1",
        "relevant": 1,
        "yes": 1,
    }


def test_merge_replaces_a_reimported_column_whole():
    fw = load_framework("hmip-yjs-2021")
    from panel_tui.core.cases import CaseTable

    old = CaseTable(("2.1.1", "2.1.2"), (("A", ("Yes", "No")), ("B", ("No", "No"))))
    new = CaseTable(("2.1.2",), (("A", ("Yes",)),))
    merged = merge_tables(old, new)
    assert merged.questions == ("2.1.1", "2.1.2")
    assert merged.rows == (("A", ("Yes", "Yes")), ("B", ("No", "")))
    assert merged.counts() == {"2.1.1": (2, 1), "2.1.2": (1, 1)} and fw


def test_all_na_writes_relevant_zero(tmp_path, session):
    proc = cli("import-cases", session, write(tmp_path, "case,2.2.1,2.2.2,2.2.3\nC1,Yes,Yes,N/A\nC2,Yes,No,\n"))
    assert proc.returncode == 0, proc.stderr
    assert questions(session)["2.2.3"] == {"id": "2.2.3", "relevant": 0}
    assert "2.2.3: did not apply" in proc.stdout


def test_crlf_and_bom_input(tmp_path, session):
    p = tmp_path / "w.csv"
    p.write_bytes("\ufeffcase,2.2.1\r\nC1,Yes\r\nC2,No\r\n".encode("utf-8"))
    proc = cli("import-cases", session, p)
    assert proc.returncode == 0, proc.stderr
    assert questions(session)["2.2.1"] == {"id": "2.2.1", "relevant": 2, "yes": 1}


REFUSALS = [
    ("case,2.2.1\nC1,maybe\n", "row 2, column 2.2.1: value 'maybe' is not Yes, No, N/A or empty"),
    ("case,2.2.1,2.2.2\nC1,Yes,No\nC2,Yes,1\n", "row 3, column 2.2.2: value '1' is not Yes, No, N/A or empty"),
    ("case,2.9.9\nC1,Yes\n", "row 1, column 2: '2.9.9' is not a key question of a case-based standard"),
    ("case,1.2.5\nC1,Yes\n", "row 1, column 2: '1.2.5' is a key question of a judgement standard"),
    ("case,2.2.1,2.2.1\nC1,Yes,No\n", "row 1, column 3: key question 2.2.1 is given twice"),
    ("id,2.2.1\nC1,Yes\n", "row 1, column 1: the header must start with 'case'"),
    ("case\nC1\n", "the header names no key question"),
    ("case,2.2.1\n", "has a header but no case rows"),
    ("", "is empty"),
    ("case,2.2.1\nC1,Yes\nC1,No\n", "row 3, column case: case 'C1' is given twice (first in row 2)"),
    ("case,2.2.1\n,Yes\n", "row 2, column case: the case id is empty"),
    ("case,2.2.1\n=HYPERLINK(1),Yes\n", "row 2, column case: case id '=HYPERLINK(1)' starts with '='"),
    ("case,2.2.1\nC1,Yes,No\n", "row 2, column 3: value 'No' is outside the header's columns"),
    # a comma in an unquoted case id moves every answer after it one cell on; the row is longer than the header
    ("case,2.2.1,2.2.2\nC1,Yes,No\nSmith, Y,No,\n", "row 3: has 4 cells but the header has 3"),
    # an unterminated quote takes in every row after it: one row, not three cases
    ('case,2.2.1\n"C1,Yes\nC2,No\nC3,Yes\n', "row 2: a quoted cell that starts in this row is never closed"),
    ('case,2.2.1\nC1,Yes\nC2,"N"o\n', "row 3: has a quote in the middle of a cell"),
]


@pytest.mark.parametrize("text,message", REFUSALS)
def test_refusals_name_row_column_and_value_and_write_nothing(tmp_path, session, text, message):
    before = (session / "inspection.toml").read_bytes()
    proc = cli("import-cases", session, write(tmp_path, text))
    assert proc.returncode == 2 and message in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
    assert (session / "inspection.toml").read_bytes() == before and not (session / CASES_FILE).exists()


def test_a_header_padded_as_a_spreadsheet_pads_it_is_not_a_longer_row(tmp_path, session):
    """Excel gives every row as many cells as the widest: trailing empty cells in the header too."""
    proc = cli("import-cases", session, write(tmp_path, "case,2.2.1,,\nC1,Yes,,\nC2,No,,\n"))
    assert proc.returncode == 0, proc.stderr
    assert questions(session)["2.2.1"] == {"id": "2.2.1", "relevant": 2, "yes": 1}


def test_files_are_written_byte_for_byte_and_no_temporary_file_is_left(tmp_path, session):
    """A CRLF inspection keeps its CRLF, cases.csv has LF endings, and nothing else appears in the folder."""
    insp = session / "inspection.toml"
    insp.write_bytes(insp.read_bytes().replace(b"\n", b"\r\n"))
    before = sorted(p.name for p in session.iterdir())
    proc = cli("import-cases", session, write(tmp_path, 'case,2.2.1\r\nC1,Yes\r\n"C2",No\r\n'))
    assert proc.returncode == 0, proc.stderr
    data = insp.read_bytes()
    assert b"relevant = 2\r\nyes = 1\r\n" in data and data.count(b"\n") == data.count(b"\r\n")
    assert (session / CASES_FILE).read_bytes() == b"case,2.2.1\nC1,Yes\nC2,No\n"
    assert sorted(p.name for p in session.iterdir()) == sorted(before + [CASES_FILE])


def test_refused_when_a_decision_log_exists(tmp_path, stockton_copy):
    before = (stockton_copy / "inspection.toml").read_bytes()
    proc = cli("import-cases", stockton_copy, write(tmp_path, GOOD.replace("2.2.", "2.2.")))
    assert proc.returncode == 2 and "decisions.toml: exists: the inspection is frozen by its hash" in proc.stderr
    assert (stockton_copy / "inspection.toml").read_bytes() == before and not (stockton_copy / CASES_FILE).exists()


def test_refused_when_the_result_would_be_invalid(tmp_path, sessions_dir):
    d = tmp_path / "h"
    d.mkdir()
    shutil.copy(sessions_dir / "hammersmith-2022" / "inspection.toml", d / "inspection.toml")
    rows = "".join(f"C{i},Yes\n" for i in range(14))  # 14 cases; the court sample is 13
    before = (d / "inspection.toml").read_bytes()
    proc = cli("import-cases", d, write(tmp_path, "case,2.1.1\n" + rows))
    assert proc.returncode == 2 and "would make the inspection invalid" in proc.stderr
    assert "more than the 13 cases in the court sample" in proc.stderr
    assert (d / "inspection.toml").read_bytes() == before


def test_refused_when_the_question_table_is_missing(tmp_path):
    import re

    from tests.helpers import all_good_cases, inspection_text, write_inspection

    text = inspection_text(all_good_cases())
    inline = (
        '[[standard]]\nid = "2.4"\nquestion = [\n'
        + "".join(f'  {{ id = "2.4.{i}", relevant = 10, yes = 8 }},\n' for i in (1, 2, 3))
        + "]\n\n"
    )
    text = re.sub(r'\[\[standard\]\]\nid = "2\.4"\n.*?(?=\[\[standard\]\]\nid = "3\.1")', inline, text, flags=re.S)
    d = write_inspection(tmp_path, text)
    load_inspection(d)  # valid as it is
    before = (d / "inspection.toml").read_bytes()
    with pytest.raises(InputError, match=r"has no \[\[standard.question\]\] table for 2.4.1"):
        import_cases(d, write(tmp_path, "case,2.4.1\nC1,Yes\n"))
    assert (d / "inspection.toml").read_bytes() == before


def test_existing_counts_and_percent_are_replaced(tmp_path, sessions_dir):
    d = tmp_path / "h"
    d.mkdir()
    shutil.copy(sessions_dir / "hammersmith-2022" / "inspection.toml", d / "inspection.toml")
    proc = cli(
        "import-cases",
        d,
        write(tmp_path, "case,2.3.1\n" + "".join(f"C{i},{'Yes' if i < 11 else 'No'}\n" for i in range(13))),
    )
    assert proc.returncode == 0, proc.stderr
    assert questions(d)["2.3.1"] == {"id": "2.3.1", "relevant": 13, "yes": 11}
    assert "Rebecca Howard" in (d / "inspection.toml").read_text(encoding="utf-8")


def test_xlsx_case_file(tmp_path, session):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in (["case", "2.2.1", "2.2.2"], ["C1", "Yes", "No"], [101, "y", None]):
        ws.append(row)
    p = tmp_path / "cases.xlsx"
    wb.save(p)
    proc = cli("import-cases", session, p)
    assert proc.returncode == 0, proc.stderr
    assert questions(session)["2.2.2"] == {"id": "2.2.2", "relevant": 1, "yes": 0}
    assert "101,Yes," in (session / CASES_FILE).read_text(encoding="utf-8")


def test_a_damaged_xlsx_is_a_message(tmp_path, session):
    pytest.importorskip("openpyxl")
    p = write(tmp_path, "not a zip", "cases.xlsx")
    proc = cli("import-cases", session, p)
    assert proc.returncode == 2 and "is not a readable .xlsx workbook" in proc.stderr


def test_evidence_names_the_cases_that_would_flip_the_band(tmp_path, session):
    from panel_tui.core.cases import cases_that_flip, load_cases
    from panel_tui.core.session import load_session
    from panel_tui.widgets.detail import detail_text

    cli("import-cases", session, write(tmp_path, "case,2.1.1,2.1.2,2.1.3\nC1,Yes,Y,n/a\nC2,no,yes,\nC3,Y,N,Yes\n"))
    s = load_session(session)
    lines = cases_that_flip(s.rating.framework, s.rating.standard("2.1"), load_cases(session, s.rating.framework))
    assert "2.1.1: any one of C1, C3 (Yes) answered No would make it Inadequate" in lines
    assert "2.1.3: any one of C3 (Yes) answered No would make it Inadequate" in lines
    assert "Cases that would flip the band" in detail_text(s, "2.1").plain


def test_out_of_date_case_answers_are_said_not_used(tmp_path, session):
    from panel_tui.core.cases import cases_that_flip, load_cases
    from panel_tui.core.session import load_session

    cli("import-cases", session, write(tmp_path, "case,2.1.1,2.1.2,2.1.3\nC1,Yes,Y,Y\nC2,no,yes,Y\nC3,Y,N,Yes\n"))
    p = session / "inspection.toml"
    p.write_text(
        p.read_text(encoding="utf-8").replace("relevant = 3\nyes = 2", "relevant = 3\nyes = 3", 1), encoding="utf-8"
    )
    s = load_session(session)
    lines = cases_that_flip(s.rating.framework, s.rating.standard("2.1"), load_cases(session, s.rating.framework))
    assert any("2.1.1: cases.csv gives 2 of 3, the inspection 3 of 3" in ln for ln in lines)
