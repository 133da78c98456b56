"""Finding session folders safely: no symlinked folders, nothing outside the root, no recursion.

The walk is an explicit stack (a folder tree deeper than Python's recursion limit is just a deep
tree), stops at ``MAX_DEPTH`` levels, and a folder it cannot read is reported, not raised.
"""

from __future__ import annotations

import os
from pathlib import Path

from panel_tui.core.inspection import INSPECTION_FILE, LOG_FILE

MAX_DEPTH = 32  # folder levels searched below the root; an archive by year/region/service needs 4


def _why(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def _has_subfolder(folder: Path) -> bool:
    try:
        with os.scandir(folder) as it:
            return any(e.is_dir(follow_symlinks=False) for e in it)
    except OSError:
        return True


def find_sessions(
    root: Path, recursive: bool = False, logs_alone: list[Path] | None = None
) -> tuple[list[Path], list[str]]:
    """Session folders (holding inspection.toml) under ``root``, and why any were refused.

    Without ``recursive`` only the folders directly in ``root`` are looked at (the picker); with
    it, every level down to ``MAX_DEPTH``, ``root`` itself included (the audit). ``logs_alone``
    collects folders holding a decisions.toml with no inspection.toml (a record the audit lists).
    """
    found: list[Path] = []
    problems: list[str] = []
    try:
        if not root.is_dir():
            return found, [f"{root} is not a folder"]
    except OSError as exc:
        return found, [f"{root}: cannot be read ({_why(exc)})"]

    def consider(folder: Path) -> None:
        insp = folder / INSPECTION_FILE
        try:
            if insp.is_symlink():
                problems.append(f"{folder}: refused, a symlinked session folder or file")
            elif insp.is_file():
                found.append(folder)
            elif logs_alone is not None and os.path.lexists(folder / LOG_FILE):
                logs_alone.append(folder)
        except OSError as exc:
            problems.append(f"{folder}: refused, cannot be read ({_why(exc)})")

    if recursive:
        consider(root)
    stack: list[tuple[Path, int]] = [(root, 1)]
    while stack:
        folder, depth = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            problems.append(f"{folder}: refused, cannot be read ({_why(exc)})")
            continue
        for entry in entries:
            path = folder / entry.name
            try:
                if entry.is_symlink():
                    if (path / INSPECTION_FILE).exists():
                        problems.append(f"{path}: refused, a symlinked session folder or file")
                    continue
                if not entry.is_dir(follow_symlinks=False):
                    continue
            except OSError as exc:
                problems.append(f"{path}: refused, cannot be read ({_why(exc)})")
                continue
            consider(path)
            if recursive:
                if depth >= MAX_DEPTH:
                    if _has_subfolder(path):
                        problems.append(f"{path}: not searched below: deeper than {MAX_DEPTH} folder levels")
                else:
                    stack.append((path, depth + 1))
    found.sort()
    problems.sort()
    if logs_alone is not None:
        logs_alone.sort()
    return found, problems
