"""A log that history holds but the working tree does not: deleted in a commit, or only from disk.

An entry once on disk is never dropped, so a missing ``decisions.toml`` is not "no decisions yet"
when git remembers one: ``log``, ``verify`` and the audit say which commit deleted it, and the
writer refuses to start a new log over it (a second record of one session), naming the command
that brings it back.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from panel_tui.core.errors import InputError
from panel_tui.core.gitstore.lineage import BlobStore, Lineage, lineages
from panel_tui.core.gitstore.run import _rel, shell_quote, work_tree
from panel_tui.core.gitstore.versions import LogVersion, parse_version
from panel_tui.core.inspection import LOG_FILE


@dataclass(frozen=True)
class Gone:
    """Where the log went: the deleting commit (None: HEAD still has it, only the file is gone)."""

    rel: str
    commit: str | None
    author: str
    date: str
    entries: int

    def line(self) -> str:
        n = f"{self.entries} entr{'y' if self.entries == 1 else 'ies'}"
        if self.commit is None:
            return f"{self.rel} is missing from disk, though the last commit has it ({n})"
        return f"{self.rel} was deleted in commit {self.commit[:10]} by {self.author} on {self.date} ({n})"

    def fix(self) -> str:
        rev = "HEAD" if self.commit is None else f"{self.commit[:10]}^"
        return f"bring it back with `git checkout {rev} -- {shell_quote(self.rel)}` (at the top of the work tree)"


def gone_from(lin: Lineage, data: dict[str, bytes | None]) -> Gone | None:
    """From a log's lineage (``data``: the bytes of its versions, by object id): its deletion, if
    the newest thing history did to it was to delete it."""
    if lin.head is not None:
        version = parse_version(data.get(lin.head)) or LogVersion(None, [])
        return Gone(lin.rel, None, "", "", len(version.entries))
    last = next((e for e in lin.edges if e.old is not None or e.new is not None), None)
    if last is None or last.new is not None or last.old is None:
        return None
    version = parse_version(data.get(last.old)) or LogVersion(None, [])
    return Gone(lin.rel, last.commit, last.author, last.date, len(version.entries))


def deleted_log(session_dir: Path) -> Gone | None:
    """The session's log, missing from disk, as history last had it (None: no such history, or
    the file is there). A path-limited reading of its own history: a few git calls."""
    if (session_dir / LOG_FILE).exists():
        return None
    root = work_tree(session_dir)
    if root is None:
        return None
    rel = _rel(root, session_dir / LOG_FILE)
    lin = lineages(root, "HEAD", pathspecs=[f":(literal){rel}"]).get(rel)
    if lin is None:
        return None
    with BlobStore(root) as store:
        data = store.read([o for o in [lin.head, *(e.old for e in lin.edges[:1])] if o])
    return gone_from(lin, data)


def refuse_new_log_over_deleted(session_dir: Path) -> None:
    """The writer's check before a session's first entry: no new log where history has one."""
    gone = deleted_log(session_dir)
    if gone is not None:
        raise InputError(
            session_dir / LOG_FILE,
            None,
            f"{gone.line()}: a new log here would start a second record of this session.",
            gone.fix() + ".",
        )
