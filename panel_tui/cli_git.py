"""Command line for sessions shared through git: `sync`, `verify --against`, and the commit after a record.

The rules live in panel_tui.core.gitstore; this module only parses arguments and prints. Progress
goes to stderr so stdout stays for results.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_CHECK_FAILED, EXIT_BAD_INPUT = 0, 1, 2


def _err(line: str) -> None:
    from panel_tui.core.display import visible

    print(f"panel-tui: {visible(line, keep_newlines=True)}", file=sys.stderr)


def report_commit(session_dir: Path, entry: dict[str, Any]) -> None:
    """After an entry is on disk: commit it when the session is in git, and say what happened."""
    from panel_tui.core.gitstore import commit_entry

    outcome = commit_entry(session_dir, entry)
    if outcome.status == "committed":
        from panel_tui.core.display import visible

        print(visible(outcome.message))
    elif outcome.failed:
        _err(f"warning: entry {entry.get('seq')} is recorded, but {outcome.message}")


def git_verify(session_dir: Path, against: str | None) -> tuple[list[str], list[str]]:
    """The git checks of `verify`: (failure lines, notes); outside git, nothing to check."""
    from panel_tui.core.gitstore import check_against, check_history, committed

    rel, problems = check_history(session_dir)
    failures = [p.line(rel or "decisions.toml") for p in problems if not p.accepted]
    accepted = [p for p in problems if p.accepted]
    notes = []
    if rel is not None and not failures and not committed(session_dir, rel):
        notes.append(f"history in git: {rel} is not committed yet (`panel-tui sync` commits it)")
    elif rel is not None and not failures:
        notes.append(f"history in git: every committed version of {rel} extends the one before it")
        if accepted:
            notes[-1] += (f", but for {len(accepted)} rewrite{'s' if len(accepted) != 1 else ''} accepted in "
                          f".panel-tui-accepted.toml ({accepted[0].accepted}): "
                          + ", ".join(f"{p.commit[:10]} {p.problem}" for p in accepted))
    if against:
        problem = check_against(session_dir, against)  # InputError (exit 2) for a bad REF
        if problem:
            failures.append(problem)
        else:
            notes.append(f"extends {against}'s log")
    return failures, notes


def cmd_sync(a: argparse.Namespace) -> int:
    from panel_tui.core.gitstore import GitFailed, sync

    try:
        sync(a.path, replay=a.replay, progress=lambda line: _err(line), passthrough=True, prompt=True)
    except GitFailed as exc:  # a git step no rule of ours foresaw: its own words, and nothing is lost
        _err(f"error: {exc.command} failed: {exc.detail} Recorded entries are on disk and in your commits; "
             "fix what git names, then run `panel-tui sync` again.")
        return EXIT_BAD_INPUT
    return EXIT_OK


def add_git_commands(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("sync", help="pull (fast-forward only) and push the git repository holding PATH")
    s.add_argument("path", type=Path, nargs="?", default=Path("."), help="a session or any folder in the repository")
    s.add_argument("--replay", action="store_true",
                   help="when logs diverged: re-record this side's entries after the remote's, then push")
    s.set_defaults(func=cmd_sync)
    verify = sub.choices.get("verify")
    if verify is not None:
        verify.add_argument("--against", metavar="REF",
                            help="in git: check the log extends the one at REF (e.g. origin/main)")
