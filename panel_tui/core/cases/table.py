"""Case answers as a table: one row per case, Yes/No/N/A per key question, checked against the
framework, merged with the answers kept before, and written back as ``cases.csv``.

The rows come from ``csv_reader`` or ``xlsx_reader`` (a file read as a person sees it); this module
checks what they say (a header of key-question ids, one row per case, answers the framework allows).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from panel_tui.core.cases.csv_reader import csv_rows
from panel_tui.core.cases.xlsx_reader import xlsx_rows
from panel_tui.core.errors import InputError
from panel_tui.core.framework import Framework

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


def read_case_file(path: Path, fw: Framework) -> CaseTable:
    """Read and check a case file: header ``case`` then key-question ids; one row per case."""
    is_csv = path.suffix.lower() != ".xlsx"
    raw = csv_rows(path) if is_csv else xlsx_rows(path)
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
        raise InputError(
            path,
            f"row {hline}, column 1",
            f"the header must start with 'case', not {header[0] if header else ''!r}.",
            "put case in the first column, then one key-question id per column.",
        )
    valid = {q.id for s in fw.standards if s.is_cases for q in s.questions}
    judgement = {q.id for s in fw.standards if not s.is_cases for q in s.questions}
    questions: list[str] = []
    for col, qid in enumerate(header[1:], 2):
        if qid in judgement:
            raise InputError(
                path,
                f"row {hline}, column {col}",
                f"{qid!r} is a key question of a judgement standard; it has no case answers.",
                "remove that column.",
            )
        if qid not in valid:
            raise InputError(
                path,
                f"row {hline}, column {col}",
                f"{qid!r} is not a key question of a case-based standard of {fw.id}.",
                "use key-question ids such as 2.1.1 in the header.",
            )
        if qid in questions:
            raise InputError(
                path,
                f"row {hline}, column {col}",
                f"key question {qid} is given twice.",
                "keep one column per question.",
            )
        questions.append(qid)
    if not questions:
        raise InputError(path, f"row {hline}", "the header names no key question.", "add key-question ids after case.")
    rows: list[tuple[str, tuple[str, ...]]] = []
    seen: dict[str, int] = {}
    width = len(questions) + 1
    for n, row in raw[1:]:
        extra = [c for c in row[width:] if c]
        if extra:
            raise InputError(
                path,
                f"row {n}, column {width + 1}",
                f"value {extra[0]!r} is outside the header's columns.",
                "remove it or add its key question to the header.",
            )
        if is_csv and len(row) > header_cells:
            raise InputError(
                path,
                f"row {n}",
                f"has {len(row)} cells but the header has {header_cells}: a comma in "
                "a cell that is not quoted splits it and moves the answers after it.",
                'put quotes around a cell that holds a comma ("Smith, J"), or remove the extra commas.',
            )
        row = row[:width] + [""] * (width - len(row))
        case = row[0]
        if not case:
            raise InputError(path, f"row {n}, column case", "the case id is empty.", "give every row a case id.")
        if len(case) > MAX_CASE_ID or any(ord(c) < 32 or ord(c) == 127 for c in case):
            raise InputError(
                path,
                f"row {n}, column case",
                f"case id {case[:40]!r} is not a short one-line id.",
                f"use an id of at most {MAX_CASE_ID} plain characters.",
            )
        if case[0] in "=+-@":
            raise InputError(
                path,
                f"row {n}, column case",
                f"case id {case[:40]!r} starts with {case[0]!r}, which a spreadsheet would run as a formula.",
                "start case ids with a letter or digit.",
            )
        if case in seen:
            raise InputError(
                path,
                f"row {n}, column case",
                f"case {case!r} is given twice (first in row {seen[case]}).",
                "one row per case.",
            )
        seen[case] = n
        answers = []
        for qid, cell in zip(questions, row[1:], strict=False):
            value = ANSWERS.get(cell.lower())
            if value is None:
                shown = cell if len(cell) <= 40 else cell[:40] + "…"
                raise InputError(
                    path,
                    f"row {n}, column {qid}",
                    f"value {shown!r} is not Yes, No, N/A or empty.",
                    "answer each key question Yes, No or N/A (Y and N are accepted).",
                )
            answers.append(value)
        rows.append((case, tuple(answers)))
    if not rows:
        raise InputError(path, None, "has a header but no case rows.", "add one row per case.")
    return CaseTable(tuple(questions), tuple(rows))


def table_csv(table: CaseTable) -> str:
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
        answers[case] = {q: v for q, v in zip(old.questions, a, strict=False) if q in kept}
    for case, a in new.rows:
        answers.setdefault(case, {}).update(zip(new.questions, a, strict=False))
    rows = tuple((case, tuple(vals.get(q, "") for q in questions)) for case, vals in answers.items())
    return CaseTable(questions, rows)


def load_cases(session_dir: Path, fw: Framework) -> CaseTable | None:
    """The session's kept case answers, or None when there are none."""
    p = session_dir / CASES_FILE
    return read_case_file(p, fw) if p.exists() else None
