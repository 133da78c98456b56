"""An independent verifier written from docs/formats.md alone (no panel_tui import). ~30 lines."""

import datetime as dt
import hashlib
import json
import os
import sys
import tomllib
from pathlib import Path


def h(t):
    body = {k: v for k, v in t.items() if k != "hash"}
    return hashlib.sha256(
        json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode("utf-8")
    ).hexdigest()


def t(s):
    try:
        return dt.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ")
    except (TypeError, ValueError):
        return None  # not a time: a shape check's job, not this hash-and-time verifier's


def verify(session: Path) -> str | None:
    doc = tomllib.loads((session / "decisions.toml").read_text(encoding="utf-8"))
    if set(doc) - {"log", "entry"}:
        return "extra top-level keys"
    log = doc["log"]
    if hashlib.sha256((session / "inspection.toml").read_bytes()).hexdigest() != log["inspection_sha256"]:
        return "inspection changed"
    if log["format"] == "panel-tui/decisions/4":  # the session keeps its rules: framework.toml beside the log
        copy = session / "framework.toml"
        if copy.is_symlink() or not copy.is_file():
            return "framework copy missing"
        if hashlib.sha256(copy.read_bytes()).hexdigest() != log["framework_sha256"]:
            return "framework changed"
    prev, signed, last = h(log), False, None
    day, now = dt.timedelta(days=1), dt.datetime.now(dt.UTC).replace(tzinfo=None)
    if os.environ.get("PANEL_TUI_FROZEN_TIME"):
        now = t(os.environ["PANEL_TUI_FROZEN_TIME"])
    for i, e in enumerate(doc.get("entry", []), 1):
        if e.get("seq") != i:
            return f"entry {i}: seq"
        if e.get("prev") != prev:
            return f"entry {i}: chain"
        if e.get("hash") != h(e):
            return f"entry {i}: hash"
        at = t(e.get("at"))  # when an entry may be dated: after created and the entry before, not ahead of now
        if at is None or t(log.get("created")) is None:
            pass
        elif at > now + day:
            return f"entry {i}: dated in the future"
        elif not ("replayed_from" in e and log["format"][-1] in "12"):
            if at < t(log["created"]) - day or (last is not None and at < last - day):
                return f"entry {i}: dated before the log or the entry before it"
            last = at
        if signed and e["kind"] != "reopen":
            return f"entry {i}: after sign-off"
        signed = {"sign-off": True, "reopen": False}.get(e["kind"], signed)
        prev = e["hash"]
    return None


if __name__ == "__main__":
    problem = verify(Path(sys.argv[1]))
    print(problem or "ok")
    sys.exit(1 if problem else 0)
