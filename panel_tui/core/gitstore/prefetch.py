"""The audit's one `git log` started while the audit itself starts (issue 26).

Reading a repository's history is one git process that runs for a while (0.3 s of CPU on 21,000
commits) during which Python only waits; the audit meanwhile imports its modules and walks the
folder for sessions. Started here, on HEAD's commit as it is then, the walk runs beside that work
on the machine's other core, and the first session to ask takes its output (``lineages``), tip and
all, so the log and the heads listed with it are of the same commit. Nothing else changes: the same
command, the same reading; if no one takes it, the process is simply left to finish.
"""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path

from panel_tui.core.gitstore.run import _git, work_tree

_EARLY: dict[Path, tuple[str, threading.Thread, list[subprocess.CompletedProcess[bytes]]]] = {}
_LOCK = threading.Lock()


def start(folder: Path) -> None:
    """Begin reading the history of the repository holding ``folder`` (no-op outside git)."""
    from panel_tui.core.gitstore.lineage import ALL_LOGS, log_args

    root = work_tree(folder)
    if root is None:
        return
    head = _git(root, "rev-parse", "--verify", "-q", "HEAD^{commit}", check=False)
    if head.returncode != 0:
        return  # no commit yet: nothing to read
    tip = head.stdout.decode("ascii", "replace").strip()
    out: list[subprocess.CompletedProcess[bytes]] = []

    def run() -> None:
        out.append(_git(root, *log_args(tip, None, ALL_LOGS, False), check=False))

    thread = threading.Thread(target=run, name="panel-tui history", daemon=True)
    with _LOCK:
        if root in _EARLY:
            return
        _EARLY[root] = (tip, thread, out)
    thread.start()


def take(root: Path) -> tuple[str, subprocess.CompletedProcess[bytes]] | None:
    """The history started for ``root`` (its commit and the log's output), once; None if none was
    started or it failed to run (the caller then reads it itself)."""
    with _LOCK:
        found = _EARLY.pop(root, None)
    if found is None:
        return None
    tip, thread, out = found
    thread.join()
    return (tip, out[0]) if out else None


def history_running() -> bool:
    """Whether a history started here is still being read by git (the audit's scan then reads
    later sessions' own files before it waits for it)."""
    with _LOCK:
        return any(thread.is_alive() for _tip, thread, _out in _EARLY.values())


def forget() -> None:
    """Drop every history started and not taken (its git process is left to finish): an audit that
    found no session in git, or stopped on an error, leaves nothing a later audit in the same
    process would take for its own."""
    with _LOCK:
        _EARLY.clear()
