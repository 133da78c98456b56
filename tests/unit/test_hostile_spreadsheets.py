"""Case files read as a person sees them in a spreadsheet, or refused (issue 21).

A formula never calculated, a merged cell, a broken quote or a binary file used to be counted
silently (every answer "did not apply", 0 of 5 instead of 0 of 8, a case id ``C03,Yes``). Each is
now one message naming the file, the cell, range or row, and the fix; nothing is written.
"""

from __future__ import annotations

import re
import tomllib
import zipfile
from pathlib import Path

import pytest

from panel_tui.cli import main
from panel_tui.core.cases import CASES_FILE, read_case_file, xlsx_reader
from panel_tui.core.errors import InputError
from panel_tui.core.framework import load_framework
from panel_tui.core.new_session import write_new_session

openpyxl = pytest.importorskip("openpyxl")

FORMULA = 'IF(1,"Yes","No")'
SHEET = "xl/worksheets/sheet1.xml"


@pytest.fixture
def session(tmp_path) -> Path:
    d = tmp_path / "s"
    write_new_session(d, "hmip-yjs-2021", "Test YJS", "2024-05-13", "A. Lead")
    return d


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def questions(d: Path) -> dict[str, dict[str, object]]:
    doc = tomllib.loads((d / "inspection.toml").read_text(encoding="utf-8"))
    return {q["id"]: q for s in doc["standard"] for q in s.get("question", [])}


