"""The core is usable without the UI: importing it must not pull in Textual or Rich."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEADLESS = ["panel_tui.core.engine", "panel_tui.core.inspection", "panel_tui.core.framework",
            "panel_tui.core.report", "panel_tui.core.session", "panel_tui.core.display"]


@pytest.mark.parametrize("module", HEADLESS)
def test_core_module_imports_no_ui(module):
    code = (f"import sys, {module}; bad = [m for m in ('textual', 'rich') if m in sys.modules]; "
            "print(','.join(bad)); sys.exit(1 if bad else 0)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, f"{module} imports {proc.stdout.strip()}"
