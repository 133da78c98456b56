"""Entries kept aside (``decisions.refused.toml``): what a ``sync --replay`` could not re-record
after the other office's entries (a conflict, a sign-off, or an entry the rules now refuse).

They are outside the log's chain but part of the record: every clone's sync, verify, log, audit
and export names them, and each is checked entry by entry (its own hash must still match, so an
entry changed after it was kept aside is a problem, never a silent edit).

The chair deals with one by re-recording its decision knowingly (an ordinary entry), or by a
``dismissal`` entry in the log (format 3) naming it by its hash, with a reason; until then it is
pending. A retracted dismissal leaves it pending again.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from panel_tui.core.errors import InputError, RuleRefused
from panel_tui.core.log.chain import canonical_hash
from panel_tui.core.log.entries import entry_line
from panel_tui.core.tomlfile import MAX_RECORD_BYTES, decode_text, parse_toml, read_regular

if TYPE_CHECKING:
    from panel_tui.core.log.state import LogState

KEPT_ASIDE_FILE = "decisions.refused.toml"


@dataclass
class KeptAside:
    """One entry kept aside: when, why, onto which head, and the entry exactly as recorded."""

    at: str
    reason: str
    replayed_onto: str
    entry: dict[str, Any]
    intact: bool  # its hash still matches its content

    @property
    def hash(self) -> str:
        """The entry's own hash, as recorded (what a dismissal names)."""
        return str(self.entry.get("hash"))

    def line(self) -> str:
        from panel_tui.core.display import one_line

        e = self.entry
        mark = "" if self.intact else " [CHANGED since it was kept aside: its hash no longer matches]"
        return (
            f"{entry_line(e)} by {one_line(str(e.get('by')), 60)}, kept aside {self.at}: "
            f"{one_line(self.reason, 200)}{mark}"
        )


def _intact(e: dict[str, Any]) -> bool:
    try:
        return e.get("hash") == canonical_hash(e)
    except (TypeError, ValueError):
        return False


def parse_kept_aside(data: bytes) -> tuple[list[KeptAside], str | None]:
    """The entries in a kept-aside file's bytes, and a problem when it does not read as one.

    Read through the bounded reader (tomlfile): an integer of thousands of digits, deep nesting or
    a NaN is a problem named with its line, never a ValueError or RecursionError out of every
    command that reads the file (verify, log, export, dismiss, sync)."""
    where = Path(KEPT_ASIDE_FILE)
    try:
        doc = parse_toml(decode_text(data, where, KEPT_ASIDE_FILE), where, KEPT_ASIDE_FILE)
    except InputError as exc:
        place = f"{exc.place}: " if exc.place else ""
        what = exc.problem.removeprefix(KEPT_ASIDE_FILE + " ").rstrip(".")
        return [], (
            f"does not parse ({place}{what}); it is part of the record: "
            "restore it from git history (`git log -p -- decisions.refused.toml`), never delete it"
        )
    items = doc.get("refused", [])
    if not isinstance(items, list):
        return [], "'refused' is not an array of tables"
    out: list[KeptAside] = []
    for i, r in enumerate(items, 1):
        e = r.get("entry") if isinstance(r, dict) else None
        if not isinstance(e, dict):
            return out, f"kept-aside item {i} holds no entry table"
        out.append(
            KeptAside(str(r.get("at", "")), str(r.get("reason", "")), str(r.get("replayed_onto", "")), e, _intact(e))
        )
    return out, None


def load_kept_aside(session_dir: Path) -> tuple[list[KeptAside], str | None]:
    """A session's kept-aside entries ([] when there is no file) and a problem, if any: a file that
    does not parse, or an entry whose hash no longer matches its content."""
    path = session_dir / KEPT_ASIDE_FILE
    if not path.exists():
        return [], None
    try:  # never blocking: a FIFO, a device or a folder at this name is a problem, not a wait
        data = read_regular(path, "the kept-aside file", MAX_RECORD_BYTES)
    except InputError as exc:
        return [], str(exc)
    except OSError as exc:
        return [], f"{path}: unreadable ({exc.strerror})"
    items, problem = parse_kept_aside(data)
    if problem:
        return items, f"{path}: {problem}"
    changed = [k for k in items if not k.intact]
    if changed:
        return items, (
            f"{path}: {len(changed)} kept-aside entr{'y was' if len(changed) == 1 else 'ies were'} changed "
            f"after being kept aside (hash mismatch): {entry_line(changed[0].entry)}"
        )
    return items, None


