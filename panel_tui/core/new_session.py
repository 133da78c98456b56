"""A new session's ``inspection.toml``, written from the framework before any figure is in.

Starting from the framework (not from a copied example) means every standard and key question
is there once, spelt as the framework spells it, and nothing from another inspection is carried
over. Key questions are listed by id alone ("awaiting figures") and judgement standards carry no
proposed band ("awaiting proposal") until the lead inspector fills them in or ``import-cases``
writes the counts; the file loads and rates as incomplete meanwhile.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path

import tomli_w

from panel_tui.core.display import has_visible_text
from panel_tui.core.errors import InputError
from panel_tui.core.filelock import refuse_links
from panel_tui.core.framework import Framework, catalogue, load_framework
from panel_tui.core.inspection import INSPECTION_FILE

MAX_NAME = 200


def _value(v: object) -> str:
    """A TOML value, escaped by the TOML writer (never by hand)."""
    return tomli_w.dumps({"v": v}).split("=", 1)[1].strip()


def _comment(text: str) -> str:
    """Framework text as a one-line comment."""
    return " ".join(text.split())


def _name(value: str, what: str, flag: str) -> str:
    if not value or not has_visible_text(value):
        raise InputError(None, flag, f"the {what} is blank.", f"give {flag} NAME.")
    if len(value) > MAX_NAME or any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise InputError(
            None,
            flag,
            f"the {what} must be one line of at most {MAX_NAME} characters.",
            f"give {flag} with a plain name.",
        )
    return value.strip()


def parse_fieldwork(text: str) -> dt.date | str:
    """The fieldwork start: a date (2024-05-13) or, where only the month is known, "2024-05"."""
    if re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text):
        return text
    try:
        return dt.date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else _bad_date(text)
    except ValueError:
        return _bad_date(text)


def _bad_date(text: str) -> dt.date:
    raise InputError(
        None,
        "--fieldwork",
        f"{text!r} is not a date.",
        "give the first day of fieldwork as YYYY-MM-DD (or YYYY-MM when only the month is known).",
    )


def inspection_template(fw: Framework, service: str, fieldwork: dt.date | str, lead_inspector: str | None) -> str:
    """The text of a new inspection file: every standard, figures and proposals awaiting."""
    samples = fw.sample_names
    out = [
        f"# A new {fw.id} session, written by panel-tui new. Every standard and key question of the",
        "# framework is listed. Give each key question relevant = N and yes = N (or run",
        "# panel-tui import-cases DIR FILE with one row per case), and each judgement standard",
        '# proposed = "<band>". Until then the standard shows "awaiting figures" or "awaiting',
        '# proposal", the overall rating is incomplete, and panel-tui check lists what is missing.',
        "",
        "[inspection]",
        f"service = {_value(service)}",
        f"framework = {_value(fw.id)}",
        f"fieldwork = {_value(fieldwork)}",
    ]
    if lead_inspector:
        out.append(f"lead_inspector = {_value(lead_inspector)}")
    if samples:
        out.append("# cases inspected per sample, as the report will give them:")
        out.append("# sample = { " + ", ".join(f"{s} = N" for s in samples) + " }")
    bands = ", ".join(f'"{b}"' for b in fw.band_names)
    domain = None
    for s in fw.standards:
        if s.domain != domain:
            domain = s.domain
            out += ["", f"# --- {domain} {_comment(fw.domains.get(domain, ''))}".rstrip()]
        counted = "" if s.counted else ", not counted in the overall score"
        counted = _drawn_on(fw, s.sample) + counted
        out += ["", "[[standard]]", f"id = {_value(s.id)}  # {_comment(s.name)} ({s.kind}{counted})"]
        if s.kind == "judgement":
            for q in s.questions:
                out.append(f"#   {q.id} {_comment(q.text)}")
            out.append(f"# proposed = one of {bands}  (awaiting the lead inspector's proposal)")
            continue
        for q in s.questions:
            other = " (" + _drawn_on(fw, q.sample)[2:] + ")" if q.sample is not None and q.sample != s.sample else ""
            out += [
                "[[standard.question]]",
                f"id = {_value(q.id)}  # {_comment(q.text)}{' ' + _comment(other) if other else ''}",
                "# relevant = N  (0 if it applied to no case)",
                "# yes = N",
            ]
    return "\n".join(out) + "\n"


def write_new_session(
    folder: Path, framework_id: str, service: str, fieldwork: str, lead_inspector: str | None = None
) -> Path:
    """Create ``folder/inspection.toml`` for a new session; never overwrites an existing one.
    The framework is looked for in the frameworks folders at or above ``folder``, then the bundled ones."""
    fw = load_framework(framework_id, near=folder)
    service = _name(service, "service name", "--service")
    lead = _name(lead_inspector, "lead inspector's name", "--lead-inspector") if lead_inspector is not None else None
    when = parse_fieldwork(fieldwork)
    if folder.exists() and not folder.is_dir():
        raise InputError(folder, None, "is a file, not a folder.", "give a new or empty folder for the session.")
    target = folder / INSPECTION_FILE
    refuse_links(target, INSPECTION_FILE)
    if target.exists():
        raise InputError(
            target,
            None,
            "already exists; panel-tui new never overwrites a session.",
            "choose a new folder, or edit the file you have.",
        )
    folder.mkdir(parents=True, exist_ok=True)
    text = inspection_template(fw, service, when, lead)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    return target


def _drawn_on(fw: Framework, sample: str | None) -> str:
    """ ", children's cases" where the framework names the sample a standard draws on, else nothing
    (a sample known by its id alone, as in the bundled frameworks, is said in the sample line)."""
    if sample is None:
        return ""
    name = fw.samples.get(sample, sample)
    return f", {name}" if name != sample else f", {sample} sample"


# --- which framework: the one in force on the fieldwork date -----------------------------------


@dataclass(frozen=True)
class FrameworkChoice:
    """The framework a new session is written from, and what to tell the user about it."""

    framework: Framework
    picked: bool  # chosen by the fieldwork date (no --framework given)
    line: str  # one line naming it (printed when it was picked)
    warning: str | None  # one line when the framework asked for was not in force on the fieldwork date


def fieldwork_days(when: dt.date | str) -> tuple[dt.date, dt.date]:
    """The first and last day a fieldwork date stands for (a month: all its days)."""
    if isinstance(when, dt.date):
        return when, when
    year, month = (int(x) for x in when.split("-"))
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def choose_framework(framework_id: str | None, fieldwork: str, near: Path) -> FrameworkChoice:
    """``--framework ID`` as given (with a warning when it was not in force on the fieldwork date), or,
    without it, the one framework found from ``near`` that was in force then; none, or several (one
    per inspection type), is refused, naming them."""
    when = parse_fieldwork(fieldwork)
    first, last = fieldwork_days(when)
    shown_when = when if isinstance(when, str) else when.isoformat()
    if framework_id is not None:
        fw = load_framework(framework_id, near=near)
        warning = None
        if fw.in_force is not None and not fw.in_force.overlaps(first, last):
            warning = (
                f"warning: {fw.id} was not in force on the fieldwork date {shown_when} (in force "
                f"{fw.in_force.text}); the session uses it as asked"
            )
        return FrameworkChoice(fw, False, f"framework {fw.id}", warning)
    found = catalogue(near)
    if found.problems:
        raise found.problems[0]
    ids = ", ".join(f.id for f in found.frameworks)
    candidates = [f for f in found.frameworks if f.in_force is not None and f.in_force.overlaps(first, last)]
    if not candidates:
        raise InputError(
            None,
            "--fieldwork",
            f"no framework found was in force on {shown_when}.",
            f"give --framework ID (one of: {ids}); panel-tui framework list shows when each applied.",
        )
    if len(candidates) > 1:
        each = "; ".join(f"{f.id} ({f.in_force.text if f.in_force else ''})" for f in candidates)
        raise InputError(
            None,
            "--framework",
            f"{len(candidates)} frameworks were in force on {shown_when}: {each}.",
            "choose one with --framework ID (an inspection type, or the day of a month the "
            "frameworks changed, decides).",
        )
    fw = candidates[0]
    in_force = fw.in_force.text if fw.in_force else ""
    return FrameworkChoice(
        fw, True, f"framework {fw.id} ({fw.title}): in force {in_force}, so on the fieldwork date {shown_when}", None
    )
