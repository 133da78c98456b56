"""`panel-tui audit` and `panel-tui export`: the quality lead's view and the panel record."""

from __future__ import annotations

import argparse
import csv
import io
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from panel_tui.core.audit import Audit

EXIT_OK, EXIT_CHECK_FAILED, EXIT_BAD_INPUT = 0, 1, 2


CSV_FILES = ("sessions.csv", "decisions.csv", "figures.csv")


class Progress:
    """Progress to a terminal stream, only once scanning has taken longer than a moment (the core
    only calls ``progress(done, total)``; the carriage returns are the CLI's business)."""

    def __init__(self, write: Callable[[str], None], after: float = 0.5) -> None:
        self.write, self.after, self.t0, self.shown = write, after, time.monotonic(), False

    def __call__(self, done: int, total: int) -> None:
        if time.monotonic() - self.t0 < self.after:
            return
        if done == total or done % 50 == 0 or not self.shown:
            self.write(f"\rscanning sessions: {done}/{total}" + ("\n" if done == total else ""))
            self.shown = True


def _csv_bytes(rows: Iterable[Iterable[object]]) -> bytes:
    """Rows as CSV with a byte-order mark (so Excel and LibreOffice read UTF-8, not "SiobhÃ¡n"); every
    cell through the spreadsheet guard (no formula runs, no raw control chars)."""
    from panel_tui.core.outputs import spreadsheet_safe

    buf = io.StringIO(newline="")
    w = csv.writer(buf)
    for row in rows:
        w.writerow([spreadsheet_safe(_cell(c)) for c in row])
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")


def _cell(v: object) -> object:
    return ";".join(str(x) for x in v) if isinstance(v, (list, tuple)) else v


def write_csvs(audit: Audit, out: Path) -> list[Path]:
    """sessions.csv, decisions.csv (each row joined with its session's facts) and figures.csv
    (scope, group, figure, value)."""
    from panel_tui.core.audit.tables import tables
    from panel_tui.core.outputs import check_output_folder, make_output_folder, write_output

    paths = check_output_folder(out, CSV_FILES)
    found = {title: [header, *rows] for title, header, rows in tables(audit)}
    make_output_folder(out)
    for p, title in zip(paths, ("Sessions", "Decisions", "Figures"), strict=True):
        write_output(out / p.name, _csv_bytes(found[title]))
    return [out / name for name in CSV_FILES]


def _need_openpyxl() -> None:
    from panel_tui.core.errors import InputError

    try:
        import openpyxl  # type: ignore[import-untyped]  # noqa: F401
    except ImportError:
        raise InputError(
            Path("--xlsx"),
            None,
            "needs openpyxl, which is not installed.",
            "pip install 'panel-tui[xlsx]' (or pip install openpyxl), or use --csv.",
        ) from None


def cmd_audit(a: argparse.Namespace) -> int:
    from panel_tui.core.errors import InputError

    root = a.dir
    if not root.is_dir():
        raise InputError(root, None, "not a folder.", "give the folder that holds the sessions.")
    from panel_tui.cli_git import prepare_clone

    prepare_clone(root)  # a fresh clone: git's checkout conversions undone before any session is read
    if a.csv:
        from panel_tui.core.outputs import check_output_folder

        check_output_folder(a.csv, CSV_FILES)  # before the scan: a bad path fails at once
    for out in (a.xlsx, a.html):
        if out is not None:
            from panel_tui.core.outputs import check_output_file

            check_output_file(out)
    if a.xlsx is not None:
        _need_openpyxl()
    if a.text and a.json:
        raise InputError(
            Path("--text"),
            None,
            "and --json both print to standard output.",
            "give one of them (the other outputs, --csv, --xlsx and --html, write files).",
        )
    if a.json or a.csv or a.xlsx or a.html or a.text:
        from panel_tui.core.gitstore.prefetch import start

        start(root)  # the repository's history read beside the imports and the folder walk below
        try:
            return _audit_out(a, root)
        finally:
            from panel_tui.core.gitstore.prefetch import forget

            forget()  # a history nobody took (no session in git, or an error) is not a later audit's
    from panel_tui.app import PanelApp

    app = PanelApp(audit=root, freeze_heap=True)
    app.run()
    return app.return_code or EXIT_OK  # a crash in the app is never a success


