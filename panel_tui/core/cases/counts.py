"""Importing case answers: their counts written into the inspection file, the answers kept beside it.

The inspection file is edited in place, line by line, so its comments and every other key stay as
they were; the result is validated before anything is written, and nothing is imported once the
panel has recorded a decision (the log holds the inspection's hash).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from panel_tui.core.cases.table import CASES_FILE, CaseTable, merge_tables, read_case_file, table_csv
from panel_tui.core.errors import InputError
from panel_tui.core.filelock import atomic_write
from panel_tui.core.inspection import LOG_FILE, Inspection, load_inspection, parse_inspection, resolve_inspection_path
from panel_tui.core.tomlfile import parse_toml

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
        raise InputError(
            path,
            None,
            f"has no [[standard.question]] table for {', '.join(missing)}.",
            "start the session with panel-tui new, or add a table with that id.",
        )
    newline = "\r\n" if "\r\n" in text else "\n"
    edits = sorted(((blocks[q], counts[q]) for q in counts), key=lambda e: e[0][0], reverse=True)
    for (start, id_line, end), (relevant, yes) in edits:
        body = [
            ln
            for k, ln in enumerate(lines[start:end], start)
            if k == id_line or not (_FIGURE.match(ln) or _TEMPLATE_HINT.match(ln))
        ]
        idx = body.index(lines[id_line])
        figures = [f"relevant = {relevant}{newline}"] + ([f"yes = {yes}{newline}"] if relevant else [])
        if not body[idx].endswith(("\n", "\r")):
            body[idx] += newline
        lines[start:end] = body[: idx + 1] + figures + body[idx + 1 :]
    return "".join(lines)


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
        raise InputError(
            folder / LOG_FILE,
            None,
            "exists: the inspection is frozen by its hash once the panel has recorded a decision; nothing imported.",
            "import case answers before the panel meets.",
        )
    table = read_case_file(case_file, insp.framework)
    counts = table.counts()
    text = insp_path.read_bytes().decode("utf-8-sig")
    new_text = with_counts(text, counts, insp_path)
    data = new_text.encode("utf-8")
    try:
        checked = parse_inspection(parse_toml(new_text, insp_path, "inspection file"), data, new_text, insp_path)
    except InputError as exc:
        raise InputError(
            case_file, None, f"would make the inspection invalid: {exc}", "nothing was written; correct the case file."
        ) from None
    old = None
    if (folder / CASES_FILE).exists():
        old = read_case_file(folder / CASES_FILE, insp.framework)
    merged = merge_tables(old, table)
    atomic_write(folder / CASES_FILE, table_csv(merged).encode("utf-8"))
    atomic_write(insp_path, data)
    return ImportResult(checked, merged, counts)
