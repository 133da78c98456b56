"""`panel-tui audit` and `panel-tui export`: the quality lead's view and the panel record."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

EXIT_OK, EXIT_CHECK_FAILED, EXIT_BAD_INPUT = 0, 1, 2


def write_csvs(audit, out: Path) -> list[Path]:
    """sessions.csv, decisions.csv and figures.csv (figures as scope, group, figure, value)."""
    out.mkdir(parents=True, exist_ok=True)
    doc = audit.json()
    paths = []
    for name, rows in (("sessions", doc["sessions"]), ("decisions", doc["decisions"])):
        p = out / f"{name}.csv"
        keys = list(rows[0].keys()) if rows else []
        with open(p, "w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=keys)
            w.writeheader()
            for r in rows:
                w.writerow({k: (";".join(v) if isinstance(v, list) else v) for k, v in r.items()})
        paths.append(p)
    p = out / "figures.csv"
    with open(p, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["scope", "group", "figure", "value"])
        figs = doc["figures"]
        for k, v in figs.items():
            if isinstance(v, int):
                w.writerow(["all", "", k, v])
        for scope in ("by_framework", "by_inspector", "by_year"):
            for group, counts in figs[scope].items():
                for k, v in counts.items():
                    w.writerow([scope.removeprefix("by_"), group, k, v])
    paths.append(p)
    return paths


def cmd_audit(a: argparse.Namespace) -> int:
    from panel_tui.core.audit import Progress, run_audit
    from panel_tui.core.errors import InputError

    root = a.dir
    if not root.is_dir():
        raise InputError(root, None, "not a folder.", "give the folder that holds the sessions.")
    if not (a.json or a.csv):
        from panel_tui.audit_app import AuditApp

        AuditApp(root).run()
        return EXIT_OK
    audit = run_audit(root, Progress(lambda s: (sys.stderr.write(s), sys.stderr.flush())))
    if a.csv:
        for p in write_csvs(audit, a.csv):
            print(f"wrote {p}", file=sys.stderr)
    if a.json:
        sys.stdout.write(json.dumps(audit.json(), indent=2, ensure_ascii=False) + "\n")
    return EXIT_OK


def cmd_export(a: argparse.Namespace) -> int:
    from panel_tui.core.export import build_record, render

    record = build_record(a.path)
    text = render(record, a.format)
    if a.output:
        from panel_tui.core.filelock import atomic_write

        atomic_write(a.output, text.encode("utf-8"))
        print(f"wrote {a.output} (head {record['head'] or 'none'})", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def add_audit_commands(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("audit", help="audit every session under a folder (read-only)")
    s.add_argument("dir", type=Path)
    s.add_argument("--json", action="store_true", help="print the audit as JSON (format panel-tui/audit/1)")
    s.add_argument("--csv", type=Path, metavar="DIR2", help="write sessions.csv, decisions.csv, figures.csv there")
    s.set_defaults(func=cmd_audit)

    s = sub.add_parser("export", help="the panel record of one session")
    s.add_argument("path", type=Path)
    s.add_argument("--format", choices=("md", "html", "csv"), default="md")
    s.add_argument("-o", "--output", type=Path)
    s.set_defaults(func=cmd_export)
