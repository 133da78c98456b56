"""The time stamp for log entries: RFC 3339 UTC. Tests freeze it with PANEL_TUI_FROZEN_TIME."""

from __future__ import annotations

import datetime as dt
import os


def now_rfc3339() -> str:
    frozen = os.environ.get("PANEL_TUI_FROZEN_TIME")
    if frozen:
        return frozen
    return dt.datetime.now(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
