"""Decision logs whose hash chain is valid but whose values are of the wrong shape (issue 10).

Whoever can edit ``decisions.toml`` can also recompute every hash, so a valid chain proves
nothing about the values. Each log here is rebuilt with a valid chain in canonical form (the
writer's own bytes), so only the value's shape is wrong; every command must then end with one
message naming the entry, never a traceback, and never write.
"""

from __future__ import annotations

import io
import json
import shutil
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from panel_tui.cli import main
from panel_tui.core.log import canonical_hash, render_log
from tests.conftest import SESSIONS

STOCKTON = SESSIONS / "stockton-2021"
ESC_AT = "2026-11-24T00:56:07Z\x1b]0;PWNED\x07\x1b[2J"
MARKUP_AT = "[link=http://x.example]click[/link][@click=app.quit]q[/]"


def rechain(header: dict[str, Any], entries: list[dict[str, Any]]) -> bytes:
    """Recompute every prev and hash, as an attacker would, and render the writer's exact bytes."""
    prev = canonical_hash(header)
    for _i, e in enumerate(entries, 1):
        e["prev"] = prev
        e["hash"] = canonical_hash(e)
        prev = e["hash"]
    return render_log(header, entries)


def hostile_log(tmp_path: Path, mutate: Callable[[list[dict[str, Any]]], None]) -> Path:
    """A copy of Stockton (sign-off dropped so writes are allowed) with ``mutate`` applied."""
    d = tmp_path / "s"
    shutil.copytree(STOCKTON, d)
    doc = tomllib.loads((d / "decisions.toml").read_text(encoding="utf-8"))
    entries = [e for e in doc["entry"] if e["kind"] != "sign-off"]
    mutate(entries)
    (d / "decisions.toml").write_bytes(rechain(doc["log"], entries))
    return d


def _first(kind: str, entries: list[dict[str, Any]]) -> dict[str, Any]:
    return next(e for e in entries if e["kind"] == kind)


def add_dissent_about_x(entries):
    entries.append(
        {
            "seq": len(entries) + 1,
            "at": "2026-11-24T01:00:00Z",
            "kind": "dissent",
            "member": "Panel member",
            "about": "x",
            "reason": "I disagree with the panel here.",
            "by": "Panel member",
        }
    )


def evidence_junk(entries):
    _first("discretion", entries)["evidence"] = "junk"


def flags_numbers(entries):
    _first("discretion", entries)["evidence"]["flags"] = [1, 2]


def at_escape(entries):
    entries[0]["at"] = ESC_AT


def at_markup(entries):
    entries[0]["at"] = MARKUP_AT


def members_string(entries):
    _first("attendance", entries)["members"] = "everyone"


def seq_huge(entries):
    entries[-1]["seq"] = 10**30


SHAPES = {
    'about = "x"': (add_dissent_about_x, "'about'"),
    'evidence = "junk"': (evidence_junk, "'evidence'"),
    "flags = [1, 2]": (flags_numbers, "'flags'"),
    "at with escape sequences": (at_escape, "'at'"),
    "at with Rich markup": (at_markup, "'at'"),
    'members = "everyone"': (members_string, "'members'"),
    "seq = 10**30": (seq_huge, "'seq'"),
}


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(params=sorted(SHAPES))
def shaped(request, tmp_path) -> tuple[Path, str]:
    mutate, field = SHAPES[request.param]
    return hostile_log(tmp_path, mutate), field


def test_the_hostile_log_really_has_a_valid_chain(shaped):
    """The independent verifier (hashes only) passes it: only the shapes are wrong."""
    from tests.unit.independent_verifier import verify

    d, _ = shaped
    doc = tomllib.loads((d / "decisions.toml").read_text(encoding="utf-8"))
    prev = canonical_hash(doc["log"])
    for e in doc["entry"]:
        assert e["prev"] == prev and e["hash"] == canonical_hash(e)
        prev = e["hash"]
    assert verify(d) in (None, "entry 12: seq")  # seq = 10**30 is the one shape the chain itself sees


def test_verify_names_the_entry_and_the_field(shaped, capsys):
    d, field = shaped
    code, out, err = run(capsys, "verify", d)
    assert code == 1 and "Traceback" not in err
    assert "entry" in err and (field in err or "seq" in err), err
    assert "\x1b" not in err and "\x07" not in err


@pytest.mark.parametrize("command", [["log"], ["log", "--json"], ["rate"], ["rate", "--json"]])
def test_reading_commands_report_and_exit_1(shaped, capsys, command):
    d, _ = shaped
    code, out, err = run(capsys, command[0], d, *command[1:])
    assert code == 1 and "Traceback" not in err
    assert err.startswith("panel-tui: ") and "entry" in err and err.count("\n") == 1, err
    assert "\x1b" not in out + err
    if "--json" in command:
        json.loads(out)  # still a valid document


def test_export_is_refused(shaped, capsys):
    d, _ = shaped
    code, out, err = run(capsys, "export", d, "--format", "csv")
    assert code == 2 and out == "" and "does not verify" in err


@pytest.mark.parametrize(
    "command",
    [
        ["decline", "--standard", "2.1", "--reason", "The panel keeps the band.", "--by", "Chair"],
        ["dissent", "--member", "M", "--reason", "A member's reason here.", "--by", "M"],
        ["reopen", "--reason", "The panel meets again.", "--by", "Chair"],
    ],
)
def test_writes_are_refused_and_the_file_is_untouched(shaped, capsys, command):
    d, _ = shaped
    before = (d / "decisions.toml").read_bytes()
    code, out, err = run(capsys, command[0], d, *command[1:])
    assert code == 2 and "Traceback" not in err and "Nothing was written" in err
    assert (d / "decisions.toml").read_bytes() == before


def test_audit_lists_the_session_as_broken_and_goes_on(shaped, tmp_path, capsys):
    d, _ = shaped
    shutil.copytree(SESSIONS / "leeds-2019", d.parent / "leeds")
    code, out, err = run(capsys, "audit", d.parent, "--json")
    assert code == 0, err
    sessions = {s["path"]: s for s in json.loads(out)["sessions"]}
    assert sessions["s"]["log_status"].startswith("broken at entry")
    assert sessions["leeds"]["log_status"] == "intact"
    code, out, err = run(capsys, "audit", d.parent, "--csv", tmp_path / "csv")
    assert code == 0, err


# --- the `panel-tui log` table never reads a value as markup ---------------------------------


class _State:
    """What render_log reads of a LogState, holding values no schema has vetted."""

    def __init__(self, entries):
        self.path, self.entries, self.problem = Path("s\x1b[2J/decisions.toml"), entries, None
        self.head, self.signed_off, self.sign_off_seq = "ab" * 32, False, None

    def status_of(self, e):
        return "stands"


def test_log_table_shows_markup_and_escapes_literally():
    from panel_tui.cli_render import render_log

    buf = io.StringIO()
    console = Console(file=buf, force_terminal=True, width=400, highlight=False)
    entry = {
        "seq": 1,
        "at": MARKUP_AT,
        "kind": "[bold]dissent[/]",
        "member": "M",
        "reason": "r",
        "by": "[link=http://x.example]by[/link]",
    }
    render_log(console, _State([entry, {**entry, "seq": 2, "at": ESC_AT}]))
    text = buf.getvalue()
    assert "\x1b]8;" not in text  # no OSC 8 hyperlink: [link=...] was not read as markup
    assert "\x1b]0;" not in text and "\x1b[2J" not in text and "\x07" not in text
    for literal in ("[link=http://x.example]", "[bold]dissent[/]", "␛]0;PWNED"):
        assert literal in text, literal
