"""Issue 9: trying to break the log's guarantees as a forger, a careless user and a racing writer would.

Every forgery here re-computes the hash chain, and is written in the canonical layout, so only
the schema, the replayed rules or the canonical-bytes check can catch it. Deleting any of those
checks makes a test here fail.
"""

from __future__ import annotations

import copy
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from panel_tui.core.inspection import load_inspection
from panel_tui.core.log import NO_LOG, StaleView, append, append_entry, canonical_hash, read_state, render_log

WHY = "Planning for safety fell short only on contingency; the rest was good."
REASON = "Kept as computed after a full discussion."


def cli(*args: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "panel_tui", *map(str, args)], capture_output=True, text=True)


def load_doc(session: Path) -> dict[str, Any]:
    return tomllib.loads((session / "decisions.toml").read_text(encoding="utf-8"))


def forge(session: Path, change: Callable[[list[dict[str, Any]]], None]) -> None:
    """Apply ``change`` to the entries, then re-chain every hash and write the canonical bytes."""
    doc = load_doc(session)
    entries = copy.deepcopy(doc["entry"])
    change(entries)
    prev = canonical_hash(doc["log"])
    for e in entries:
        e["prev"] = prev
        e["hash"] = canonical_hash(e)
        prev = e["hash"]
    (session / "decisions.toml").write_bytes(render_log(doc["log"], entries))


def problem(session: Path) -> str:
    state = read_state(session / "decisions.toml", load_inspection(session))
    assert state.problem is not None, "the forgery verified as intact"
    return state.problem


def entry_of(entries: list[dict[str, Any]], kind: str, standard: str | None = None) -> dict[str, Any]:
    return next(e for e in entries if e["kind"] == kind and (standard is None or e.get("standard") == standard))


# --- valid-hash forgeries: each rule the replay enforces -------------------------------------------


def test_the_example_logs_verify_and_rechaining_alone_changes_nothing(stockton_copy):
    before = (stockton_copy / "decisions.toml").read_bytes()
    forge(stockton_copy, lambda es: None)
    assert (stockton_copy / "decisions.toml").read_bytes() == before
    assert read_state(stockton_copy / "decisions.toml", load_inspection(stockton_copy)).problem is None


def _two_steps(es):
    entry_of(es, "discretion", "2.2")["to"] = "Outstanding"


def _wrong_supersedes(es):
    entry_of(es, "declined", "2.1")["supersedes"] = 2


def _sign_off_score(es):
    entry_of(es, "sign-off")["score"] = 36


def _sign_off_overall(es):
    entry_of(es, "sign-off")["overall"] = "Good"


def _sign_off_count(es):
    entry_of(es, "sign-off")["entry_count"] = 3


def _wrong_from(es):
    entry_of(es, "discretion", "2.2")["from"] = "Good"


def _kept_wrong_band(es):
    entry_of(es, "declined", "2.1")["band"] = "Outstanding"


def _blank_reason(es):
    entry_of(es, "declined", "2.1")["reason"] = "   "


def _retract_sign_off(es):
    _insert_before_sign_off(
        es,
        {
            "kind": "retraction",
            "retracts": len(es) + 1,  # a later entry: none yet
            "reason": "Retracting the sign-off ahead of time.",
            "by": "Ratings panel chair",
        },
    )


def _ratify_case_standard(es):
    entry_of(es, "ratification", "1.1")["standard"] = "2.3"


RULE_FORGERIES = {
    "two band steps": (_two_steps, "at most 1 band step"),
    "supersedes names no standing decision": (_wrong_supersedes, "'supersedes' must name the standing decision"),
    "sign-off score disagrees": (_sign_off_score, "sign-off score must be 32"),
    "sign-off overall disagrees": (_sign_off_overall, "sign-off overall must be 'Outstanding'"),
    "sign-off entry count disagrees": (_sign_off_count, "sign-off entry_count must be 12"),
    "from is not the computed band": (_wrong_from, "'from' must be 2.2's computed band"),
    "kept band is not the computed one": (_kept_wrong_band, "'band' must be the computed band kept"),
    "blank reason": (_blank_reason, "reason is blank"),
    "retraction of an entry that does not exist yet": (_retract_sign_off, "there is no entry"),
    "ratification of a case-based standard": (_ratify_case_standard, "is case-based"),
}


@pytest.mark.parametrize("name", list(RULE_FORGERIES))
def test_valid_hash_forgery_breaking_a_rule_fails(stockton_copy, name):
    change, expected = RULE_FORGERIES[name]
    forge(stockton_copy, change)
    msg = problem(stockton_copy)
    assert "breaks the log's rules" in msg and expected in msg, msg


# --- schema: shapes no writer produces --------------------------------------------------------------


