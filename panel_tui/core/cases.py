"""Case-level answers: importing one row per case into an inspection, and keeping them beside it.

Inspectors answer every key question Yes or No for each case; the panel's figures (``relevant``
and ``yes``) are counts of those answers. Importing the answers, instead of typing counts, removes
a copying step, and keeping them (``cases.csv`` in the session) lets the evidence say which cases
would flip a band. The inspection file is edited in place, line by line, so its comments and
every other key stay as they were; the result is validated before anything is written.
"""

from __future__ import annotations

import csv
import importlib
import io
import re
import zipfile
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from xml.etree import ElementTree

from panel_tui.core.engine import StandardResult
from panel_tui.core.errors import InputError
from panel_tui.core.framework import Framework
from panel_tui.core.inspection import LOG_FILE, Inspection, load_inspection, parse_inspection, resolve_inspection_path
from panel_tui.core.filelock import atomic_write
from panel_tui.core.tomlfile import parse_toml, read_bytes

CASES_FILE = "cases.csv"
YES, NO, NA = "Yes", "No", "N/A"
ANSWERS = {"yes": YES, "y": YES, "no": NO, "n": NO, "n/a": NA, "": ""}
MAX_CASE_ID = 100


@dataclass(frozen=True)
class CaseTable:
    """Answers by case: ``questions`` in file order, ``rows`` as (case id, answers) in file order."""

    questions: tuple[str, ...]
    rows: tuple[tuple[str, tuple[str, ...]], ...]

    def counts(self) -> dict[str, tuple[int, int]]:
        """Key question id -> (relevant, yes): Yes and No answers count, N/A and blank do not."""
        out = {}
        for i, qid in enumerate(self.questions):
            answers = [a[i] for _, a in self.rows]
            out[qid] = (sum(a in (YES, NO) for a in answers), answers.count(YES))
        return out

    def answered(self, qid: str, answer: str) -> list[str]:
        """Case ids answered ``answer`` on key question ``qid``."""
        i = self.questions.index(qid)
        return [case for case, a in self.rows if a[i] == answer]


# --- reading ------------------------------------------------------------------------------
# A case file is read as a person sees it in a spreadsheet program, or refused: a value that cannot
# be known (a formula never calculated), shown in several cells but stored in one (a merged cell),
# or split differently from what the eye sees (a broken quote) would otherwise be counted silently.

MAX_XLSX_EXPANDED = 64 * 1024 * 1024  # a case sheet is far below this unpacked; more is a zip bomb or the wrong file
_CONTROL_BYTE = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # tab, LF and CR are a CSV's own
_CSV_FIX = "save the sheet as CSV UTF-8 (comma-separated), or give the .xlsx workbook itself."


def _csv_text(data: bytes, path: Path) -> str:
    """The file as UTF-8 text, or a refusal saying what it is instead (a workbook, UTF-16, binary)."""
    if data.startswith(b"PK\x03\x04"):
        raise InputError(path, None, "is not a CSV file: it is a zip archive, as an .xlsx or .ods workbook is.",
                         "give an .xlsx workbook a name ending in .xlsx, or save the sheet as CSV UTF-8 "
                         "(comma-separated).")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(path, None, "is not a CSV file: it is an old-style Office file (.xls).",
                         "save it as .xlsx, or as CSV UTF-8 (comma-separated).")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(path, None, "is UTF-16 text (as 'Unicode Text' is saved), not a UTF-8 CSV file.", _CSV_FIX)
    m = _CONTROL_BYTE.search(data)
    if m:
        line = data.count(b"\n", 0, m.start()) + 1
        what = "a NUL byte" if m.group() == b"\x00" else f"the control byte 0x{m.group()[0]:02x}"
        raise InputError(path, f"line {line}", f"is not a CSV file: it holds {what}, as binary files do.", _CSV_FIX)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(path, f"line {line}", "is not a UTF-8 CSV file: it has bytes that are not UTF-8 text "
                         "(a CSV saved in another encoding, or not text at all).", _CSV_FIX) from None
    return text[1:] if text.startswith("\ufeff") else text


_CSV_PROBLEMS = {
    "unexpected end of data": ("a quoted cell that starts in this row is never closed: the file ends inside the quotes.",
                               'close the quote, or remove it; a quote inside a quoted cell is written twice ("").'),
    "',' expected after '\"'": ("has a quote in the middle of a cell, which makes the row's cells ambiguous.",
                                'put the whole cell in quotes and write a quote inside it twice (""), '
                                'or remove the quote.'),
}


