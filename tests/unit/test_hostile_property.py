"""Property: no mutation of an inspection or a decision log makes a command crash (issue 10).

Hypothesis mutates the Stockton files (values swapped for hostile TOML literals, lines deleted,
duplicated or inserted, the text cut short, bytes that are not UTF-8, and, for logs, values of
any shape re-hashed into a valid chain) and runs check, rate, verify, log, export, a write and
the audit in-process. Every run must end with exit 0, 1 or 2 and, when not 0, one message; never
an exception. ``check`` and ``rate`` must agree. Bounded (150 examples each, no deadline) so the
suite stays quick.
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import tempfile
import tomllib
from pathlib import Path

import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from panel_tui.cli import main
from panel_tui.core.log import canonical_hash, render_log
from tests.conftest import SESSIONS

STOCKTON = SESSIONS / "stockton-2021"
INSPECTION = (STOCKTON / "inspection.toml").read_text(encoding="utf-8")
LOG = (STOCKTON / "decisions.toml").read_text(encoding="utf-8")
SETTINGS = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

HOSTILE_LITERALS = [
    "nan",
    "+nan",
    "-nan",
    "inf",
    "+inf",
    "-inf",
    "1e400",
    "-1e400",
    "1e-400",
    "64.99999999999999999",
    "65.00000000000000001",
    "0",
    "-0",
    "0.0",
    "100",
    "100.0000000000001",
    "-1",
    "true",
    '""',
    "''",
    '"\\u200b\\u200b\\u200b"',
    '"\\u001b]0;PWNED\\u0007\\u001b[2J"',
    '"[bold]x[/] [@click=app.quit]q[/]"',
    '"=HYPERLINK(\\"http://x.example\\",\\"click\\")"',
    "[]",
    "{}",
    "[[[[1]]]]",
    "{a = {a = {a = 1}}}",
    "1979-05-27",
    "1979-05-27T07:32:00Z",
    "07:32:00",
    "0x10",
    "0o7",
    "0b1",
    "1_000",
    "9223372036854775808",
    "100001",
    "99999999999999999999",
    '"Goood"',
    '"Requires improvement"',
    '"hmip-yos-2099"',
]

toml_values = st.one_of(
    st.sampled_from(HOSTILE_LITERALS),
    st.integers().map(str),
    st.floats().map(repr),  # includes inf, nan, 1e+300, -0.0
    st.text(max_size=30).map(json.dumps),  # a basic string (lone surrogates make it invalid TOML)
    st.integers(4000, 6000).map(lambda n: "1" * n),
    st.integers(2, 3000).map(lambda n: "[" * n + "]" * n),
    st.integers(2, 3000).map(lambda n: "{a=" * n + "1" + "}" * n),
)


@st.composite
def mutated_text(draw: st.DrawFn, text: str) -> bytes:
    """The file with one to three mutations; the result may not even be UTF-8."""
    lines = text.split("\n")
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(["value", "value", "value", "delete", "duplicate", "insert", "cut", "char"]))
        i = draw(st.integers(0, max(0, len(lines) - 1)))
        if op == "value" and "=" in lines[i]:
            key = lines[i].split("=", 1)[0]
            lines[i] = f"{key}= {draw(toml_values)}"
        elif op == "delete" and lines:
            del lines[i]
        elif op == "duplicate" and lines:
            lines.insert(i, lines[i])
        elif op == "insert":
            lines.insert(i, draw(st.one_of(st.text(max_size=40), toml_values.map(lambda v: f"x = {v}"))))
        elif op == "cut":
            joined = "\n".join(lines)
            lines = joined[: draw(st.integers(0, len(joined)))].split("\n")
        elif op == "char" and lines and lines[i]:
            j = draw(st.integers(0, len(lines[i]) - 1))
            lines[i] = lines[i][:j] + draw(st.characters()) + lines[i][j + 1 :]
    data = "\n".join(lines).encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 9)) == 0:  # now and then, bytes that are not UTF-8 at all
        k = draw(st.integers(0, len(data)))
        data = data[:k] + draw(st.binary(min_size=1, max_size=4)) + data[k:]
    return data


# Python values of any shape, for a log entry re-hashed into a valid chain.
json_values = st.recursive(
    st.one_of(
        st.booleans(),
        st.integers(),
        st.integers(10**15, 10**40),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=20),
        st.sampled_from(
            [
                "x",
                "junk",
                "\x1b]0;PWNED\x07",
                "[link=http://x.example]c[/link]",
                "=1+1",
                "\u200b" * 25,
                "2026-13-45T99:99:99Z",
                "Good",
                "2.2",
                "near-boundary",
            ]
        ),
    ),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=8,
)


@st.composite
def mutated_log(draw: st.DrawFn) -> bytes:
    """Either a raw-text mutation of the log, or a value changed and every hash recomputed."""
    if draw(st.booleans()):
        return draw(mutated_text(LOG))
    doc = tomllib.loads(LOG)
    header, entries = doc["log"], doc["entry"]
    for _ in range(draw(st.integers(1, 2))):
        op = draw(st.sampled_from(["set", "set", "set", "drop-key", "drop-entry", "swap"]))
        e = entries[draw(st.integers(0, len(entries) - 1))] if entries else header
        if op == "set":
            target = e.get("evidence") if isinstance(e.get("evidence"), dict) and draw(st.booleans()) else e
            keys = [*target.keys(), "about", "extra"]
            target[draw(st.sampled_from(keys))] = draw(json_values)
        elif op == "drop-key" and e:
            e.pop(draw(st.sampled_from(sorted(e))), None)
        elif op == "drop-entry" and entries:
            entries.remove(e)
        elif op == "swap" and len(entries) > 1:
            i, j = draw(st.integers(0, len(entries) - 1)), draw(st.integers(0, len(entries) - 1))
            entries[i], entries[j] = entries[j], entries[i]
    prev = canonical_hash(header)
    for e in entries:
        e["prev"] = prev
        e["hash"] = canonical_hash(e)
        prev = e["hash"]
    try:
        return render_log(header, entries)
    except TypeError:  # a kind that is not a string: no canonical layout, so any TOML rendering
        return tomli_w.dumps({"log": header, "entry": entries}).encode("utf-8")


def run(*argv: object) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


def assert_clean(code: int, err: str, allowed: tuple[int, ...] = (0, 1, 2)) -> None:
    assert code in allowed, (code, err)
    assert "Traceback" not in err
    if code:
        assert err.startswith("panel-tui: "), err
    assert "\x1b" not in err and "\x07" not in err, repr(err)


@SETTINGS
@given(data=mutated_text(INSPECTION))
def test_mutated_inspection_never_crashes_and_check_agrees_with_rate(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "root"
        d = root / "s"
        d.mkdir(parents=True)
        (d / "inspection.toml").write_bytes(data)
        check = run("check", d)
        rate = run("rate", d, "--json")
        assert_clean(check[0], check[2], (0, 1, 2))  # 1: a valid file with figures or proposals still to come
        assert_clean(rate[0], rate[2], (0, 2))
        assert (check[0] == 2) == (rate[0] == 2), (check[2], rate[2])  # one boundary: they always agree
        if check[0] == 2:
            assert check[2] == rate[2]
        else:
            incomplete = any(s["computed"].startswith("Awaiting") for s in json.loads(rate[1])["standards"])
            assert (check[0] == 1) == incomplete, (check, rate[1][:200])
        audit = run("audit", root, "--json")
        assert_clean(audit[0], audit[2], (0,))
        status = json.loads(audit[1])["sessions"][0]["log_status"]
        assert (status == "no log") == (check[0] != 2), status


@SETTINGS
@given(data=mutated_log())
def test_mutated_log_never_crashes(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "root"
        d = root / "s"
        d.mkdir(parents=True)
        shutil.copy(STOCKTON / "inspection.toml", d / "inspection.toml")
        (d / "decisions.toml").write_bytes(data)
        verify = run("verify", d)
        assert_clean(*verify[::2], (0, 1))
        for argv in (["log"], ["log", "--json"], ["rate"]):
            code, out, err = run(argv[0], d, *argv[1:])
            assert_clean(code, err, (0, 1))
            assert code == verify[0]  # every reader sees the same log the same way
            assert "\x1b" not in out
        code, out, err = run("export", d, "--format", "csv")
        assert_clean(code, err, (0, 2))
        assert (code == 0) == (verify[0] == 0)
        before = (d / "decisions.toml").read_bytes()
        code, out, err = run("reopen", d, "--reason", "The panel meets again.", "--by", "Chair")
        assert_clean(code, err, (0, 2))
        if code:
            assert (d / "decisions.toml").read_bytes() == before  # a refused write changes nothing
        audit = run("audit", root, "--json")
        assert_clean(audit[0], audit[2], (0,))
