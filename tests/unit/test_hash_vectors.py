"""The hash rule is language-neutral: the docs' test vectors hold in Python and in JavaScript, and a
verifier written in JavaScript from docs/formats.md alone verifies the example logs."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from panel_tui.core.log import canonical_hash, canonical_json

ROOT = Path(__file__).resolve().parents[2]
JS = ROOT / "tests" / "js"
SLUGS = ["stockton-2021", "leeds-2019", "hammersmith-2022", "lincolnshire-2023"]


def vectors() -> dict[str, dict[str, str]]:
    text = (ROOT / "docs" / "formats.md").read_text(encoding="utf-8")
    out: dict[str, dict[str, str]] = {}
    for n, part, value in re.findall(r"(?m)^vector-(\d+)-(table|canonical-hex|hash): (.+)$", text):
        out.setdefault(n, {})[part] = value
    return out


def test_the_docs_have_vectors():
    assert set(vectors()) == {"1", "2"} and all(len(v) == 3 for v in vectors().values())


@pytest.mark.parametrize("n", ["1", "2"])
def test_vector_in_python(n):
    v = vectors()[n]
    table = json.loads(v["table"])
    assert canonical_json(table).hex() == v["canonical-hex"]
    assert canonical_hash(table) == v["hash"] == hashlib.sha256(bytes.fromhex(v["canonical-hex"])).hexdigest()


def node_verifier() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the JavaScript verifier cannot run here")
    if not (JS / "node_modules" / "smol-toml").exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip("npm is not installed: cannot fetch the JavaScript TOML parser (smol-toml)")
        proc = subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--prefix", str(JS)],
            capture_output=True,
            text=True,
            timeout=300,
        )
        if proc.returncode != 0:
            pytest.skip(f"npm install of smol-toml failed (no registry?): {proc.stderr[-200:]}")
    return node


@pytest.mark.parametrize("n", ["1", "2"])
def test_vector_in_javascript(n):
    node = node_verifier()
    v = vectors()[n]
    proc = subprocess.run([node, str(JS / "verify.mjs"), "--hash", v["table"]], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    digest, canonical = proc.stdout.split("\n")[:2]
    assert digest == v["hash"] and canonical.encode("utf-8").hex() == v["canonical-hex"]


@pytest.mark.parametrize("slug", SLUGS)
def test_javascript_verifier_agrees_on_the_example_logs(slug):
    node = node_verifier()
    from panel_tui.core.session import load_session

    state = load_session(ROOT / "sessions" / slug).log
    assert state is not None and state.problem is None
    proc = subprocess.run([node, str(JS / "verify.mjs"), str(ROOT / "sessions" / slug)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.split() == ["ok", str(len(state.entries)), state.head]


def test_javascript_verifier_catches_a_changed_value(stockton_copy):
    node = node_verifier()
    log = stockton_copy / "decisions.toml"
    log.write_text(log.read_text(encoding="utf-8").replace("eight cases", "8 cases"), encoding="utf-8")
    proc = subprocess.run([node, str(JS / "verify.mjs"), str(stockton_copy)], capture_output=True, text=True)
    assert proc.returncode == 1 and proc.stdout.strip() == "entry 7: hash"
