"""Recording: the one use case behind every write, from the meeting app and from the command line.

Load the inspection as it is now (a changed file then fails the log's verification), append the
entries on the head the caller's view was prepared on (``expect_head``: refused with the new
entries named, :class:`~panel_tui.core.log.writer.StaleView`, when the log moved on), all or none,
on disk and fsynced; then, when the session is in a git work tree, commit the log. The commit never
touches what is on disk: its outcome is returned for the caller to show (a failure says what to do).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from panel_tui.core.gitstore.commit import CommitOutcome, commit_entry
from panel_tui.core.inspection import load_inspection, resolve_inspection_path
from panel_tui.core.log.entries import Entry
from panel_tui.core.log.state import LogState
from panel_tui.core.log.writer import append_all

Item = tuple[str, dict[str, Any]]  # (kind, fields) of one entry to record
BAND_FIELDS = ("to",)  # fields naming a band: the framework's spelling of one typed in any case


@dataclass(frozen=True)
class Recorded:
    """What a write did: the entries now on disk (in order), the log's state after them, and what
    happened in git (``git.status``: committed, not-in-git, nothing-to-commit or failed)."""

    session_dir: Path
    entries: list[Entry]
    state: LogState
    git: CommitOutcome

    @property
    def entry(self) -> Entry:
        """The last entry recorded (the only one, for a single write)."""
        return self.entries[-1]

    @property
    def head(self) -> str:
        """The log's head after the write: what the next write is prepared on."""
        return str(self.entries[-1]["hash"])


def record(
    path: Path | str,
    kind: str,
    fields: dict[str, Any],
    expect_head: str | None = None,
    *,
    on_disk: Callable[[list[Entry]], None] | None = None,
) -> Recorded:
    """Record one entry of ``kind`` in the session at ``path`` (its folder or inspection file)."""
    return record_all(path, [(kind, fields)], expect_head, on_disk=on_disk)


def record_all(
    path: Path | str,
    items: list[Item],
    expect_head: str | None = None,
    *,
    on_disk: Callable[[list[Entry]], None] | None = None,
) -> Recorded:
    """Record several entries in one write, all or none (each validated on the state the ones before
    it leave, e.g. every judgement standard ratified as proposed), then commit them as one.

    ``on_disk`` is called with the entries once they are on disk, before the commit (the command
    line says "recorded" at that moment, as the entry is safe whatever git then does)."""
    insp_path = resolve_inspection_path(path)
    insp = load_inspection(insp_path)
    from panel_tui.core.gitstore.guard import refuse_unsafe_write

    refuse_unsafe_write(insp_path.parent)  # git refusing the repository; a log history holds but disk lost
    bands = insp.framework.band_names
    written = append_all(
        insp_path.parent, insp, [(kind, _spelled(bands, fields)) for kind, fields in items], expect_head=expect_head
    )
    if on_disk is not None:
        on_disk(written.entries)
    outcome = commit_entry(insp_path.parent, written.entries[-1])
    return Recorded(insp_path.parent, written.entries, written.state, outcome)


def band_spelling(names: list[str], typed: str) -> str:
    """The framework's spelling of a band typed in any case or spacing ("good", "requires  improvement");
    unknown text is left for the rules to refuse (they list the bands)."""
    key = " ".join(typed.split()).casefold()
    return next((n for n in names if n.casefold() == key), typed)


def _spelled(names: list[str], fields: dict[str, Any]) -> dict[str, Any]:
    out = dict(fields)
    for key in BAND_FIELDS:
        value = out.get(key)
        if isinstance(value, str):
            out[key] = band_spelling(names, value)
    return out
