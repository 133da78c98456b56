"""The canonical layout is ours (docs/formats.md, "Canonical bytes"); tomli-w 1.x is only an oracle.

The first logs were tomli-w 1.x output, so our renderer must give its bytes for every table a log can
hold; these tests compare the two. Then no command that reads or writes a log may call tomli-w: a
layout change in a tomli-w release must never make a kept log fail "not in canonical form".
"""

from __future__ import annotations

import json
import random
import tomllib
from pathlib import Path
from typing import Any, NotRequired, get_args, get_origin

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from panel_tui.cli import main
from panel_tui.core.log.chain import _render, ordered_entry, render_entry, render_header, render_log
from panel_tui.core.log.entries import FIELDS, KINDS, LOG_FORMAT_V1, LOG_FORMAT_V2, Header

ROOT = Path(__file__).resolve().parents[2]
SLUGS = ["stockton-2021", "leeds-2019", "hammersmith-2022", "lincolnshire-2023"]
CHARS = [
    "a",
    "Z",
    " ",
    '"',
    "\\",
    "\n",
    "\r",
    "\t",
    "\x00",
    "\x08",
    "\x0c",
    "\x1b",
    "\x7f",
    "é",
    "\u200b",
    "\u2028",
    "🙂",
    "[",
    "]",
    "=",
    "#",
    "'",
    ".",
]
PROPERTY = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def oracle_entry(e: dict[str, Any], v1: bool = False) -> bytes:
    """tomli-w 1.x's bytes for one entry, as the first logs were written."""
    return tomli_w.dumps({"entry": [ordered_entry(e, v1)]}).encode("utf-8")


@pytest.mark.parametrize("slug", SLUGS)
def test_example_logs_are_their_own_canonical_rendering(slug: str) -> None:
    data = (ROOT / "sessions" / slug / "decisions.toml").read_bytes()
    doc = tomllib.loads(data.decode("utf-8"))
    assert render_log(doc["log"], doc["entry"]) == data
    assert render_log(doc["log"], doc["entry"], evidence_verified=True) == data
    assert tomli_w.dumps({"log": doc["log"], "entry": [ordered_entry(e) for e in doc["entry"]]}).encode() == data


def test_fast_renderer_matches_tomli_w_on_hostile_strings() -> None:
    rng = random.Random(20261123)
    for _ in range(3000):
        s = "".join(rng.choice(CHARS) for _ in range(rng.randint(0, 14)))
        e = {
            "seq": rng.randint(0, 2**53 - 1),
            "at": s,
            "kind": "dissent",
            "member": s,
            "reason": s,
            "by": s,
            "members": [s, s] if rng.random() < 0.5 else [],
            "outside_criteria": rng.random() < 0.5,
            "ratings": {s or "x": s, "1.1": "Good"},
            "evidence": {"computed": s, "flags": [s], "questions": [{"id": s, "percent": "62.50", "yes": 5}]},
        }
        assert render_entry(e) == oracle_entry(e), repr(s)
        assert _render(ordered_entry(e), "entry", True).encode("utf-8") == oracle_entry(e), repr(s)


def test_long_inline_tables_become_an_array_of_tables() -> None:
    e = {
        "seq": 1,
        "kind": "declined",
        "evidence": {"computed": "Good", "flags": [], "questions": [{"id": "x" * 120, "percent": "1.00"}]},
    }
    out = render_entry(e)
    assert out == oracle_entry(e)
    assert b"[[entry.evidence.questions]]" in out


def test_an_entry_is_always_an_array_table_even_when_tiny() -> None:
    """Where we part from tomli-w on purpose: it wrote an entry short enough for one line as
    ``entry = [{ ... }]``. No entry with its 64-digit prev and hash is that short, so no log changes."""
    assert render_entry({"seq": 1.5}) == b"[[entry]]\nseq = 1.5\n"
    assert tomli_w.dumps({"entry": [{"seq": 1.5}]}) == "entry = [\n    { seq = 1.5 },\n]\n"


