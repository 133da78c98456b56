"""The core is usable without the UI: importing any of its modules must not pull in Textual or Rich.

Walks every module of ``panel_tui.core`` (a new module is covered without editing a list).
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import panel_tui.core

CORE = sorted(m.name for m in pkgutil.walk_packages(panel_tui.core.__path__, "panel_tui.core."))


def test_the_walk_finds_the_core():
    assert {"panel_tui.core.engine", "panel_tui.core.log.writer", "panel_tui.core.log.reader"} <= set(CORE)


@pytest.mark.parametrize("module", CORE)
def test_core_module_imports_no_ui(module):
    code = (
        f"import sys, {module}; bad = [m for m in ('textual', 'rich') if m in sys.modules]; "
        "print(','.join(bad)); sys.exit(1 if bad else 0)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, f"{module} imports {proc.stdout.strip()}{proc.stderr[-300:]}"
