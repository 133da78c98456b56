"""Every path, name and subject reaches the terminal through the display helper (issue 21): a
folder named with ESC or a newline is data, never a terminal command or a forged line."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

CLI = sorted((Path(__file__).resolve().parents[2] / "panel_tui").glob("cli*.py"))
# Names that may hold a path or text from a file or the command line.
RISKY = re.compile(r"path|dir|file|root|rel\b|output|folder|session|name|\bp\b|line|message|problem|outcome|text")
SAFE_CALLS = {"visible", "one_line", "shell_quote", "_say", "_err", "dumps", "len", "int", "str.join"}


def _calls(tree: ast.AST) -> list[ast.Call]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call)]


def _name(call: ast.Call) -> str:
    f = call.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""


def _raw_parts(node: ast.AST) -> list[str]:
    """Interpolated expressions in ``node`` that are not wrapped in a safe call."""
    if isinstance(node, ast.Call) and _name(node) in SAFE_CALLS:
        return []
    if isinstance(node, ast.Call) and _name(node) == "Text" and node.args:  # Rich Text: what it holds counts
        return _raw_parts(node.args[0])
    if isinstance(node, ast.JoinedStr):
        out = []
        for v in node.values:
            if isinstance(v, ast.FormattedValue):
                out += _raw_parts(v.value) if isinstance(v.value, (ast.Call, ast.JoinedStr)) else [ast.unparse(v.value)]
        return out
    if isinstance(node, ast.BinOp):
        return _raw_parts(node.left) + _raw_parts(node.right)
    if isinstance(node, ast.IfExp):
        return _raw_parts(node.body) + _raw_parts(node.orelse)
    if isinstance(node, ast.Constant):
        return []
    if isinstance(node, ast.Call):
        return [ast.unparse(node)] if _name(node) not in SAFE_CALLS else []
    return [ast.unparse(node)]


@pytest.mark.parametrize("module", CLI, ids=[m.name for m in CLI])
def test_every_print_of_a_path_or_name_goes_through_the_display_helper(module: Path) -> None:
    source = module.read_text()
    lines = source.splitlines()
    tree = ast.parse(source)
    bad = []
    for call in _calls(tree):
        if _name(call) not in ("print", "write") or not call.args:
            continue
        if _name(call) == "write" and "stdout" not in ast.unparse(call.func) and "stderr" not in ast.unparse(call.func):
            continue
        if "# shown:" in lines[call.lineno - 1]:  # a document whose renderer made its text visible
            continue
        for part in _raw_parts(call.args[0]):
            if RISKY.search(part):
                bad.append(f"{module.name}:{call.lineno}: {part}")
    assert bad == [], "printed without visible(): " + "; ".join(bad)


def test_the_check_finds_a_raw_path() -> None:
    tree = ast.parse('print(f"wrote {path}")\nprint(visible(f"wrote {path}"))\n')
    calls = [c for c in _calls(tree) if _name(c) == "print"]
    assert _raw_parts(calls[0].args[0]) == ["path"] and _raw_parts(calls[1].args[0]) == []