def test_values_without_a_toml_form_are_refused() -> None:
    """A type the layout does not define is an error, never a guess (the schema refuses it first)."""
    with pytest.raises(TypeError):
        render_entry({"seq": 1, "at": object(), "prev": "0" * 64, "hash": "0" * 64})
    with pytest.raises(TypeError):
        render_entry({"seq": 1, "evidence": {1: "x"}, "prev": "0" * 64, "hash": "0" * 64})


# --- property: random entries and headers of the shapes the writer produces, against tomli-w -------

HEX = st.text("0123456789abcdef", min_size=64, max_size=64)
AWKWARD = st.sampled_from(
    [
        '"',
        "\\",
        '"""',
        "'''",
        "\x7f",
        "\t",
        "\r\n",
        "\\u00e9",
        "🙂",
        "👨\u200d👩\u200d👧",
        "\u2028",
        "\ufeff",
        "[[entry]]",
        "\n[[entry]]\n",
        "# x",
        "a = 1",
        "{ }",
        "",
        " ",
    ]
)
TEXT = st.one_of(
    st.text(max_size=40),
    st.lists(st.one_of(AWKWARD, st.text(max_size=5)), max_size=6).map("".join),
    st.text(min_size=200, max_size=2000),
)
WHOLE = st.integers(0, 2**53 - 1)
WORDS = st.lists(TEXT, max_size=4)


@st.composite
def evidence(draw: st.DrawFn, v1: bool) -> dict[str, Any]:
    """A discretion's or keep's evidence: every optional key present or not."""
    ev: dict[str, Any] = {"computed": draw(TEXT)}
    if draw(st.booleans()):
        ev["lowest_percent"] = draw(st.floats(0, 100) | st.integers(0, 100)) if v1 else draw(TEXT)
        ev["lowest_questions"] = draw(WORDS)
    if draw(st.booleans()):
        ev["cases"] = draw(WHOLE)
    ev["flags"] = draw(WORDS)
    if draw(st.booleans()):
        ev["flip_distance"] = draw(WHOLE)
    if not v1 and draw(st.booleans()):
        ev["questions"] = draw(
            st.lists(
                st.fixed_dictionaries({"id": TEXT, "percent": TEXT}, optional={"yes": WHOLE, "relevant": WHOLE}),
                max_size=5,
            )
        )
    return ev


def _value_for(key: str, tp: Any, v1: bool) -> st.SearchStrategy[Any]:
    if key == "evidence":
        return evidence(v1)
    if key == "ratings":
        return st.dictionaries(TEXT, TEXT, max_size=6)
    if key in ("prev", "hash", "replayed_from"):
        return HEX
    return {str: TEXT, int: WHOLE, bool: st.booleans(), list[str]: WORDS}.get(tp, TEXT)


@st.composite
def writer_entry(draw: st.DrawFn, v1: bool) -> dict[str, Any]:
    """An entry of any kind with each of its optional keys present or not, keys in a random order
    (format 2 puts them in the schema's order; format 1 keeps the order it is given)."""
    kind = draw(st.sampled_from(KINDS))
    fields = {
        "seq": int,
        "at": str,
        **FIELDS[kind].__annotations__,
        "by": str,
        "replayed_from": str,
        "prev": str,
        "hash": str,
    }
    required = {"seq", "at", "by", "prev", "hash", *FIELDS[kind].__required_keys__}  # type: ignore[attr-defined]
    e: dict[str, Any] = {"kind": kind}
    for key, tp in fields.items():
        if get_origin(tp) is NotRequired:
            tp = get_args(tp)[0]
        if key in required or draw(st.booleans()):
            e[key] = draw(_value_for(key, tp, v1))
    return dict(draw(st.permutations(list(e.items()))))


@st.composite
def header(draw: st.DrawFn) -> dict[str, Any]:
    h = {k: draw(HEX if k.endswith("sha256") else TEXT) for k in Header.__annotations__}
    h["format"] = draw(st.sampled_from([LOG_FORMAT_V1, LOG_FORMAT_V2]))
    return dict(draw(st.permutations(list(h.items()))))


