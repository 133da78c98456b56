"""What the meeting app's start leaves out until it is needed (issue 26: the first readable screen).

A test of imports and of order, not of time (the time is tests/benchmarks/bench_app.py's): the real
command line (``panel-tui open SESSION``) runs in a fresh interpreter with the app headless, and
the modules present once its first screen is shown are listed; the header's first git read waits
until the footer's keys are there.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

from textual.widgets._footer import FooterKey

from panel_tui.widgets.summary import SessionSummary
from tests.ui.pilot import run_app, until

# Modules the first screen does not need: the other commands' parsers and what they import, the
# audit, export, the other screens, the forms and the log's writer (each imported when first used)
DEFERRED = [
    "panel_tui.cli_log",
    "panel_tui.cli_data",
    "panel_tui.cli_framework",
    "panel_tui.cli_audit",
    "panel_tui.cli_git",
    "panel_tui.core.audit",
    "panel_tui.core.export",
    "panel_tui.core.new_session",
    "panel_tui.core.cases",
    "panel_tui.screens.audit",
    "panel_tui.screens.picker",
    "panel_tui.screens.log_view",
    "panel_tui.modals.entry_form",
    "panel_tui.modals.git_dialog",
    "panel_tui.core.log.writer",
    "panel_tui.core.filelock",
    "csv",
    "_strptime",
]
OPTIONAL = ["openpyxl"]  # the xlsx extra: never needed to open a session, whether installed or not

START = """
import asyncio, json, sys
import panel_tui.app as app_module

shown = {}

async def first_screen(app):
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        shown["header"] = str(app.screen.query_one("#summary").render())
        shown["modules"] = sorted(sys.modules)

app_module.PanelApp.run = lambda self: asyncio.run(first_screen(self))  # headless, in place of the terminal
from panel_tui.cli import main

code = main(["open", sys.argv[1]])
print(json.dumps({"code": code, **shown}))
"""


def test_every_deferred_module_exists():
    """A misspelt name would make the test below pass whatever the app imports."""
    assert [m for m in DEFERRED if importlib.util.find_spec(m) is None] == []


def test_opening_a_session_imports_none_of_the_deferred_modules(stockton_met):
    proc = subprocess.run([sys.executable, "-c", START, str(stockton_met)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["code"] == 0
    assert "Stockton-on-Tees" in out["header"] and "log intact" in out["header"]  # the session, not the picker
    assert "panel_tui.screens.meeting" in out["modules"]
    assert [m for m in DEFERRED + OPTIONAL if m in out["modules"]] == []


def test_the_full_command_line_still_has_every_command():
    """`open` builds only its own parser; every other command still parses as before."""
    from panel_tui.cli import build_parser

    full, small = build_parser(), build_parser("open")
    assert full.parse_args(["verify", "S"]).func.__module__ == "panel_tui.cli_log"
    assert full.parse_args(["audit", "D", "--json"]).json is True
    for parser in (full, small):
        args = parser.parse_args(["open", "S", "--sessions", "X"])
        assert (str(args.path), str(args.sessions), args.func.__name__) == ("S", "X", "cmd_open")


def test_the_headers_first_git_read_waits_for_the_footers_keys(stockton_met, monkeypatch):
    """Git support is imported and git run in a thread, which holds the interpreter's lock while
    the first screen's last frames are drawn: the first read starts once the footer's keys are
    laid out on the screen (their region set), the last part of the first screen to be drawn."""
    keys_when_read: list[tuple[int, int]] = []  # (footer keys, of which laid out) at the first read
    original = SessionSummary._read_sync

    def spy(self, session, asked):
        keys = list(self.screen.query(FooterKey))
        keys_when_read.append((len(keys), sum(1 for k in keys if k.region)))
        return original(self, session, asked)

    monkeypatch.setattr(SessionSummary, "_read_sync", spy)

    async def script(app, pilot):
        summary = app.screen.query_one(SessionSummary)
        # the read is a thread worker: wait for its answer (the event), not a time
        await until(pilot, lambda: keys_when_read and not summary.is_running_sync(), timeout=10, what="the git read")

    run_app(stockton_met, script, size=(100, 30))
    assert keys_when_read, "the header never read its sync state"
    composed, laid_out = keys_when_read[0]
    assert composed > 0 and laid_out == composed, (
        f"the first git read began with {laid_out} of {composed} keys laid out"
    )


def test_the_first_frame_is_the_whole_first_screen(stockton_met, monkeypatch):
    """The evidence pane and the footer's keys are painted in the same frame as the table and the
    header (issue 26: each came a frame, 30-45 ms, later): when the pane paints its first line, its
    evidence is drawn and every footer key is laid out."""
    from panel_tui.widgets.detail import StandardDetail

    first: list[tuple[str, int, int]] = []  # (pane's first line, footer keys, of which laid out)
    original = StandardDetail.render_line

    def spy(self, y):
        strip = original(self, y)
        if not first:
            keys = list(self.screen.query(FooterKey))
            first.append((strip.text, len(keys), sum(1 for k in keys if k.region)))
        return strip

    monkeypatch.setattr(StandardDetail, "render_line", spy)

    async def script(app, pilot):
        assert first, "the evidence pane was never painted"

    run_app(stockton_met, script, size=(100, 30))
    line, keys, laid_out = first[0]
    assert line.strip().startswith("1.1 Governance and leadership"), line
    assert keys > 0 and laid_out == keys


def test_the_log_view_and_the_picker_show_their_keys_in_their_first_frame(stockton_met, monkeypatch):
    """Their footers' keys are laid out when their first line is painted (the same frame)."""
    from textual.widgets import Static

    from panel_tui.app import PanelApp
    from tests.ui.pilot import until

    first: dict[str, tuple[int, int]] = {}  # widget id -> (footer keys, of which laid out) at its first paint
    original = Static.render

    def spy(self):
        if self.id in ("log-status", "picker-title") and self.id not in first:
            keys = list(self.screen.query(FooterKey))
            first[self.id] = (len(keys), sum(1 for k in keys if k.region))
        return original(self)

    monkeypatch.setattr(Static, "render", spy)

    async def log_view(app, pilot):
        await pilot.press("l")
        await until(pilot, lambda: "log-status" in first, what="the log view's first paint")

    run_app(stockton_met, log_view, size=(100, 30))

    async def picker() -> None:
        app = PanelApp(None, sessions_root=stockton_met.parent)
        async with app.run_test(size=(100, 30)) as pilot:
            await until(pilot, lambda: "picker-title" in first, what="the picker's first paint")

    import asyncio

    asyncio.run(picker())
    for name, (keys, laid_out) in first.items():
        assert keys > 0 and laid_out == keys, f"{name}: {laid_out} of {keys} keys laid out at its first paint"