def _csv_rows(path: Path) -> list[tuple[int, list[str]]]:
    """Rows numbered as a spreadsheet numbers them (a quoted line break stays in its row)."""
    text = _csv_text(read_bytes(path, "case file"), path)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    start = 1  # the line the row being read starts on
    try:
        for row in reader:
            rows.append((len(rows) + 1, row))
            start = reader.line_num + 1
    except csv.Error as exc:
        n = len(rows) + 1
        place = f"row {n}" + (f" (line {start})" if start != n else "")
        problem, fix = _CSV_PROBLEMS.get(str(exc), (f"does not parse as CSV ({exc}).", _CSV_FIX))
        raise InputError(path, place, problem, fix) from None
    return rows


_CELL = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")


def _column(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _letters(column: int) -> str:
    out = ""
    while column:
        column, rest = divmod(column - 1, 26)
        out = chr(65 + rest) + out
    return out


def _bounds(ref: str) -> tuple[int, int, int, int] | None:
    """A range such as ``C2:C5`` as (first column, first row, last column, last row); None if unreadable."""
    parts = ref.split(":")
    ends = [m for m in (_CELL.fullmatch(part) for part in parts) if m]
    if len(ends) != len(parts) or not 1 <= len(ends) <= 2:
        return None
    c1, r1 = _column(ends[0].group(1)), int(ends[0].group(2))
    c2, r2 = _column(ends[-1].group(1)), int(ends[-1].group(2))
    return min(c1, c2), min(r1, r2), max(c1, c2), max(r1, r2)


def _sheet_ref(title: str, ref: str) -> str:
    """``Sheet1!C4``, or ``'Case answers'!C4`` when the title needs quoting, as a spreadsheet writes it."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", title):
        return f"{title}!{ref}"
    return "'" + title.replace("'", "''") + f"'!{ref}"


def _scan_sheet(archive: zipfile.ZipFile, member: str) -> tuple[list[tuple[str, str]], list[str]]:
    """From the sheet's XML: formula cells with no saved value as (cell, formula), and merged ranges.

    openpyxl reads an uncalculated formula and a formula whose value is blank alike (None); only
    the XML tells them apart: a saved text result, even an empty one, is ``t="str"`` with ``<v>``.
    """
    unsaved: list[tuple[str, str]] = []
    merged: list[str] = []
    row = col = 0
    with archive.open(member) as src:
        for event, el in ElementTree.iterparse(src, events=("start", "end")):
            tag = el.tag.rpartition("}")[2]
            if event == "start":
                if tag == "row":
                    row = int(el.get("r") or row + 1)
                    col = 0
                continue
            if tag == "c":
                ref = el.get("r") or ""
                m = _CELL.fullmatch(ref)
                if m:
                    col = _column(m.group(1))
                else:
                    col += 1
                    ref = f"{_letters(col)}{row}"
                parts = {child.tag.rpartition("}")[2]: child for child in el}
                if "f" in parts:
                    v = parts.get("v")
                    saved = (v is not None and bool(v.text)) or ("is" in parts) or \
                        (v is not None and el.get("t") == "str")
                    if not saved:
                        unsaved.append((ref, parts["f"].text or ""))
                el.clear()
            elif tag == "row":
                el.clear()
            elif tag == "mergeCell":
                merged.append(el.get("ref", ""))
    return unsaved, merged


def _xlsx_rows(path: Path) -> list[tuple[int, list[str]]]:
    try:
        openpyxl = importlib.import_module("openpyxl")  # optional extra: pip install 'panel-tui[xlsx]'
    except ImportError:
        raise InputError(path, None, "reading .xlsx needs the optional openpyxl package.",
                         "pip install 'panel-tui[xlsx]', or save the sheet as CSV.") from None
    read_bytes(path, "case file")  # size and type checks first
    unreadable = "open and save it in a spreadsheet program, or save it as CSV."
    try:
        with zipfile.ZipFile(path) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
            if expanded > MAX_XLSX_EXPANDED:
                raise InputError(path, None, f"unpacks to {expanded:,} bytes, over the {MAX_XLSX_EXPANDED:,}-byte "
                                 "limit for a case sheet; not read.", "check that this is the right file.")
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)  # data_only: formulas' saved values
    except InputError:
        raise
    except Exception as exc:  # zipfile and openpyxl raise many types for a damaged or foreign file
        raise InputError(path, None, f"is not a readable .xlsx workbook ({type(exc).__name__}).", unreadable) from None
    try:
        if not wb.worksheets:
            raise InputError(path, None, "has no worksheet.", "put the case answers on the first sheet.")
        ws = wb.worksheets[0]
        title = str(ws.title)[:40]
        member = getattr(ws, "_worksheet_path", None)  # openpyxl's read-only sheets know their part
        if not isinstance(member, str):
            raise InputError(path, None, "cannot be checked for formulas and merged cells with this version of "
                             "openpyxl.", "save the sheet as CSV UTF-8 and import that.")
        try:
            with zipfile.ZipFile(path) as archive:
                unsaved, merged = _scan_sheet(archive, member)
            ws.reset_dimensions()  # read every stored cell, not only those a (possibly wrong) <dimension> names
            out: list[tuple[int, list[str]]] = []
            for n, values in enumerate(ws.iter_rows(values_only=True), 1):
                out.append((n, ["" if v is None else str(v) for v in values]))
        except Exception as exc:
            raise InputError(path, None, f"is not a readable .xlsx workbook ({type(exc).__name__}).",
                             unreadable) from None
    finally:
        wb.close()
    if unsaved:
        ref, formula = unsaved[0]
        shown = formula if len(formula) <= 40 else formula[:40] + "…"
        more = f", as do {len(unsaved) - 1} other cells" if len(unsaved) > 1 else ""
        raise InputError(path, _sheet_ref(title, ref), f"holds a formula (={shown}) with no saved value{more}: "
                         "what a spreadsheet would show there cannot be known without calculating it.",
                         "open and save the workbook in Excel or LibreOffice so the values are stored, "
                         "or paste values over the formulas.")
    filled = [(n, [i for i, c in enumerate(row, 1) if c.strip()]) for n, row in out] if merged else []
    filled = [(n, cols) for n, cols in filled if cols]
    if filled:  # a merged range touching the table (header to last case, first to last used column)
        top, bottom = filled[0][0], filled[-1][0]
        right = max(cols[-1] for _, cols in filled)
        for ref in merged:
            box = _bounds(ref)
            if box is None:
                raise InputError(path, _sheet_ref(title, ref[:20] or "?"), "is a merged range that cannot be read.",
                                 "unmerge the cells, or save the sheet as CSV UTF-8.")
            c1, r1, c2, r2 = box
            if r1 <= bottom and r2 >= top and c1 <= right:
                first = ref.split(":")[0]
                raise InputError(path, _sheet_ref(title, ref), f"is a merged cell: a spreadsheet shows its value in "
                                 f"every cell of {ref}, but only {first} holds it, so the others would read as "
                                 "empty.", "unmerge the cells and fill in each case's answer.")
    return out


def read_case_file(path: Path, fw: Framework) -> CaseTable:
    """Read and check a case file: header ``case`` then key-question ids; one row per case."""
    is_csv = path.suffix.lower() != ".xlsx"
    raw = _csv_rows(path) if is_csv else _xlsx_rows(path)
    raw = [(n, [c.strip() for c in row]) for n, row in raw]
    while raw and not any(raw[-1][1]):
        raw.pop()
    raw = [(n, row) for n, row in raw if any(row)]  # wholly blank rows carry nothing
    if not raw:
        raise InputError(path, None, "is empty.", "give a header row: case, then key-question ids.")
    hline, header = raw[0]
    header_cells = len(header)  # a CSV row with more cells than this was split by a stray comma or quote
    while header and header[-1] == "":
        header = header[:-1]
    if not header or header[0].lower() != "case":
        raise InputError(path, f"row {hline}, column 1", f"the header must start with 'case', not {header[0] if header else ''!r}.",
                         "put case in the first column, then one key-question id per column.")
    valid = {q.id for s in fw.standards if s.is_cases for q in s.questions}
    judgement = {q.id for s in fw.standards if not s.is_cases for q in s.questions}
    questions: list[str] = []
    for col, qid in enumerate(header[1:], 2):
        if qid in judgement:
            raise InputError(path, f"row {hline}, column {col}", f"{qid!r} is a key question of a judgement standard; "
                             "it has no case answers.", "remove that column.")
        if qid not in valid:
            raise InputError(path, f"row {hline}, column {col}", f"{qid!r} is not a key question of a case-based "
                             f"standard of {fw.id}.", "use key-question ids such as 2.1.1 in the header.")
        if qid in questions:
            raise InputError(path, f"row {hline}, column {col}", f"key question {qid} is given twice.", "keep one column per question.")
        questions.append(qid)
    if not questions:
        raise InputError(path, f"row {hline}", "the header names no key question.", "add key-question ids after case.")
    rows: list[tuple[str, tuple[str, ...]]] = []
    seen: dict[str, int] = {}
    width = len(questions) + 1
    for n, row in raw[1:]:
        extra = [c for c in row[width:] if c]
        if extra:
            raise InputError(path, f"row {n}, column {width + 1}", f"value {extra[0]!r} is outside the header's columns.",
                             "remove it or add its key question to the header.")
        if is_csv and len(row) > header_cells:
            raise InputError(path, f"row {n}", f"has {len(row)} cells but the header has {header_cells}: a comma in "
                             "a cell that is not quoted splits it and moves the answers after it.",
                             'put quotes around a cell that holds a comma ("Smith, J"), or remove the extra commas.')
        row = row[:width] + [""] * (width - len(row))
        case = row[0]
        if not case:
            raise InputError(path, f"row {n}, column case", "the case id is empty.", "give every row a case id.")
        if len(case) > MAX_CASE_ID or any(ord(c) < 32 or ord(c) == 127 for c in case):
            raise InputError(path, f"row {n}, column case", f"case id {case[:40]!r} is not a short one-line id.",
                             f"use an id of at most {MAX_CASE_ID} plain characters.")
        if case[0] in "=+-@":
            raise InputError(path, f"row {n}, column case", f"case id {case[:40]!r} starts with {case[0]!r}, which a "
                             "spreadsheet would run as a formula.", "start case ids with a letter or digit.")
        if case in seen:
            raise InputError(path, f"row {n}, column case", f"case {case!r} is given twice (first in row {seen[case]}).",
                             "one row per case.")
        seen[case] = n
        answers = []
        for qid, cell in zip(questions, row[1:]):
            value = ANSWERS.get(cell.lower())
            if value is None:
                shown = cell if len(cell) <= 40 else cell[:40] + "…"
                raise InputError(path, f"row {n}, column {qid}", f"value {shown!r} is not Yes, No, N/A or empty.",
                                 "answer each key question Yes, No or N/A (Y and N are accepted).")
            answers.append(value)
        rows.append((case, tuple(answers)))
    if not rows:
        raise InputError(path, None, "has a header but no case rows.", "add one row per case.")
    return CaseTable(tuple(questions), tuple(rows))


# --- writing the counts into the inspection file -------------------------------------------

_TABLE = re.compile(r"^\s*\[")
_QUESTION_HEADER = re.compile(r"^\s*\[\[\s*standard\s*\.\s*question\s*\]\]\s*(#.*)?$")
_FIGURE = re.compile(r"^\s*(relevant|yes|percent)\s*=")
_TEMPLATE_HINT = re.compile(r"^\s*#\s*(relevant|yes)\s*=\s*N\b")  # `panel-tui new`'s placeholders


def _id_of(line: str) -> str | None:
    m = re.match(r'^\s*id\s*=\s*"([^"]*)"', line) or re.match(r"^\s*id\s*=\s*'([^']*)'", line)
    return m.group(1) if m else None


def with_counts(text: str, counts: dict[str, tuple[int, int]], path: Path) -> str:
    """The inspection text with each imported question's figures replaced by relevant and yes."""
    lines = text.splitlines(keepends=True)
    blocks: dict[str, tuple[int, int, int]] = {}  # qid -> (header line, id line, end)
    i = 0
    while i < len(lines):
        if _QUESTION_HEADER.match(lines[i]):
            end = i + 1
            while end < len(lines) and not _TABLE.match(lines[end]):
                end += 1
            for j in range(i + 1, end):
                qid = _id_of(lines[j])
                if qid is not None:
                    blocks[qid] = (i, j, end)
                    break
            i = end
        else:
            i += 1
    missing = [q for q in counts if q not in blocks]
    if missing:
        raise InputError(path, None, f"has no [[standard.question]] table for {', '.join(missing)}.",
                         "start the session with panel-tui new, or add a table with that id.")
    newline = "\r\n" if "\r\n" in text else "\n"
    edits = sorted(((blocks[q], counts[q]) for q in counts), key=lambda e: e[0][0], reverse=True)
    for (start, id_line, end), (relevant, yes) in edits:
        body = [ln for k, ln in enumerate(lines[start:end], start)
                if k == id_line or not (_FIGURE.match(ln) or _TEMPLATE_HINT.match(ln))]
        idx = body.index(lines[id_line])
        figures = [f"relevant = {relevant}{newline}"] + ([f"yes = {yes}{newline}"] if relevant else [])
        if not body[idx].endswith(("\n", "\r")):
            body[idx] += newline
        lines[start:end] = body[: idx + 1] + figures + body[idx + 1:]
    return "".join(lines)


def _cases_csv(table: CaseTable) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["case", *table.questions])
    for case, answers in table.rows:
        w.writerow([case, *answers])
    return buf.getvalue()