def intact_hashes(session_dir: Path) -> tuple[frozenset[str], str | None]:
    """The hashes of a session's kept-aside entries whose own hash verifies (what a dismissal may
    name), and the file's problem, if any."""
    items, problem = load_kept_aside(session_dir)
    return frozenset(k.hash for k in items if k.intact), problem


def dismissal(k: KeptAside, state: LogState | None) -> dict[str, Any] | None:
    """The standing dismissal of a kept-aside entry in a log that verifies, or None (pending)."""
    if state is None or state.problem is not None:
        return None
    return state.dismissal_of(k.hash)


def dismissed_line(d: dict[str, Any]) -> str:
    """'dismissed by X (entry N): reason' (raw text: a view shows it through the display helpers)."""
    from panel_tui.core.log.entries import entered_for

    entered = entered_for(d)
    return f"dismissed by {d.get('by')} (entry {d.get('seq')}{'; ' + entered if entered else ''}): {d.get('reason')}"


def pending_count(items: list[KeptAside], state: LogState | None) -> tuple[int, int]:
    """(pending, dismissed) among a session's kept-aside entries."""
    done = sum(1 for k in items if dismissal(k, state) is not None)
    return len(items) - done, done


MIN_PREFIX = 12  # hex digits of a hash the command line accepts for a kept-aside entry


def resolve_kept_aside(items: list[KeptAside], text: str) -> str:
    """The full hash of the one kept-aside entry whose hash starts with ``text`` (at least 12 hex
    digits, any case); refused, listing the entries kept aside, when none or several match."""
    prefix = text.strip().lower()
    listed = "; ".join(f"{k.hash} ({k.line()})" for k in items) or "none (this session has no decisions.refused.toml)"
    if len(prefix) < MIN_PREFIX or any(c not in "0123456789abcdef" for c in prefix):
        raise RuleRefused(
            "kept-aside",
            f"--kept-aside must be a kept-aside entry's hash, or at least its first "
            f"{MIN_PREFIX} hex digits, not {text!r:.80}. Entries kept aside: {listed}",
            "kept_aside",
        )
    found = [k for k in items if k.hash.startswith(prefix)]
    if not found:
        raise RuleRefused(
            "kept-aside",
            f"no entry kept aside in {KEPT_ASIDE_FILE} has a hash starting {prefix}. Entries kept aside: {listed}",
            "kept_aside",
        )
    if len(found) > 1:
        raise RuleRefused(
            "kept-aside",
            f"{prefix} starts the hashes of {len(found)} entries kept aside; give more "
            "digits: " + "; ".join(f"{k.hash} ({k.line()})" for k in found),
            "kept_aside",
        )
    return found[0].hash


def dismissed_on_disk(session_dir: Path) -> dict[str, int]:
    """Kept-aside hash -> seq of its standing dismissal, folded from the session's log as it is on disk
    without checking it (for a note beside a verdict already given; a log that does not read gives {})."""
    from panel_tui.core.inspection import LOG_FILE
    from panel_tui.core.log.as_written import parse_as_written
    from panel_tui.core.log.state import LogState

    path = session_dir / LOG_FILE
    try:
        text = read_regular(path, "decision log", MAX_RECORD_BYTES).decode("utf-8")
        doc = parse_as_written(text) or tomllib.loads(text)
        state = LogState(path)
        for e in doc.get("entry", []):
            state.apply(e)
    except (OSError, InputError, UnicodeDecodeError, ValueError, TypeError, KeyError, IndexError, AttributeError):
        return {}
    return dict(state.dismissed)
