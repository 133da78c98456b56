"""The paragraph a published report gives a panel's decision on one standard, in the report's voice.

Reports say, for a standard the panel moved, what the figures first gave and that "we applied
professional discretion to this score", uplifting or lowering it, and why; they name the standard
and the key questions in words, not by number. So do these paragraphs: the standard by its name in
the framework (with its domain where another standard has the same name), every key question tied
for the lowest score by its text in the framework, each with its figure and base. Built from the
standing entry and the engine's figures only, so the paragraph in the report is the decision in the
log. One source for every front end: the app's ``c``, ``panel-tui paragraphs`` and the exported
record's annex (``paragraphs_annex``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from panel_tui.core.engine import UPLIFT, QuestionResult, StandardResult, direction, pct_text
from panel_tui.core.framework import Framework

if TYPE_CHECKING:
    from panel_tui.core.session import Session

MOVED = ("discretion",)  # what `paragraphs` prints by default: the decisions that changed a band
EVERY = ("discretion", "declined", "ratification")  # with --all: kept bands and ratifications too


def standard_words(fw: Framework, s: StandardResult) -> str:
    """The standard named as the report names it: its name, and its domain where the framework has
    another standard of that name (2021: 'Planning' in court and in out-of-court disposals)."""
    twins = [x for x in fw.standards if x.name == s.name]
    domain = fw.domains.get(s.domain, "")
    return f"{s.name} ({domain.lower() if domain[1:2].islower() else domain})" if len(twins) > 1 and domain else s.name


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _question_words(q: QuestionResult) -> str:
    text = " ".join(q.text.split()).rstrip(".")
    return f"'{text}'" if text else f"key question {q.id}"


def _base(q: QuestionResult) -> str:
    if q.yes is not None and q.relevant is not None:
        return f"{q.yes} of {q.relevant} {'case' if q.relevant == 1 else 'cases'} ({pct_text(q.percent)}%)"
    if q.relevant is not None:
        return f"{pct_text(q.percent)}% of {q.relevant} {'case' if q.relevant == 1 else 'cases'}"
    return f"{pct_text(q.percent)}% of cases"


def _figure(s: StandardResult) -> str:
    """Every key question tied for the lowest score, in words, with its figure and base."""
    lowest = [q for q in s.questions if q.id in s.lowest_questions]
    if not lowest:
        return ""
    names = _and([_question_words(q) for q in lowest])
    bases = [_base(q) for q in lowest]
    if len(lowest) == 1:
        return f": its lowest-scoring key question, {names}, was answered 'Yes' in {bases[0]}"
    if len(set(bases)) == 1:
        return f": its lowest-scoring key questions, {names}, were each answered 'Yes' in {bases[0]}"
    return f": its lowest-scoring key questions, {names}, were answered 'Yes' in {_and(bases)} respectively"


def _sentence(text: Any) -> str:
    t = " ".join(str(text).split())
    return t if t.endswith((".", "!", "?")) else t + "."


def report_paragraph(fw: Framework, s: StandardResult, entry: dict[str, Any] | None) -> str | None:
    """The report's paragraph for the standing decision on ``s``, or None when there is none to report."""
    if entry is None:
        return None
    name = standard_words(fw, s)
    if entry["kind"] == "discretion":
        way = "uplifting" if direction(fw, s.computed, str(entry["to"])) == UPLIFT else "lowering"
        out = (
            f"{_capital(name)} was originally assessed as '{s.computed}'{_figure(s)}. We applied professional "
            f"discretion to this score, {way} it to '{entry['to']}'. {_sentence(entry['rationale'])}"
        )
        if entry.get("other_evidence"):
            out += f" Other evidence we took into account: {_sentence(entry['other_evidence'])}"
        if entry.get("outside_criteria"):
            out += f" This was outside the usual criteria for discretion: {_sentence(entry.get('outside_reason', ''))}"
        return out
    if entry["kind"] == "declined":
        kept = entry.get("band", s.computed)
        return (
            f"{_capital(name)} was assessed as '{s.computed}'{_figure(s)}. We considered applying professional "
            f"discretion to this score and kept it at '{kept}'. {_sentence(entry['reason'])}"
        )
    if entry["kind"] == "ratification":
        if entry.get("to") != entry.get("from"):
            return (
                f"We rated {name} as '{entry['to']}', where '{entry['from']}' had been proposed. "
                f"{_sentence(entry['reason'])}"
            )
        return f"We rated {name} as '{entry['to']}'."
    return None


@dataclass(frozen=True)
class Paragraph:
    """One standing decision's paragraph, with what it is about (for headings and ``--json``)."""

    standard: str  # the standard's id
    name: str  # the standard in words, as the paragraph names it
    kind: str  # discretion | declined | ratification
    seq: int  # the standing entry
    before: str  # the band before the decision (computed, or proposed)
    after: str  # the band it stands at
    text: str


def session_paragraphs(session: Session, kinds: tuple[str, ...] = MOVED) -> list[Paragraph]:
    """The paragraph of every standing decision of these kinds, in the framework's order. None for a
    session without a log, or with one that does not verify (no decision of it stands)."""
    state = session.log
    if state is None or session.log_problem:
        return []
    fw = session.rating.framework
    out = []
    for s in session.rating.standards:
        entry = state.panel.get(s.id) or state.ratified.get(s.id)
        if entry is None or entry["kind"] not in kinds:
            continue
        text = report_paragraph(fw, s, entry)
        if text is not None:
            before = str(entry.get("from", s.computed))
            after = str(entry.get("to", entry.get("band", s.final)))
            out.append(
                Paragraph(s.id, standard_words(fw, s), str(entry["kind"]), int(entry["seq"]), before, after, text)
            )
    return out


def paragraphs_annex(record_or_session: Session | Path | str, kinds: tuple[str, ...] = EVERY) -> list[str]:
    """The annex of the exported panel record: the report's paragraph for every decision that stands
    (moved, kept and ratified, in the framework's order), exactly as ``panel-tui paragraphs --all``
    prints them. Takes the loaded session (what ``export.build_record`` holds) or its path."""
    if isinstance(record_or_session, (str, Path)):
        from panel_tui.core.session import load_session

        record_or_session = load_session(record_or_session)
    return [p.text for p in session_paragraphs(record_or_session, kinds)]
