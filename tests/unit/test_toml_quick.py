"""The quick TOML reader gives exactly tomllib's document for every text it accepts, and gives up on
every text tomllib refuses: on the project's own files, on hand-picked corners of TOML, and on
thousands of altered inspection files (a fixed seed, so a failure is the same on every run)."""

from __future__ import annotations

import datetime as dt
import random
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from panel_tui.core.toml_quick import quick_toml
from tests.conftest import ROOT, SESSIONS

PROJECT_FILES = sorted(
    p for p in ROOT.rglob("*.toml") if not ({".venv", "node_modules", ".git"} & set(p.relative_to(ROOT).parts))
)


def same(a: Any, b: Any) -> bool:
    """Equal with the same types and key order all the way down (Decimal("1") == 1 in Python)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b) and str(a) == str(b)  # Decimal("62.50") keeps its digits, as tomllib's does


def agrees(text: str, parse_float: Any = Decimal) -> bool | None:
    """True: quick read it as tomllib does; None: quick gave up; False: they differ (a bug)."""
    quick = quick_toml(text, parse_float)
    try:
        doc = tomllib.loads(text, parse_float=parse_float)
    except (tomllib.TOMLDecodeError, ValueError, RecursionError):
        return False if quick is not None else None
    if quick is None:
        return None
    return same(quick, doc)


@pytest.mark.parametrize("path", PROJECT_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_project_file_read_as_tomllib_reads_it(path: Path) -> None:
    assert agrees(path.read_text(encoding="utf-8")) is not False


def test_the_bundled_inspections_and_log_headers_take_the_quick_path() -> None:
    """The point of it: a real inspection file and a log's [log] table are plain enough."""
    for session in sorted(SESSIONS.iterdir()):
        if not (session / "inspection.toml").exists():
            continue
        assert agrees((session / "inspection.toml").read_text(encoding="utf-8")) is True, session
        log = session / "decisions.toml"
        if log.exists():
            header = log.read_text(encoding="utf-8").split("\n\n", 1)[0]
            assert agrees(header, float) is True, session


ACCEPTED = [  # plain TOML, read quickly and exactly as tomllib reads it
    "",
    "\n\n  \t\n",
    'a = "x"\nb = 1\nc = -0\nd = 0.5\ne = 2020-09-21\nf = true\ng = false\n',
    'a = "x" # comment with "quotes" and = signs\n# a comment only\n',
    'a="x"#c\nb=1#c\n',
    "[t]\na = 1\n[t.u]\nb = 2\n[[arr]]\nx = 1\n[[arr]]\nx = 2\n[[arr.sub]]\ny = 3\n[arr.one]\nz = 4\n",
    '[[standard]]\nid = "1.1"\n[[standard.question]]\nid = "1.1.1"\n[[standard]]\nid = "2"\n',
    "s = { court = 8, out_of_court = 5 }\nt = {a=1}\nu = {  a = -3 ,b = 0  }\n",
    'k = "tab\there, non-ASCII: Siobhán, 日本, \u2028"\n',
    "percent = 62.50\nbig = 999999999999999\nneg = -12.0\n",
    "  [t]  # indented header\n\ta = 1\n",
    "true = 1\nfalse = 2\n1 = 3\n-_- = 4\n",
    "no_newline_at_end = 1",
]

