"""``visible`` returns printable text unchanged without looking at each character (issue 12: the
audit calls it for every question id). The shortcut is sound only if every character it would
replace is unprintable to Python: checked here for every code point."""

from __future__ import annotations

import sys

from panel_tui.core import display


def test_every_character_visible_replaces_is_unprintable():
    for o in range(sys.maxunicode + 1):
        ch = chr(o)
        if ch.isprintable():
            # the NUL forces the character-by-character path: it must leave ``ch`` as it is
            assert display.visible(ch + "\x00") == ch + "␀", hex(o)


def test_unprintable_text_still_goes_through_the_mapping():
    assert display.visible("a\x1b[31mb") == "a␛[31mb"
    assert display.visible("x\u202ey") == "x<U+202E>y"
    assert display.visible("tab\there") == "tab⇥here"
    assert display.visible("two\nlines", keep_newlines=True) == "two\nlines"
