"""The canonical bytes, pinned: golden files made by the tomli-w based renderer before ours replaced it.

A kept log must verify in ten years, so the renderer may never move a byte: these files are what
the logs hold today (every entry kind, both formats, awkward text), checked byte for byte. They are
fixtures, never regenerated (tests/unit/golden/README.md says how they were made).
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest

from panel_tui.core.log.chain import _render, canonical_hash, ordered_entry, render_entry, render_header, render_log
from panel_tui.core.log.entries import KINDS, LOG_FORMAT_V1

GOLDEN = Path(__file__).resolve().parent / "golden"
CASES: dict[str, dict[str, Any]] = json.loads((GOLDEN / "inputs.json").read_text(encoding="utf-8"))
# the logs where every entry on a standard holds the same evidence, as in every log that verifies
EVIDENCE_PER_STANDARD = ["log-v1", "log-v2", "awkward-strings"]


def golden(name: str) -> bytes:
    return (GOLDEN / f"{name}.toml").read_bytes()


def is_v1(name: str) -> bool:
    return bool(CASES[name]["header"]["format"] == LOG_FORMAT_V1)


def reversed_keys(value: Any) -> Any:
    """The same tables with every key order reversed: format 2's order is the schema's, not the input's."""
    if isinstance(value, dict):
        return {k: reversed_keys(value[k]) for k in reversed(list(value))}
    if isinstance(value, list):
        return [reversed_keys(v) for v in value]
    return value


@pytest.mark.parametrize("name", sorted(CASES))
def test_render_log_gives_the_golden_bytes(name: str) -> None:
    case = CASES[name]
    assert render_log(case["header"], case["entries"]) == golden(name)
    if name in EVIDENCE_PER_STANDARD:  # verify's path: each standard's evidence rendered once
        assert render_log(case["header"], case["entries"], evidence_verified=True) == golden(name)


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_writers_chunks_give_the_golden_bytes(name: str) -> None:
    """The writer appends b"\\n" + render_entry(entry) to the bytes it verified."""
    case, v1 = CASES[name], is_v1(name)
    data = render_header(case["header"])
    for e in case["entries"]:
        data += b"\n" + render_entry(e, v1)
    assert data == golden(name)


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_plain_renderer_gives_the_golden_bytes(name: str) -> None:
    """Without the fast path for entries: both renderers of the rules give the same bytes."""
    case, v1 = CASES[name], is_v1(name)
    header = case["header"] if v1 else ordered_entry(case["header"])  # the header's keys are in order
    chunks = [_render(header, "log", False)] + [_render(ordered_entry(e, v1), "entry", True) for e in case["entries"]]
    assert "\n".join(chunks).encode("utf-8") == golden(name)


@pytest.mark.parametrize("name", [n for n in sorted(CASES) if not is_v1(n)])
def test_format_2_puts_keys_in_the_schemas_order_whatever_order_they_come_in(name: str) -> None:
    case = reversed_keys(CASES[name])
    assert list(case["header"]) != list(CASES[name]["header"])
    assert render_log(case["header"], case["entries"]) == golden(name)


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_files_read_back_as_their_inputs(name: str) -> None:
    """Any TOML parser reads the golden file as the tables meant, and the chain in it holds."""
    case, v1 = CASES[name], is_v1(name)
    data = golden(name)
    assert tomllib.loads(data.decode("utf-8")) == {
        "log": case["header"],
        "entry": [ordered_entry(e, v1) for e in case["entries"]],
    }
    assert not data.startswith(b"\xef\xbb\xbf") and b"\r\n" not in data and data.endswith(b"\n")
    prev = canonical_hash(case["header"])
    for e in case["entries"]:
        assert (e["prev"], e["hash"]) == (prev, canonical_hash(e))
        prev = e["hash"]


def test_the_golden_files_hold_every_kind_and_the_awkward_text() -> None:
    """So the fixtures cannot quietly lose what they are here to pin."""
    for name in ("log-v2", "log-v1"):
        assert {e["kind"] for e in CASES[name]["entries"]} <= set(KINDS)
    assert {e["kind"] for e in CASES["log-v2"]["entries"]} == set(KINDS)
    texts = [v for e in CASES["awkward-strings"]["entries"] for v in e.values() if isinstance(v, str)]
    text = "".join(texts)
    for awkward in [
        '"',
        "\\",
        "\x7f",
        "\t",
        "\r\n",
        "\\u00e9",
        "\x00",
        "\x1b",
        "\b",
        "\f",
        "\x0b",
        "é",
        "🙂",
        "\u2028",
        "\ufeff",
        "\U0010ffff",
        '"""',
        "'''",
        "[[entry]]",
        "\n[[entry]]\n",
        "#",
    ]:
        assert awkward in text, repr(awkward)
    assert max(map(len, texts)) > 9_000  # near the 10,000 characters the rules allow a text
    data = golden("awkward-strings")
    for written in [
        b'\\"',
        b"\\\\",
        b"\\u007f",
        b"\t",
        b"\\r\\n",
        b"\\u0000",
        b"\\u001b",
        b"\\b",
        b"\\f",
        b"\\u000b",
        "🙂".encode(),
        "\u2028".encode(),
        "\U0010ffff".encode(),
    ]:
        assert written in data, written
    shapes = golden("shapes")
    assert b"[[entry.evidence.questions]]" in shapes and b"\n[entry.ratings]\n\n" in shapes
    assert b"lowest_percent = 62.5\n" in golden("log-v1") and b"lowest_percent = 100\n" in golden("log-v1")
