"""Command line: argument parsing, Rich tables for people, ``--json`` for scripts.

Exit codes: 0 success; 1 a check failed (a log that does not verify); 2 bad input or a refused
decision (nothing written). Errors are one message naming file, place and fix, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from panel_tui.core.errors import InputError, RuleRefused

if TYPE_CHECKING:  # Rich is imported only when a command prints
    from rich.console import Console

EXIT_OK, EXIT_CHECK_FAILED, EXIT_BAD_INPUT = 0, 1, 2


def _console(stderr: bool = False) -> Console:
    from panel_tui.cli_render import make_console

    return make_console(stderr)


def _err(message: str) -> None:
    from panel_tui.core.display import visible

    print(f"panel-tui: {visible(message, keep_newlines=True)}", file=sys.stderr)


def _print_json(doc: Any) -> None:
    sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")


# --- rate / check ---------------------------------------------------------------------------


def cmd_rate(args: argparse.Namespace) -> int:
    from panel_tui.core.session import load_session

    session = load_session(args.path)
    rating = session.rating
    from panel_tui.cli_audit import _history_problem

    broken = _history_problem(session.dir) if session.log is not None and not session.log_problem else None
    if broken:  # issue 23: said first, before any figure from a log whose history does not verify
        _err(f"warning: {broken} The ratings below rest on that log; `panel-tui verify` names the commit.")
    if args.json:
        from panel_tui.core.report import rating_json

        _print_json(rating_json(rating))
    else:
        from panel_tui.cli_render import render_rating

        render_rating(_console(), rating)
    if session.log_problem:
        _err(f"{session.log_problem} (ratings shown are from the inspection alone)")
        return EXIT_CHECK_FAILED
    return EXIT_CHECK_FAILED if broken else EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from panel_tui.core.display import visible
    from panel_tui.core.inspection import load_inspection

    insp = load_inspection(args.path)
    missing = insp.missing()
    if missing:
        print(
            f"{visible(str(insp.path))}: valid but incomplete "
            f"({insp.framework.id}, {len(missing)} standard(s) awaiting):"
        )
        for line in missing:
            print(f"  {visible(line)}")
        return EXIT_CHECK_FAILED
    print(f"{visible(str(insp.path))}: valid ({insp.framework.id}, {len(insp.standards)} standards)")
    return EXIT_OK


def cmd_open(args: argparse.Namespace) -> int:
    """Validate first (a bad file is a message, not a crash), then start the app."""
    from panel_tui.heap import HeapPolicy

    # the garbage collector's part in the start-up and the meeting is the heap policy's (panel_tui/heap.py;
    # PANEL_TUI_GC=default leaves it alone)
    heap = HeapPolicy.from_environment()
    heap.start()
    from panel_tui.core.session import load_session

    session = load_session(args.path) if args.path is not None else None
    from panel_tui.app import PanelApp

    app = PanelApp(args.path, session=session, sessions_root=args.sessions, heap=heap)
    app.run()
    return app.return_code or EXIT_OK  # a crash in the app is never a success


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """Every command's parser; with ``command="open"`` only the ones defined here: the meeting
    app starts without importing the other commands' modules (issue 26; ``open``'s own options and
    its messages are the same either way). With ``command="audit"`` those and the audit's: an audit
    of a hundred sessions took a tenth longer to start with every command's parser built."""
    p = argparse.ArgumentParser(prog="panel-tui", description="Ratings panel tool: rate, decide, verify, audit.")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    s = sub.add_parser("rate", help="rate an inspection (session folder or inspection.toml)")
    s.add_argument("path", type=Path)
    s.add_argument("--json", action="store_true", help="machine-readable output (format panel-tui/rate/1)")
    s.set_defaults(func=cmd_rate)

    s = sub.add_parser("open", help="open the meeting app on a session (or pick one)")
    s.add_argument("path", type=Path, nargs="?")
    s.add_argument("--sessions", type=Path, default=Path("sessions"), help="folder to pick sessions from")
    s.set_defaults(func=cmd_open)

    s = sub.add_parser("check", help="validate an inspection file only")
    s.add_argument("path", type=Path)
    s.set_defaults(func=cmd_check)
    if command == "open":
        return p
    from panel_tui.cli_audit import add_audit_commands

    if command == "audit":
        add_audit_commands(sub)  # (with the others, it comes after the log, data and framework commands)
        return p

    from panel_tui.cli_log import add_log_commands

    add_log_commands(sub)

    from panel_tui.cli_data import add_data_commands

    add_data_commands(sub)  # noqa: E702 (new, import-cases)
    from panel_tui.cli_framework import add_framework_commands

    add_framework_commands(sub)  # noqa: E702 (after new: extends it)
    add_audit_commands(sub)

    from panel_tui.cli_git import add_git_commands  # after the log commands: it extends `verify`

    add_git_commands(sub)

    from panel_tui.serve.cli import add_serve_command  # issue 27: the meeting in members' browsers

    add_serve_command(sub)
    return p


