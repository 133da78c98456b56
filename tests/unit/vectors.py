"""The hash rule's test vectors as docs/formats.md publishes them (one reader for every test)."""

from __future__ import annotations

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs" / "formats.md"


def docs_vector(name: str) -> dict[str, str]:
    """``<name>-vector-table``, ``-canonical-hex`` and ``-hash`` lines of docs/formats.md, by part."""
    text = DOCS.read_text(encoding="utf-8")
    return dict(re.findall(rf"(?m)^{re.escape(name)}-vector-(table|canonical-hex|hash): (.+)$", text))


def js_vector_check(name: str) -> dict[str, str]:
    """Hash the published vector ``name`` with the JavaScript verifier and check digest and bytes.

    Returns the vector so a caller can check more of it. Skips (saying why) where node or its TOML
    parser cannot be had, through the one finder in test_hash_vectors.
    """
    import subprocess

    from tests.unit.test_hash_vectors import JS, node_verifier

    node = node_verifier()
    v = docs_vector(name)
    proc = subprocess.run([node, str(JS / "verify.mjs"), "--hash", v["table"]], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    digest, canonical = proc.stdout.split("\n")[:2]
    assert digest == v["hash"], f"{name}: JavaScript digest {digest} != published {v['hash']}"
    assert canonical.encode("utf-8").hex() == v["canonical-hex"], f"{name}: canonical bytes differ"
    return v
