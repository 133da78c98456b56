"""Drafts: text typed into a form but not yet recorded, kept beside the log so no word is lost.

``decisions.drafts.toml`` is not part of the hash chain and never evidence of anything: it holds,
per form ("discretion 2.2", "dissent", ...), the values last typed and when. It is written
atomically on every pause in typing (so it survives a crash), read when the form opens again,
and removed for that form once its entry is recorded. A drafts file that cannot be read is set
aside (renamed, never deleted) so typing can go on.

A draft is the typist's own: it is restored only from a drafts file git does not track (one
forced into a clone may hold anyone's words; see ``not_restored_because``), and a restored text
hides nothing it would record (``restorable``): it opens without blank lines at its ends, with long
runs of blank lines or spaces folded into visible markers and invisible characters shown as marks.
"""

from __future__ import annotations

import os
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w

from panel_tui.core.clock import now_rfc3339
from panel_tui.core.display import _BLANK_GLYPHS, has_visible_text, visible
from panel_tui.core.errors import InputError
from panel_tui.core.filelock import atomic_write
from panel_tui.core.tomlfile import read_regular

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
        doc = tomllib.loads(read_regular(path, "drafts file", MAX_DRAFT_BYTES).decode("utf-8"))  # never blocks
    except InputError:  # a FIFO or a device put there after the check: not a draft, and not ours to move
        return {}
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


# --- restoring a draft: only what this desk typed, and all of it in view ----------------------

MAX_BLANK_LINES = 3  # a longer run of blank lines in a restored draft is shown as one marker line
MAX_SPACE_RUN = 40  # a longer run of spaces (a wrapped field shows it as blank rows) is shown as a marker


def tracked_by_git(session_dir: Path) -> bool | None:
    """Is the session's drafts file tracked by git (in the index)? False outside a work tree, with
    the git integration off (PANEL_TUI_GIT=0) or without git; None when git could not say.

    A tracked drafts file may have come from someone else's clone (forced past the ignore rules),
    so it is not text typed at this desk."""
    from panel_tui.core.errors import InputError
    from panel_tui.core.gitstore.run import _git, work_tree

    try:
        if work_tree(session_dir) is None:
            return False
        # run in the session folder, the name after "--": a path, never an option
        proc = _git(session_dir, "ls-files", "-z", "--", DRAFTS_FILE, check=False, env={"GIT_LITERAL_PATHSPECS": "1"})
    except (InputError, OSError):
        return None
    if proc.returncode != 0:
        return None
    return bool(proc.stdout.strip(b"\0"))


def not_restored_because(session_dir: Path) -> str | None:
    """Why the session's drafts must not be restored into a form, or None when they may be."""
    tracked = tracked_by_git(session_dir)
    if tracked is None:
        return f"git could not say whether {DRAFTS_FILE} is tracked, so it may not be what was typed here"
    if tracked:
        return (
            f"{DRAFTS_FILE} is tracked by git, so it may not be what was typed here "
            "(untrack it with git rm --cached to have drafts restored again)"
        )
    return None


@dataclass(frozen=True)
class Restored:
    """A draft's text as a form shows it again: nothing in it that the chair cannot see."""

    text: str
    lines: int  # lines in ``text``
    invisible: int = 0  # invisible characters shown as visible marks
    blank_lines: int = 0  # blank lines folded into "␤ ×N blank lines" marker lines
    blank_runs: int = 0  # how many such marker lines
    spaces: int = 0  # spaces folded into "␠ ×N spaces" markers

    def problems(self) -> list[str]:
        """What was made visible, in words ("60 blank lines in a row (now one ␤ line)"); empty
        when nothing was."""
        out = []
        if self.blank_runs == 1:
            out.append(f"{self.blank_lines} blank lines in a row (now one ␤ line)")
        elif self.blank_runs:
            out.append(f"{self.blank_lines} blank lines in {self.blank_runs} runs (now ␤ lines)")
        if self.spaces:
            out.append(f"{self.spaces} spaces in long runs (now ␠ ×N)")
        if self.invisible:
            out.append(f"{self.invisible} invisible character{'s' if self.invisible != 1 else ''} (now marks)")
        return out


def _is_hidden(ch: str) -> bool:
    """A character that draws nothing and is not a plain space: controls, format characters
    (zero-width, bidi), private use, unassigned, line/paragraph separators, blank fillers."""
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp") or ord(ch) in _BLANK_GLYPHS


def _shown(ch: str) -> str:
    mark = visible(ch)
    return mark if mark != ch else f"<U+{ord(ch):04X}>"


_SPACE_RUN = re.compile(rf"[^\S\n]{{{MAX_SPACE_RUN + 1},}}")


def restorable(text: str, multiline: bool = True) -> Restored:
    """A draft's ``text`` as it is put back into a form: blank lines at either end dropped, longer
    runs of blank lines and of spaces folded into visible markers, and invisible characters
    (all but newline and tab) replaced by visible marks, so that the text the form shows is all the
    text it would record. ``multiline`` False (a one-line field): a newline is a mark too."""
    text = text.replace("\r\n", "\n")
    invisible = 0
    out = []
    for ch in text:
        if ch == "\t" or (ch == "\n" and multiline):
            out.append(ch)
        elif _is_hidden(ch):
            invisible += 1
            out.append("⏎" if ch == "\n" else _shown(ch))
        else:
            out.append(ch)
    lines = "".join(out).split("\n")
    while lines and not has_visible_text(lines[0]):
        lines.pop(0)
    while lines and not has_visible_text(lines[-1]):
        lines.pop()
    kept: list[str] = []
    blank_lines, runs = 0, 0
    run: list[str] = []  # the blank lines since the last line with text
    for line in lines:
        if not has_visible_text(line):
            run.append(line)
            continue
        if len(run) > MAX_BLANK_LINES:
            blank_lines, runs = blank_lines + len(run), runs + 1
            kept.append(f"␤ ×{len(run)} blank lines")
        else:
            kept.extend(run)
        run = []
        kept.append(line)
    spaces = 0

    def fold(m: re.Match[str]) -> str:  # a long run of spaces wraps into blank rows in the field
        nonlocal spaces
        spaces += len(m.group())
        return f" ␠ ×{len(m.group())} spaces "

    text = _SPACE_RUN.sub(fold, "\n".join(kept))
    return Restored(text, len(kept), invisible, blank_lines, runs, spaces)