def _safe_streams() -> None:
    """A file name that is not UTF-8 (or a lone surrogate in a value) is printed escaped, never a crash."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="backslashreplace")
            except (ValueError, OSError):  # pragma: no cover - a stream that cannot be reconfigured
                pass


def _check_text_arguments(args: argparse.Namespace) -> None:
    """Refuse text arguments that are not UTF-8 (Python hands them over as lone surrogates).

    Paths may be any bytes the file system allows; a name, a reason or a rationale must be text
    that can be stored in a UTF-8 log and shown.
    """
    for name, value in vars(args).items():
        values = value if isinstance(value, list) else [value]
        for v in values:
            if isinstance(v, str) and any(0xD800 <= ord(ch) <= 0xDFFF for ch in v):
                raise InputError(
                    None,
                    f"argument --{name.replace('_', '-')}",
                    "is not valid UTF-8 text.",
                    "retype it (check the terminal's encoding is UTF-8).",
                )


EXIT_BROKEN_PIPE = 141  # what a shell reports for a process ended by SIGPIPE (128 + 13)


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush does not fail a second time."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


# An entry field a refusal can point at -> the option that gives it on the command line (the app
# shows the refusal beside the field itself).
FLAG_OF_FIELD = {"outside_reason": "--outside-criteria REASON", "other_evidence": "--other-evidence TEXT"}


def head_arg(value: str) -> str:
    """``verify --head`` and ``--expect-head``: an empty value is refused (exit 2). It used to skip
    the head check silently, so `--head "$UNSET_VARIABLE"` printed "intact"."""
    if not value.strip():
        raise argparse.ArgumentTypeError(
            "is empty: give the head hash recorded elsewhere (64 hex digits; 'none' for --expect-head "
            "before the first entry), or leave the option out"
        )
    return value


def main(argv: list[str] | None = None) -> int:
    """Run one command. Every failure is one message and an exit code, never a traceback."""
    _safe_streams()
    words = sys.argv[1:] if argv is None else argv
    parser = build_parser("open" if not words or words[0] == "open" else "audit" if words[0] == "audit" else None)
    try:
        args = parser.parse_args(argv)
        func: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
        if func is None:  # `panel-tui` alone: pick a session under ./sessions
            args = parser.parse_args(["open"])
            func = args.func
        _check_text_arguments(args)
        return func(args)
    except BrokenPipeError:
        # the reader went away (`panel-tui audit DIR --json | head`): stop quietly, as Unix tools
        # killed by SIGPIPE do, instead of calling the pipe a bad file
        _quiet_stdout()
        return EXIT_BROKEN_PIPE
    except InputError as exc:
        _err(f"error: {exc}")
        return EXIT_BAD_INPUT
    except RuleRefused as exc:
        flag = FLAG_OF_FIELD.get(exc.field or "")  # the core names the field; here it is a flag
        _err(str(exc) + (f" (give it with {flag})" if flag else ""))
        return EXIT_BAD_INPUT
    except OSError as exc:  # permission denied, a folder where a file should be, a full disk
        from panel_tui.core.tomlfile import os_error

        _err(f"error: {os_error(exc, exc.filename or '', 'a file', 'use')}")
        return EXIT_BAD_INPUT
    except RecursionError:
        _err(
            "error: an input is nested too deeply (a folder tree or a file) to be read. "
            "Fix: check that the path is the right one."
        )
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a git step no check foresaw (objects missing, a broken repository)
        from panel_tui.core.gitstore.run import GitFailed

        if not isinstance(exc, GitFailed):
            raise
        _err(
            f"error: git failed: {exc}. Nothing was written. Fix: repair the repository (`git fsck`) or clone it again."
        )
        return EXIT_BAD_INPUT