def workbook(path: Path, rows: list[list[object]], title: str = "Sheet1", merge: str | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    if merge:
        ws.merge_cells(merge)
    wb.save(path)
    return path


def patch_sheet(path: Path, edit) -> None:
    """Rewrite the first sheet's XML inside the workbook, as a script or another program might."""
    with zipfile.ZipFile(path) as z:
        members = [(info, z.read(info)) for info in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in members:
            z.writestr(info, edit(data.decode("utf-8")).encode("utf-8") if info.filename == SHEET else data)


def refused(capsys, session: Path, case_file: Path) -> str:
    """Run the import, check it was refused as bad input with nothing written, and give the message."""
    before = (session / "inspection.toml").read_bytes()
    files = sorted(p.name for p in session.iterdir())
    code, out, err = run(capsys, "import-cases", session, case_file)
    assert code == 2, (out, err)
    assert "Traceback" not in err and err.count("\n") == 1 and out == ""
    assert str(case_file) in err and "Fix: " in err
    assert (session / "inspection.toml").read_bytes() == before
    assert sorted(p.name for p in session.iterdir()) == files  # no cases.csv, no temporary file left
    return err


# --- formulas ------------------------------------------------------------------------------


def test_formulas_without_saved_values_are_refused_naming_the_cell(tmp_path, session, capsys):
    """openpyxl (and scripts like it) save formulas with no value; they used to count as 'did not apply'."""
    p = workbook(
        tmp_path / "answers.xlsx", [["case", "2.2.1", "2.2.2"]] + [[f"C{i}", f"={FORMULA}", "Yes"] for i in range(1, 9)]
    )
    err = refused(capsys, session, p)
    assert f"Sheet1!B2: holds a formula (={FORMULA}) with no saved value, as do 7 other cells" in err
    assert "open and save the workbook in Excel or LibreOffice so the values are stored, or paste values" in err


def test_the_cell_is_named_with_a_quoted_sheet_title(tmp_path, session, capsys):
    p = workbook(tmp_path / "answers.xlsx", [["case", "2.2.1"], ["C1", "Yes"], ["C2", "=1=1"]], title="Case answers")
    err = refused(capsys, session, p)
    assert "'Case answers'!B3: holds a formula (=1=1) with no saved value:" in err
    assert "as do" not in err  # one such cell only


def test_saved_formula_values_are_read_as_excel_shows_them(tmp_path, session, capsys):
    """Excel and LibreOffice store each formula's last value beside it; that value is what is counted."""
    shown = {2: "Yes", 3: "Yes", 4: "No", 5: "Yes", 6: "", 7: "No"}  # row 6: a formula whose result is empty
    rows = [["case", "2.2.1", "2.2.2"]] + [[f"C{r}", f"={FORMULA}", "Yes"] for r in shown] + [["=100+1", "No", "No"]]
    p = workbook(tmp_path / "answers.xlsx", rows)

    def with_values(xml: str) -> str:
        for r, value in shown.items():
            xml, n = re.subn(rf'<c r="B{r}"><f>([^<]*)</f><v ?/>', rf'<c r="B{r}" t="str"><f>\1</f><v>{value}</v>', xml)
            assert n == 1
        xml, n = re.subn(r'<c r="A8"><f>100\+1</f><v ?/>', '<c r="A8"><f>100+1</f><v>101</v>', xml)
        assert n == 1
        return xml

    patch_sheet(p, with_values)
    ws = openpyxl.load_workbook(p).active  # the cells are still formulas: the saved values are what is read
    assert ws["B2"].value == f"={FORMULA}" and ws["A8"].value == "=100+1"
    code, out, err = run(capsys, "import-cases", session, p)
    assert code == 0, err
    assert "2.2.1: 3 of 6" in out and "2.2.2: 6 of 7" in out
    assert questions(session)["2.2.1"] == {"id": "2.2.1", "relevant": 6, "yes": 3}
    kept = (session / CASES_FILE).read_text(encoding="utf-8").splitlines()
    assert kept[5] == "C6,,Yes" and kept[-1] == "101,No,No"


# --- merged cells --------------------------------------------------------------------------

ROWS = [["case", "2.2.1", "2.2.2"]] + [[f"C{i}", "Yes", "No"] for i in range(1, 9)]


@pytest.mark.parametrize("merge", ["C2:C5", "B1:C1", "A3:A4", "B9:C9"])
def test_a_merged_cell_in_the_table_is_refused_naming_the_range(tmp_path, session, capsys, merge):
    """Merged C2:C5 = "No" shows No for four cases but stores it in C2 only: 0 of 5 instead of 0 of 8."""
    err = refused(capsys, session, workbook(tmp_path / "answers.xlsx", ROWS, merge=merge))
    assert (
        f"Sheet1!{merge}: is a merged cell: a spreadsheet shows its value in every cell of {merge}, but only "
        f"{merge.split(':')[0]} holds it" in err
    )
    assert "Fix: unmerge the cells and fill in each case's answer." in err


def test_a_merged_cell_away_from_the_table_is_no_concern(tmp_path, session, capsys):
    code, out, err = run(capsys, "import-cases", session, workbook(tmp_path / "answers.xlsx", ROWS, merge="F12:G14"))
    assert code == 0, err
    assert "2.2.2: 0 of 8" in out


# --- the sheet's own claims ------------------------------------------------------------------


def test_a_sheet_whose_dimension_understates_it_is_read_whole(tmp_path, session, capsys):
    """openpyxl's fast reader stops where <dimension> says the sheet ends; a script may write it wrong."""
    p = workbook(tmp_path / "answers.xlsx", ROWS)

    def understated(xml: str) -> str:
        new, n = re.subn(r'<dimension ref="[^"]*" ?/>', '<dimension ref="A1:B3"/>', xml)
        assert n == 1
        return new

    patch_sheet(p, understated)
    code, out, err = run(capsys, "import-cases", session, p)
    assert code == 0, err
    assert questions(session)["2.2.1"] == {"id": "2.2.1", "relevant": 8, "yes": 8}
    assert questions(session)["2.2.2"] == {"id": "2.2.2", "relevant": 8, "yes": 0}


def test_a_damaged_sheet_is_a_message(tmp_path, session, capsys):
    p = workbook(tmp_path / "answers.xlsx", ROWS)
    patch_sheet(p, lambda xml: xml[: len(xml) // 2])  # cut off mid-way, as an interrupted copy is
    err = refused(capsys, session, p)
    assert "is not a readable .xlsx workbook" in err


def test_a_workbook_that_unpacks_too_far_is_refused_before_reading(tmp_path, session, monkeypatch):
    p = workbook(tmp_path / "answers.xlsx", ROWS)
    with zipfile.ZipFile(p) as z:
        size = sum(i.file_size for i in z.infolist())
    monkeypatch.setattr(xlsx_reader, "MAX_XLSX_EXPANDED", size - 1)
    with pytest.raises(InputError, match=f"unpacks to {size:,} bytes, over the {size - 1:,}-byte limit"):
        read_case_file(p, load_framework("hmip-yjs-2021"))
    monkeypatch.setattr(xlsx_reader, "MAX_XLSX_EXPANDED", size)
    assert read_case_file(p, load_framework("hmip-yjs-2021")).counts()["2.2.1"] == (8, 8)


# --- CSV that is not what it seems ---------------------------------------------------------


def test_an_unterminated_quote_is_refused_not_made_a_case(tmp_path, session, capsys):
    """`"C03,Yes` then the end of the file used to become case id `C03,Yes` with no answer."""
    p = tmp_path / "answers.csv"
    p.write_text('case,2.2.1\nC01,Yes\nC02,No\n"C03,Yes', encoding="utf-8")
    err = refused(capsys, session, p)
    assert "answers.csv: row 4: a quoted cell that starts in this row is never closed" in err


def test_a_broken_row_is_named_by_its_row_and_line(tmp_path, session, capsys):
    """A quoted line break keeps a row on two lines; the message gives the row and where it starts."""
    p = tmp_path / "answers.csv"
    p.write_text('case,2.2.1\n"C1\nnote",Yes\nC2,"Ye"s\n', encoding="utf-8")
    err = refused(capsys, session, p)
    assert "answers.csv: row 3 (line 4): has a quote in the middle of a cell" in err


BINARY = [
    (b"case,2.2.1\nC01,Yes\x00\n", "line 2: is not a CSV file: it holds a NUL byte"),
    (b"case,2.2.1\nC01,Yes\nC02,\x1b[2JNo\n", "line 3: is not a CSV file: it holds the control byte 0x1b"),
    ("case,2.2.1\nZo\u00eb,Yes\n".encode("cp1252"), "line 2: is not a UTF-8 CSV file"),
    ("case,2.2.1\nC1,Yes\n".encode("utf-16"), "is UTF-16 text"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "is not a CSV file: it is an old-style Office file (.xls)"),
]


@pytest.mark.parametrize("data,message", BINARY)
def test_binary_content_is_not_a_csv_file(tmp_path, session, capsys, data, message):
    p = tmp_path / "answers.csv"
    p.write_bytes(data)
    err = refused(capsys, session, p)
    assert f"answers.csv: {message}" in err
    assert "TOML" not in err  # the old advice: "give the TOML file"


def test_a_workbook_named_csv_is_told_to_be_named_xlsx(tmp_path, session, capsys):
    err = refused(capsys, session, workbook(tmp_path / "answers.csv", ROWS))
    assert "is not a CSV file: it is a zip archive" in err and "a name ending in .xlsx" in err
