"""The entry form's model and drafts keeper, without a screen (modals/form_model.py, form_drafts.py).

What the chair meets first (the focused field, the values recorded, what a draft restores) is
decided there, so it is tested here directly; the Pilot tests (tests/ui/test_drafts.py,
test_form_fit.py) check the form shows it.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from rich.text import Text

from panel_tui.core.drafts import get_draft, save_draft
from panel_tui.modals.form_drafts import DraftKeeper
from panel_tui.modals.form_model import (
    FormField,
    default_value,
    first_focus,
    intro_with,
    lines_of,
    recorded_values,
    typed_beyond,
)

FIELDS = [
    FormField("to", "Target band (one step)", "select", [("Good", "Good"), ("Outstanding", "Outstanding")]),
    FormField("rationale", "Rationale (required, at least 20 characters)", "area"),
    FormField("outside", "Reason for going outside (required)", "area", visible=lambda v: v.get("to") == "Outstanding"),
    FormField("members", "Members present (one per line)", "lines", value=" Ann \n\n Bo "),
]


@pytest.mark.parametrize("module", ["panel_tui.modals.form_model", "panel_tui.modals.form_drafts"])
def test_the_model_and_the_keeper_import_no_textual(module):
    code = f"import sys, {module}; sys.exit(1 if 'textual' in sys.modules else 0)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_defaults_and_first_focus():
    assert [default_value(f) for f in FIELDS] == ["Good", "", "", ["Ann", "Bo"]]
    assert first_focus(FIELDS).name == "rationale"  # the select's default is usually right
    assert first_focus(FIELDS[:1]).name == "to"  # a select-only form starts on its select
    assert first_focus([]) is None


def test_only_shown_fields_are_recorded():
    now = {"to": "Good", "rationale": "r" * 20, "outside": "typed then hidden", "members": []}
    assert set(recorded_values(FIELDS, now)) == {"to", "rationale", "members"}
    assert "outside" in recorded_values(FIELDS, {**now, "to": "Outstanding"})


def test_typed_ignores_selects_and_blank_fields():
    initial = {f.name: default_value(f) for f in FIELDS}
    assert not typed_beyond(FIELDS, initial, {**initial, "to": "Outstanding"})
    assert not typed_beyond(FIELDS, initial, {**initial, "members": []})
    assert typed_beyond(FIELDS, initial, {**initial, "rationale": "x"})


def test_intro_with_one_blank_line_between_and_none_at_the_ends():
    assert intro_with(Text("\n\nflags\n\n"), Text("\nprecedents\n")).plain == "flags\n\nprecedents"
    assert intro_with(None, Text("only")).plain == "only"
    assert lines_of(" a \n\n b\n") == ["a", "b"]


def test_the_keeper_restores_what_fits_the_fields(tmp_path):
    save_draft(
        tmp_path,
        "discretion 2.2",
        {
            "to": "Nowhere",
            "rationale": "\n\nThe case\n\n",
            "members": ["Ann"],
            "gone": "a field this form no longer has",
        },
    )
    keeper = DraftKeeper((tmp_path, "discretion 2.2"), FIELDS)
    values, saved = keeper.read()
    assert values == {"rationale": "The case", "members": ["Ann"]}  # an unknown band and field are not restored
    assert saved and set(keeper.restored) == {"rationale", "members"}
    note, warned = keeper.note(saved, None)
    assert note.startswith("✎ Draft restored (Rationale: 1 line; Members present: 1 line; typed ") and not warned


def test_the_keeper_keeps_clears_and_does_nothing_without_a_place(tmp_path):
    keeper = DraftKeeper((tmp_path, "dissent"), FIELDS)
    keeper.keep({"rationale": "typed", "to": "Good"}, typed=True)
    assert get_draft(tmp_path, "dissent")[0] == {"rationale": "typed", "to": "Good"}
    keeper.keep({"rationale": ""}, typed=False)
    assert get_draft(tmp_path, "dissent") is None
    nowhere = DraftKeeper(None, FIELDS)
    assert not nowhere.active and nowhere.read() is None
    nowhere.keep({"rationale": "x"}, typed=True)
    nowhere.clear()