def _audit_out(a: argparse.Namespace, root: Path) -> int:
    """The audit written out (--json, --csv, --xlsx, --html, --text)."""
    from panel_tui.core.audit import run_audit, write_json
    from panel_tui.core.people import find_register

    canonical = find_register(root).canonical  # people.toml at or above DIR: one name per person in the figures

    def to_terminal(text: str) -> None:
        sys.stderr.write(text)  # shown: the progress counts, no path or name
        sys.stderr.flush()

    progress = Progress(to_terminal)
    if a.json and not (a.csv or a.xlsx or a.html or a.text):  # rows go out as each session is read: none is kept
        write_json(root, sys.stdout.write, progress, canonical)
        return EXIT_OK
    audit = run_audit(root, progress, canonical=canonical)
    from panel_tui.core.display import visible
    from panel_tui.core.outputs import write_output

    if a.csv:
        for p in write_csvs(audit, a.csv):
            print(f"wrote {visible(str(p))}", file=sys.stderr)
    if a.xlsx is not None:
        from panel_tui.core.audit.workbook import workbook_bytes

        write_output(a.xlsx, workbook_bytes(audit))
        print(f"wrote {visible(str(a.xlsx))}", file=sys.stderr)
    if a.html is not None:
        from panel_tui.core.audit.report import report_html

        write_output(a.html, report_html(audit).encode("utf-8"))
        print(f"wrote {visible(str(a.html))}", file=sys.stderr)
    if a.text:
        from panel_tui.core.audit.text import figure_lines

        for line in figure_lines(audit.figures):
            print(line)  # shown: figure_lines makes every name visible
    if a.json:
        for chunk in audit.json_chunks():  # a row at a time: the document is never whole in memory
            sys.stdout.write(chunk)
    return EXIT_OK


def cmd_export(a: argparse.Namespace) -> int:
    from panel_tui.core.export import build_record, render
    from panel_tui.core.inspection import resolve_inspection_path

    if a.output:
        from panel_tui.core.outputs import check_output_file

        check_output_file(a.output, [resolve_inspection_path(a.path).parent])  # before any work
    record = build_record(a.path)
    text = render(record, a.format)
    broken = _history_problem(resolve_inspection_path(a.path).parent)
    if broken:  # issue 23: only what verifies counts; a record from a rewritten history says so first
        if not a.even_if_broken:
            _stderr(
                f"panel-tui: not exported: {broken} Fix: `panel-tui verify` names the commit; export anyway "
                "with --even-if-broken (the record then opens with a warning)."
            )
            return EXIT_CHECK_FAILED
        text = _banner(a.format, broken) + text
    if a.output:
        from panel_tui.core.display import visible
        from panel_tui.core.outputs import write_output

        write_output(a.output, text.encode("utf-8"), [resolve_inspection_path(a.path).parent])
        print(f"wrote {visible(str(a.output))} (head {record['head'] or 'none'})", file=sys.stderr)
    else:
        sys.stdout.write(text)  # shown: the record's renderers show user text visibly (md, html, csv)
    return EXIT_OK


def _stderr(line: str) -> None:
    from panel_tui.core.display import visible

    print(visible(line), file=sys.stderr)


def _history_problem(session_dir: Path) -> str | None:
    """Why this session's history in git cannot be trusted (rewritten, a stray sign-off tag,
    kept-aside entries changed, or not checked: git missing or refusing, a shallow clone), or None."""
    from panel_tui.core.gitstore.history import history_status

    return history_status(session_dir)


def _banner(fmt: str, problem: str) -> str:
    """The warning an export made with --even-if-broken opens with, in its own format."""
    from panel_tui.core.export import h, md
    from panel_tui.core.outputs import spreadsheet_safe

    line = f"WARNING: this record comes from a log whose history does not verify or was not checked: {problem}"
    if fmt == "md":
        return f"> **{md(line)}**\n\n"
    if fmt == "html":
        return f"<p><strong>{h(line)}</strong></p>\n"
    return f"{spreadsheet_safe(line)}\n"


def add_audit_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    s = sub.add_parser("audit", help="audit every session under a folder (read-only)")
    s.add_argument("dir", type=Path)
    s.add_argument("--json", action="store_true", help="print the audit as JSON (format panel-tui/audit/5)")
    s.add_argument("--csv", type=Path, metavar="DIR2", help="write sessions.csv, decisions.csv, figures.csv there")
    s.add_argument(
        "--xlsx", type=Path, metavar="FILE", help="write the tables as a workbook (typed cells; needs openpyxl)"
    )
    s.add_argument("--html", type=Path, metavar="FILE", help="write one self-contained HTML report with charts")
    s.add_argument("--text", action="store_true", help="print the figures by year and chair, and the charts as bars")
    s.set_defaults(func=cmd_audit)

    s = sub.add_parser("export", help="the panel record of one session")
    s.add_argument("path", type=Path)
    s.add_argument("--format", choices=("md", "html", "csv"), default="md")
    s.add_argument("-o", "--output", type=Path)
    s.add_argument(
        "--even-if-broken",
        action="store_true",
        help="export a session whose git history does not verify, opening the record with a warning",
    )
    s.set_defaults(func=cmd_export)
