"""The merges sync makes: diverged logs replayed in one merge commit, other sessions merged as git would.

Nothing here rewrites history: a replay is a merge commit that keeps both sides, and an entry the
rules refuse on replay is kept aside in ``decisions.refused.toml``, never dropped. On any failure
the merge is aborted, so the clone is as it was.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from panel_tui.core.display import visible
from panel_tui.core.errors import RuleRefused
from panel_tui.core.gitstore.divergence import Divergence, conflicts, replay_fields
from panel_tui.core.gitstore.run import REFUSED_FILE, GitRefused, Progress, _git, _out, _rel, shell_quote
from panel_tui.core.gitstore.transport import Upstream
from panel_tui.core.gitstore.versions import (
    LogVersion,
    _one_line,
    _session_name,
    entry_line,
    parse_version,
    shown_session,
    tag_name,
)
from panel_tui.core.inspection import LOG_FILE
from panel_tui.core.tomlfile import MAX_RECORD_BYTES, read_regular


def merge_other_sessions(root: Path, target: Upstream, others: list[str], say: Progress) -> None:
    """Both sides committed, but to different sessions' logs (the everyday case in a shared
    repository): merge as git would. A file both sides changed is left to git; on a conflict the
    merge is undone and named."""
    if _out(root, "status", "--porcelain", "--untracked-files=no"):
        raise GitRefused(
            "dirty",
            f"{shell_quote(root)} has uncommitted changes; commit or stash them with git first. Nothing was changed.",
        )
    say(f"merging {target.name} (other sessions' entries; no decision log changed on both sides)…")
    merge = _git(
        root,
        "merge",
        "--no-edit",
        "-q",
        "-m",
        f"sync: merge {target.name} (other sessions)",
        target.tracking,
        check=False,
    )
    if merge.returncode != 0:
        conflicted = [p for p in _out(root, "diff", "--name-only", "-z", "--diff-filter=U").split("\0") if p]
        _git(root, "merge", "--abort", check=False)
        raise GitRefused(
            "conflicts",
            f"{target.name} and this clone changed the same files (not decision logs): "
            f"{', '.join(visible(c) for c in conflicted) or '(git named none)'}. Nothing was "
            f"changed. Fix: `git -C {shell_quote(root)} pull`, resolve them, commit, then "
            "`panel-tui sync`.",
        )
    say(
        f"merged {target.name}"
        + (f" (files both sides changed, merged by git: {', '.join(visible(o) for o in others)})" if others else "")
    )


def replay_logs(root: Path, name: str, up: str, logs: list[Divergence], others: list[str], say: Progress) -> None:
    """Merge ``up`` without committing, re-record this side's entries of each diverged log after the
    other side's (conflicts kept aside), and commit the merge; aborted on any failure."""
    if _out(root, "status", "--porcelain", "--untracked-files=no"):
        raise GitRefused(
            "dirty",
            f"{shell_quote(root)} has uncommitted changes; commit or stash them with git first. Nothing was changed.",
        )
    say(f"merging {name} and replaying {len(logs)} session log{'s' if len(logs) != 1 else ''}…")
    merge = _git(root, "merge", "--no-ff", "--no-commit", up, check=False)
    if _git(root, "rev-parse", "--verify", "-q", "MERGE_HEAD", check=False).returncode != 0:
        detail = (merge.stderr or merge.stdout).decode("utf-8", "replace").strip()
        raise GitRefused("merge", f"git would not start the merge: {detail} Nothing was changed.")
    summary: list[str] = []
    dropped_tags: list[str] = []
    try:
        for d in logs:
            summary += _replay_one(root, d, say, dropped_tags)
    except BaseException:
        _git(root, "merge", "--abort", check=False)
        raise
    conflicted = [p for p in _out(root, "diff", "--name-only", "-z", "--diff-filter=U").split("\0") if p]
    if conflicted:
        raise GitRefused(
            "conflicts",
            "the decision logs are replayed and staged, but other files conflict and are "
            f"left to git: {', '.join(visible(c) for c in conflicted)}. Fix: resolve them, "
            f"`git -C {shell_quote(root)} commit`, then `panel-tui sync`. (`git merge --abort` "
            "undoes the replay; your entries stay in your commits.)",
        )
    subject = (
        f"{shown_session(logs[0].rel.removesuffix('/' + LOG_FILE))}: replay after {name}"
        if len(logs) == 1
        else f"replay {len(logs)} session logs after {name}"
    )
    _git(root, "commit", "-q", "-m", subject, "-m", "\n".join(summary))
    sha = _out(root, "rev-parse", "HEAD")
    for tag in dropped_tags:  # made here for a sign-off now kept aside: never pushed, so removed
        _git(root, "tag", "-d", tag, check=False)
        say(f"removed the local tag {visible(tag)}: its sign-off is kept aside")
    say(f"committed {sha[:10]}: {subject}")


