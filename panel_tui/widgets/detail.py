"""The evidence for one standard: key questions, ruler, interval, what one case would do, the log."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from panel_tui.core import agenda
from panel_tui.core.display import entry_summary, local_time, status_mark
from panel_tui.core.engine import display_percent, pct_text
from panel_tui.core.session import Session
from panel_tui.textual_fixes import SizedBeforePaint, set_virtual_size_quietly
from panel_tui.widgets.ruler import ruler
from panel_tui.widgets.safe import para, plain

if TYPE_CHECKING:
    from panel_tui.core.framework import Framework
    from panel_tui.core.log.state import LogState
    from panel_tui.core.results import StandardResult


def entry_line(e: dict[str, Any], state: LogState, zone: str) -> Text:
    """One log entry under the evidence: its status with a symbol (a proposal: its outcome and the
    entry that answered it), the meeting's local time, who, and what it says."""
    t = plain(
        f"#{e['seq']} {e['kind']} [{status_mark(state.status_of(e))}] · {local_time(e.get('at', ''), zone)} · by "
    )
    t.append_text(plain(e.get("by", "")))
    t.append("\n   ")
    t.append_text(Text(entry_summary(e)))
    return t


def _flipping_cases(session: Session, s: StandardResult) -> list[str]:
    """From the session's kept case answers, if any (a missing or unreadable file says so)."""
    from panel_tui.core.cases import CASES_FILE, cases_that_flip, load_cases
    from panel_tui.core.errors import InputError

    if not (session.dir / CASES_FILE).exists():
        return []
    try:
        table = load_cases(session.dir, session.rating.framework)
    except InputError as exc:
        return [f"cases.csv cannot be read: {exc}"]
    return cases_that_flip(session.rating.framework, s, table)


def _framework_questions(t: Text, fw: Framework, sid: str) -> Text:
    """The framework's key questions for a judgement standard (what a proposal rests on)."""
    fs = fw.standard(sid)
    if fs is not None and fs.kind == "judgement" and fs.questions:
        t.append("\nKey questions (framework):\n", style="bold")
        for q in fs.questions:
            t.append(f"  {q.id} {q.text}\n")
    return t


def case_text(t: Text, session: Session, sid: str, heading: str = "The lead inspector's case") -> Text:
    """The lead inspector's case on ``sid`` (rationale and evidence, shown literally) and what became
    of it, appended to ``t``; nothing when there is none."""
    from panel_tui.core.lead_case import lead_case

    case = lead_case(session.inspection, session.log if not session.log_problem else None, sid)
    if case is None:
        return t
    t.append(f"{heading} for {case.proposed} ({case.source}; {case.outcome_words()}):\n", style="bold")
    for label, text in (("Rationale", case.rationale), ("Evidence", case.evidence)):
        if text:
            t.append(f"  {label}: ", style="bold")
            t.append_text(para(text))
            t.append("\n")
    return t