def _set(kind: str, key: str, value: Any, standard: str | None = None) -> Callable[[list[dict[str, Any]]], None]:
    def change(es: list[dict[str, Any]]) -> None:
        entry_of(es, kind, standard)[key] = value

    return change


def _insert_before_sign_off(es: list[dict[str, Any]], fields: dict[str, Any]) -> None:
    es.insert(len(es) - 1, {"seq": 0, "at": "2026-11-23T10:00:00Z", **fields, "prev": "", "hash": ""})
    es[-1]["entry_count"] += 1
    for i, e in enumerate(es, 1):
        e["seq"] = i


def _evidence(key: str, value: Any) -> Callable[[list[dict[str, Any]]], None]:
    def change(es: list[dict[str, Any]]) -> None:
        entry_of(es, "discretion", "2.2")["evidence"][key] = value

    return change


SHAPE_FORGERIES = {
    "seq as a float": (_set("attendance", "seq", 1.0), "'seq' must be an integer"),
    "at as an integer": (_set("attendance", "at", 12345), "'at' must be a string"),
    "at in words": (_set("attendance", "at", "yesterday afternoon"), "RFC 3339"),
    "at with an offset": (_set("attendance", "at", "2026-11-23T10:00:00+01:00"), "RFC 3339"),
    "at not a real day": (_set("attendance", "at", "2026-02-30T10:00:00Z"), "not a real date"),
    "at with escape codes": (_set("attendance", "at", "\x1b]0;PWNED\x07"), "RFC 3339"),
    "an unknown key": (_set("discretion", "note", "the panel voted against", "2.2"), "unknown key(s) 'note'"),
    "outside_criteria as a string": (
        _set("discretion", "outside_criteria", "yes", "2.2"),
        "'outside_criteria' must be a boolean",
    ),
    "members not a list": (_set("attendance", "members", "Ann, Bob"), "'members' must be a list"),
    "by missing": (lambda es: es[0].pop("by"), "missing key(s) 'by'"),
    "retracts as text": (
        lambda es: _insert_before_sign_off(
            es, {"kind": "retraction", "retracts": "7", "reason": "Recorded in error.", "by": "Ratings panel chair"}
        ),
        "'retracts' must be an integer",
    ),
    "negative count": (_evidence("cases", -8), "out of range"),
    "evidence as text": (_set("discretion", "evidence", "junk", "2.2"), "'evidence' must be a table"),
    "flags as numbers": (_evidence("flags", [1, 2]), "must be a string"),
    "percent as a float (format 2 hashes no floats)": (_evidence("lowest_percent", 62.5), "must be a string"),
}


@pytest.mark.parametrize("name", list(SHAPE_FORGERIES))
def test_valid_hash_forgery_of_a_shape_no_writer_produces_fails(stockton_copy, name):
    change, expected = SHAPE_FORGERIES[name]
    forge(stockton_copy, change)
    msg = problem(stockton_copy)
    assert expected in msg and "No writer of panel-tui produces this" in msg, msg


# --- evidence: the figures must be the inspection's ---------------------------------------------------


@pytest.mark.parametrize(
    "key,value", [("lowest_percent", "12.00"), ("cases", 80), ("flags", []), ("computed", "Good"), ("flip_distance", 3)]
)
def test_forged_evidence_figures_fail_naming_the_field(stockton_copy, key, value):
    forge(stockton_copy, _evidence(key, value))
    msg = problem(stockton_copy)
    assert f"evidence.{key} of 2.2" in msg and "the figures were not the ones decided on" in msg, msg


def test_forged_per_question_figures_fail(stockton_copy):
    def change(es):
        entry_of(es, "discretion", "2.2")["evidence"]["questions"][1]["yes"] = 8

    forge(stockton_copy, change)
    assert "evidence.questions of 2.2" in problem(stockton_copy)


# --- canonical bytes ------------------------------------------------------------------------------------


def test_a_comment_after_a_value_is_not_canonical(stockton_copy):
    log = stockton_copy / "decisions.toml"
    text = log.read_text(encoding="utf-8")
    at = text.index('by = "Ratings panel chair"\nprev', text.index('kind = "discretion"'))
    line = text[:at].count("\n") + 1
    log.write_text(text[:at] + 'by = "Ratings panel chair"  # the panel voted against' + text[at + 26 :])
    msg = problem(stockton_copy)
    assert f"not in canonical form at line {line}" in msg
    proc = cli("verify", stockton_copy)
    assert proc.returncode == 1 and "not in canonical form" in proc.stderr


