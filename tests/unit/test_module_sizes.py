"""The package keeps to modules with one job each, none over 400 lines (issue 22, item 5).

A module that grows past the limit is a sign it has taken on a second job: split it by job (as
engine, gitstore's sync and history, cases, framework and audit were), don't squeeze it.
"""

from __future__ import annotations

from pathlib import Path

import panel_tui
import panel_tui.core

LIMIT = 400
CORE = Path(panel_tui.core.__file__).parent
PACKAGE = Path(panel_tui.__file__).parent


def test_the_core_is_found():
    assert (CORE / "engine.py").is_file() and len(list(CORE.rglob("*.py"))) > 40


def test_no_core_module_is_over_400_lines():
    sizes = {
        p.relative_to(CORE).as_posix(): len(p.read_text(encoding="utf-8").splitlines()) for p in CORE.rglob("*.py")
    }
    over = {name: n for name, n in sorted(sizes.items()) if n > LIMIT}
    assert not over, f"over {LIMIT} lines (split by job): {over}"


def test_no_module_of_the_package_is_over_400_lines():
    """The UI and the command line too (the forms, the screens and the CLI were split by job)."""
    sizes = {
        p.relative_to(PACKAGE).as_posix(): len(p.read_text(encoding="utf-8").splitlines())
        for p in PACKAGE.rglob("*.py")
    }
    assert len(sizes) > 100
    over = {name: n for name, n in sorted(sizes.items()) if n > LIMIT}
    assert not over, f"over {LIMIT} lines (split by job): {over}"
