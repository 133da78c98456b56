"""Command-line subcommands that bring an inspection's data in: ``new`` and ``import-cases``.

They write only the inspection side of a session (``inspection.toml``, ``cases.csv``); the
decision log is never touched. Exit codes as everywhere: 0 done, 2 bad input (nothing written).
"""

from __future__ import annotations

import argparse
from pathlib import Path

EXIT_OK, EXIT_CHECK_FAILED, EXIT_BAD_INPUT = 0, 1, 2


def cmd_new(a: argparse.Namespace) -> int:
    from panel_tui.core.display import visible
    from panel_tui.core.gitstore.run import shell_quote
    from panel_tui.core.new_session import write_new_session

    path = write_new_session(a.dir, a.framework, a.service, a.fieldwork, a.lead_inspector)
    print(
        visible(f"wrote {path}: every standard of {a.framework}, figures and proposals awaiting ")
        + f"(panel-tui check {shell_quote(a.dir)} lists them)"
    )
    return EXIT_OK


def cmd_import_cases(a: argparse.Namespace) -> int:
    from panel_tui.core.cases import CASES_FILE, import_cases
    from panel_tui.core.display import visible

    result = import_cases(a.dir, a.file)
    for qid, (relevant, yes) in result.imported.items():
        print(visible(f"{qid}: {yes} of {relevant}" if relevant else f"{qid}: did not apply (relevant = 0)"))
    missing = result.inspection.missing()
    print(
        visible(
            f"wrote {result.inspection.path} ({len(result.imported)} key questions) and "
            f"{result.inspection.session_dir / CASES_FILE} ({len(result.table.rows)} cases)"
            + (f"; still awaiting: {len(missing)} standard(s)" if missing else "")
        )
    )
    return EXIT_OK


def add_data_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``new`` and ``import-cases`` (called once from cli.build_parser)."""
    s = sub.add_parser("new", help="start a session from a framework: every standard, figures awaiting")
    s.add_argument("dir", type=Path, help="the new session folder (created if absent)")
    s.add_argument("--framework", required=True, help="framework id, e.g. hmip-yjs-2021")
    s.add_argument("--service", required=True, help="the inspected service's name")
    s.add_argument("--fieldwork", required=True, help="first day of fieldwork, YYYY-MM-DD (or YYYY-MM)")
    s.add_argument("--lead-inspector", dest="lead_inspector", help="the lead inspector's name")
    s.set_defaults(func=cmd_new)

    s = sub.add_parser("import-cases", help="count case answers (CSV or .xlsx, one row per case) into a session")
    s.add_argument("dir", type=Path, help="the session folder (or its inspection.toml)")
    s.add_argument("file", type=Path, help="header: case, then key-question ids; cells Yes, No, N/A or empty")
    s.set_defaults(func=cmd_import_cases)