@pytest.mark.parametrize(
    "mutate",
    [
        lambda b: b.replace(b"\n", b"\r\n"),
        lambda b: b"\xef\xbb\xbf" + b,
        lambda b: b.replace(b"seq = 1\n", b"seq = 1 \n", 1),
        lambda b: b.replace(b'kind = "attendance"', b"kind = 'attendance'", 1),
    ],
    ids=["crlf", "bom", "trailing-space", "literal-string"],
)  # a blank line after the last entry: named as extra bytes, test_hostile_files.py
def test_same_values_other_bytes_are_not_canonical(stockton_copy, mutate):
    log = stockton_copy / "decisions.toml"
    log.write_bytes(mutate(log.read_bytes()))
    assert "not in canonical form" in problem(stockton_copy)


def test_inline_array_layout_verifies_nowhere_and_the_writer_refuses_it(stockton_fresh):
    """The same values as `entry = [...]` parse and hash fine, but are not the writer's bytes."""
    append_entry(
        stockton_fresh,
        load_inspection(stockton_fresh),
        "attendance",
        {"chair": "Chair", "members": ["A", "B"], "by": "Chair"},
    )
    log = stockton_fresh / "decisions.toml"
    doc = load_doc(stockton_fresh)
    relaid = (
        "entry = ["
        + ", ".join(
            "{ " + ", ".join(f"{k} = {tomli_w.dumps({'v': v})[4:].strip()}" for k, v in e.items()) + " }"
            for e in doc["entry"]
        )
        + "]\n"
        + tomli_w.dumps({"log": doc["log"]})
    )
    assert tomllib.loads(relaid) == doc  # the very same values
    log.write_text(relaid, encoding="utf-8")
    assert "not in canonical form" in problem(stockton_fresh)
    proc = cli("decline", stockton_fresh, "--standard", "2.1", "--reason", REASON, "--by", "Chair")
    assert proc.returncode == 2 and "not in canonical form" in proc.stderr
    assert log.read_text(encoding="utf-8") == relaid  # nothing appended, nothing repaired


def test_key_order_other_than_the_writers_is_not_canonical(stockton_copy):
    log = stockton_copy / "decisions.toml"
    text = log.read_text(encoding="utf-8")
    log.write_text(
        text.replace("seq = 1\nat = ", "at = ", 1).replace('kind = "attendance"', 'kind = "attendance"\nseq = 1', 1)
    )
    assert load_doc(stockton_copy)["entry"][0]["seq"] == 1
    assert "not in canonical form" in problem(stockton_copy)


# --- torn tails and what is before them -------------------------------------------------------------


def test_a_tampered_entry_before_a_torn_tail_is_named_first(stockton_copy):
    log = stockton_copy / "decisions.toml"
    data = log.read_bytes().replace(b"eight cases", b"8 cases")
    log.write_bytes(data[:-30])  # and the last entry cut off mid-write
    msg = problem(stockton_copy)
    assert msg.index("entry 7: hash mismatch") < msg.index("incomplete")
    assert "torn tail" not in msg


def test_a_clean_torn_tail_says_how_many_entries_verify(stockton_copy):
    log = stockton_copy / "decisions.toml"
    log.write_bytes(log.read_bytes()[:-30])
    state = read_state(log, load_inspection(stockton_copy))
    assert state.torn and "torn tail" in str(state.problem) and "the 12 entries before it verify" in str(state.problem)


# --- the writer on a stale view ---------------------------------------------------------------------


def test_stale_view_refused_and_names_what_arrived(stockton_fresh):
    insp = load_inspection(stockton_fresh)
    first = append(
        stockton_fresh, insp, "attendance", {"chair": "C", "members": ["A", "B"], "by": "C"}, expect_head=NO_LOG
    )
    seen = first.state.head
    other = append_entry(
        stockton_fresh,
        insp,
        "discretion",
        {"standard": "2.2", "to": "Good", "rationale": WHY, "by": "C"},
        expect_head=seen,
    )
    before = (stockton_fresh / "decisions.toml").read_bytes()
    with pytest.raises(StaleView) as exc:
        append(stockton_fresh, insp, "declined", {"standard": "2.2", "reason": REASON, "by": "C"}, expect_head=seen)
    assert "entry 2 discretion 2.2 Requires improvement -> Good by C" in exc.value.message
    assert exc.value.current == other["hash"] and exc.value.new_entries == [other]
    assert (stockton_fresh / "decisions.toml").read_bytes() == before
    # knowingly, on the current head: the keep supersedes the decision it has now seen
    kept = append_entry(
        stockton_fresh, insp, "declined", {"standard": "2.2", "reason": REASON, "by": "C"}, expect_head=other["hash"]
    )
    assert kept["supersedes"] == 2