def merge_tables(old: CaseTable | None, new: CaseTable) -> CaseTable:
    """Columns the new import gives replace the old ones whole; other columns are kept."""
    if old is None:
        return new
    kept = [q for q in old.questions if q not in new.questions]
    questions = tuple(kept) + new.questions
    answers: dict[str, dict[str, str]] = {}
    for case, a in old.rows:
        answers[case] = {q: v for q, v in zip(old.questions, a) if q in kept}
    for case, a in new.rows:
        answers.setdefault(case, {}).update(zip(new.questions, a))
    rows = tuple((case, tuple(vals.get(q, "") for q in questions)) for case, vals in answers.items())
    return CaseTable(questions, rows)


def load_cases(session_dir: Path, fw: Framework) -> CaseTable | None:
    """The session's kept case answers, or None when there are none."""
    p = session_dir / CASES_FILE
    return read_case_file(p, fw) if p.exists() else None


@dataclass(frozen=True)
class ImportResult:
    inspection: Inspection
    table: CaseTable  # what cases.csv now holds
    imported: dict[str, tuple[int, int]]  # question -> (relevant, yes) written


def import_cases(session: Path | str, case_file: Path) -> ImportResult:
    """Write case answers' counts into the inspection and keep the answers in cases.csv.

    Refused (InputError, nothing written) when a decision log exists: decisions were made on the
    inspection as it was, and the log holds its hash.
    """
    insp_path = resolve_inspection_path(session)
    insp = load_inspection(insp_path)
    folder = insp_path.parent
    if (folder / LOG_FILE).exists():
        raise InputError(folder / LOG_FILE, None, "exists: the inspection is frozen by its hash once the panel has "
                         "recorded a decision; nothing imported.", "import case answers before the panel meets.")
    table = read_case_file(case_file, insp.framework)
    counts = table.counts()
    text = insp_path.read_bytes().decode("utf-8-sig")
    new_text = with_counts(text, counts, insp_path)
    data = new_text.encode("utf-8")
    try:
        checked = parse_inspection(parse_toml(new_text, insp_path, "inspection file"), data, new_text, insp_path)
    except InputError as exc:
        raise InputError(case_file, None, f"would make the inspection invalid: {exc}", "nothing was written; "
                         "correct the case file.") from None
    old = None
    if (folder / CASES_FILE).exists():
        old = read_case_file(folder / CASES_FILE, insp.framework)
    merged = merge_tables(old, table)
    atomic_write(folder / CASES_FILE, _cases_csv(merged).encode("utf-8"))
    atomic_write(insp_path, data)
    return ImportResult(checked, merged, counts)


