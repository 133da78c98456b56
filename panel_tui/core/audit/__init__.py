"""The quality lead's audit: every session under a folder, every decision, and the figures.

One job a module: ``scan`` reads and verifies each session (as ``verify`` does) and lets it go,
``rows`` makes its table rows, ``figures`` counts, ``records`` holds what is kept, ``stream``
writes ``audit --json`` as it reads, ``query`` answers the screen's filters and precedents.
Progress printing belongs to the CLI. The names below are the ones the screen and the CLI use.
"""

from __future__ import annotations

from panel_tui.core.audit.figures import FIGURE_KEYS, TALLY_KEYS, figures, summarise
from panel_tui.core.audit.query import FILTER_KEYS, MAX_SIBLINGS, filter_values, matches, precedents, sibling_precedents
from panel_tui.core.audit.records import AUDIT_FORMAT, SESSION_KEYS, Audit, SessionRecord
from panel_tui.core.audit.rows import (
    CONCERNING_KINDS,
    CONTEXT_KEYS,
    DECISION_KINDS,
    DIRECTIONS,
    ROW_KEYS,
    ROW_KINDS,
    STATUSES,
    Row,
)
from panel_tui.core.audit.scan import UNREADABLE, Scan, decisions_of, load_record, run_audit
from panel_tui.core.audit.stream import JsonOut, write_json

__all__ = [
    "AUDIT_FORMAT",
    "CONCERNING_KINDS",
    "CONTEXT_KEYS",
    "DECISION_KINDS",
    "DIRECTIONS",
    "FIGURE_KEYS",
    "FILTER_KEYS",
    "MAX_SIBLINGS",
    "ROW_KEYS",
    "ROW_KINDS",
    "SESSION_KEYS",
    "STATUSES",
    "TALLY_KEYS",
    "UNREADABLE",
    "Audit",
    "JsonOut",
    "Row",
    "Scan",
    "SessionRecord",
    "decisions_of",
    "figures",
    "filter_values",
    "load_record",
    "matches",
    "precedents",
    "run_audit",
    "sibling_precedents",
    "summarise",
    "write_json",
]
