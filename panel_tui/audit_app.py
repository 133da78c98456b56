"""AuditApp: the quality lead's read-only view over every session under a folder.

Scanning runs in a worker thread with progress, so the first screen paints at once. Sessions,
decisions (filterable) and figures come from ``panel_tui.core.audit``; a session opens read-only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Footer, Select, Static, TabbedContent, TabPane

from panel_tui.core.audit import DECISION_KINDS, UNREADABLE, Audit, run_audit
from panel_tui.core.display import one_line
from panel_tui.core.errors import InputError
from panel_tui.widgets.safe import para, plain

FILTERS = [("kind", "Kind"), ("standard", "Standard"), ("direction", "Direction"), ("flag", "Flag"),
           ("framework", "Framework"), ("lead_inspector", "Inspector"), ("year", "Year")]


def matches(d: dict[str, Any], filters: dict[str, Any]) -> bool:
    """Does a decision pass every chosen filter? (flag matches any of the decision's flags)"""
    for key, want in filters.items():
        if want in (None, Select.NULL):
            continue
        if key == "flag":
            if want not in d["flags"]:
                return False
        elif str(d.get(key)) != want:
            return False
    return True


class AuditApp(App):
    CSS_PATH = "styles/app.tcss"
    TITLE = "panel-tui audit"
    BINDINGS = [
        Binding("q", "quit", "Quit", id="audit.quit"),
        Binding("o", "open_session", "Open session", id="audit.open", tooltip="Open the selected session read-only"),
        Binding("c", "clear_filters", "Clear filters", id="audit.clear"),
        Binding("1", "tab('tab-sessions')", "Sessions", id="audit.sessions"),
        Binding("2", "tab('tab-decisions')", "Decisions", id="audit.decisions"),
        Binding("3", "tab('tab-figures')", "Figures", id="audit.figures"),
    ]

    def __init__(self, root: Path | str) -> None:
        super().__init__()
        self.root = Path(root)
        self.audit: Audit | None = None

    def compose(self) -> ComposeResult:
        yield Static(plain(f"Audit of {self.root} — scanning…"), id="audit-status")
        with TabbedContent(id="audit-tabs"):
            with TabPane("Sessions", id="tab-sessions"):
                yield DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
            with TabPane("Decisions", id="tab-decisions"):
                with Horizontal(id="filters"):
                    for key, label in FILTERS:
                        yield Select([], prompt=label, id=f"filter-{key}", allow_blank=True)
                yield DataTable(id="decisions", cursor_type="row", zebra_stripes=True)
                with VerticalScroll(id="decision-detail"):
                    yield Static(id="decision-body")
            with TabPane("Figures", id="tab-figures"):
                with VerticalScroll():
                    yield Static(id="figures")
        yield Footer()

    def on_mount(self) -> None:
        sessions = self.query_one("#sessions", DataTable)
        for col in ("Session", "Service", "Framework", "Fieldwork", "Lead", "Score", "Overall", "Signed off", "Log"):
            sessions.add_column(col, key=col)
        decisions = self.query_one("#decisions", DataTable)
        for col in ("Session", "#", "Kind", "Std", "From", "To", "Dir", "Flags", "Outside", "By", "At"):
            decisions.add_column(col, key=col)
        self.scan()

    @work(thread=True, exclusive=True)
    def scan(self) -> None:
        def progress(done: int, total: int) -> None:
            self.call_from_thread(self.query_one("#audit-status", Static).update,
                                  plain(f"Audit of {self.root} — scanning {done}/{total} sessions…"))

        try:
            audit = run_audit(self.root, progress)
        except UNREADABLE as exc:  # the folder itself: shown as such, and the app goes on
            self.call_from_thread(self.scan_failed, exc)
            return
        self.call_from_thread(self.show_audit, audit)

    def scan_failed(self, exc: BaseException) -> None:
        from panel_tui.core.tomlfile import os_error

        if isinstance(exc, OSError):
            exc = os_error(exc, self.root, "the audit folder", "read")
        message = f"✗ Audit of {self.root} failed: {exc if isinstance(exc, InputError) else type(exc).__name__}"
        self.query_one("#audit-status", Static).update(plain(message))
        self.notify(one_line(message), severity="error", markup=False, timeout=10)

    def show_audit(self, audit: Audit) -> None:
        self.audit = audit
        f = audit.figures
        self.query_one("#audit-status", Static).update(plain(
            f"Audit of {self.root}: {f['sessions']} sessions, {len(audit.decisions)} decisions, "
            f"{f['flagged_never_considered']} flagged standard(s) never considered, "
            f"{f['sessions_unreadable_or_broken']} unreadable or broken"))
        table = self.query_one("#sessions", DataTable)
        for s in audit.sessions:
            ok = s.log_status in ("intact", "no log")
            table.add_row(plain(s.path), plain(s.service or "—"), plain(s.framework or "—"), plain(s.fieldwork or "—"),
                          plain(s.lead_inspector or "—"),
                          Text(f"{s.score}/{s.max_score}" if s.score is not None else "—"), plain(s.overall or "—"),
                          Text("✓ yes" if s.signed_off else "– no"),
                          plain(("✓ " if ok else "✗ ") + s.log_status, "" if ok else "bold"), key=s.path)
        fixed = {"kind": list(DECISION_KINDS), "direction": ["uplift", "lowering", "none"]}
        for key, _ in FILTERS:
            values = fixed.get(key) or sorted({v for d in audit.decisions for v in
                                               (d["flags"] if key == "flag" else [d.get(key)]) if v not in (None, "")},
                                              key=str)
            self.query_one(f"#filter-{key}", Select).set_options([(plain(v), str(v)) for v in values])
        self.fill_decisions()
        self.query_one("#figures", Static).update(self.figures_text())

    def figures_text(self) -> Text:
        f = self.audit.figures  # type: ignore[union-attr]
        t = Text()
        labels = [("flagged_standards", "Flagged standards (in sessions whose log verifies or has none)"),
                  ("flagged_with_discretion", "… with discretion"), ("flagged_declined", "… considered, band kept"),
                  ("flagged_never_considered", "… NEVER CONSIDERED (no discretion, no declined entry)"),
                  ("uplifts", "Uplifts"), ("lowerings", "Lowerings"),
                  ("outside_criteria", "Decisions outside the criteria"),
                  ("small_sample_without_other_evidence", "Small-sample decisions without other evidence"),
                  ("final_differs_from_computed", "Standards whose final band differs from computed"),
                  ("sessions_unreadable_or_broken", "Sessions unreadable or with a broken log")]
        for key, label in labels:
            t.append(f"{f[key]:>6}  {label}\n")
        if f["never_considered"]:
            t.append("\nNever considered:\n", style="bold")
            for item in f["never_considered"]:
                t.append_text(plain(f"  ✗ {item}"))
                t.append("\n")
        for scope, title in (("by_framework", "By framework"), ("by_inspector", "By lead inspector"),
                             ("by_year", "By fieldwork year")):
            t.append(f"\n{title}:\n", style="bold")
            t.append(f"  {'group':<28} flagged  discr.  kept  never  up  down  outside  differs\n", style="dim")
            for group, c in f[scope].items():
                t.append_text(plain(f"  {group[:28]:<28}"))
                t.append(f" {c['flagged_standards']:>7} {c['flagged_with_discretion']:>7} {c['flagged_declined']:>5} "
                         f"{c['flagged_never_considered']:>6} {c['uplifts']:>3} {c['lowerings']:>5} "
                         f"{c['outside_criteria']:>8} {c['final_differs_from_computed']:>8}\n")
        return t

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    def current_filters(self) -> dict[str, Any]:
        return {key: self.query_one(f"#filter-{key}", Select).value for key, _ in FILTERS}

    def filtered(self) -> list[dict[str, Any]]:
        if self.audit is None:
            return []
        filters = self.current_filters()
        return [d for d in self.audit.decisions if matches(d, filters)]

    def fill_decisions(self) -> None:
        table = self.query_one("#decisions", DataTable)
        table.clear()
        for i, d in enumerate(self.filtered()):
            table.add_row(plain(d["session"]), plain(d["seq"]), plain(d["kind"]), plain(d["standard"]),
                          plain(d["from"]), plain(d["to"]),
                          Text({"uplift": "▲ up", "lowering": "▼ down"}.get(d["direction"] or "", "–")),
                          plain(", ".join(map(str, d["flags"]))), Text("⚠ yes" if d["outside_criteria"] else ""),
                          plain(d["by"] or ""), plain(d["at"]), key=f"{d['session']}#{d['seq']}")
        self.show_decision()

    def on_select_changed(self, _: Select.Changed) -> None:
        self.fill_decisions()

    def action_clear_filters(self) -> None:
        for key, _ in FILTERS:
            self.query_one(f"#filter-{key}", Select).clear()
        self.fill_decisions()

    def selected_decision(self) -> dict[str, Any] | None:
        table = self.query_one("#decisions", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((d for d in self.filtered() if f"{d['session']}#{d['seq']}" == key), None)

    def show_decision(self) -> None:
        d = self.selected_decision()
        body = self.query_one("#decision-body", Static)
        if d is None:
            body.update(Text("No decision matches the filters." if self.audit else ""))
            return
        t = plain(f"{d['session']} entry {d['seq']}: {d['kind']} on {d['standard']} ({d['from']} → {d['to']})",
                  "bold")
        t.append("\n")
        if d["lowest_percent"] is not None:
            t.append(f"Evidence: lowest {d['lowest_percent']}%" + (f" of {d['cases']} cases" if d["cases"] else "") + "\n")
        t.append("Rationale: ")
        t.append_text(para(d["rationale"] or ""))
        if d.get("other_evidence"):
            t.append("\nOther evidence: ")
            t.append_text(para(d["other_evidence"]))
        body.update(t)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "decisions":
            self.show_decision()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open_session()

    def action_open_session(self) -> None:
        from panel_tui.core.session import load_session
        from panel_tui.screens.meeting import MeetingScreen

        if self.audit is None:
            return
        tabs = self.query_one(TabbedContent)
        if tabs.active == "tab-decisions":
            d = self.selected_decision()
            rel = d["session"] if d else None
        else:
            table = self.query_one("#sessions", DataTable)
            rel = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value if table.row_count else None
        if rel is None:
            return
        try:
            session = load_session(self.root / rel)
        except UNREADABLE as exc:
            self.notify(one_line(str(exc)), severity="error", markup=False, timeout=10)
            return
        self.push_screen(MeetingScreen(session, read_only="opened from the audit"))
