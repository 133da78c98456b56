"""The decision log (``decisions.toml``): hash-chained entries, replayed under the panel's rules.

One job a module: ``entries`` (kinds and typed shapes), ``chain`` (hashing and the canonical
bytes), ``schema`` (strict shapes), ``rules`` (what an entry may say; its parts ``texts``, what a
rationale, a reason or a name may be, ``attendance``, who is present and the quorum, and
``evidence``, the figures an entry carries), ``state`` (the log replayed), ``reader`` (verify in
one pass; its parts ``as_written``, the quick parse of the writer's own layout, and
``header_checks``, the framework in force and format 1's date) and ``writer`` (append under the
lock, on the view it was prepared on). Nothing is ever edited or deleted: undo is a
``retraction`` entry. See docs/formats.md for a verifier's view.

The writer's names are imported on first use (``__getattr__`` below): reading a log (the meeting
app's first screen, ``verify``, the audit) never needs the lock, the clock or who enters (issue 26).
"""

from typing import TYPE_CHECKING, Any

from panel_tui.core.log.chain import canonical_hash, canonical_json, render_log
from panel_tui.core.log.entries import (
    ALL_KINDS,
    DISMISSAL,
    KINDS,
    LOG_FORMAT,
    LOG_FORMAT_V1,
    LOG_FORMAT_V2,
    LOG_FORMAT_V3,
    LOG_FORMAT_V4,
    NO_LOG,
    UNRETRACTABLE,
    Entry,
    entered_for,
)
from panel_tui.core.log.evidence import evidence_of, percent_value, sign_off_record
from panel_tui.core.log.reader import MAX_LOG_BYTES, check_head, read_state, replay, verify_bytes
from panel_tui.core.log.rules import validate
from panel_tui.core.log.state import LogState
from panel_tui.core.log.texts import MIN_RATIONALE, MIN_REASON, check_name, check_text

if TYPE_CHECKING:
    from panel_tui.core.log.writer import (
        ENTERED_BY_ENV,
        Appended,
        StaleView,
        append,
        append_entry,
        build_entry,
        describe,
        new_header,
        who_enters,
    )

_WRITER_NAMES = frozenset(
    {
        "ENTERED_BY_ENV",
        "Appended",
        "StaleView",
        "append",
        "append_entry",
        "build_entry",
        "describe",
        "new_header",
        "who_enters",
    }
)


def __getattr__(name: str) -> Any:
    """A writer's name, importing the writer the first time one is asked for."""
    if name in _WRITER_NAMES:
        from panel_tui.core.log import writer

        return getattr(writer, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "ALL_KINDS",
    "DISMISSAL",
    "ENTERED_BY_ENV",
    "KINDS",
    "LOG_FORMAT",
    "LOG_FORMAT_V1",
    "LOG_FORMAT_V2",
    "LOG_FORMAT_V3",
    "LOG_FORMAT_V4",
    "MAX_LOG_BYTES",
    "MIN_RATIONALE",
    "MIN_REASON",
    "NO_LOG",
    "UNRETRACTABLE",
    "Appended",
    "Entry",
    "LogState",
    "StaleView",
    "append",
    "append_entry",
    "build_entry",
    "canonical_hash",
    "canonical_json",
    "check_head",
    "check_name",
    "check_text",
    "describe",
    "entered_for",
    "evidence_of",
    "new_header",
    "percent_value",
    "read_state",
    "render_log",
    "replay",
    "sign_off_record",
    "validate",
    "verify_bytes",
    "who_enters",
]
