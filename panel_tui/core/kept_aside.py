"""Entries kept aside (``decisions.refused.toml``): what a ``sync --replay`` could not re-record
after the other office's entries (a conflict, a sign-off, or an entry the rules now refuse).

They are outside the log's chain but part of the record: every clone's sync, verify, log, audit
and export names them, and each is checked entry by entry (its own hash must still match, so an
entry changed after it was kept aside is a problem, never a silent edit).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from panel_tui.core.log.chain import canonical_hash
from panel_tui.core.log.entries import entry_line

KEPT_ASIDE_FILE = "decisions.refused.toml"


@dataclass
class KeptAside:
    """One entry kept aside: when, why, onto which head, and the entry exactly as recorded."""

    at: str
    reason: str
    replayed_onto: str
    entry: dict[str, Any]
    intact: bool  # its hash still matches its content

    def line(self) -> str:
        from panel_tui.core.display import one_line

        e = self.entry
        mark = "" if self.intact else " [CHANGED since it was kept aside: its hash no longer matches]"
        return (f"{entry_line(e)} by {one_line(str(e.get('by')), 60)}, kept aside {self.at}: "
                f"{one_line(self.reason, 200)}{mark}")


def _intact(e: dict[str, Any]) -> bool:
    try:
        return e.get("hash") == canonical_hash(e)
    except (TypeError, ValueError):
        return False


def parse_kept_aside(data: bytes) -> tuple[list[KeptAside], str | None]:
    """The entries in a kept-aside file's bytes, and a problem when it does not read as one."""
    try:
        doc = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return [], f"does not parse ({exc})"
    items = doc.get("refused", [])
    if not isinstance(items, list):
        return [], "'refused' is not an array of tables"
    out: list[KeptAside] = []
    for i, r in enumerate(items, 1):
        e = r.get("entry") if isinstance(r, dict) else None
        if not isinstance(e, dict):
            return out, f"kept-aside item {i} holds no entry table"
        out.append(KeptAside(str(r.get("at", "")), str(r.get("reason", "")), str(r.get("replayed_onto", "")), e,
                             _intact(e)))
    return out, None


def load_kept_aside(session_dir: Path) -> tuple[list[KeptAside], str | None]:
    """A session's kept-aside entries ([] when there is no file) and a problem, if any: a file that
    does not parse, or an entry whose hash no longer matches its content."""
    path = session_dir / KEPT_ASIDE_FILE
    if not path.exists():
        return [], None
    try:
        data = path.read_bytes()
    except OSError as exc:
        return [], f"{path}: unreadable ({exc.strerror})"
    items, problem = parse_kept_aside(data)
    if problem:
        return items, f"{path}: {problem}"
    changed = [k for k in items if not k.intact]
    if changed:
        return items, (f"{path}: {len(changed)} kept-aside entr{'y was' if len(changed) == 1 else 'ies were'} changed "
                       f"after being kept aside (hash mismatch): {entry_line(changed[0].entry)}")
    return items, None
