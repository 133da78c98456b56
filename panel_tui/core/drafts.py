"""Drafts: text typed into a form but not yet recorded, kept beside the log so no word is lost.

``decisions.drafts.toml`` is not part of the hash chain and never evidence of anything: it holds,
per form ("discretion 2.2", "dissent", ...), the values last typed and when. It is written
atomically on every pause in typing (so it survives a crash), read when the form opens again,
and removed for that form once its entry is recorded. A drafts file that cannot be read is set
aside (renamed, never deleted) so typing can go on.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

import tomli_w

from panel_tui.core.clock import now_rfc3339
from panel_tui.core.filelock import atomic_write

DRAFTS_FILE = "decisions.drafts.toml"
MAX_DRAFT_BYTES = 1024 * 1024

Values = dict[str, str | list[str]]


def draft_key(kind: str, standard: str | None = None) -> str:
    """One draft per form and standard: 'discretion 2.2', 'attendance'."""
    return f"{kind} {standard}" if standard else kind


def _path(session_dir: Path) -> Path:
    return session_dir / DRAFTS_FILE


def load_drafts(session_dir: Path) -> dict[str, dict[str, Any]]:
    """Every draft of the session; an unreadable file is renamed aside and reads as none."""
    path = _path(session_dir)
    try:
        if not path.is_file() or path.stat().st_size > MAX_DRAFT_BYTES:
            return {}
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        try:
            os.replace(path, path.with_name(f"{DRAFTS_FILE}.unreadable-{os.getpid()}"))
        except OSError:
            pass
        return {}
    drafts = doc.get("draft", {})
    return {k: v for k, v in drafts.items() if isinstance(v, dict)} if isinstance(drafts, dict) else {}


def get_draft(session_dir: Path, key: str) -> tuple[Values, str] | None:
    """The values typed for one form and when they were saved, or None."""
    d = load_drafts(session_dir).get(key)
    if not d or not isinstance(d.get("values"), dict):
        return None
    values: Values = {}
    for k, v in d["values"].items():
        if isinstance(v, str) or (isinstance(v, list) and all(isinstance(x, str) for x in v)):
            values[str(k)] = v
    return values, str(d.get("saved", ""))


def _write(session_dir: Path, drafts: dict[str, dict[str, Any]]) -> None:
    path = _path(session_dir)
    if not drafts:
        path.unlink(missing_ok=True)
        return
    atomic_write(path, tomli_w.dumps({"draft": drafts}).encode("utf-8"))


def save_draft(session_dir: Path, key: str, values: Values) -> None:
    """Keep what was typed for one form (atomically: a crash leaves the old draft or the new)."""
    drafts = load_drafts(session_dir)
    drafts[key] = {"saved": now_rfc3339(), "values": {k: v for k, v in values.items() if v not in ("", [])}}
    _write(session_dir, drafts)


def clear_draft(session_dir: Path, key: str) -> None:
    """Forget one form's draft (its entry was recorded, or the chair discarded it)."""
    drafts = load_drafts(session_dir)
    if drafts.pop(key, None) is not None:
        _write(session_dir, drafts)