REFUSED_OR_GIVEN_UP = [  # tomllib refuses these, or they are outside the quick part: quick gives up
    'a = "x"\na = "y"\n',  # a key twice
    "[t]\n[t]\n",  # a table twice
    "a = 1\n[a]\n",  # a value, then a table of that name
    "[[a]]\n[a]\n",
    "[a]\n[[a]]\n",
    "[t.u]\n[t]\n",  # t made implicitly: valid TOML, but left to tomllib
    "[[t.u]]\n",
    "s = { a = 1 }\n[s.b]\n",  # an inline table is closed
    "[t]\nu = 1\n[t.u]\n",
    "[t]\n[t.u]\n[[t.u]]\n",
    "s = { a = 1, a = 2 }\n",
    "s = { a = 1, }\n",
    "s = {}\n",
    'a = "x\\ty"\n',  # an escape
    "a = 'literal'\n",
    'a = """multi\nline"""\n',
    "a = [1, 2]\n",
    "a.b = 1\n",  # dotted key
    '"quoted" = 1\n',
    "[ t ]\n",
    "a = 1\r\nb = 2\r\n",
    "a = 007\n",
    "a = +1\n",
    "a = 1_000\n",
    "a = 1e3\n",
    "a = 1.\n",
    "a = .5\n",
    "a = inf\n",
    "a = 0x10\n",
    "a = 1234567890123456\n",  # 16 digits: left to tomllib
    "a = 2020-02-30\n",  # no such day
    "a = 2020-13-01\n",
    "a = 2020-09-21T10:00:00Z\n",
    "a = 2020-09-21 10:00:00\n",
    "a = 10:00:00\n",
    'a = "x" b\n',
    "a = 1 2\n",
    "a =\n",
    "= 1\n",
    'a = "bad \x01 control"\n',
    "a = 1 # bad \x7f in a comment\n",
    "# bad \x00 in a comment\n",
    "a = TRUE\n",
    "\ufeffa = 1\n",
    "a\u00a0= 1\n",
    "a = ١\n",  # an Arabic-Indic digit: Python's \\d would take it
]


@pytest.mark.parametrize("text", ACCEPTED)
def test_plain_toml_read_as_tomllib_reads_it(text: str) -> None:
    assert agrees(text) is True
    assert agrees(text, float) is True


@pytest.mark.parametrize("text", REFUSED_OR_GIVEN_UP)
def test_anything_else_is_left_to_tomllib(text: str) -> None:
    assert quick_toml(text, Decimal) is None


def test_types_as_tomllib_gives_them() -> None:
    doc = quick_toml('a = 2020-09-21\nb = 62.5\nc = 7\nd = true\ne = "7"\n', Decimal)
    assert doc is not None
    assert type(doc["a"]) is dt.date and type(doc["b"]) is Decimal and type(doc["c"]) is int
    assert doc["d"] is True and doc["e"] == "7"


TOKENS = [
    '"', "'", "\\", "#", "=", "[", "]", "[[", "]]", "{", "}", ",", ".", " ", "\t", "\n", "\r", "\x00", "\x7f",
    "\x1b", "_", "+", "-", "0", "00", "9", "e", "T", ":", '"""', "inf", "nan", "true", "1979-05-27", "13", "32",
    "\u00a0", "١", "é", "x", "id", "question", "standard", "inspection", "sample", "relevant = 3", "[standard]",
    "[[standard]]", "[inspection]", "[[standard.question]]", "a.b", "{ a = 1 }", "9999999999999999",
]  # fmt: skip


def mutate(text: str, rng: random.Random) -> str:
    for _ in range(rng.randint(1, 3)):
        lines = text.split("\n")
        op = rng.randrange(6)
        i = rng.randrange(len(lines))
        if op == 0:  # a token into a line
            line = lines[i]
            at = rng.randint(0, len(line))
            lines[i] = line[:at] + rng.choice(TOKENS) + line[at:]
        elif op == 5 and '"' in lines[i]:  # a token into a string's text
            at = lines[i].index('"') + 1
            lines[i] = lines[i][:at] + rng.choice(TOKENS) + lines[i][at:]
        elif op == 1 and lines[i]:  # a character out
            at = rng.randrange(len(lines[i]))
            lines[i] = lines[i][:at] + lines[i][at + 1 :]
        elif op == 2:  # a line twice
            lines.insert(i, lines[i])
        elif op == 3:  # a line gone
            del lines[i]
        else:  # two lines swapped
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        text = "\n".join(lines)
    return text


def test_altered_inspection_files_never_read_otherwise_than_tomllib() -> None:
    rng = random.Random(26)
    sources = [p.read_text(encoding="utf-8") for p in sorted(SESSIONS.glob("*/inspection.toml"))]
    outcomes = {True: 0, None: 0}
    for n in range(4000):
        text = mutate(rng.choice(sources), rng)
        verdict = agrees(text, Decimal if n % 2 else float)
        assert verdict is not False, repr(text)
        outcomes[verdict] += 1
    # both sides were exercised: many altered files are still plain, many are not
    assert outcomes[True] > 500 and outcomes[None] > 500, outcomes
