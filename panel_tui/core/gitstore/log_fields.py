"""Reading ``git log -z --raw`` output field by field (issue 26's attack round: a line-based reading
let an author name move a change onto another commit). See :func:`read_log`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from subprocess import CompletedProcess

from panel_tui.core.gitstore.run import GitFailed

# One commit of the log: (id, parents, author, date, its changes as (new mode, old id, new id, path)).
Commit = tuple[str, list[str], str, str, list[tuple[str, str, str, str]]]
_OID = rb"[0-9a-f]{40}(?:[0-9a-f]{24})?"  # SHA-1, or SHA-256 in a repository made with it
_HEADER = re.compile(rb"\x1e(" + _OID + rb")((?: " + _OID + rb")*) ?")  # a root commit: no parent, a space
_RAW = re.compile(rb"\n?:[0-7]{6} ([0-7]{6}) (" + _OID + rb") (" + _OID + rb") [A-Z][0-9]*")


def read_log(out: bytes, command: tuple[str, ...]) -> Iterator[Commit]:
    """The commits of ``git log -z --raw`` in :func:`log_args`' format, read field by field: git
    ends every field with a NUL and no field of it can hold one, so an author name, an e-mail or a
    path holding the separators a line-based reading relies on (``\\x1e``, ``\\x1f``, a newline,
    something shaped like a commit header) is only ever read as what it is. Only a commit id and a
    change line are recognised by their shape (hex ids, octal modes); output that does not follow
    the format raises GitFailed (the history check then says "history unreadable"), never a guess."""
    fields = _fields(out)
    field, count = next(fields, None), 1
    while field is not None:
        head = _HEADER.fullmatch(field)
        author, date = next(fields, None), next(fields, None)
        if head is None or author is None or date is None:
            detail = f"git log gave output panel-tui cannot read (field {count}: {field[:60]!r})"
            raise GitFailed(command, CompletedProcess([], 1, b"", detail.encode()))
        author_text, date_text = author.decode("utf-8", "replace"), date.decode("utf-8", "replace")
        changes = []
        field, count = next(fields, None), count + 3
        while field is not None and (raw := _RAW.fullmatch(field)) is not None:
            path = next(fields, None)
            if path is None:
                detail = f"git log gave output panel-tui cannot read (field {count}: a change with no path)"
                raise GitFailed(command, CompletedProcess([], 1, b"", detail.encode()))
            mode, old, new = (g.decode("ascii") for g in raw.groups())
            changes.append((mode, old, new, path.decode("utf-8", "surrogateescape")))
            field, count = next(fields, None), count + 2
        yield head.group(1).decode("ascii"), head.group(2).decode("ascii").split(), author_text, date_text, changes


def _fields(out: bytes) -> Iterator[bytes]:
    """The NUL-ended fields of ``out``, one at a time (a list of them all would hold the output twice
    over: 120 MB at the peak for 63,000 commits, measured)."""
    start = 0
    while (stop := out.find(b"\0", start)) >= 0:
        yield out[start:stop]
        start = stop + 1
    if start < len(out):
        yield out[start:]  # not NUL-ended: read as a field, so a header there is refused, not dropped
