"""The quality lead's audit as a screen of PanelApp: every session under a folder, read-only.

The scan runs in a thread worker and reports progress as messages, at most ten a second and
merged in the queue (``can_replace``), so the screen paints at once and a thousand sessions cost
the UI thread a handful of updates, not one call each. Sessions, rows (filterable) and figures come
from ``panel_tui.core.audit``; a session opens read-only on the meeting screen (re-read from disk),
and Esc comes back here. Help, the command palette and app.tcss are PanelApp's, as on every screen.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Iterable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Select, Static, TabbedContent, TabPane
from textual.worker import get_current_worker

from panel_tui.core.audit import UNREADABLE, Audit, Row, filter_values, matches, run_audit
from panel_tui.core.display import one_line, status_mark
from panel_tui.core.errors import InputError
from panel_tui.widgets.safe import para, plain

FILTERS = [("kind", "Kind"), ("status", "Status"), ("standard", "Standard"), ("direction", "Direction"),
           ("flag", "Flag"), ("framework", "Framework"), ("lead_inspector", "Inspector"), ("year", "Year")]
PROGRESS_EVERY = 0.1  # seconds between two progress messages from the scan
SESSION_VIEWS = [("✗ not counted (log or history fails)", "broken"), ("⚑ with entries kept aside", "kept"),
                 ("accepted rewrites on the record", "accepted")]


def _session_shown(s: Any, view: Any) -> bool:
    if view == "broken":
        return not s.counted
    if view == "kept":
        return bool(s.kept_aside)
    if view == "accepted":
        return bool(s.accepted_rewrites)
    return True

AUDIT_HELP = """panel-tui — the audit (read-only: nothing is ever written)

  1  sessions      2  decisions      3  figures
  o  or enter      open the selected session read-only (esc comes back here)
  c  clear the decision filters      r  read every session again
  ctrl+p  command palette ("Audit: …")      ?  this help      q  quit

Sessions: every session under the folder, at any depth, with its log's state:
  ✓ intact / ✓ no log / ✗ broken at entry N / ✗ inspection changed /
  ✗ history rewritten / ✗ unreadable. A log that does not verify is not trusted:
  its entries are not listed and its figures are not counted.

Decisions: every proposal, discretion, keep (declined), ratification, retraction and
dissent of the logs that verify.
  Status  ✓ stands / – superseded (a later entry replaced it) / ✗ retracted by N;
          a row that no longer stands is dimmed as well.
  A proposal also shows its outcome: ◐ pending, ✓ accepted, ✓ declined, – withdrawn.
  A retraction or a dissent names the entry (and standard) it concerns.
  Filters: kind, status, standard, direction, flag, framework, inspector, year
  (tab moves between them; c clears them all).

Figures: flagged standards with discretion, considered and kept, ✗ NEVER CONSIDERED
(a signed-off session without a decision on it) and ◐ not yet considered (a meeting
still open or to come); uplifts, lowerings, decisions outside the criteria; the same
by framework, lead inspector and fieldwork year.

