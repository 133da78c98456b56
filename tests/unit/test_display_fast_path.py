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


def test_a_stored_time_reads_as_strptime_reads_it():
    """``local_time`` reads the log's own time form without strptime (issue 26: its first call cost
    the first screen 1-5 ms): every text gives strptime's answer, or its refusal, as before."""
    import datetime as dt
    import random

    def strptime(text):
        try:
            return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
        except ValueError:
            return "refused"

    def ours(text):
        try:
            return display._utc_time(text)
        except ValueError:
            return "refused"

    rng = random.Random(26)
    texts = [
        "2020-10-14T09:04:37Z",
        "2021-01-14T23:59:59Z",
        "2024-02-29T00:00:00Z",
        "2023-02-29T00:00:00Z",
        "2020-13-01T00:00:00Z",
        "2020-00-10T00:00:00Z",
        "2020-10-32T00:00:00Z",
        "2020-10-14T24:00:00Z",
        "2020-10-14T09:60:00Z",
        "2020-10-14T09:04:60Z",
        "2020-10-14T09:04:61Z",
        "2020-10-14t09:04:37z",
        "2020-10-14T9:4:7Z",
        "2020-10-14T09:04:37",
        "2020-10-14T09:04:37+00:00",
        "0000-01-01T00:00:00Z",
        "٢٠٢٠-10-14T09:04:37Z",
        "2020-10-14T09:04:37Z ",
        " 2020-10-14T09:04:37Z",
        "",
        "not a time",
    ]
    for _ in range(3000):  # the stored form with each digit position varied, and one character swapped
        t = list(
            f"{rng.randrange(10000):04d}-{rng.randrange(15):02d}-{rng.randrange(34):02d}T{rng.randrange(26):02d}:"
            f"{rng.randrange(62):02d}:{rng.randrange(63):02d}Z"
        )
        if rng.random() < 0.3:
            t[rng.randrange(len(t))] = rng.choice("0123456789-:TZtz +٣")
        texts.append("".join(t))
    for text in texts:
        assert ours(text) == strptime(text), text
    assert display.local_time("2020-10-14T09:04:37Z", "Europe/London") == "14 Oct 2020 10:04 BST"