@PROPERTY
@given(e=writer_entry(v1=False))
def test_entries_of_the_writers_shapes_match_tomli_w(e: dict[str, Any]) -> None:
    assert render_entry(e) == oracle_entry(e)
    assert _render(ordered_entry(e), "entry", True) == oracle_entry(e).decode("utf-8")


@PROPERTY
@given(e=writer_entry(v1=True))
def test_format_1_entries_match_tomli_w_in_the_order_they_hold(e: dict[str, Any]) -> None:
    assert render_entry(e, v1=True) == tomli_w.dumps({"entry": [e]}).encode("utf-8")


@PROPERTY
@given(h=header())
def test_headers_match_tomli_w(h: dict[str, Any]) -> None:
    v1 = h["format"] == LOG_FORMAT_V1
    table = h if v1 else {k: h[k] for k in Header.__annotations__}
    assert render_header(h) == tomli_w.dumps({"log": table}).encode("utf-8")


# Values of any shape (what a hostile test writes into a log): the plain renderer follows the same
# rules for them, so it still agrees with tomli-w (arrays in arrays, inline tables holding arrays...).
ANY_VALUE = st.recursive(
    st.one_of(st.booleans(), st.integers(), st.integers(10**15, 10**40), st.floats(allow_nan=False), TEXT),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(TEXT, inner, max_size=3)),
    max_leaves=10,
)


@PROPERTY
@given(e=writer_entry(v1=False), extra=st.dictionaries(TEXT, ANY_VALUE, min_size=1, max_size=3))
def test_values_of_any_shape_match_tomli_w(e: dict[str, Any], extra: dict[str, Any]) -> None:
    extra.pop("kind", None)  # an entry's kind names its key order: it stays a kind
    e = {**e, **extra, "prev": e["prev"], "hash": e["hash"]}  # 64 digits each: never a one-line entry
    assert render_entry(e) == oracle_entry(e)


NESTED = [
    [1, {"a": [1, [2, []]]}],
    [[], [[]], [{}]],
    [{"a": {"b": [1]}}],
    [{"k": "v" * 80}, {"k": "v"}],
    [{"k": "v" * 85}],
    [{"k": "v" * 86}],
    [{"k": "é" * 85}],
    [{"k": "é" * 86}],
    [{"🙂": "🙂" * 83}],
    [{"🙂": "🙂" * 84}],
    [1.0, -0.0, 1e-05, 1e16],
]


@pytest.mark.parametrize("value", NESTED, ids=range(len(NESTED)))
def test_nested_values_and_the_100_character_line_match_tomli_w(value: list[Any]) -> None:
    """Shapes a random draw rarely reaches: an array in an inline table in an array (indented as if at
    the top again), and inline tables of exactly 100 characters (counted in code points) or 101."""
    e = {"seq": 1, "members": value, "evidence": {"computed": "x", "questions": value}, "prev": "0" * 64}
    assert render_entry(e) == oracle_entry(e)
    assert _render(ordered_entry(e), "entry", True).encode("utf-8") == oracle_entry(e)


# --- no command that reads or writes a log calls tomli-w -------------------------------------------

TEXT_ARG = 'Said "no" \\ C:\\x \x7f [[entry]] """ — café 🙂\tand\r\nmore'


