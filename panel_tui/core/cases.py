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
import os
import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from panel_tui.core.engine import StandardResult
from panel_tui.core.errors import InputError
from panel_tui.core.framework import Framework
from panel_tui.core.inspection import LOG_FILE, Inspection, load_inspection, parse_inspection, resolve_inspection_path
from panel_tui.core.tomlfile import decode_text, parse_toml, read_bytes

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

def _csv_rows(path: Path) -> list[tuple[int, list[str]]]:
    text = decode_text(read_bytes(path, "case file"), path, "case file")
    try:
        return [(n, row) for n, row in enumerate(csv.reader(io.StringIO(text, newline="")), 1)]
    except csv.Error as exc:
        raise InputError(path, None, f"is not a readable CSV file ({exc}).", "save it as CSV (comma-separated).") from None


def _xlsx_rows(path: Path) -> list[tuple[int, list[str]]]:
    try:
        openpyxl = importlib.import_module("openpyxl")  # optional extra: pip install 'panel-tui[xlsx]'
    except ImportError:
        raise InputError(path, None, "reading .xlsx needs the optional openpyxl package.",
                         "pip install 'panel-tui[xlsx]', or save the sheet as CSV.") from None
    read_bytes(path, "case file")  # size and type checks first
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged or foreign file
        raise InputError(path, None, f"is not a readable .xlsx workbook ({type(exc).__name__}).",
                         "open and save it in a spreadsheet program, or save it as CSV.") from None
    try:
        ws = wb.worksheets[0]
        out = []
        for n, row in enumerate(ws.iter_rows(values_only=True), 1):
            out.append((n, ["" if v is None else str(v) for v in row]))
        return out
    finally:
        wb.close()


def read_case_file(path: Path, fw: Framework) -> CaseTable:
    """Read and check a case file: header ``case`` then key-question ids; one row per case."""
    if path.suffix.lower() == ".xlsx":
        raw = _xlsx_rows(path)
    else:
        raw = _csv_rows(path)
    raw = [(n, [c.strip() for c in row]) for n, row in raw]
    while raw and not any(raw[-1][1]):
        raw.pop()
    raw = [(n, row) for n, row in raw if any(row)]  # wholly blank rows carry nothing
    if not raw:
        raise InputError(path, None, "is empty.", "give a header row: case, then key-question ids.")
    hline, header = raw[0]
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


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


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
    _atomic_write(folder / CASES_FILE, _cases_csv(merged))
    _atomic_write(insp_path, new_text)
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
