"""Each committed version of a log verified on its own, under the rules it was made under.

Apart from the walk over the history because it is the expensive part (a full verify), done once
per distinct version, and the part that must find the inspection a version was made on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from panel_tui.core.errors import InputError
from panel_tui.core.gitstore.accounting import kept_aside
from panel_tui.core.gitstore.run import REFUSED_FILE, blob
from panel_tui.core.inspection import LOG_FILE


class OwnCheck:
    """Each distinct version of one log verified on its own, once: in full under the rules of the
    inspection it was made on (the working one, or the one committed beside it), else its
    structure (parse, shapes, chain, hashes, canonical bytes) where that inspection or its
    framework is no longer to be had."""

    def __init__(self, root: Path, rel: str, session_dir: Path) -> None:
        self.root, self.rel, self.session_dir = root, rel, session_dir
        self.done: dict[bytes, str | None] = {}
        self.inspections: dict[str, Any] = {}  # inspection sha256 -> Inspection (or None: not to be had)
        self.working: Any = None

    def problem(self, data: bytes, sha: str) -> str | None:
        if data not in self.done:
            self.done[data] = self._check(data, sha)
        return self.done[data]

    def _working(self) -> Any:
        if self.working is None:
            from panel_tui.core.inspection import load_inspection

            try:
                self.working = load_inspection(self.session_dir)
            except (InputError, OSError):
                self.working = False
        return self.working

    def _committed_inspection(self, sha: str) -> Any:
        """The inspection committed beside the log at ``sha`` (read only when the working one is
        not the one the version was made on: one git call)."""
        from decimal import Decimal

        from panel_tui.core.inspection import INSPECTION_FILE, parse_inspection
        from panel_tui.core.tomlfile import decode_text, parse_toml

        data = blob(self.root, sha, self.rel[: -len(LOG_FILE)] + INSPECTION_FILE)
        if data is None:
            return None
        import hashlib

        digest = hashlib.sha256(data).hexdigest()
        if digest not in self.inspections:
            path = self.session_dir / INSPECTION_FILE  # its real place: frameworks kept in folders above are found
            try:
                text = decode_text(data, path, "inspection file")
                self.inspections[digest] = parse_inspection(
                    parse_toml(text, path, "inspection file", Decimal), data, text, path
                )
            except (InputError, OSError, ValueError):
                self.inspections[digest] = None
        return self.inspections[digest]

    def _kept_aside_at(self, sha: str) -> tuple[frozenset[str], str | None]:
        """The kept-aside entries committed beside this version (a dismissal names one of them), not
        the working file's: another office's dismissal arrives with its kept-aside file."""
        data = blob(self.root, sha, self.rel[: -len(LOG_FILE)] + REFUSED_FILE)
        return frozenset(str(e.get("hash")) for e in kept_aside(data)), None

    def _copy_at(self, sha: str) -> str | None:
        """The SHA-256 of the session's copy of its rules committed beside this version (format 4); where
        that commit has none at this path (the session's folder was since moved, or the copy came one
        commit later), the working copy's: the copy is write-once (``copy_problems``) and every
        version has the same [log] table, so every version names the same copy."""
        import hashlib

        from panel_tui.core.framework.session_copy import COPY_FILE, copy_sha256

        data = blob(self.root, sha, self.rel[: -len(LOG_FILE)] + COPY_FILE)
        return copy_sha256(self.session_dir) if data is None else hashlib.sha256(data).hexdigest()

    def _check(self, data: bytes, sha: str) -> str | None:
        from panel_tui.core.log.reader import verify_bytes, verify_structure
        from panel_tui.core.log.state import LogState

        path = self.session_dir / LOG_FILE
        structure = verify_structure(path, data)
        if structure is not None:
            return structure
        for load in (self._working, lambda: self._committed_inspection(sha)):
            insp = load()
            if not insp:
                continue
            state = LogState(
                path,
                kept_aside_source=lambda: self._kept_aside_at(sha),
                framework_copy_source=lambda: self._copy_at(sha),
            )
            problem = verify_bytes(state, data, insp).problem
            if problem is None:
                return None
            if ": inspection changed:" in problem or ": framework changed:" in problem:
                continue  # not the inspection this version was made on: try the one committed with it
            return problem.split(f"{path}: ", 1)[-1].split(" Fix:")[0]
        return None  # its rules of the time are not to be had: the structure is what can be checked
