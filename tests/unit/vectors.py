"""The hash rule's test vectors as docs/formats.md publishes them (one reader for every test)."""

from __future__ import annotations

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs" / "formats.md"


def docs_vector(name: str) -> dict[str, str]:
    """``<name>-vector-table``, ``-canonical-hex`` and ``-hash`` lines of docs/formats.md, by part."""
    text = DOCS.read_text(encoding="utf-8")
    return dict(re.findall(rf"(?m)^{re.escape(name)}-vector-(table|canonical-hex|hash): (.+)$", text))
