"""The people register (people.toml) and the spelling rule every write shares (issue 23 item 2)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from panel_tui.core.errors import InputError, RuleRefused
from panel_tui.core.inspection import load_inspection
from panel_tui.core.log import append_entry
from panel_tui.core.people import EMPTY, find_register, load_register, register_path

REGISTER = """format = "panel-tui/people/1"

[[person]]
name = "Helen Davies"
roles = ["chair", "member"]
former = ["Helen Davis"]

[[person]]
name = "Siobhán Ó Briain"
roles = ["member"]

[[person]]
name = "Tom Baker"
roles = ["lead-inspector"]
"""

WHY = "Planning for safety fell short only on contingency; the rest was good."


def write(folder: Path, text: str) -> Path:
    path = folder / "people.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_found_in_the_session_folder_or_any_folder_above(tmp_path):
    session = tmp_path / "repo" / "sessions" / "leeds"
    session.mkdir(parents=True)
    assert register_path(session) is None and find_register(session) is EMPTY
    write(tmp_path / "repo", REGISTER)
    assert register_path(session) == tmp_path / "repo" / "people.toml"
    nearer = write(session.parent, 'format = "panel-tui/people/1"\n[[person]]\nname = "Only One"\n')
    assert register_path(session / "inspection.toml") == nearer  # the nearest counts
    assert find_register(session).names() == ["Only One"]


def test_canonical_merges_case_spacing_and_former_spellings(tmp_path):
    reg = load_register(write(tmp_path, REGISTER))
    for variant in ("Helen Davies", "helen davies", "Helen  Davies", " HELEN DAVIES ", "Helen Davis", "helen  davis"):
        assert reg.canonical(variant) == "Helen Davies", variant
    assert reg.canonical("Siobhán  ó briain") == "Siobhán Ó Briain"
    assert reg.canonical("Someone  Else") == "Someone Else"  # unknown: spaces tidied, spelling kept
    assert EMPTY.canonical("tom  Baker") == "tom Baker"
    assert reg.names("chair")[0] == "Helen Davies" and reg.names("lead-inspector")[0] == "Tom Baker"
    assert sorted(reg.names()) == sorted(["Helen Davies", "Siobhán Ó Briain", "Tom Baker"])


@pytest.mark.parametrize(
    "text,place,words",
    [
        ('[[person]]\nname = "A B"\n[[person]]\nname = "a b"\n', "[[person]] 2", "named twice"),
        (
            '[[person]]\nname = "A B"\nformer = ["C D"]\n[[person]]\nname = "C D"\n',
            "[[person]] 2",
            "claimed by two people",
        ),
        (
            '[[person]]\nname = "A B"\nformer = ["X"]\n[[person]]\nname = "C D"\nformer = ["x"]\n',
            "[[person]] 2",
            "claimed by two people",
        ),
        ('[[person]]\nname = "A B"\nformer = ["a b"]\n', "[[person]] 1", "listed twice"),
        ('[[person]]\nname = "A B"\nrole = ["chair"]\n', "[[person]] 1", "did you mean 'roles'"),
        ('[[persons]]\nname = "A B"\n', "key 'persons'", "did you mean 'person'"),
        ('[[person]]\nname = "A B"\nroles = ["chiar"]\n', "[[person]] 1", "did you mean 'chair'"),
        ('[[person]]\nroles = ["chair"]\n', "[[person]] 1", "name is missing"),
        ('[[person]]\nname = "A  B"\n', "[[person]] 1", "two spaces together"),
        ('[[person]]\nname = "A\\u001bB"\n', "[[person]] 1", "control characters"),
        ('[[person]]\nname = "A B"\nformer = "C"\n', "[[person]] 1", "former must be a list"),
        ('format = "panel-tui/people/9"\n', "format", "not one this version reads"),
        ("person = 3\n", "person", "[[person]]"),
        ('[[person]\nname = "A"\n', "line 1", "not valid TOML"),
    ],
)
def test_bad_registers_name_the_file_the_place_and_the_fix(tmp_path, text, place, words):
    path = write(tmp_path, text)
    with pytest.raises(InputError) as exc:
        load_register(path)
    msg = str(exc.value)
    assert msg.startswith(str(path)) and place in msg and words in msg and "Fix:" in msg, msg


def test_a_problem_names_the_line_of_the_person(tmp_path):
    path = write(tmp_path, REGISTER + '\n[[person]]\nname = "Helen Davis"\n')
    with pytest.raises(InputError) as exc:
        load_register(path)
    assert "line 17, [[person]] 4 ('Helen Davis')" in str(exc.value)
    assert "'Helen Davies' (line 4, [[person]] 1 ('Helen Davies'))" in str(exc.value)


# --- the spelling rule on every write (the command line and the app call the same writer) ---------


def rec(d, kind, **fields):
    fields.setdefault("by", "Chair")
    return append_entry(d, load_inspection(d), kind, fields)


def refused(d, kind, **fields):
    before = (d / "decisions.toml").read_bytes() if (d / "decisions.toml").exists() else None
    with pytest.raises(RuleRefused) as exc:
        rec(d, kind, **fields)
    after = (d / "decisions.toml").read_bytes() if (d / "decisions.toml").exists() else None
    assert before == after  # nothing written
    return exc.value


@pytest.mark.parametrize("typed", ["chair", "CHAIR", "Chair ", " Chair", "chair  "])
def test_by_differing_only_in_case_or_spacing_is_refused_with_did_you_mean(stockton_met, typed):
    exc = refused(stockton_met, "declined", standard="2.1", reason="Considered; the computed band stands.", by=typed)
    assert exc.rule == "name-spelling" and exc.field == "by"
    assert "did you mean 'Chair'?" in exc.message and repr(typed) in exc.message


def test_a_dissenting_member_spelt_otherwise_is_refused(stockton_met):
    rec(stockton_met, "attendance", chair="Helen Davies", members=["Tom Baker", "Ann Lee"], by="Helen Davies")
    exc = refused(stockton_met, "dissent", member="tom  baker", reason="I disagree with this outcome.", by="tom  baker")
    assert exc.rule == "name-spelling" and exc.field in ("by", "member") and "did you mean 'Tom Baker'?" in exc.message
    e = rec(stockton_met, "dissent", member="Tom Baker", reason="I disagree with this outcome.", by="Tom Baker")
    assert e["member"] == "Tom Baker"


def test_a_name_not_present_at_all_is_left_to_the_rules(stockton_met):
    with pytest.raises(RuleRefused) as exc:
        rec(stockton_met, "declined", standard="2.1", reason="Considered; the computed band stands.", by="Zed")
    assert exc.value.rule == "not-present"


def test_attendance_refuses_another_spelling_of_a_register_name(stockton_fresh):
    write(stockton_fresh.parent, REGISTER)
    for typed, why in (("helen davies", "differs only in case or spacing"), ("Helen Davis", "former spelling")):
        exc = refused(stockton_fresh, "attendance", chair=typed, members=["A", "B"], by=typed)
        assert exc.field == "chair" and why in exc.message and "did you mean 'Helen Davies'?" in exc.message
        assert str(stockton_fresh.parent / "people.toml") in exc.message
    exc = refused(
        stockton_fresh, "attendance", chair="Helen Davies", members=["siobhán ó briain", "B"], by="Helen Davies"
    )
    assert exc.field == "members" and "did you mean 'Siobhán Ó Briain'?" in exc.message
    e = rec(
        stockton_fresh,
        "attendance",
        chair="Helen Davies",
        members=["Siobhán Ó Briain", "Someone New"],
        by="Helen Davies",
    )
    assert e["members"] == ["Siobhán Ó Briain", "Someone New"]  # a name not in the register is recorded


def test_a_broken_register_stops_attendance_with_its_message(stockton_fresh):
    write(stockton_fresh.parent, '[[person]]\nname = "A B"\nrole = ["chair"]\n')
    with pytest.raises(InputError) as exc:
        rec(stockton_fresh, "attendance", chair="A B", members=["C", "D"], by="A B")
    assert "people.toml" in str(exc.value) and "did you mean 'roles'" in str(exc.value)
    assert not (stockton_fresh / "decisions.toml").exists()


def cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "panel_tui", *map(str, args)], capture_output=True, text=True, cwd=cwd)


def test_cli_attend_warns_of_names_not_in_the_register_and_by_says_did_you_mean(stockton_fresh):
    write(stockton_fresh.parent, REGISTER)
    r = cli("attend", stockton_fresh, "--chair", "Helen Davies", "--member", "Siobhán Ó Briain", "--member", "Zed Q")
    assert r.returncode == 0, r.stderr
    assert "recorded entry 1 (attendance)" in r.stdout
    assert "not in" in r.stderr and "'Zed Q'" in r.stderr and "Siobhán" not in r.stderr
    r = cli(
        "decline",
        stockton_fresh,
        "--standard",
        "2.1",
        "--reason",
        "Considered; the computed band stands.",
        "--by",
        "helen  DAVIES",
    )
    assert r.returncode == 2 and "did you mean 'Helen Davies'?" in r.stderr and "Traceback" not in r.stderr
    r = cli("attend", stockton_fresh, "--chair", "Helen Davis", "--member", "A", "--member", "B")
    assert r.returncode == 2 and "former spelling" in r.stderr and "did you mean 'Helen Davies'?" in r.stderr


def test_no_register_no_warning(stockton_fresh):
    r = cli("attend", stockton_fresh, "--chair", "Chair", "--member", "A", "--member", "B")
    assert r.returncode == 0 and r.stderr == ""


def test_a_log_written_before_the_rule_still_verifies(stockton_met, monkeypatch):
    """The rule is the writer's, not the reader's: a variant recorded before it is not a broken log."""
    import panel_tui.core.people as people
    from panel_tui.core.log import read_state

    monkeypatch.setattr(people, "check_names", lambda state, e: None)
    rec(stockton_met, "declined", standard="2.1", reason="Considered; the computed band stands.", by="chair")
    monkeypatch.undo()
    state = read_state(stockton_met / "decisions.toml", load_inspection(stockton_met))
    assert state.problem is None and state.entries[-1]["by"] == "chair"


def test_a_proposal_before_attendance_is_held_to_the_register_spelling(stockton_fresh):
    write(stockton_fresh.parent, REGISTER)
    exc = refused(stockton_fresh, "proposal", standard="2.2", to="Good", rationale=WHY, by="tom baker")
    assert exc.field == "by" and "did you mean 'Tom Baker'?" in exc.message
    assert (
        rec(stockton_fresh, "proposal", standard="2.2", to="Good", rationale=WHY, by="Tom Baker")["by"] == "Tom Baker"
    )
    assert rec(
        stockton_fresh, "proposal", standard="2.2", to="Good", rationale=WHY, by="Not Listed"
    )  # unknown: as typed


def test_a_broken_register_does_not_hold_up_a_decision(stockton_met):
    write(stockton_met.parent, '[[person]]\nname = "A B"\nrole = ["chair"]\n')
    e = rec(stockton_met, "proposal", standard="2.2", to="Good", rationale=WHY, by="Maria Jerram")  # not present
    assert e["by"] == "Maria Jerram"  # the register is read (and fails) only to check this name: not held up