@pytest.fixture
def no_tomli_w(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """tomli-w's writers raise, and every call is counted (in case a caller swallows the error)."""
    calls: list[object] = []

    def refuse(*args: object, **kwargs: object) -> str:
        calls.append(args)
        raise RuntimeError("tomli-w was called")

    monkeypatch.setattr(tomli_w, "dumps", refuse)
    monkeypatch.setattr(tomli_w, "dump", refuse)
    return calls


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> str:
    """One command in-process; it must succeed. Its standard output."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert code == 0, (argv[0], err)
    return out


@pytest.mark.parametrize("slug", SLUGS)
def test_example_logs_verify_and_read_without_tomli_w(
    no_tomli_w: list[object], capsys: pytest.CaptureFixture[str], tmp_path: Path, slug: str
) -> None:
    session = ROOT / "sessions" / slug
    assert "intact" in run(capsys, "verify", session)
    log = json.loads(run(capsys, "log", session, "--json"))
    assert log["verified"] is True and log["signed_off"] is True
    assert json.loads(run(capsys, "rate", session, "--json"))["overall"] == log["entries"][-1]["overall"]
    run(capsys, "export", session, "-o", tmp_path / "record.md")
    assert log["head"] in (tmp_path / "record.md").read_text(encoding="utf-8")
    assert no_tomli_w == []


def test_every_entry_kind_is_written_and_read_without_tomli_w(
    no_tomli_w: list[object], stockton_fresh: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    s = stockton_fresh
    run(
        capsys,
        "propose",
        s,
        "--standard",
        "2.2",
        "--to",
        "Good",
        "--rationale",
        f"The case: {TEXT_ARG}",
        "--by",
        "Lea Inspector",
    )
    run(capsys, "attend", s, "--chair", "Ann Chair", "--member", "Bob Member", "--member", "Zoë O'Neil")
    run(
        capsys,
        "decide",
        s,
        "--standard",
        "2.2",
        "--to",
        "Good",
        "--rationale",
        f"Practice was good: {TEXT_ARG}",
        "--by",
        "Ann Chair",
    )
    run(capsys, "dissent", s, "--member", "Zoë O'Neil", "--about", "3", "--reason", f"Too small: {TEXT_ARG}")
    run(capsys, "ratify", s, "--all-proposed", "--by", "Ann Chair")
    for std in ("2.1", "2.4", "3.1", "3.2", "3.3", "3.4"):
        run(
            capsys, "decline", s, "--standard", std, "--reason", f"Kept on the evidence {TEXT_ARG}", "--by", "Ann Chair"
        )
    run(capsys, "retract", s, "--seq", "4", "--reason", f"Recorded in error {TEXT_ARG}", "--by", "Zoë O'Neil")
    run(capsys, "sign-off", s, "--by", "Ann Chair")
    run(capsys, "reopen", s, "--reason", f"The panel meets again {TEXT_ARG}", "--by", "Ann Chair")

    assert "intact" in run(capsys, "verify", s)
    doc = json.loads(run(capsys, "log", s, "--json"))
    assert doc["verified"] is True and {e["kind"] for e in doc["entries"]} == set(KINDS)
    assert doc["entries"][2]["rationale"] == f"Practice was good: {TEXT_ARG}"
    run(capsys, "rate", s)
    for fmt in ("md", "html", "csv"):
        run(capsys, "export", s, "--format", fmt, "-o", tmp_path / f"record.{fmt}")
    audit = json.loads(run(capsys, "audit", s.parent, "--json"))
    assert [x["log_status"] for x in audit["sessions"]] == ["intact"]
    assert no_tomli_w == []


def test_what_the_cli_wrote_is_what_tomli_w_1_wrote(stockton_fresh: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The oracle, on a log made through the CLI with awkward text: the same bytes as before."""
    s = stockton_fresh
    run(capsys, "attend", s, "--chair", "Ann Chair", "--member", "Bob Member", "--member", "Zoë O'Neil")
    run(
        capsys,
        "decide",
        s,
        "--standard",
        "2.2",
        "--to",
        "Good",
        "--rationale",
        f"Practice was good: {TEXT_ARG}",
        "--other-evidence",
        TEXT_ARG,
        "--by",
        "Ann Chair",
    )
    run(capsys, "dissent", s, "--member", "Zoë O'Neil", "--about", "2", "--reason", f"Too small: {TEXT_ARG}")
    data = (s / "decisions.toml").read_bytes()
    doc = tomllib.loads(data.decode("utf-8"))
    assert tomli_w.dumps({"log": doc["log"], "entry": [ordered_entry(e) for e in doc["entry"]]}).encode() == data
