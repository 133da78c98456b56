"""What ``panel-tui audit DIR --json`` leaves out (issue 26: the audit within 1.5x of parsing its
files, start-up counted): no Textual, no Rich, no openpyxl, and none of the other commands' modules.
A test of imports, not of time (the time is tests/benchmarks/bench_audit.py's)."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import SESSIONS

NOT_NEEDED = [
    "textual",
    "rich",
    "openpyxl",
    "panel_tui.app",
    "panel_tui.screens",
    "panel_tui.serve",
    "panel_tui.cli_log",
    "panel_tui.cli_data",
    "panel_tui.cli_framework",
    "panel_tui.cli_render",
    "panel_tui.core.export",
    "panel_tui.core.log.writer",
    "panel_tui.core.filelock",
    "panel_tui.core.audit.workbook",
    "panel_tui.core.audit.report",
]

AUDIT = """
import contextlib, io, json, sys
from panel_tui.cli import main

out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = main(["audit", sys.argv[1], "--json"])
sessions = len(json.loads(out.getvalue())["sessions"])
print(json.dumps({"code": code, "sessions": sessions, "modules": sorted(sys.modules)}))
"""


def test_audit_json_imports_only_what_it_needs() -> None:
    done = subprocess.run(
        [sys.executable, "-c", AUDIT, str(SESSIONS)], capture_output=True, text=True, check=True, timeout=120
    )
    found = json.loads(done.stdout.splitlines()[-1])
    assert found["code"] == 0 and found["sessions"] == 4  # it did audit the bundled sessions
    modules = found["modules"]
    assert "panel_tui.core.audit.stream" in modules  # what it needs is there: the check can see imports
    loaded = [m for m in modules if any(m == name or m.startswith(name + ".") for name in NOT_NEEDED)]
    assert loaded == []
