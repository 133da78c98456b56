"""Whether a log's [log] table may be decided under: the framework it names is the one in force
for the session (``framework_problem``), and a format-1 header is not dated after format 2 existed
(``format_1_too_late``).

Split from ``reader``, which asks these of the header before any entry is read: ``replay`` both,
``verify_structure`` (a version in git history checked on its own) the format-1 date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from panel_tui.core.log.entries import FORMAT_2_SINCE, LOG_FORMAT_V1

if TYPE_CHECKING:
    from panel_tui.core.framework import Framework


def framework_problem(
    header: dict[str, Any], fw: Framework, session_dir: Path, copy_source: Callable[[], str | None] | None = None
) -> str | None:
    """Whether the rules the inspection was loaded with are the ones the log was decided under: for
    format 4, the session's own copy (``framework.toml``, or as ``copy_source`` says a version in
    git history has it), present and matching ``framework_sha256``."""
    from panel_tui.core.framework.session_copy import COPY_FILE, copy_sha256, keeps_copy

    copy = session_dir / COPY_FILE
    restore = (
        f"Fix: restore {COPY_FILE} from the session's git history (`git checkout -- {COPY_FILE}` in "
        f"{session_dir}) or a backup; nothing was changed."
    )
    if keeps_copy(header["format"]):
        found = copy_source() if copy_source is not None else copy_sha256(session_dir)
        if found is None:
            return (
                f"framework copy missing: {copy} holds the rules a {header['format']} log was decided under, "
                f"and it is not there. {restore}"
            )
        if found == "not a file":
            return (
                f"framework copy refused: {copy} is a symbolic link or not a readable file; a session's rules "
                f"are never read through a link. {restore}"
            )
        if found != header["framework_sha256"]:
            return (
                f"framework changed: the session's copy of its rules, {copy}, is not the file the log was decided "
                f"under (framework_sha256 {str(header['framework_sha256'])[:12]}…, the copy {found[:12]}…): it "
                f"was edited or replaced after the first entry, which is tampering with the record. {restore}"
            )
    if header["framework_sha256"] == fw.sha256:
        return None
    return (
        f"framework changed: {fw.id} ({fw.path}) no longer matches the rules the decisions were made under "
        "(framework_sha256 differs, and no released version of it has that hash)."
    )


def format_1_too_late(header: dict[str, Any]) -> str | None:
    """A format-1 header dated after format 2 existed: no writer of panel-tui made it, and its older
    rules (no attendance check on who decides) must not be chosen by editing one line."""
    if header.get("format") != LOG_FORMAT_V1:
        return None
    try:
        created = dt.datetime.fromisoformat(str(header.get("created")))
    except ValueError:
        return None  # the schema names a malformed time
    if created.tzinfo is None:
        created = created.replace(tzinfo=dt.UTC)
    if created < FORMAT_2_SINCE:
        return None
    return (
        f"a format-1 header ({LOG_FORMAT_V1}) created {header.get('created')}, after format 2 existed "
        f"({FORMAT_2_SINCE:%Y-%m-%d %H:%M} UTC): no writer of panel-tui produces this, and its older rules "
        "cannot be chosen for a new log. Fix: restore the log from a backup or its git history."
    )
