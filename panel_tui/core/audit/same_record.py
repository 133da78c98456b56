"""Records the audit must not count twice or lose: one session's log in two folders (the same
[log] table), a log with no inspection beside it, and a log history holds but the disk does not.

Read in the scan's own pass: the [log] table comes with each log already read, the deleted logs
from the repository's one history pass (no git process per session).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from panel_tui.core.audit.records import SessionRecord
from panel_tui.core.inspection import INSPECTION_FILE, LOG_FILE


def record_key(header: Any) -> str | None:
    """One session's record: its [log] table's inspection hash, framework and creation time."""
    if not isinstance(header, dict):
        return None
    parts = [header.get(k) for k in ("inspection_sha256", "framework", "created")]
    return "\x1f".join(str(p) for p in parts) if all(isinstance(p, str) for p in parts) else None


def mark_same_record(rec: SessionRecord, first: SessionRecord) -> None:
    """``rec`` holds the same record as ``first`` (read before it): named, and counted once (the
    first place read counts; a copy whose own check failed keeps that word)."""
    rec.same_record_as, first.same_record_as = first.path, first.same_record_as or rec.path
    if rec.counted:
        rec.log_status = f"one record in two places: the same [log] table as {first.path} (counted there)"
    rec.counted, rec.signed_off, rec.rows, rec.tally = False, False, [], {}
    rec.never, rec.pending = [], []


def _path(folder: Path, root: Path) -> str:
    """As the scan names sessions: relative to the audited folder (given relative or not)."""
    for base in (root, root.resolve()):
        if folder.is_relative_to(base):
            return str(folder.relative_to(base))
    return str(folder)


def log_alone(folder: Path, root: Path) -> SessionRecord:
    """A folder with a decisions.toml and no inspection.toml: listed, never skipped (its session
    cannot be rated or verified without the inspection it was decided on)."""
    rec = SessionRecord(_path(folder, root))
    rec.log_status = (
        f"no inspection: {LOG_FILE} with no {INSPECTION_FILE} beside it, so it cannot be verified; "
        "bring the inspection back (in git: `git log --diff-filter=D -- <folder>/inspection.toml` names "
        "the commit that removed it)"
    )
    return rec


def deleted_records(root: Path, scanned: set[Path]) -> list[SessionRecord]:
    """Logs that history holds under ``root`` in folders the scan did not read (``git rm -r``)."""
    from panel_tui.core.gitstore.history import deleted_logs

    out = []
    for folder, status in deleted_logs(root, scanned):
        rec = SessionRecord(_path(folder, root))
        rec.log_status = status
        out.append(rec)
    return out