def _replay_one(root: Path, d: Divergence, say: Progress, dropped_tags: list[str]) -> list[str]:
    """One log: the other side's bytes first, then each entry of this side re-recorded or kept aside."""
    from panel_tui.core.filelock import atomic_write, session_lock
    from panel_tui.core.inspection import load_inspection
    from panel_tui.core.log import append_entry

    path = root / d.rel
    session_dir = path.parent
    with session_lock(path):
        atomic_write(path, d.there_bytes)
    insp = load_inspection(session_dir)
    there = parse_version(d.there_bytes) or LogVersion(None, [])
    log_format = str((there.header or {}).get("format")) if there.header else None
    aside_why = conflicts(d, there.entries[: d.common])
    seq_map: dict[int, int | None] = {}
    refused: list[tuple[dict[str, Any], str]] = []
    lines = []
    remote_head = str(d.there[-1]["hash"]) if d.there else None
    session = _session_name(root, session_dir)
    for e in d.here:
        try:
            why = aside_why.get(str(e["hash"]))
            if why:
                raise RuleRefused("conflict" if why.startswith("conflict") else "sign-off", why)
            fields = replay_fields(e, seq_map, log_format)
            new = append_entry(session_dir, insp, str(e["kind"]), fields)
        except RuleRefused as exc:
            seq_map[int(e["seq"])] = None
            refused.append((e, exc.message))
            if e.get("kind") == "sign-off":
                dropped_tags.append(tag_name(session, int(e["seq"])))
            line = f"kept aside in {REFUSED_FILE}: {entry_line(e)} by {_one_line(str(e.get('by')), 60)}: {exc.message}"
            say(f"{visible(d.rel)}: {line}")
            lines.append(line)
            continue
        seq_map[int(e["seq"])] = int(new["seq"])
        line = f"re-recorded as {entry_line(new)} (entry {e['seq']} here; replayed_from {str(e['hash'])[:16]}…)"
        say(f"{visible(d.rel)}: {line}")
        lines.append(line)
    to_add = [d.rel]
    if refused:
        to_add.append(_keep_aside(session_dir, refused, remote_head, root))
    _git(root, "add", "--", *to_add)
    return [f"{visible(d.rel)}:"] + [f"  {x}" for x in lines]


def _keep_aside(
    session_dir: Path, refused: list[tuple[dict[str, Any], str]], remote_head: str | None, root: Path
) -> str:
    """Append refused entries, exactly as recorded, to decisions.refused.toml (never rewritten)."""
    import tomli_w

    from panel_tui.core.clock import now_rfc3339
    from panel_tui.core.filelock import atomic_write

    path = session_dir / REFUSED_FILE
    existing = (
        read_regular(path, "kept-aside file", MAX_RECORD_BYTES)
        if path.exists()
        else (
            b"# Entries a `panel-tui sync --replay` could not re-record under the log's rules.\n"
            b"# Each is kept exactly as it was recorded; decide with the panel what to do with it.\n"
        )
    )
    at = now_rfc3339()
    chunk = tomli_w.dumps(
        {
            "refused": [
                {"at": at, "reason": reason, "replayed_onto": remote_head or "", "entry": entry}
                for entry, reason in refused
            ]
        }
    )
    atomic_write(
        path, existing + (b"\n" if existing and not existing.endswith(b"\n\n") else b"") + chunk.encode("utf-8")
    )
    return _rel(root, path)
