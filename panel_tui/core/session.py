"""A session: one inspection file and its decision log, rated together.

The final ratings come from the inspection plus the log's effective entries. A log that does
not verify is never trusted: the ratings then come from the inspection alone and the problem is
reported, so no front end can show a tampered decision as if it stood.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from panel_tui.core.engine import Rating, rate
from panel_tui.core.inspection import LOG_FILE, Inspection, load_inspection, resolve_inspection_path

if TYPE_CHECKING:
    from panel_tui.core.log.state import LogState


@dataclass
class Session:
    dir: Path
    inspection: Inspection
    rating: Rating
    log: LogState | None = None  # the replayed decisions.toml, when one exists
    log_problem: str | None = None

    @property
    def log_path(self) -> Path:
        return self.dir / LOG_FILE


def load_session(path: Path | str) -> Session:
    """Load the inspection and, when present, replay and verify its decision log."""
    insp_path = resolve_inspection_path(path)
    insp = load_inspection(insp_path)
    session_dir = insp_path.parent
    log_path = session_dir / LOG_FILE
    if not log_path.exists():
        return Session(session_dir, insp, rate(insp))
    from panel_tui.core.log import read_state  # only sessions with a log pay for it

    state = read_state(log_path, insp)
    if state.problem:
        return Session(session_dir, insp, rate(insp), state, state.problem)
    return Session(session_dir, insp, rate(insp, state.finals), state)


def session_after(session: Session, state: LogState) -> Session:
    """The session once an entry was appended: the writer's verified state, no second read of the log."""
    return Session(session.dir, session.inspection, rate(session.inspection, state.finals), state)
