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

from panel_tui.core.errors import InputError
from panel_tui.core.gitstore.lineage import BlobStore, Lineage
from panel_tui.core.gitstore.run import _git, _rel, blobs
from panel_tui.core.gitstore.versions import LogVersion, _session_name, appends_entries, parse_version, tag_name
from panel_tui.core.inspection import LOG_FILE
from panel_tui.core.tomlfile import MAX_RECORD_BYTES, read_regular

_HEAD = re.compile(r"^head ([0-9a-f]{64})\b", re.M)
_SEQ = re.compile(r"/sign-off-([0-9]+)$")


def _names_sign_off(version: LogVersion | None, seq: int, head: str) -> bool:
    if version is None or not 0 < seq <= len(version.entries):
        return False
    e = version.entries[seq - 1]
    return e.get("kind") == "sign-off" and e.get("hash") == head


_ALL: ContextVar[dict[Path, tuple[dict[str, tuple[str, str]], dict[str, list[str]]]] | None] = ContextVar(
    "panel_tui_panel_tags", default=None
)
_SIGN_OFF = "/sign-off-"


@contextmanager
def tags_read_once() -> Iterator[None]:
    """Within this block (an audit's scan), a repository's panel tags and their messages are read
    in one git call, not one per session."""
    token = _ALL.set({})
    try:
        yield
    finally:
        _ALL.reset(token)


def _read_tags(root: Path, under: str = "refs/tags/panel") -> tuple[dict[str, tuple[str, str]], dict[str, list[str]]]:
    """Every ``refs/tags/panel/…`` tag with its message and the object it points at (a commit,
    for the tags panel-tui makes), and the tags by their ``…/sign-off-`` prefix (each session's
    own, found without looking through every session's), read once per block (tags_read_once).
    Outside a block, only those ``under`` a prefix (one session's: verify in a repository of a
    thousand signed-off sessions read every tag's message twice)."""
    cache = _ALL.get()
    if cache is not None and root in cache:
        return cache[root]
    pattern = "refs/tags/panel/" if cache is not None else under + "/"  # matches up to a slash, no pattern
    out = _git(root, "for-each-ref", "--format=%(refname)%00%(*objectname)%00%(contents)%00", pattern).stdout
    parts = out.decode("utf-8", "replace").split("\0")
    tags = {parts[i].lstrip("\n"): (parts[i + 2], parts[i + 1]) for i in range(0, len(parts) - 2, 3)}
    by_prefix: dict[str, list[str]] = {}
    for ref in tags:
        cut = ref.rfind(_SIGN_OFF) + len(_SIGN_OFF)
        if cut >= len(_SIGN_OFF) and ref[cut:].isdigit():  # only the last "/sign-off-" can end in digits alone
            by_prefix.setdefault(ref[:cut], []).append(ref)
    if cache is not None:
        cache[root] = tags, by_prefix
    return tags, by_prefix


def _panel_tags(root: Path) -> dict[str, tuple[str, str]]:
    return _read_tags(root)[0]


def _tag_head(root: Path, ref: str, tags: dict[str, tuple[str, str]] | None = None) -> tuple[int, str] | None:
    seq = _SEQ.search(ref)
    found = (_panel_tags(root) if tags is None else tags).get(ref)
    message = found[0] if found is not None else None
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


_SEPARATOR = b"\n[[entry]]\n"  # in a log in canonical form, only ever an entry's header (strings escape \n)


