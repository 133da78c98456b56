"""Drafts are the typist's own: a drafts file git tracks is not restored, and a restored text
shows everything it would record (blank lines at its ends dropped, long blank runs, long space
runs and invisible characters made visible)."""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from panel_tui.core.display import has_visible_text
from panel_tui.core.drafts import (
    DRAFTS_FILE,
    MAX_BLANK_LINES,
    MAX_SPACE_RUN,
    not_restored_because,
    restorable,
    save_draft,
    tracked_by_git,
)
from tests.conftest import SESSIONS
from tests.unit.gitrepos import git, needs_git

# --- restorable ----------------------------------------------------------------------------


def test_plain_text_is_restored_as_it_was():
    text = "Planning was strong.\n\nThe contingency plan\tfell short."
    r = restorable(text)
    assert (r.text, r.lines, r.problems()) == (text, 3, [])


def test_blank_lines_at_either_end_are_dropped_without_a_warning():
    r = restorable("\n \n\nFirst.\nSecond.\nThird.\n\n\t\n")
    assert (r.text, r.lines, r.problems()) == ("First.\nSecond.\nThird.", 3, [])


def test_a_few_blank_lines_in_a_row_are_kept_more_become_one_marker_line():
    kept = "a" + "\n" * (MAX_BLANK_LINES + 1) + "b"  # MAX_BLANK_LINES blank lines between
    assert restorable(kept).text == kept and restorable(kept).problems() == []
    r = restorable("HIDDEN: raise it all.\n" + "\n" * 60 + "Planning was strong.")
    assert r.text == "HIDDEN: raise it all.\n␤ ×60 blank lines\nPlanning was strong."
    assert r.lines == 3 and (r.blank_lines, r.blank_runs) == (60, 1)
    assert r.problems() == ["60 blank lines in a row (now one ␤ line)"]


def test_lines_of_spaces_count_as_blank():
    r = restorable("a\n" + "   \n" * 10 + "b")
    assert r.text == "a\n␤ ×10 blank lines\nb"


def test_invisible_characters_are_made_visible_but_newline_and_tab_are_not():
    r = restorable("a\u200bb\u202ec\x1bd\u2066e\u3164f\tg\u2028h")
    assert r.text == "a<U+200B>b<U+202E>c␛d<U+2066>e<U+3164>f\tg<U+2028>h"
    assert r.invisible == 6 and r.problems() == ["6 invisible characters (now marks)"]


def test_a_line_of_zero_width_characters_is_not_blank_it_is_shown():
    r = restorable("a\n\u200b\u200b\nb")
    assert r.text == "a\n<U+200B><U+200B>\nb" and r.lines == 3


def test_a_newline_in_a_one_line_field_is_shown_as_a_mark():
    r = restorable("Helen Davies\nMallory", multiline=False)
    assert r.text == "Helen Davies⏎Mallory" and r.invisible == 1


def test_a_long_run_of_spaces_wraps_into_blank_rows_so_it_is_folded():
    short = "a" + " " * MAX_SPACE_RUN + "b"
    assert restorable(short).text == short
    r = restorable("Planning was strong." + " " * 3000 + "HIDDEN")
    assert r.text == "Planning was strong. ␠ ×3000 spaces HIDDEN" and r.spaces == 3000
    assert r.problems() == ["3000 spaces in long runs (now ␠ ×N)"]


def test_windows_line_endings_are_plain_newlines():
    assert restorable("a\r\nb").text == "a\nb"
    assert restorable("a\rb").text == "a␍b"  # a lone carriage return is shown


def test_nothing_visible_restores_as_empty():
    assert restorable("\n \n\t\n").text == "" and restorable("").lines == 0


HIDDEN_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.one_of(st.sampled_from(["\n", " ", "\t", "\u200b", "\u202e", "\x1b", "\r", "x"]), st.characters()),
        max_size=200,
    )
)
def test_whatever_the_draft_the_restored_text_hides_nothing(text):
    r = restorable(text)
    assert not any(ch not in "\n\t" and unicodedata.category(ch) in HIDDEN_CATEGORIES for ch in r.text)
    lines = r.text.split("\n") if r.text else []
    assert len(lines) == r.lines
    if lines:
        assert has_visible_text(lines[0]) and has_visible_text(lines[-1])
    run = 0
    for line in lines:
        run = 0 if has_visible_text(line) else run + 1
        assert run <= MAX_BLANK_LINES
    assert " " * (MAX_SPACE_RUN + 1) not in r.text
    assert restorable(r.text).text == r.text  # shown once, it is shown as it is


# --- tracked_by_git ------------------------------------------------------------------------


@pytest.fixture
def clone(tmp_path: Path, isolated_git: Path) -> Path:  # noqa: F811 (a fixture)
    """A git work tree holding a committed session (its drafts file not tracked)."""
    repo = tmp_path / "office"
    session = repo / "sessions" / "stockton"
    session.mkdir(parents=True)
    shutil.copy(SESSIONS / "stockton-2021" / "inspection.toml", session / "inspection.toml")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "inspection")
    save_draft(session, "dissent", {"reason": "typed here"})
    return session


@needs_git
def test_a_drafts_file_outside_git_or_untracked_is_the_typists_own(tmp_path, clone):
    outside = tmp_path / "outside"
    outside.mkdir()
    save_draft(outside, "dissent", {"reason": "typed here"})
    assert tracked_by_git(outside) is False and not_restored_because(outside) is None
    assert tracked_by_git(clone) is False and not_restored_because(clone) is None


@needs_git
def test_a_drafts_file_forced_into_git_is_not(clone, monkeypatch):
    git(clone, "add", "-f", "--", DRAFTS_FILE)
    assert tracked_by_git(clone) is True  # staged is enough: the next pull would bring it
    git(clone, "commit", "-q", "-m", "drafts")
    assert tracked_by_git(clone) is True
    why = not_restored_because(clone)
    assert why is not None and why.startswith(f"{DRAFTS_FILE} is tracked by git")
    monkeypatch.setenv("PANEL_TUI_GIT", "0")  # the git integration off: behave as without git
    assert tracked_by_git(clone) is False and not_restored_because(clone) is None


@needs_git
def test_an_odd_session_folder_name_is_only_a_folder(tmp_path, isolated_git):  # noqa: F811
    repo = tmp_path / "office"
    session = repo / "--help -x [ab]*"
    session.mkdir(parents=True)
    git(repo, "init", "-q")
    save_draft(session, "dissent", {"reason": "typed here"})
    assert tracked_by_git(session) is False
    git(repo, "add", "-f", "--", session.name)
    assert tracked_by_git(session) is True


@needs_git
def test_without_git_on_path_drafts_are_restored_as_before(clone, monkeypatch):
    git(clone, "add", "-f", "--", DRAFTS_FILE)
    from panel_tui.core.gitstore import run

    monkeypatch.setattr(run, "git_path", lambda: None)
    assert tracked_by_git(clone) is False and not_restored_because(clone) is None


@needs_git
def test_when_git_cannot_say_the_draft_is_not_restored(clone, monkeypatch):
    import subprocess

    from panel_tui.core.gitstore import run

    real = run._git

    def failing(root, *args, **kw):
        if args[:1] == ("ls-files",):
            return subprocess.CompletedProcess(["git", *args], 128, b"", b"fatal: index file corrupt")
        return real(root, *args, **kw)

    monkeypatch.setattr(run, "_git", failing)
    assert tracked_by_git(clone) is None
    assert "git could not say" in not_restored_because(clone)