def test_expecting_no_log_when_one_exists_is_refused(stockton_copy):
    with pytest.raises(StaleView):
        append_entry(
            stockton_copy, load_inspection(stockton_copy), "reopen", {"reason": REASON, "by": "C"}, expect_head=NO_LOG
        )


def test_cli_expect_head(stockton_fresh):
    assert (
        cli(
            "attend", stockton_fresh, "--chair", "C", "--member", "A", "--member", "B", "--expect-head", "none"
        ).returncode
        == 0
    )
    head = load_doc(stockton_fresh)["entry"][-1]["hash"]
    ok = cli(
        "decide",
        stockton_fresh,
        "--standard",
        "2.2",
        "--to",
        "Good",
        "--rationale",
        WHY,
        "--by",
        "C",
        "--expect-head",
        head,
    )
    assert ok.returncode == 0, ok.stderr
    log = stockton_fresh / "decisions.toml"
    before = log.read_bytes()
    stale = cli("decline", stockton_fresh, "--standard", "2.2", "--reason", REASON, "--by", "C", "--expect-head", head)
    assert stale.returncode == 2 and "stale-view" in stale.stderr and "entry 2 discretion 2.2" in stale.stderr
    assert "Traceback" not in stale.stderr and log.read_bytes() == before
    unknown = cli(
        "decline", stockton_fresh, "--standard", "2.2", "--reason", REASON, "--by", "C", "--expect-head", "ab" * 32
    )
    assert unknown.returncode == 2 and "not in this log at all" in unknown.stderr


# --- linear replay: retracting keeps what stood before, buried or not ----------------------------------


def test_retraction_restores_the_entry_before_it_even_when_buried(stockton_fresh):
    insp = load_inspection(stockton_fresh)
    rec = lambda kind, **f: append_entry(stockton_fresh, insp, kind, {"by": "C", **f})  # noqa: E731
    rec("attendance", chair="C", members=["A", "B"])
    d1 = rec("discretion", standard="2.2", to="Good", rationale=WHY)
    k1 = rec("declined", standard="2.2", reason=REASON)
    d2 = rec("discretion", standard="2.2", to="Good", rationale=WHY + " Again.")
    rec("retraction", retracts=k1["seq"], reason="Recorded in error.")  # a buried one
    state = read_state(stockton_fresh / "decisions.toml", insp)
    assert state.problem is None and state.panel["2.2"]["seq"] == d2["seq"]
    rec("retraction", retracts=d2["seq"], reason="Recorded in error.")
    state = read_state(stockton_fresh / "decisions.toml", insp)
    assert state.panel["2.2"]["seq"] == d1["seq"]  # k1 was retracted, so d1 stands again
    assert [state.status_of(e) for e in state.entries[1:4]] == ["stands", "retracted by 5", "retracted by 6"]


def test_racing_writers_on_the_same_head_exactly_one_lands(stockton_fresh):
    """Eight processes prepared on the same head submit at once: one is recorded, seven are refused."""
    assert cli("attend", stockton_fresh, "--chair", "C", "--member", "A", "--member", "B").returncode == 0
    head = load_doc(stockton_fresh)["entry"][-1]["hash"]
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "panel_tui",
                "dissent",
                str(stockton_fresh),
                "--member",
                "A",
                "--reason",
                f"Member {i} reads the planning evidence differently.",
                "--expect-head",
                head,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(8)
    ]
    results = [(p.wait(), p.stderr.read()) for p in procs]
    assert sorted(rc for rc, _ in results) == [0] + [2] * 7
    assert all("stale-view" in err for rc, err in results if rc == 2)
    doc = load_doc(stockton_fresh)
    assert len(doc["entry"]) == 2
    assert read_state(stockton_fresh / "decisions.toml", load_inspection(stockton_fresh)).problem is None


def test_reordered_evidence_in_a_later_entry_on_the_same_standard_is_not_canonical(stockton_met):
    """verify renders each standard's evidence once; a later entry's evidence laid out differently is
    still caught (same values, same hash, other bytes)."""
    insp = load_inspection(stockton_met)
    for i in range(3):
        append_entry(stockton_met, insp, "declined", {"standard": "2.1", "reason": f"{REASON} Round {i}.", "by": "A"})
    log = stockton_met / "decisions.toml"
    text = log.read_text(encoding="utf-8")
    last = text.rindex('[entry.evidence]\ncomputed = "Good"\n')
    moved = text[:last] + text[last:].replace('computed = "Good"\n', "", 1).replace(
        "cases = 8\n", 'cases = 8\ncomputed = "Good"\n', 1
    )
    assert tomllib.loads(moved) == tomllib.loads(text)  # the same values
    log.write_text(moved, encoding="utf-8")
    msg = problem(stockton_met)
    assert "not in canonical form" in msg and "entry 4" in msg
