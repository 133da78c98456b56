"""Rich renderings for the command line. User text goes in as ``Text``, never as markup."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Column, Table
from rich.text import Text

from panel_tui.core.display import entry_summary, one_line, visible
from panel_tui.core.engine import Rating, display_percent

if TYPE_CHECKING:
    from panel_tui.core.log.state import LogState


def make_console(stderr: bool = False) -> Console:
    """A Rich console whose broken pipe (its reader gone: `panel-tui log S | head`) reaches the CLI's
    one handler, so every command stops the same quiet way (Rich would exit 1, our "check failed")."""

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            raise BrokenPipeError

    return _Console(stderr=stderr, highlight=False)


def render_rating(console: Console, r: Rating) -> None:
    insp = r.inspection
    title = Text(f"{one_line(insp.service)} — {r.framework.id}, fieldwork {insp.fieldwork}")
    narrow = console.width < 100  # no cell borders then: at 80 columns the bands, whole, and the names fit
    # band words are never cut ("Requires improveme…" at 80 columns): the band columns are as wide as
    # their longest band, and the names (and flags) wrap at words instead
    band = max(len(b) for b in {*(s.computed for s in r.standards), *(s.final for s in r.standards)})
    word = max(len(w) for s in r.standards for w in s.name.split())  # a name wraps, but never inside a word
    columns = [
        Column("Std", no_wrap=True),
        Column("Name", min_width=word, max_width=word + 2 if narrow else None),
        Column("Lowest", justify="right", no_wrap=True),
        Column("Cases", justify="right", no_wrap=True),
        Column("Computed", min_width=band),
        Column("Final", min_width=band),
        Column("Flags"),
    ]
    if narrow:  # the cases beside the percent, as the app's table has them ("63% of 8"); the flags are
        # listed in words under the table ("for the panel to consider"), so their column goes
        columns = [c for c in columns if c.header not in ("Cases", "Flags")]
    table = (
        Table(*columns, title=title, title_justify="left", box=None, pad_edge=False, header_style="bold underline")
        if narrow
        else Table(*columns, title=title, title_justify="left")
    )
    for s in r.standards:
        lowest = display_percent(s.lowest_percent) if s.lowest_percent is not None else "—"
        if s.kind == "judgement":
            lowest = "proposed" if not s.not_rated and not s.awaiting else "—"
        cases = str(s.cases) if s.cases is not None else ("—" if s.kind == "judgement" else "n/k")
        final = s.final
        if s.final != s.computed:
            final += " (changed)"
        name = s.name + ("" if s.counted else " (not counted)")
        flags = Text(", ".join(f.short for f in s.flags))
        if narrow:
            lowest += f" of {s.cases}" if s.cases is not None and s.kind == "cases" else ""
            table.add_row(s.id, name, lowest, s.computed, final)
        else:
            table.add_row(s.id, name, lowest, cases, s.computed, final, flags)
    console.print(table)
    waiting = [s.id for s in r.standards if s.awaiting]
    if waiting:
        console.print(
            Text(
                f"Incomplete: {len(waiting)} standard(s) awaiting figures or a proposal "
                f"({', '.join(waiting)}); panel-tui check lists what is missing."
            )
        )
    line = (
        f"Score {r.computed_score}/{r.max_score} computed" + (" so far" if waiting else "") + f", {r.computed_overall}"
    )
    if r.score != r.computed_score or r.overall != r.computed_overall:
        line += f"; final {r.score}/{r.max_score}, {r.overall}"
    else:
        line += "; final the same"
    console.print(Text(visible(line)))
    if r.overall_flip_distance is not None:
        n = r.overall_flip_distance
        console.print(Text(f"{n} answer{'s' if n != 1 else ''} from {r.overall_flip_to} overall (computed ratings)"))
    flagged = [s for s in r.standards if s.flags]
    if flagged:
        console.print(Text(f"{len(flagged)} standard(s) for the panel to consider:"))
        for s in flagged:
            for f in s.flags:
                console.print(Text(visible(f"  {s.id} {f.name}: {f.reason}")))
    for s in r.standards:
        for note in s.notes:
            console.print(Text(f"  {s.id} note: {note}"))


def render_log(console: Console, state: LogState, zone: str = "UTC") -> None:
    """The log as a table; times in the meeting's zone (stored UTC), every cell plain Text."""
    from panel_tui.core.display import local_time, status_mark
    from panel_tui.core.log.entries import entered_for

    table = Table(title=Text(one_line(str(state.path))), title_justify="left")
    for col in ("#", "At", "Kind", "By", "Entry", "Status"):
        table.add_column(col)
    for e in state.entries:  # every cell is Text: a value from the file is never read as markup
        at = one_line(local_time(e.get("at", ""), zone), 30)
        if e.get("decided_at"):  # re-recorded by a sync (format 3): when it was decided, too
            at += "\n" + one_line(f"decided {local_time(e['decided_at'], zone)}", 40)
        entered = entered_for(e)  # "entered by X for Y" where someone else typed it in (format 3)
        by = one_line(entered, 80) if entered else one_line(str(e.get("by", "")), 30)
        summary = entry_summary(e)
        table.add_row(
            Text(one_line(str(e.get("seq")))),
            Text(at),
            Text(one_line(str(e.get("kind")), 20)),
            Text(by),
            Text(summary),
            Text(one_line(status_mark(state.status_of(e)))),
        )
    console.print(table)
    if state.problem:
        console.print(Text(f"✗ does not verify: {one_line(state.problem)}"))
    else:
        status = f"signed off at entry {state.sign_off_seq}" if state.signed_off else "not signed off"
        console.print(Text(f"✓ intact, head {state.head}, {status}"))
