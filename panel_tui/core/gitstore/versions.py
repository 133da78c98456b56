"""Committed versions of a log compared, and the names entries and sessions get in git.

A version is read as plain TOML (no rules: an old commit may predate the inspection file as it
is now); the test is on entries, so a drop, a change and a reorder are each named. The one-line
entry descriptions, author names and tag names used by commits, tags and messages live here too.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Set
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from panel_tui.core.gitstore.run import _rel
from panel_tui.core.log.entries import entry_line as entry_line  # re-exported for the other gitstore modules


@dataclass
class LogVersion:
    """One version of a decisions.toml: its [log] table and entries (None when it does not parse)."""

    header: dict[str, Any] | None
    entries: list[dict[str, Any]]
    problem: str | None = None

    @property
    def hashes(self) -> list[str]:
        return [str(e.get("hash")) for e in self.entries]


def parse_version(data: bytes | None) -> LogVersion | None:
    if data is None:
        return None
    try:
        doc = tomllib.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return LogVersion(None, [], f"does not parse ({exc})")
    entries = doc.get("entry", [])
    header = doc.get("log")
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries) or not isinstance(header, dict):
        return LogVersion(None, [], "is not a decision log")
    return LogVersion(header, entries)


def appends_entries(old: bytes, new: bytes) -> bool:
    """The fast, sufficient test: ``new`` is ``old`` plus whole ``[[entry]]`` tables after it.

    TOML cannot reopen an earlier ``[[entry]]`` element or the ``[log]`` table once a new element
    has begun, so bytes appended after an entry header can only add entries. Anything else is
    parsed and compared entry by entry (:func:`extension_problem`).
    """
    if new == old:
        return True
    return new.startswith(old) and new[len(old) : len(old) + 11] == b"\n[[entry]]\n" and b"[[entry]]" in old


def common_prefix(a: LogVersion, b: LogVersion) -> int:
    if a.header != b.header:
        return 0
    n = 0
    for x, y in zip(a.entries, b.entries, strict=False):
        if x != y:
            break
        n += 1
    return n


def _span(first: int, last: int) -> str:
    return f"entry {first}" if first == last else f"entries {first}-{last}"


def extension_problem(old: LogVersion, new: LogVersion, accounted: Set[str] = frozenset()) -> str | None:
    """Why ``new`` does not extend ``old`` (same header, same entries first), or None.

    ``accounted``: hashes of entries that ``new`` re-recorded (``replayed_from``) or kept aside;
    an entry of ``old`` among them is not lost (a ``sync --replay`` merge).
    """
    if new.problem:
        return new.problem
    if old.problem or old.header is None:
        return None
    k = common_prefix(old, new)
    rest = [e for e in old.entries[k:] if str(e.get("hash")) not in accounted]
    if not rest:
        return None
    if old.header != new.header:
        return "changes the [log] table (a different log)"
    first = old.entries[k]
    if k >= len(new.entries):
        return f"drops {_span(k + 1, len(old.entries))} (had {len(old.entries)}, now {len(new.entries)})"
    # compared by what the entries say, not by their stored hashes (a forger recomputes those)
    contents = [_said(e) for e in new.entries]
    said = _said(first)
    if said == contents[k]:
        return f"re-chains entry {k + 1} (what it says is the same; its seq, prev or hash changed)"
    if said in contents[k + 1 :]:
        return f"reorders entries (entry {k + 1} is now at position {contents.index(said, k + 1) + 1})"
    if said in contents[:k]:
        return f"reorders entries (entry {k + 1} is now at position {contents.index(said) + 1})"
    later = [i for i in range(k + 1, len(old.entries)) if _said(old.entries[i]) == contents[k]]
    if later:
        return (
            f"drops {_span(k + 1, later[0])} (entry {later[0] + 1} follows entry {k} directly; had "
            f"{len(old.entries)}, now {len(new.entries)})"
        )
    return f"changes entry {k + 1} (was: {entry_line(first)}; now: {entry_line(new.entries[k])})"


def _said(e: dict[str, Any]) -> dict[str, Any]:
    """What an entry says, without its place in the chain."""
    return {key: v for key, v in e.items() if key not in ("seq", "prev", "hash")}


def _one_line(text: str, limit: int = 200) -> str:
    text = re.sub(r"\s+", " ", "".join(ch if ch.isprintable() else " " for ch in text)).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def author_name(by: Any) -> str:
    """An entry's ``by`` as a git author name (git forbids <, > and newlines in a name)."""
    name = _one_line(re.sub(r"[<>]", " ", str(by or "")), 100).strip(" .,:;'\"\\")
    return name or "unknown"


def _session_name(root: Path, session_dir: Path) -> str:
    """The session's path inside the repository (its folder name when it is the repository itself)."""
    rel = _rel(root, session_dir)
    return session_dir.resolve().name if rel in ("", ".") else rel


def shown_session(session: str) -> str:
    """A session's path as commit subjects, tag messages and lines for the user show it: control
    and bidi characters visible (a folder name holding a newline or ESC is data, not layout)."""
    from panel_tui.core.display import visible

    return visible(session)


def tag_name(session: str, seq: int) -> str:
    """``panel/<session>/sign-off-<seq>``, made a valid ref name (spaces and the like become '-')."""
    parts = []
    for part in session.split("/"):
        part = re.sub(r"[\x00-\x20~^:?*\[\\\x7f]|@\{|\.\.", "-", part).strip(".") or "-"
        parts.append(re.sub(r"\.lock$", "-lock", part))
    return f"panel/{'/'.join(parts)}/sign-off-{seq}"
