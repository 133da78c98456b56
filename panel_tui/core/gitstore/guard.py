"""What the writer checks in git before an entry goes on disk: that git will commit it and that
it does not start a second record of a session whose log history holds.

Cheap on every write: the work tree is looked up anyway (cached), and history is read only when
the session has no log on disk (its first entry, or a deleted log).
"""

from __future__ import annotations

from pathlib import Path

from panel_tui.core.errors import InputError
from panel_tui.core.gitstore.deleted import refuse_new_log_over_deleted
from panel_tui.core.gitstore.run import GitFailed, refusal
from panel_tui.core.inspection import LOG_FILE


def refuse_unsafe_write(session_dir: Path) -> None:
    """Raise InputError (exit 2, nothing written) when git refuses the repository the session is
    in (the entry would not be committed, and its history could not be checked), or when the
    session's log is missing from disk while git history holds it."""
    said = refusal(session_dir)
    if said:
        raise InputError(
            session_dir / LOG_FILE,
            None,
            f"git refuses the repository this session is in ({said}): the entry would not be committed "
            "and the log's history could not be checked.",
            "fix what git objects to (`git status` in the session's folder shows it), then record again; "
            "or set PANEL_TUI_GIT=0 to record without git.",
        )
    if not (session_dir / LOG_FILE).exists():
        try:
            refuse_new_log_over_deleted(session_dir)
        except GitFailed:
            pass  # history unreadable: the first entry's commit will say so; verify names it
