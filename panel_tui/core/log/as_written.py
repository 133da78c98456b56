"""The writer's own layout, read without tomllib: a first try at parsing a decision log.

tomllib reads a character at a time in Python: it was half the time of verifying a log (and of the
audit). A log that verifies is byte for byte what render_log writes, a small, rigid part of TOML
([log], [[entry]], [entry.<name>], "key = value" lines, arrays one item a line, the key questions
as inline tables), which a few string replacements turn into JSON for the C JSON parser.

Split from ``reader`` because it is a parser of its own, trusted for nothing: ``reader`` replays
what it gives through every check and compares the bytes (see ``reader._verified_as_written``),
and reads the file again with tomllib on anything else.
"""

from __future__ import annotations

import json
import re
from typing import Any

from panel_tui.core.log.entries import QuestionEvidence

_SUB_TABLE_NAME = re.compile(r"[A-Za-z0-9_-]+\Z")
_INLINE_KEYS = [(f'{sep}{k}": ', f'{sep}"{k}": ') for k in QuestionEvidence.__annotations__ for sep in ("{ ", ", ")]
_JSON = json.JSONDecoder(strict=False)


def _members(body: str) -> str:
    """A table's ``key = value`` lines (arrays one item a line) as the members of a JSON object."""
    body = body.strip("\n")
    if not body:
        return ""
    s = '"' + body.replace(" = ", '": ').replace("\n", ',\n"')
    s = s.replace('[,\n"    ', "[\n    ").replace(',,\n"    ', ",\n    ").replace(',,\n"]', "\n]")
    s = s.replace('\n""', '\n"').replace('"": ', '": ')  # quoted keys ("1.1" in a sign-off's ratings)
    if s.startswith('""'):
        s = s[1:]
    if "{ " in s:
        for written, key in _INLINE_KEYS:
            s = s.replace(written, key)
    return s


def parse_as_written(text: str) -> dict[str, Any] | None:
    """The tables of a log laid out as the writer lays it out, or None (then tomllib reads it).

    Only a first try: see :func:`_verified_as_written` for why what it returns can be relied on.
    """
    if not text.startswith("[log]\n") or not text.endswith("\n"):
        return None
    chunks = text[6:].split("\n[[entry]]\n")
    parts = ['{"log": {', _members(chunks[0]), "}"]
    if len(chunks) > 1:
        parts.append(', "entry": [')
        for i, chunk in enumerate(chunks[1:]):
            tables = chunk.split("\n\n[entry.")
            parts += ["{" if i == 0 else ", {", _members(tables[0])]
            for sub in tables[1:]:
                name, newline, body = sub.partition("]\n")
                if not newline or _SUB_TABLE_NAME.match(name) is None:
                    return None
                parts += [f', "{name}": {{', _members(body), "}"]
            parts.append("}")
        parts.append("]")
    parts.append("}")
    try:
        doc = _JSON.decode("".join(parts))
    except (ValueError, RecursionError):  # not JSON once rewritten: not the writer's layout
        return None
    return doc if isinstance(doc, dict) else None
