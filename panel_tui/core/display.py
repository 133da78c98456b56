"""Making user text safe to show: control and bidi characters become visible symbols.

User text (rationales, names, service names) is shown literally everywhere. This module turns
characters that a terminal would act on into harmless visible stand-ins; callers must still pass
the result as plain text (``rich.text.Text``, ``markup=False``), never as markup.
"""

from __future__ import annotations

import unicodedata
from typing import Any

_C0 = {i: chr(0x2400 + i) for i in range(0x20)}  # ␀ .. ␟ (ESC -> ␛)
_C0[0x7F] = "␡"
_BIDI = {0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x061C}


def visible(text: str, keep_newlines: bool = False) -> str:
    """Replace control, C1 and bidi-override characters with visible symbols.

    Newlines may be kept for multi-line display; tabs become a single visible arrow. The mapping
    is for display only: the stored text is never changed.
    """
    if text.isprintable():  # every character mapped below is unprintable to Python: nothing to do
        return text
    out = []
    for ch in text:
        o = ord(ch)
        if ch == "\n" and keep_newlines:
            out.append(ch)
        elif ch == "\t":
            out.append("⇥")
        elif o in _C0:
            out.append(_C0[o])
        elif 0x80 <= o <= 0x9F:
            out.append(f"<U+{o:04X}>")
        elif o in _BIDI or unicodedata.category(ch) in ("Cs", "Co"):
            out.append(f"<U+{o:04X}>")
        else:
            out.append(ch)
    return "".join(out)


# Characters that draw nothing on their own: fillers and blanks that Unicode files under letters or
# symbols, so a category test alone would call them visible.
_BLANK_GLYPHS = {0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800, 0x180E, 0x034F}
_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp", "Mn", "Me"}


def has_visible_text(text: str) -> bool:
    """True when ``text`` has at least one character that draws something on its own.

    Whitespace, zero-width characters (U+200B-U+200D, U+2060, U+FEFF, ...), bidi and other format
    or control characters, lone combining marks and blank fillers (U+3164, U+2800) do not count: a
    name or a rationale of 25 x U+200B looks empty to every reader, so it is refused as empty.
    """
    for ch in text:
        if ord(ch) in _BLANK_GLYPHS:
            continue
        if unicodedata.category(ch) not in _INVISIBLE_CATEGORIES:
            return True
    return False


def shown(value: object, width: int = 40) -> str:
    """A value from a file quoted for an error message: repr, control characters visible, cut short."""
    return one_line(repr(value), width)


def one_line(text: str, width: int | None = None) -> str:
    """Visible text on one line (newlines shown as ⏎), optionally cut with an ellipsis."""
    s = visible(text).replace("␊", "⏎")
    if width is not None and len(s) > width:
        s = s[: max(0, width - 1)] + "…"
    return s


def at_word(text: str, width: int) -> str:
    """``text`` on one line, shortened to ``width`` at a word boundary with "…" ("safety in sco"
    read as a word of its own to a chair; "safety in…" does not). A single word longer than the
    width is cut inside it, as there is no boundary to cut at."""
    s = one_line(text)
    if len(s) <= width:
        return s
    cut = s[: max(0, width - 1)]
    space = cut.rstrip().rfind(" ")
    if s[len(cut)] != " " and space >= width // 3:  # inside a word, with a boundary not far back
        cut = cut[:space]
    return cut.rstrip(" ,;:—-") + "…"


def entry_summary(e: dict[str, Any]) -> str:
    """One line describing an entry; user text made visible, never markup."""
    kind = e.get("kind")
    sid = e.get("standard", "")
    if kind == "attendance":
        text = f"chair {e.get('chair')}; members {', '.join(e.get('members', [])) or '—'}"
    elif kind in ("discretion", "proposal"):
        text = f"{sid} {e.get('from')} → {e.get('to')}: {e.get('rationale')}"
    elif kind == "declined":
        text = f"{sid} kept {e.get('band')}: {e.get('reason')}"
    elif kind == "ratification":
        text = f"{sid} {e.get('from')} → {e.get('to')}" + (f": {e['reason']}" if e.get("reason") else "")
    elif kind == "retraction":
        text = f"retracts entry {e.get('retracts')}: {e.get('reason')}"
    elif kind == "sign-off":
        text = f"{e.get('score')}/{e.get('max_score')} {e.get('overall')} ({e.get('entry_count')} entries before)"
    elif kind == "dissent":
        text = (
            f"{e.get('member')} dissents"
            + (f" from entry {e['about']}" if e.get("about") else "")
            + f": {e.get('reason')}"
        )
    elif kind == "dismissal":  # which kept-aside entry: its hash's start, as `dismiss` takes it
        text = f"dismisses kept-aside {str(e.get('kept_aside'))[:12]}: {e.get('reason')}"
    else:
        text = str(e.get("reason", ""))
    return one_line(text, 120)


# One vocabulary for what the panel did, shared by the exports, the log views and the audit.
OUTCOME_WORDS = {
    "discretion": "Professional discretion applied",
    "declined": "Considered; band kept",
    "ratification": "Ratified",
    "proposal": "Proposed by the lead inspector",
    "attendance": "Attendance",
    "retraction": "Retracted an entry",
    "dissent": "Dissent",
    "sign-off": "Signed off",
    "reopen": "Reopened",
    "dismissal": "Dismissed an entry kept aside",
}


def local_time(at: object, zone: str) -> str:
    """A stored UTC time ("2020-10-14T09:04:37Z") as the meeting clock shows it: "14 Oct 2020 10:04 BST".

    Anything that is not such a time is shown as it is (made visible), never guessed at.
    """
    from zoneinfo import ZoneInfo

    text = str(at)
    try:
        when = _utc_time(text)
        local = when.astimezone(ZoneInfo(zone))
    except (ValueError, KeyError, OSError):
        return visible(text)
    return f"{local.day} {local:%b %Y %H:%M} {local.tzname()}"


def _utc_time(text: str) -> Any:
    """``datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")`` in UTC, read directly when the text has the
    form the log's writer stores: strptime's first call builds its locale tables and patterns (1-5
    ms, measured), which the meeting app's first screen paid for one time in its header (issue
    26). Any other text goes to strptime itself, so what is accepted or refused is unchanged."""
    import datetime as dt

    if (
        len(text) == 20
        and text[4] == "-"
        and text[7] == "-"
        and text[10] == "T"
        and text[13] == ":"
        and text[16] == ":"
        and text[19] == "Z"
        and all(text[i] in "0123456789" for i in _DIGITS)
    ):
        return dt.datetime(
            int(text[0:4]),
            int(text[5:7]),
            int(text[8:10]),
            int(text[11:13]),
            int(text[14:16]),
            int(text[17:19]),
            tzinfo=dt.UTC,
        )
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)


_DIGITS = (0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18)  # where "YYYY-MM-DDTHH:MM:SSZ" has its digits


def status_mark(status: str) -> str:
    """A symbol beside an entry's status word (never colour alone): ✓ stands, – superseded or
    withdrawn, ✗ retracted, ◐ a proposal still pending, ✓ a proposal accepted or answered."""
    word = status.split(" ", 1)[0]
    return (
        {
            "stands": "✓",
            "superseded": "–",
            "retracted": "✗",
            "pending": "◐",
            "accepted": "✓",
            "declined": "✓",
            "withdrawn": "–",
        }.get(word, "·")
        + " "
        + status
    )
