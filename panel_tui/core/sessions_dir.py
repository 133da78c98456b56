"""Finding session folders safely: no symlinked folders, nothing outside the root."""

from __future__ import annotations

from pathlib import Path

from panel_tui.core.inspection import INSPECTION_FILE


def find_sessions(root: Path, recursive: bool = False) -> tuple[list[Path], list[str]]:
    """Session folders (holding inspection.toml) under ``root``, and why any were refused."""
    found: list[Path] = []
    problems: list[str] = []
    if not root.is_dir():
        return found, [f"{root} is not a folder"]
    base = root.resolve()
    candidates = root.rglob(INSPECTION_FILE) if recursive else root.glob(f"*/{INSPECTION_FILE}")
    for insp in sorted(candidates):
        folder = insp.parent
        rel = folder.relative_to(root)
        if any((root / Path(*rel.parts[: i + 1])).is_symlink() for i in range(len(rel.parts))) or insp.is_symlink():
            problems.append(f"{folder}: refused, a symlinked session folder or file")
            continue
        if not folder.resolve().is_relative_to(base):
            problems.append(f"{folder}: refused, outside {root}")
            continue
        found.append(folder)
    return found, problems