class _Working:
    """The working log, asked whether entry N is a given sign-off. When its bytes are the ones the
    caller verified in full (canonical: the writer's rendering, every string on one line, so a
    line ``kind = "sign-off"`` before the entry's first sub-table is its own key and nothing else),
    entry N's own lines are looked at; otherwise the whole file is parsed, as any version is."""

    def __init__(self, data: bytes | None, verified: bytes | None) -> None:
        self.data = data
        self.canonical = data is not None and data == verified
        self.log: LogVersion | None = None
        self.asked: dict[tuple[int, str], bool] = {}

    def names(self, seq: int, head: str) -> bool:
        if (seq, head) not in self.asked:
            self.asked[seq, head] = self._names(seq, head)
        return self.asked[seq, head]

    def _names(self, seq: int, head: str) -> bool:
        if self.canonical:  # docs/formats.md, "Canonical bytes": one `key = value` a line, tables after
            assert self.data is not None
            chunks = self.data.split(_SEPARATOR, seq + 1)
            if not 0 < seq < len(chunks):
                return False
            lines = chunks[seq].split(_SEPARATOR, 1)[0].split(b"\n\n[entry.", 1)[0].split(b"\n")
            wanted = (b"seq = %d" % seq, b'kind = "sign-off"', b'hash = "%s"' % head.encode("ascii"))
            return all(line in lines for line in wanted)
        if self.log is None:
            self.log = parse_version(self.data) or LogVersion(None, [])
        return _names_sign_off(self.log, seq, head)

    def holds_at(self, tagged: bytes | None, seq: int, head: str) -> bool:
        """Whether ``tagged`` (the log at the tag's commit) holds that sign-off: a version the
        working log extends by whole entries holds exactly its first entries, so no parse is
        needed where the working log is canonical."""
        if tagged is not None and self.canonical and (tagged == self.data or appends_entries(tagged, self.data or b"")):
            return seq <= tagged.count(_SEPARATOR) and self.names(seq, head)
        return _names_sign_off(parse_version(tagged), seq, head)


def session_tag_problems(
    root: Path,
    session_dir: Path,
    verified: bytes | None = None,
    lineage: Lineage | None = None,
    store: BlobStore | None = None,
    rel: str | None = None,
) -> list[str]:
    """Every ``panel/<session>/sign-off-N`` tag checked against this session's working log (read
    only when the session has such a tag: most have none, and the audit asks of every session).

    ``verified``: bytes of the log the caller verified in full; ``lineage`` and ``store``: the log's
    history already read (the audit's one pass), where the log at a tag's commit is found without a
    git process when that commit is one that changed the log; ``rel``: the log's path, if known."""
    prefix = "refs/tags/" + tag_name(_session_name(root, session_dir), 0)[: -len("0")]
    tags, by_prefix = _read_tags(root, prefix[: -len(_SIGN_OFF)])
    refs = by_prefix.get(prefix, [])
    if not refs:
        return []
    rel = rel or _rel(root, session_dir / LOG_FILE)
    path = session_dir / LOG_FILE
    try:  # never blocking: a FIFO, a device or a folder at the log's name is named by the log reader
        data = read_regular(path, "decision log", MAX_RECORD_BYTES) if path.exists() else None
    except InputError:
        data = None
    working = _Working(data, verified)
    known = lineage.at_commit if lineage is not None and store is not None else {}
    at_tag = {ref: known[tags[ref][1]] for ref in refs if tags[ref][1] in known}
    # the log at each tagged commit (^{commit}: a tag on a tree or blob names no commit, so no log)
    peeled = blobs(root, [f"{ref}^{{commit}}:{rel}" for ref in refs if ref not in at_tag])
    tagged = {f"{ref}:{rel}": peeled[f"{ref}^{{commit}}:{rel}"] for ref in refs if ref not in at_tag}
    if at_tag and store is not None:
        read = store.read([oid for oid in at_tag.values() if oid], [working.data] if working.data else [])
        tagged.update({f"{ref}:{rel}": read.get(oid) if oid else None for ref, oid in at_tag.items()})
    out = []
    for ref in refs:
        named = _tag_head(root, ref, tags)
        short = ref.removeprefix("refs/tags/")
        if named is None:
            out.append(f"{rel}: tag {short} names no sign-off head (not a tag panel-tui made)")
        elif not working.names(*named):
            out.append(
                f"{rel}: tag {short} names a sign-off (entry {named[0]}, head {named[1][:16]}…) that is not "
                "in the log: a sign-off that was kept aside or rewritten"
            )
        elif tagged.get(f"{ref}:{rel}") is None and not_a_commit(root, ref):
            out.append(
                f"{rel}: tag {short} points at {not_a_commit(root, ref)}, not a commit: not a tag panel-tui made"
            )
        elif not working.holds_at(tagged.get(f"{ref}:{rel}"), *named):
            out.append(
                f"{rel}: tag {short} points at a commit whose log does not hold that sign-off (entry "
                f"{named[0]}): the tag was moved"
            )
    return out


def not_a_commit(root: Path, ref: str) -> str | None:
    """What a tag points at when that is not a commit ("a tree", "a blob"), else None (asked only
    when the log could not be read at the tag's commit: a sign-off tag names a commit)."""
    kind = _git(root, "cat-file", "-t", f"{ref}^{{}}", check=False).stdout.decode().strip()
    return f"a {kind}" if kind and kind != "commit" else None