# --- which cases would flip a band -----------------------------------------------------------

def cases_that_flip(fw: Framework, s: StandardResult, table: CaseTable | None) -> list[str]:
    """Lines for the evidence: the cases whose one answer, the other way, would change the band.

    ``s`` is the engine's StandardResult. Kept answers are used only where they still give the
    inspection's counts; a mismatch is said, not papered over.
    """
    if table is None or s.kind != "cases" or s.not_rated or s.awaiting:
        return []
    band = fw.band_index(s.computed)
    counts = table.counts()
    lines = []
    for q in s.questions:
        if q.id not in counts or q.yes is None or q.relevant is None:
            continue
        if counts[q.id] != (q.relevant, q.yes):
            lines.append(f"{q.id}: cases.csv gives {counts[q.id][1]} of {counts[q.id][0]}, the inspection "
                         f"{q.yes} of {q.relevant}: the kept answers are out of date")
            continue
        for delta, answer, other in ((1, NO, YES), (-1, YES, NO)):
            y = q.yes + delta
            if not 0 <= y <= q.relevant:
                continue
            percents = [Fraction(100 * y, q.relevant) if o is q else o.percent for o in s.questions]
            nb = fw.band_for(min(percents))
            if nb != band:
                cases = table.answered(q.id, answer)
                shown = ", ".join(cases[:8]) + (f" and {len(cases) - 8} more" if len(cases) > 8 else "")
                lines.append(f"{q.id}: any one of {shown} ({answer}) answered {other} would make it {fw.bands[nb].name}")
    return lines