Press esc or ? to close."""


class ScanProgress(Message):
    """Sessions read so far; a newer one replaces any still waiting in the queue."""

    def __init__(self, done: int, total: int) -> None:
        super().__init__()
        self.done, self.total = done, total

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, ScanProgress)


class ScanDone(Message):
    def __init__(self, audit: Audit) -> None:
        super().__init__()
        self.audit = audit


class ScanFailed(Message):
    def __init__(self, error: BaseException) -> None:
        super().__init__()
        self.error = error


class _Cancelled(Exception):
    """The screen went away or a new scan started: stop reading."""


def status_text(d: Row) -> Text:
    """A row's status in words with its symbol (and a proposal's outcome), never colour alone."""
    word = d["status"]
    label = status_mark(f"retracted by {d['retracted_by']}" if word == "retracted" else word)
    if d["outcome"]:
        label += ", " + status_mark(d["outcome"])
    return Text(label, style="" if word == "stands" else "dim")


def concerns_text(d: Row) -> str:
    if d["kind"] not in ("retraction", "dissent"):
        return ""
    if d["concerns"] is None:
        return "the panel's conclusions generally"
    return f"entry {d['concerns']} ({d['concerns_kind']}" + (f", {d['standard']})" if d["standard"] else ")")


class AuditScreen(Screen[None]):
    HELP_TEXT = AUDIT_HELP
    BINDINGS = [
        Binding("q", "app.quit", "Quit", id="audit.quit", tooltip="Quit (the audit never writes anything)"),
        Binding("o", "open_session", "Open session", id="audit.open",
                tooltip="Open the selected session read-only; esc comes back to the audit"),
        Binding("c", "clear_filters", "Clear filters", id="audit.clear", tooltip="Show every decision again"),
        Binding("r", "rescan", "Rescan", id="audit.rescan", show=False, tooltip="Read every session again"),
        Binding("1", "tab('tab-sessions')", "Sessions", id="audit.sessions", tooltip="Every session and its log"),
        Binding("2", "tab('tab-decisions')", "Decisions", id="audit.decisions",
                tooltip="Every decision, retraction and dissent, filterable"),
        Binding("3", "tab('tab-figures')", "Figures", id="audit.figures",
                tooltip="Flagged standards, uplifts, lowerings; by framework, inspector and year"),
    ]

    def __init__(self, root: Path | str) -> None:
        super().__init__()
        self.root = Path(root)
        self.audit: Audit | None = None
        self.shown: dict[str, Row] = {}  # the decisions table's rows by key, as filtered

    def compose(self) -> ComposeResult:
        yield Static(plain(f"Audit of {self.root} — scanning…"), id="audit-status")
        with TabbedContent(id="audit-tabs"):
            with TabPane("Sessions", id="tab-sessions"):
                with Horizontal(id="session-filters"):
                    yield Select(SESSION_VIEWS, prompt="Show: every session", id="session-filter", allow_blank=True,
                                 compact=True)
                yield DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
            with TabPane("Decisions", id="tab-decisions"):
                with Horizontal(id="filters"):
                    for key, label in FILTERS:
                        yield Select([], prompt=label, id=f"filter-{key}", allow_blank=True, compact=True)
                yield DataTable(id="decisions", cursor_type="row", zebra_stripes=True)
                with VerticalScroll(id="decision-detail"):
                    yield Static(id="decision-body")
            with TabPane("Figures", id="tab-figures"):
                with VerticalScroll(id="figures-scroll"):
                    yield Static(id="figures")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "audit (read-only)"
        sessions = self.query_one("#sessions", DataTable)
        for col in ("Session", "Log", "Signed off", "Score", "Overall", "Service", "Framework", "Fieldwork", "Lead",
                    "Kept aside", "Accepted rewrites"):
            sessions.add_column(col, key=col)
        decisions = self.query_one("#decisions", DataTable)
        for col in ("Session", "#", "Kind", "Status", "Std", "From", "To", "Dir", "Flags", "Outside", "By", "At"):
            decisions.add_column(col, key=col)
        self.scan()

    # --- the scan -----------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="audit-scan")
    def scan(self) -> None:
        worker = get_current_worker()
        last = 0.0

        def progress(done: int, total: int) -> None:
            nonlocal last
            if worker.is_cancelled:
                raise _Cancelled
            now = time.monotonic()
            if done == total or now - last >= PROGRESS_EVERY:
                last = now
                self.post_message(ScanProgress(done, total))

        try:
            audit = run_audit(self.root, progress)
        except _Cancelled:
            return
        except UNREADABLE as exc:  # the folder itself: shown as such, and the app goes on
            self.post_message(ScanFailed(exc))
            return
        self.post_message(ScanDone(audit))

    @on(ScanProgress)
    def show_progress(self, message: ScanProgress) -> None:
        self.query_one("#audit-status", Static).update(
            plain(f"Audit of {self.root} — scanning {message.done}/{message.total} sessions…"))

    @on(ScanFailed)
    def scan_failed(self, message: ScanFailed) -> None:
        from panel_tui.core.tomlfile import os_error

        exc = message.error
        if isinstance(exc, OSError):
            exc = os_error(exc, self.root, "the audit folder", "read")
        text = f"✗ Audit of {self.root} failed: {exc if isinstance(exc, InputError) else type(exc).__name__}"
        self.query_one("#audit-status", Static).update(plain(text))
        self.notify(one_line(text), severity="error", markup=False, timeout=10)

    @on(ScanDone)
    def scan_done(self, message: ScanDone) -> None:
        self.show_audit(message.audit)

    def action_rescan(self) -> None:
        self.query_one("#audit-status", Static).update(plain(f"Audit of {self.root} — scanning…"))
        self.scan()

    # --- showing it ---------------------------------------------------------------------

    def show_audit(self, audit: Audit) -> None:
        self.audit = audit
        f = audit.figures
        self.query_one("#audit-status", Static).update(plain(
            f"Audit of {self.root}: {f['sessions']} sessions ({f['sessions_signed_off']} signed off), "
            f"{len(audit.decisions)} entries, {f['flagged_never_considered']} flagged standard(s) never considered, "
            f"{f['flagged_pending']} not yet considered, {f['sessions_unreadable_or_broken']} unreadable or broken"))
        self.fill_sessions()
        for key, _ in FILTERS:
            select = self.query_one(f"#filter-{key}", Select)
            keep = select.value
            values = filter_values(audit.decisions, key)
            select.set_options([(plain(v), v) for v in values])
            if keep in values:
                select.value = keep
        self.fill_decisions()
        self.query_one("#figures", Static).update(self.figures_text())

    def figures_text(self) -> Text:
        f = self.audit.figures  # type: ignore[union-attr]
        t = Text()
        labels = [("flagged_standards", "Flagged standards (in sessions whose log verifies or has none)"),
                  ("flagged_with_discretion", "… with discretion"), ("flagged_declined", "… considered, band kept"),
                  ("flagged_never_considered", "… ✗ NEVER CONSIDERED (signed off with no discretion or declined entry)"),
                  ("flagged_pending", "… ◐ not yet considered (meeting open or still to come)"),
                  ("uplifts", "Uplifts"), ("lowerings", "Lowerings"),
                  ("outside_criteria", "Decisions outside the criteria"),
                  ("small_sample_without_other_evidence", "Small-sample decisions without other evidence"),
                  ("final_differs_from_computed", "Standards whose final band differs from computed"),
                  ("sessions_signed_off", "Sessions signed off"),
                  ("sessions_unreadable_or_broken", "Sessions unreadable or with a broken log")]
        for key, label in labels:
            t.append(f"{f[key]:>6}  {label}\n")
        for key, title, mark in (("never_considered", "Never considered (signed off)", "✗"),
                                 ("not_yet_considered", "Not yet considered (in progress)", "◐")):
            if f[key]:
                t.append(f"\n{title}:\n", style="bold")
                for item in f[key]:
                    t.append_text(plain(f"  {mark} {item}"))
                    t.append("\n")
        for scope, title in (("by_framework", "By framework"), ("by_inspector", "By lead inspector"),
                             ("by_year", "By fieldwork year")):
            t.append(f"\n{title}:\n", style="bold")
            t.append(f"  {'group':<28} flagged  discr.  kept  never  open  up  down  outside  differs\n", style="dim")
            for group, c in f[scope].items():
                t.append_text(plain(f"  {group[:28]:<28}"))
                t.append(f" {c['flagged_standards']:>7} {c['flagged_with_discretion']:>7} {c['flagged_declined']:>5} "
                         f"{c['flagged_never_considered']:>6} {c['flagged_pending']:>5} {c['uplifts']:>3} "
                         f"{c['lowerings']:>5} {c['outside_criteria']:>8} {c['final_differs_from_computed']:>8}\n")
        return t

    TAB_FOCUS = {"tab-sessions": "#sessions", "tab-decisions": "#decisions", "tab-figures": "#figures-scroll"}

    def action_tab(self, tab: str) -> None:
        # Focus goes with the tab: left on a widget of the hidden pane (a filter), it would bring
        # that pane straight back (TabbedContent shows the pane holding the focus).
        self.set_focus(None)
        self.query_one(TabbedContent).active = tab
        self.query_one(self.TAB_FOCUS[tab]).focus()

    def current_filters(self) -> dict[str, str | None]:
        out: dict[str, str | None] = {}
        for key, _ in FILTERS:
            value = self.query_one(f"#filter-{key}", Select).value
            out[key] = value if isinstance(value, str) else None  # Select.NULL: no choice
        return out

    def filtered(self) -> list[Row]:
        if self.audit is None:
            return []
        filters = self.current_filters()
        return [d for d in self.audit.decisions if matches(d, filters)]

    def fill_sessions(self) -> None:
        """The Sessions table, as the "Show" filter chooses: every session, those not counted (their
        log, history, tags or kept-aside entries fail), those with entries kept aside, or those
        with rewrites accepted on the record. A long log status is cut here (full in --json)."""
        if self.audit is None:
            return
        view = self.query_one("#session-filter", Select).value
        table = self.query_one("#sessions", DataTable)
        table.clear()
        for s in self.audit.sessions:
            if not _session_shown(s, view):
                continue
            ok = s.log_status.startswith(("intact", "no log"))
            table.add_row(plain(s.path), plain(one_line(("✓ " if ok else "✗ ") + self.short_status(s), 80),
                                               "" if ok else "bold"),
                          Text("✓ yes" if s.signed_off else "– no"),
                          Text(f"{s.score}/{s.max_score}" if s.score is not None else "—"), plain(s.overall or "—"),
                          plain(s.service or "—"), plain(s.framework or "—"), plain(s.fieldwork or "—"),
                          plain(s.lead_inspector or "—"),
                          Text(f"⚑ {s.kept_aside}" if s.kept_aside else "–"),
                          plain(one_line(f"{len(s.accepted_rewrites)}: {s.accepted_rewrites[0]}", 40)
                                if s.accepted_rewrites else "–"),
                          key=s.path)

    def short_status(self, s: Any) -> str:
        """A log status as the table shows it: without the session's own folder (its row says which
        session), so the problem itself fits; the whole text is in audit --json."""
        folder = str((self.root / s.path).resolve())
        return s.log_status.replace(folder + "/", "").replace(str(self.root / s.path) + "/", "")

    @on(Select.Changed, "#session-filter")
    def session_filter_changed(self) -> None:
        self.fill_sessions()

    def fill_decisions(self) -> None:
        table = self.query_one("#decisions", DataTable)
        table.clear()
        self.shown = {f"{d['session']}#{d['seq']}": d for d in self.filtered()}
        for d in self.shown.values():
            dim = "" if d["status"] == "stands" else "dim"
            table.add_row(plain(d["session"], dim), plain(d["seq"], dim), plain(d["kind"], dim), status_text(d),
                          plain(d["standard"] or "—", dim), plain(d["from"] or "", dim), plain(d["to"] or "", dim),
                          Text({"uplift": "▲ up", "lowering": "▼ down"}.get(d["direction"] or "", "–"), style=dim),
                          plain(", ".join(map(str, d["flags"])), dim), Text("⚠ yes" if d["outside_criteria"] else ""),
                          plain(d.by_shown, dim), plain(d["at"], dim), key=f"{d['session']}#{d['seq']}")
        self.show_decision()

    def on_select_changed(self, _: Select.Changed) -> None:
        self.fill_decisions()

    def action_clear_filters(self) -> None:
        for key, _ in FILTERS:
            self.query_one(f"#filter-{key}", Select).clear()
        self.fill_decisions()

    def selected_decision(self) -> Row | None:
        table = self.query_one("#decisions", DataTable)
        if not table.row_count or self.audit is None:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.shown.get(key or "")

    def show_decision(self) -> None:
        d = self.selected_decision()
        body = self.query_one("#decision-body", Static)
        if d is None:
            body.update(Text("No decision matches the filters." if self.audit else ""))
            return
        what = f"{d['kind']} on {d['standard']} ({d['from']} → {d['to']})" if d["from"] is not None else d["kind"]
        t = plain(f"{d['session']} entry {d['seq']}: {what}", "bold")
        t.append("\nStatus: ")
        t.append_text(status_text(d))
        if d["outcome"] and d["answered_by"] is not None:
            t.append(f" (answered by entry {d['answered_by']})")
        if d["kind"] in ("retraction", "dissent"):
            who = f"{d['member']} dissents from " if d["kind"] == "dissent" else "Retracts "
            t.append("\n")
            t.append_text(plain(who + concerns_text(d)))
        t.append("\n")
        if d["lowest_percent"] is not None:
            t.append(f"Evidence: lowest {d['lowest_percent']}%" + (f" of {d['cases']} cases" if d["cases"] else "") + "\n")
        t.append("Reason: " if d["kind"] in ("retraction", "dissent", "declined") else "Rationale: ")
        t.append_text(para(d["rationale"] or ""))
        if d.get("other_evidence"):
            t.append("\nOther evidence: ")
            t.append_text(para(d["other_evidence"]))
        body.update(t)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "decisions":
            self.show_decision()

    def on_data_table_row_selected(self, _: DataTable.RowSelected) -> None:
        self.action_open_session()

    def action_open_session(self) -> None:
        from panel_tui.core.session import load_session
        from panel_tui.screens.meeting import MeetingScreen

        if self.audit is None:
            return
        if self.query_one(TabbedContent).active == "tab-decisions":
            d = self.selected_decision()
            rel = d["session"] if d else None
        else:
            table = self.query_one("#sessions", DataTable)
            rel = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value if table.row_count else None
        if rel is None:
            return
        try:
            session = load_session(self.root / rel)  # the one session, read again in full
        except UNREADABLE as exc:
            self.notify(one_line(str(exc)), severity="error", markup=False, timeout=10)
            return
        self.app.push_screen(MeetingScreen(session, read_only="opened from the audit"))

    def commands(self) -> Iterable[SystemCommand]:
        """The palette's "Audit: …" entries (PanelApp adds them to its own)."""
        calls: dict[str, Any] = {
            "open_session": self.action_open_session, "clear_filters": self.action_clear_filters,
            "rescan": self.action_rescan,
        }
        for b in self.BINDINGS:
            assert isinstance(b, Binding)
            if b.action.startswith("tab("):
                tab = b.action[5:-2]
                yield SystemCommand(f"Audit: {b.description}", b.tooltip or b.description,
                                    lambda tab=tab: self.action_tab(tab))  # type: ignore[misc]
            elif b.action in calls:
                yield SystemCommand(f"Audit: {b.description}", b.tooltip or b.description, calls[b.action])
