"""``audit --json`` written as it is read: each session's rows as soon as it is read, the sessions
and the figures at the end, so memory holds the sessions' facts and figures, never all the rows."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from panel_tui.core.audit.names import Canonical
from panel_tui.core.audit.records import AUDIT_FORMAT, Audit
from panel_tui.core.audit.rows import Row
from panel_tui.core.audit.scan import run_audit


class JsonOut:
    """The audit document a piece at a time: the rows first, one a line, then the sessions and the
    figures once every session is read (a JSON object's keys have no order to keep)."""

    def __init__(self, root: Path) -> None:
        self.root, self.enc, self.first = root, json.JSONEncoder(ensure_ascii=False), True  # the C encoder

    def head(self) -> str:
        return (
            f'{{\n  "format": {self.enc.encode(AUDIT_FORMAT)},\n'
            f'  "root": {self.enc.encode(str(self.root))},\n  "decisions": ['
        )

    def item(self, doc: dict[str, Any]) -> str:
        sep, self.first = ("\n    " if self.first else ",\n    "), False
        return sep + self.enc.encode(doc)

    def tail(self, audit: Audit) -> Iterator[str]:
        yield "],\n" if self.first else "\n  ],\n"
        self.first = True
        yield '  "sessions": ['
        yield from (self.item(s) for s in audit.session_docs())
        yield "],\n" if self.first else "\n  ],\n"
        yield '  "figures": ' + json.dumps(audit.figures, indent=2, ensure_ascii=False).replace("\n", "\n  ") + "\n}\n"


def write_json(
    root: Path,
    write: Callable[[str], Any],
    progress: Callable[[int, int], None] | None = None,
    canonical: Canonical | None = None,
) -> Audit:
    """``audit --json`` to ``write``; the audit returned keeps no rows. ``canonical`` as for run_audit."""
    out = JsonOut(root)
    write(out.head())

    def rows(found: list[Row]) -> None:
        for d in found:
            write(out.item(d.json()))

    audit = run_audit(root, progress, rows, canonical)
    for chunk in out.tail(audit):
        write(chunk)
    return audit
