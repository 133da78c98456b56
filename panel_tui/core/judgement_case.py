"""``panel-tui propose`` on a judgement standard: the lead inspector's case written into inspection.toml.

A judgement standard's proposed band is part of the inspection, and a decision log freezes the
inspection it is made on (its hash is in the log's header). So the case (``proposed``,
``rationale``, ``evidence``) is written into that standard's ``[[standard]]`` table while no
decision log exists, and refused afterwards naming why. Only the three keys' lines change:
comments and every other line are kept byte for byte, and the new file is validated as a whole
before it replaces the old one (atomically).
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import tomli_w

from panel_tui.core.errors import InputError
from panel_tui.core.filelock import atomic_write, session_lock
from panel_tui.core.inspection import LOG_FILE, Inspection, load_inspection, parse_inspection, resolve_inspection_path
from panel_tui.core.record import band_spelling

_HEADER = re.compile(r"^\s*\[")
_CASE_LINE = re.compile(r"^\s*(proposed|rationale|evidence)\s*=\s*(.*)$")


def _table(lines: list[str], sid: str) -> tuple[int, int, int] | None:
    """(start, id line, end) of the [[standard]] table whose id is ``sid``."""
    i = 0
    while i < len(lines):
        if lines[i].strip().startswith("[[standard]]"):
            end = next((j for j in range(i + 1, len(lines)) if _HEADER.match(lines[j])), len(lines))
            for j in range(i + 1, end):
                m = re.match(r'^\s*id\s*=\s*(["\'])(.*?)\1', lines[j])
                if m and m.group(2) == sid:
                    return i, j, end
            i = end
        else:
            i += 1
    return None


def set_judgement_case(path: Path | str, sid: str, to: str, rationale: str, evidence: str | None) -> Inspection:
    """Write the lead inspector's case for judgement standard ``sid`` (replacing the one there) and
    return the inspection as it now loads. Refused (InputError) once a decision log exists, or for
    a case-based standard; a new file that would not load is never written."""
    p = resolve_inspection_path(path)
    insp = load_inspection(p)
    fs = insp.framework.standard(sid)
    if fs is None:
        raise InputError(
            p, None, f"unknown standard '{sid}'.", f"use one of: {', '.join(s.id for s in insp.framework.standards)}."
        )
    if fs.kind != "judgement":
        raise InputError(
            p,
            f"standard {sid}",
            f"{sid} is case-based.",
            "its proposal is a log entry: panel-tui propose "
            "records it there when the standard is case-based (this standard's flags decide the band).",
        )
    with session_lock(p.parent / LOG_FILE):  # no log begins while the file is rewritten
        return _write_case(p, insp, sid, to, rationale, evidence)


def _write_case(p: Path, insp: Inspection, sid: str, to: str, rationale: str, evidence: str | None) -> Inspection:
    if (p.parent / LOG_FILE).exists():
        raise InputError(
            p,
            f"standard {sid}",
            "the decision log has begun, and it freezes the inspection it is made on "
            "(its hash is in the log's header), so a judgement standard's case can no longer be added.",
            "prepare judgement cases before the first entry; in the meeting the chair can read the "
            "case aloud and ratify, or the panel records its reasons with the ratification.",
        )
    band = band_spelling(insp.framework.band_names, to)
    text = p.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    found = _table(lines, sid)
    if found is None:
        raise InputError(
            p,
            f"standard {sid}",
            f'no [[standard]] table with id = "{sid}" was found to write into.',
            "add one (panel-tui new writes one per standard).",
        )
    start, id_line, end = found
    kept: list[str] = []
    j = id_line + 1
    while j < end:
        m = _CASE_LINE.match(lines[j])
        j += 1
        if m is None:
            kept.append(lines[j - 1])
            continue
        value = m.group(2).lstrip()
        quote = value[:3] if value.startswith(('"""', "'''")) else None
        if quote is not None and value.count(quote) < 2:  # a multi-line string: dropped to its closing quotes
            while j < end and quote not in lines[j]:
                j += 1
            j += 1
    case = {"proposed": band, "rationale": rationale, **({"evidence": evidence} if evidence else {})}
    new = "".join([*lines[: id_line + 1], tomli_w.dumps(case, multiline_strings=True), *kept, *lines[end:]])
    _validate(p, new)
    atomic_write(p, new.encode("utf-8"))
    return load_inspection(p)


def _validate(p: Path, new: str) -> None:
    """The whole new file loads as an inspection (bands, keys, visible text), or nothing is written."""
    import tomllib

    try:
        doc = tomllib.loads(new, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:  # not expected: tomli_w wrote the values
        raise InputError(p, None, f"the case could not be written as TOML ({exc}); nothing was changed.") from exc
    parse_inspection(doc, new.encode("utf-8"), new, p)