def detail_text(session: Session, sid: str) -> Text:
    r = session.rating
    s = r.standard(sid)
    fw = r.framework
    state = session.log if not session.log_problem else None
    t = Text()
    t.append(f"{s.id} {s.name}", style="bold")
    t.append(f"  ({'case-based' if s.kind == 'cases' else 'judgement'}{'' if s.counted else ', not counted'})\n")
    if s.not_rated:
        t.append("Not rated: ")
        t.append_text(para(s.not_rated))
        return t
    if s.awaiting:
        if s.kind == "judgement":
            t.append("Awaiting proposal: the lead inspector has not yet proposed a band.\n", style="bold")
        else:
            t.append(
                f"Awaiting figures for {', '.join(s.awaiting)}: the standard is not rated until every "
                "key question has its figures.\n",
                style="bold",
            )
        t.append("The overall rating is incomplete until then; panel-tui check lists what is missing.\n")
        return _framework_questions(t, fw, sid)
    status = agenda.status(state, s)
    t.append(f"Computed {s.computed} → final {s.final}   [{status}]\n", style="bold")
    if s.kind == "judgement":
        t.append(f"Lead inspector's proposed band: {s.proposed}.\n")
        case_text(t, session, sid)
        if status == agenda.TO_RATIFY:
            t.append("Press r to ratify it or change it with a reason.\n")
        _framework_questions(t, fw, sid)
    else:
        low = ", ".join(s.lowest_questions)
        cases = f", {s.cases} case{'s' if s.cases != 1 else ''}" if s.cases is not None else ", cases not published"
        t.append(f"Lowest key question {low} at {pct_text(s.lowest_percent)}%{cases}.")  # type: ignore[arg-type]
        if s.flip_distance is not None:
            t.append(f" {s.flip_distance} answer{'s' if s.flip_distance != 1 else ''} would change the band.")
        t.append("\n")
        if s.flags:
            t.append("\nFor the panel:\n", style="bold")
            for f in s.flags:
                t.append(f"⚑ {f.name} ({'/'.join(f.directions)}): ", style="bold")
                t.append(f"{f.reason}\n")
        for note in s.notes:
            t.append(f"\nNote: {note}\n", style="dim")
        if state is not None and sid in state.proposals:
            t.append("\n")
            case_text(t, session, sid)
        flips = _flipping_cases(session, s)
        if flips:
            t.append("\nCases that would flip the band (cases.csv):\n", style="bold")
            for line in flips:
                t.append("  ")
                t.append_text(plain(line))
                t.append("\n")
        t.append("\nKey questions:\n", style="bold")
        for q in s.questions:
            t.append(f"{'▶' if q.lowest else ' '} {q.id} ", style="bold" if q.lowest else "")
            t.append(f"{q.text}\n")
            figure = (
                f"{q.yes} of {q.relevant} = {pct_text(q.percent)}%"
                if q.yes is not None
                else f"{pct_text(q.percent)}% (base {'of ' + str(q.relevant) if q.relevant else 'not published'})"
            )
            t.append(f"    {figure} ({display_percent(q.percent)}) → {q.band}\n")
            t.append("    ")
            t.append_text(ruler(q.percent, fw.boundaries, q.wilson))
            t.append("\n")
            extra = []
            if q.wilson:
                extra.append(
                    f"panel-tui's 95% Wilson interval {q.wilson[0]:.1f}–{q.wilson[1]:.1f}% spans "
                    f"{', '.join(q.spans or [])}"
                )
            if q.interval80:
                margin = "within" if q.within_design_margin else "wider than"
                extra.append(
                    f"80% interval {q.interval80[0]:.1f}–{q.interval80[1]:.1f}% ({margin} the 5-point "
                    "margin the inspectorate designs samples for)"
                )
            if q.to_next_band is not None:
                extra.append(f"+{q.to_next_band} Yes for the next band")
            if q.to_drop is not None:
                extra.append(f"−{q.to_drop} Yes drops a band")
            if extra:
                t.append("    " + "; ".join(extra) + "\n", style="dim")
        if s.not_applicable:
            t.append(f"  Not applicable in any case: {', '.join(s.not_applicable)}\n", style="dim")
    if state is not None:
        entries = state.for_standard(sid)
        if entries:
            t.append("\nLog entries:\n", style="bold")
            for e in entries:
                t.append_text(entry_line(e, state, fw.panel.timezone))
                t.append("\n")
    return t


