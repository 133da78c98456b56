"""The Markdown record renders user text as typed: no link, image or markup of its own (issue 21).

A bare URL in a rationale used to become a link wherever the record was shown (GitHub, and any
renderer with linkify). Checked by rendering with markdown-it (linkify on, as VS Code and many
sites have it) and, where installed, with GitHub's own cmark-gfm.
"""

from __future__ import annotations

import html
import re

import pytest

from panel_tui.cli import main
from panel_tui.core.display import visible
from panel_tui.core.export import WORD_JOINER, md
from panel_tui.core.inspection import load_inspection
from panel_tui.core.log import append_entry

HOSTILE = [
    "see https://evil.example/x now",
    "www.evil.example",
    "WWW.EVIL.COM/path",
    "<https://x>",
    "[a](https://x)",
    "mailto:a@b.com",
    "write to a.b+c@evil.example today",
    "@octocat look",
    "evil.com",
    "notes.md",
    "Http://EVIL.com",
    "ftp://evil.com/f",
    "xmpp:foo@bar.baz/txt",
    "//evil.com/x",
    "https://\u00e9vil.com",
    "www.123.com",
    "http://1.2.3.4/x",
    "file:///etc/passwd",
    "![i](https://x/i.png)",
    "[r]: https://x",
    "a|https://x|b",
    "(https://x)",
    "foo_bar@evil_corp.com",
    "x@y.z",
    "https:/evil.com",
    "tel:+441234",
]
SYNTAX = "*a* _b_ `c` ~~d~~ [e](f) <b>x</b> | \\ {g} &amp; &#x202E; javascript:x"


def _markdown_it():
    pytest.importorskip("linkify_it")
    from markdown_it import MarkdownIt

    parser = MarkdownIt("gfm-like", {"linkify": True}).enable(["linkify", "table", "strikethrough"])
    return parser.render


def _cmark_gfm():
    cmarkgfm = pytest.importorskip("cmarkgfm")
    return cmarkgfm.github_flavored_markdown_to_html


RENDERERS = {"markdown-it+linkify": _markdown_it, "cmark-gfm": _cmark_gfm}


@pytest.fixture(params=sorted(RENDERERS))
def render(request):
    return RENDERERS[request.param]()


def shown(rendered: str) -> str:
    """The text a reader sees: tags dropped, entities decoded, the word joiner (which draws nothing) removed."""
    return html.unescape(re.sub(r"<[^>]+>", "", rendered)).replace(WORD_JOINER, "").strip()


def test_the_renderers_do_link_the_raw_text(render):
    """Guard: the renderers used here autolink, so the tests below are a real check."""
    assert "<a " in render("see https://evil.example/x and www.evil.example")


@pytest.mark.parametrize("text", HOSTILE)
def test_no_link_in_any_block_and_the_text_reads_as_typed(render, text):
    cell = md(text)
    for doc in (cell, f"- {cell}", f"# {cell}", f"**{cell}**", f"| h |\n|---|\n| {cell} |"):
        out = render(doc)
        assert "<a " not in out and "<img" not in out, (doc, out)
    assert shown(render(cell)) == text


def test_markdown_and_html_syntax_still_render_as_typed(render):
    out = render(md(SYNTAX))
    for tag in ("<em", "<strong", "<code", "<del", "<a ", "<b>", "<table"):
        assert tag not in out, out
    assert shown(out) == SYNTAX  # &#x202E; shows as typed, not as the right-to-left override it names
    assert "\u202e" not in out


def test_control_characters_stay_visible(render):
    out = render(md("Chair \x1b]0;PWNED\x07 https://x"))
    assert "\x1b" not in out and shown(out) == visible("Chair \x1b]0;PWNED\x07 https://x")


def test_figures_and_times_are_left_readable():
    """Only what could start or join a link is escaped: the record's own figures read as plain text."""
    for text in ("2.2.2: 5 of 8 cases (62.5%)", "1 Dec 2026 15:30 GMT", "A. Lead, B. Member", "Rationale: kept"):
        assert md(text) == text


def test_the_exported_record_links_nothing(render, stockton_met, capsys):
    insp = load_inspection(stockton_met)
    why = "See https://evil.example/x, www.evil.example, <https://x>, [a](https://x) and mailto:a@evil.example."
    append_entry(
        stockton_met,
        insp,
        "discretion",
        {"standard": "2.2", "to": "Good", "by": "A", "rationale": why, "other_evidence": "ask chair@evil.example"},
    )
    code = main(["export", str(stockton_met), "--format", "md"])
    record, err = capsys.readouterr()
    assert code == 0, err
    page = render(record)
    assert "<a " not in page and "<img" not in page
    assert f"Rationale: {why}" in shown(page) and "ask chair@evil.example" in shown(page)
