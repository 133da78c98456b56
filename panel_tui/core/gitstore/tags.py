"""Sign-off tags checked against the log: a tag ``panel/<session>/sign-off-N`` names entry N and the
head hash its message carries; one that names no such sign-off in the log is a problem (verify), and
is never pushed (sync).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from panel_tui.core.gitstore.run import _git, _rel, blobs
from panel_tui.core.gitstore.versions import LogVersion, _session_name, parse_version, tag_name
from panel_tui.core.inspection import LOG_FILE

_HEAD = re.compile(r"^head ([0-9a-f]{64})\b", re.M)
_SEQ = re.compile(r"/sign-off-([0-9]+)$")


def _names_sign_off(version: LogVersion | None, seq: int, head: str) -> bool:
    if version is None or not 0 < seq <= len(version.entries):
        return False
    e = version.entries[seq - 1]
    return e.get("kind") == "sign-off" and e.get("hash") == head


_ALL: ContextVar[dict[Path, dict[str, str]] | None] = ContextVar("panel_tui_panel_tags", default=None)


@contextmanager
def tags_read_once() -> Iterator[None]:
    """Within this block (an audit's scan), a repository's panel tags and their messages are read
    in one git call, not one per session."""
    token = _ALL.set({})
    try:
        yield
    finally:
        _ALL.reset(token)


def _panel_tags(root: Path) -> dict[str, str]:
    """Every ``refs/tags/panel/…`` tag with its message (read once per block, see tags_read_once)."""
    cache = _ALL.get()
    if cache is not None and root in cache:
        return cache[root]
    out = _git(root, "for-each-ref", "--format=%(refname)%00%(contents)%00", "refs/tags/panel/").stdout
    parts = out.decode("utf-8", "replace").split("\0")
    tags = {parts[i].lstrip("\n"): parts[i + 1] for i in range(0, len(parts) - 1, 2)}
    if cache is not None:
        cache[root] = tags
    return tags


def _tag_head(root: Path, ref: str) -> tuple[int, str] | None:
    seq = _SEQ.search(ref)
    message = _panel_tags(root).get(ref)
    if message is None:
        message = _git(root, "for-each-ref", "--format=%(contents)", ref).stdout.decode("utf-8", "replace")
    head = _HEAD.search(message)
    return (int(seq.group(1)), head.group(1)) if seq and head else None


def tag_problem(root: Path, ref: str, rev: str = "HEAD") -> str | None:
    """Why the tag ``ref`` names no sign-off standing in the log at ``rev``, or None."""
    named = _tag_head(root, ref)
    if named is None:
        return "its message names no sign-off head (not a tag panel-tui made)"
    seq, head = named
    commit = _git(root, "rev-parse", f"{ref}^{{commit}}").stdout.decode().strip()
    changed = [
        p
        for p in _git(root, "diff-tree", "-r", "-m", "--root", "--no-commit-id", "--name-only", "-z", commit)
        .stdout.decode("utf-8", "replace")
        .split("\0")
        if p == LOG_FILE or p.endswith("/" + LOG_FILE)
    ]
    contents = blobs(root, [f"{rev}:{p}" for p in changed])
    if any(_names_sign_off(parse_version(data), seq, head) for data in contents.values()):
        return None
    return f"it names a sign-off (entry {seq}, head {head[:16]}…) that is not in the log"


def session_tag_problems(root: Path, session_dir: Path, log: LogVersion | None = None) -> list[str]:
    """Every ``panel/<session>/sign-off-N`` tag checked against this session's working log (read
    only when the session has such a tag: most have none, and the audit asks of every session)."""
    prefix = "refs/tags/" + tag_name(_session_name(root, session_dir), 0)[: -len("0")]
    refs = [ref for ref in _panel_tags(root) if ref.startswith(prefix) and ref[len(prefix) :].isdigit()]
    if not refs:
        return []
    rel = _rel(root, session_dir / LOG_FILE)
    if log is None:
        path = session_dir / LOG_FILE
        log = (parse_version(path.read_bytes()) if path.exists() else None) or LogVersion(None, [])
    out = []
    tagged = blobs(root, [f"{ref}:{rel}" for ref in refs])  # the log as it stood at each tagged commit
    for ref in refs:
        named = _tag_head(root, ref)
        short = ref.removeprefix("refs/tags/")
        if named is None:
            out.append(f"{rel}: tag {short} names no sign-off head (not a tag panel-tui made)")
        elif not _names_sign_off(log, *named):
            out.append(
                f"{rel}: tag {short} names a sign-off (entry {named[0]}, head {named[1][:16]}…) that is not "
                "in the log: a sign-off that was kept aside or rewritten"
            )
        elif not _names_sign_off(parse_version(tagged.get(f"{ref}:{rel}")), *named):
            out.append(
                f"{rel}: tag {short} points at a commit whose log does not hold that sign-off (entry "
                f"{named[0]}): the tag was moved"
            )
    return out