class StandardDetail(SizedBeforePaint, ScrollView, can_focus=True):
    """Scrollable evidence pane, drawn line by line from strips rendered once per standard and
    width (until the session changes). A cursor move swaps the strips shown and repaints this pane
    alone: no widget is mounted and the screen is not laid out again, which was most of a move's
    cost. A move to a standard not yet rendered is coalesced: under key repeat only the last one is
    rendered. Content is plain Text (user text never becomes markup). The lines are drawn as soon as
    the pane has its width (``size_known``), so the first screen shows the evidence in its first frame.
    """

    DEFAULT_CSS = """
    StandardDetail { overflow-x: hidden; overflow-y: scroll; }
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._session: Session | None = None
        self._sid: str | None = None
        self._texts: dict[str, Text] = {}  # standard id -> its evidence, for self._session
        self._look: tuple[int, Style] | None = None  # the width and style self._rendered was drawn for
        self._rendered: dict[str | None, list[Strip]] = {}  # standard id -> its lines, for self._look
        self._text: Text = Text()
        self._strips: list[Strip] = []
        self._width = 0
        self._pending: str | None = None  # a standard to show once the queued keys are handled

    @property
    def text(self) -> Text:
        """What the pane shows (tests read it)."""
        return self._text

    def show(self, session: Session, sid: str | None, *, coalesce: bool = False) -> None:
        """Show ``sid``'s evidence. With ``coalesce`` (a cursor move), a standard whose lines are
        not rendered yet is drawn after the keys already queued, so key repeat renders only the last."""
        if session is not self._session:
            self._session, self._texts, self._rendered = session, {}, {}
        if coalesce and sid not in self._lines_cache():
            if self._pending is None:
                self.call_later(self._show_pending)
            self._pending = sid
            return
        self._pending = None
        self._show(sid)

    def prepare(self, session: Session, ids: list[str]) -> None:
        """Render each standard's evidence ahead of the cursor, one per turn of the event loop (a
        key pressed meanwhile waits for one standard at most, about 15 ms), once the screen is up."""
        if session is not self._session or not ids or not self.size.width:
            return
        self._lines(ids[0], self._evidence(ids[0]))
        if ids[1:]:
            self.call_later(self.prepare, session, ids[1:])

    def _evidence(self, sid: str | None) -> Text:
        if sid is None or self._session is None:
            return Text("No standard selected.")
        text = self._texts.get(sid)
        if text is None:
            text = self._texts[sid] = detail_text(self._session, sid)
        return text

    def _content_width(self) -> int:
        return max(1, self.scrollable_content_region.width or self.size.width)

    def _lines_cache(self) -> dict[str | None, list[Strip]]:
        """The rendered lines for the pane's present width and colours (a resize or a theme change
        starts afresh, so the cache never holds more than one look)."""
        look = (self._content_width(), self.rich_style)
        if look != self._look:
            self._look, self._rendered = look, {}
        return self._rendered

    def _lines(self, sid: str | None, text: Text) -> list[Strip]:
        cache = self._lines_cache()
        strips = cache.get(sid)
        if strips is None:
            width, style = self._look  # type: ignore[misc]
            console = self.app.console
            lines = console.render_lines(text, console.options.update_width(width), style=style, pad=True)
            strips = cache[sid] = [Strip(line, width) for line in lines]
        return strips

    def _show_pending(self) -> None:
        if self._pending is not None and self._session is not None:
            sid, self._pending = self._pending, None
            self._show(sid)

    def _show(self, sid: str | None) -> None:
        text = self._evidence(sid)
        if sid != self._sid:
            self.scroll_to(0, 0, animate=False)
        self._sid, self._text = sid, text
        self._lay_out()

    def _lay_out(self, repaint: bool = True) -> None:
        if not self.size.width:  # not laid out yet (on mount): size_known draws it at its real width
            return
        self._strips = self._lines(self._sid, self._text)
        width = self._width = self._content_width()
        size = Size(width, len(self._strips))
        if size != self.virtual_size:
            # The vertical scrollbar is always there (overflow-y: scroll: a scrollbar that came and
            # went would change the text's width too), so a new height changes nothing outside this
            # pane: the value and the scrollbar's extent only, not a layout of the whole screen
            set_virtual_size_quietly(self, size)
        if repaint:
            self.refresh()

    def notify_style_update(self) -> None:
        """A theme or style change: the cached lines carry the old colours, draw them anew."""
        super().notify_style_update()
        if self._session is not None and self.is_mounted:
            self._lay_out()

    def size_known(self) -> None:
        """Laid out at a new width: the lines for it, before the pane is painted at that width (which
        Textual does next, for the whole layout: no repaint of its own needed)."""
        if self._session is not None and self._content_width() != self._width:
            self._lay_out(repaint=False)

    def on_resize(self) -> None:
        if self._content_width() != self._width:
            self._lay_out()

    def render_line(self, y: int) -> Strip:
        index = y + self.scroll_offset.y
        if 0 <= index < len(self._strips):
            return self._strips[index]
        return Strip.blank(self._width, self.rich_style)
