"""A repository of N sessions whose logs were committed entry by entry, as the app commits them,
built with ``git fast-import`` (20,000 ``commit_entry`` calls would take an hour). Not collected.

Each session: its inspection.toml committed first ("<session> inspection"), then one commit per
entry holding the log's bytes after that entry, exactly as the writer renders them (``render_log``
of the first k entries; the first also holds ``framework.toml``, the session's copy of its rules),
authored by the entry's ``by`` at the entry's time with the app's subject and body; the sign-off
tagged ``panel/<session>/sign-off-N`` with the app's message. Sessions are held in meetings of
``WINDOW`` at a time (one a fortnight, over five years) whose entries interleave commit by commit,
in folders 2019-2023, so consecutive commits touch different sessions and folders. The working
tree and index end up equal to HEAD (``git reset``), as in an office's clone.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import subprocess
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
WINDOW = 8  # meetings in flight at once: their commits interleave
START = dt.datetime(2019, 1, 7, 9, 0, tzinfo=dt.UTC)
COMMITTER = "Office Laptop <laptop@example.invalid>"
GIT_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.invalid",
    "GIT_COMMITTER_NAME": "Office Laptop",
    "GIT_COMMITTER_EMAIL": "laptop@example.invalid",
}


@functools.cache
def _template() -> str:
    return (ROOT / "sessions" / "stockton-2021" / "inspection.toml").read_text(encoding="utf-8")


def write_inspection(d: Path, i: int) -> str:
    """Session i's inspection, as both benchmarks make it: Stockton's, renamed and with one of 17
    lead inspectors, written into the new folder ``d``. Returns its text."""
    d.mkdir(parents=True)
    text = _template().replace("Stockton-on-Tees Youth Offending Service", f"Service {i:04d}")
    text = text.replace('lead_inspector = "Maria Jerram"', f'lead_inspector = "Inspector {i % 17}"')
    (d / "inspection.toml").write_text(text, encoding="utf-8")
    return text


def hold_meeting(add: Any, i: int, why: str, entries: Any) -> None:
    """Session i's meeting, as both benchmarks record it: attendance, four ratifications, six kept
    bands, 2.2 uplifted in two sessions of three, dissents up to 19 entries, and the sign-off."""
    add("attendance", chair="Chair", members=["A", "B"])
    for sid in ("1.1", "1.2", "1.3", "1.4"):
        add("ratification", standard=sid)
    for sid in ("2.1", "2.4", "3.1", "3.2", "3.3", "3.4"):
        add("declined", standard=sid, reason=why)
    if i % 3:
        add("discretion", standard="2.2", to="Good", rationale=why)
    else:
        add("declined", standard="2.2", reason=why)
    while entries() < 19:
        add("dissent", member="B", reason=why)
    add("sign-off")


def folder(i: int) -> str:
    return f"{2019 + i % 5}/session-{i:04d}"


def schedule(count: int) -> list[tuple[int, int]]:
    """(session, k) in commit order: k = 0 its inspection, k >= 1 its k-th entry. Meetings of
    WINDOW sessions at a time, their entries round-robin (20 entries each)."""
    out: list[tuple[int, int]] = []
    for w in range(0, count, WINDOW):
        group = list(range(w, min(w + WINDOW, count)))
        out += [(i, 0) for i in group]
        out += [(i, k) for k in range(1, 21) for i in group]
    return out


def _stamp(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def _session(root: Path, i: int, times: list[dt.datetime]) -> tuple[bytes, bytes, dict[str, Any], list[dict[str, Any]]]:
    """Session ``i`` written into the work tree (the final files) and its log's header and entries,
    entry k recorded at ``times[k]`` (``times[0]``: the log's creation)."""
    import tomli_w

    from panel_tui.core.engine import rate
    from panel_tui.core.inspection import load_inspection
    from panel_tui.core.log import LogState, build_entry, new_header, render_log

    d = root / folder(i)
    text = write_inspection(d, i)
    insp = load_inspection(d)
    r = rate(insp)
    os.environ["PANEL_TUI_FROZEN_TIME"] = _stamp(times[0])
    header = tomllib.loads(tomli_w.dumps({"log": new_header(insp)}))["log"]
    state = LogState(d / "decisions.toml", header=header)
    why = f"Session {i}: the panel weighed the case evidence and the interviews together."

    def add(kind: str, **fields: Any) -> None:
        os.environ["PANEL_TUI_FROZEN_TIME"] = _stamp(times[len(state.entries) + 1])
        state.apply(build_entry(state, r, kind, {"by": "Chair", "entered_by": "Clerk", **fields}))

    hold_meeting(add, i, why, lambda: len(state.entries))
    os.environ.pop("PANEL_TUI_FROZEN_TIME", None)
    framework = insp.framework.path.read_bytes()
    (d / "decisions.toml").write_bytes(render_log(header, state.entries))
    (d / "framework.toml").write_bytes(framework)  # format 4: the session's rules
    return text.encode("utf-8"), framework, header, list(state.entries)


def _data(payload: bytes) -> bytes:
    return b"data %d\n%s\n" % (len(payload), payload)


def _ident(who: str, t: dt.datetime) -> bytes:
    return f"{who} {int(t.timestamp())} +0000".encode()


def build(repo: Path, count: int) -> int:
    """Build the repository (and its work tree) at ``repo``; returns the number of commits."""
    from panel_tui.core.gitstore.run import AUTHOR_EMAIL
    from panel_tui.core.gitstore.versions import author_name, entry_line, shown_session, tag_name
    from panel_tui.core.log import render_log

    order = schedule(count)
    times: dict[int, list[dt.datetime]] = {}
    # a meeting a fortnight, its commits a minute apart: five years for 1,000 sessions, from 2019; more
    # sessions start earlier, so the last meeting is still weeks before today (a later entry's time is
    # in the future, which the log's time rule refuses)
    start = min(START, dt.datetime.now(dt.UTC) - dt.timedelta(days=14 * (count // WINDOW + 3)))
    for n, (i, _k) in enumerate(order):
        meeting = start + dt.timedelta(days=14 * (i // WINDOW))
        times.setdefault(i, []).append(meeting + dt.timedelta(minutes=n % (21 * WINDOW)))
    repo.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True, env={**os.environ, **GIT_ENV})
    proc = subprocess.Popen(
        ["git", "-C", str(repo), "fast-import", "--quiet", "--done"],
        stdin=subprocess.PIPE,
        env={**os.environ, **GIT_ENV},
    )
    assert proc.stdin is not None
    sessions: dict[int, tuple[bytes, bytes, dict[str, Any], list[dict[str, Any]]]] = {}
    mark = 0
    for i, k in order:
        if i not in sessions:
            sessions[i] = _session(repo, i, times[i])
        insp, framework, header, entries = sessions[i]
        where = folder(i)
        mark += 1
        when = times[i][k]
        out = [b"commit refs/heads/main\n", b"mark :%d\n" % mark]
        if k == 0:
            out += [b"author " + _ident(COMMITTER, when) + b"\n", b"committer " + _ident(COMMITTER, when) + b"\n"]
            out += [_data(f"{where}: inspection".encode()), f"M 100644 inline {where}/inspection.toml\n".encode()]
            out.append(_data(insp))
        else:
            e = entries[k - 1]
            by = str(e.get("by"))
            subject = f"{shown_session(where)}: {entry_line(e)}"
            body = f"{entry_line(e)} by {by} (hash {e.get('hash')})"
            out.append(b"author " + _ident(f"{author_name(by)} <{AUTHOR_EMAIL}>", when) + b"\n")
            out.append(b"committer " + _ident(COMMITTER, when) + b"\n")
            out.append(_data(f"{subject}\n\n{body}\n".encode()))
            out.append(f"M 100644 inline {where}/decisions.toml\n".encode())
            out.append(_data(render_log(header, entries[:k])))
            if k == 1:
                out += [f"M 100644 inline {where}/framework.toml\n".encode(), _data(framework)]
        proc.stdin.write(b"".join(out) + b"\n")
        if k and entries[k - 1].get("kind") == "sign-off":
            e = entries[k - 1]
            message = (
                f"{shown_session(where)}: sign-off at entry {e['seq']} by {e.get('by')}\n\n"
                f"overall {e.get('overall')}, score {e.get('score')}/{e.get('max_score')}\n"
                f"head {e.get('hash')} (panel-tui verify {where} --head {e.get('hash')})\n"
            )
            proc.stdin.write(f"tag {tag_name(where, int(e['seq']))}\nfrom :{mark}\n".encode())
            proc.stdin.write(b"tagger " + _ident(COMMITTER, when) + b"\n" + _data(message.encode()))
        if i in sessions and k == 20:
            del sessions[i]  # written out: let it go
    proc.stdin.write(b"done\n")
    proc.stdin.close()
    if proc.wait() != 0:
        raise SystemExit("git fast-import failed")
    subprocess.run(["git", "-C", str(repo), "reset", "-q"], check=True, env={**os.environ, **GIT_ENV})
    return mark
