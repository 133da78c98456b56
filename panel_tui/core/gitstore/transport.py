"""Git transport for sync: the upstream a branch follows, fetch and push, and the refs that tell
how this clone stands against it.

Apart from the replay (which settles diverged logs) because this part only moves commits and reads
refs: it never re-records a decision log's entries.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from panel_tui.core.display import visible
from panel_tui.core.gitstore.commit import pending_logs
from panel_tui.core.gitstore.run import (
    GitFailed,
    Progress,
    _git,
    _has_dot_git,
    _out,
    enabled,
    ensure_ignored,
    git_path,
    work_tree,
)


def upstream(root: Path) -> str | None:
    proc = _git(root, "rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}", check=False)
    return proc.stdout.decode().strip() if proc.returncode == 0 else None


@dataclass
class Upstream:
    """Where the current branch syncs: its remote (any name, "/" included), the branch there, and
    the remote-tracking ref this clone keeps of it."""

    remote: str
    branch_ref: str  # e.g. refs/heads/main on the remote
    tracking: str  # e.g. refs/remotes/origin/main here
    name: str  # e.g. origin/main, for messages


def upstream_target(root: Path) -> Upstream | None:
    branch = _git(root, "symbolic-ref", "-q", "HEAD", check=False).stdout.decode().strip()
    if not branch:
        return None
    out = (
        _git(
            root,
            "for-each-ref",
            "--format=%(upstream)%00%(upstream:remotename)%00%(upstream:remoteref)%00%(upstream:short)",
            branch,
        )
        .stdout.decode("utf-8", "replace")
        .strip("\n")
    )
    tracking, remote, branch_ref, name = (out.split("\0") + ["", "", "", ""])[:4]
    if not (tracking and remote and branch_ref):
        return None
    return Upstream(remote, branch_ref, tracking, name or tracking)


def ahead_behind(root: Path, up: str) -> tuple[int, int]:
    out = _out(root, "rev-list", "--left-right", "--count", f"HEAD...{up}")
    a, b = out.split()
    return int(a), int(b)


def sync_state(session_dir: Path, short: bool = False) -> str:
    """One phrase for the app's header, from the last fetch (no network): never colour alone.

    ``short`` leaves out the upstream's name ("2 ahead", "diverged 2/1") for a narrow header.
    """
    if not enabled():
        return "git off"
    if git_path() is None:
        return "git missing" if _has_dot_git(session_dir.resolve()) else "not in git"
    root = work_tree(session_dir)
    if root is None:
        from panel_tui.core.gitstore.run import refusal

        return "git refuses this repository" if refusal(session_dir) else "not in git"  # not "not in git"
    try:
        ensure_ignored(root)  # before any entry: the app's drafts file must not show as untracked
        pending = bool(pending_logs(root))
        up = upstream(root)
        if up is None:
            state = "no upstream"
        else:
            ahead, behind = ahead_behind(root, up)
            to = "" if short else f" {up}"
            if ahead and behind:
                state = f"diverged {ahead}/{behind}" if short else f"diverged from {up} ({ahead} here, {behind} there)"
            elif ahead:
                state = f"{ahead} ahead" + (f" of{to}" if to else "")
            elif behind:
                state = f"{behind} behind{to}"
            else:
                state = "in step" + (f" with{to}" if to else "")
    except GitFailed:
        return "git: unreadable state"
    return state + (", uncommitted entries" if pending else "")


def synced_ref(target: Upstream) -> str:
    """This clone's own record of the remote branch as it stood at the last sync (never pushed, and
    not moved by a plain `git fetch`): a remote that no longer contains it was rewritten."""
    import hashlib

    key = hashlib.sha256(f"{target.remote}\0{target.branch_ref}".encode()).hexdigest()[:16]
    return f"refs/panel-tui/synced/{key}"


def rev(root: Path, ref: str) -> str | None:
    proc = _git(root, "rev-parse", "--verify", "-q", f"{ref}^{{commit}}", check=False)
    return proc.stdout.decode().strip() or None if proc.returncode == 0 else None


def is_ancestor(root: Path, old: str, new: str) -> bool:
    return _git(root, "merge-base", "--is-ancestor", old, new, check=False).returncode == 0


def commit_lines(root: Path, *revs: str, limit: int = 10) -> list[str]:
    out = _git(root, "log", f"--max-count={limit}", "--format=%h %an %aI %s%x00", *revs, "--").stdout
    return [visible(line.strip("\n")) for line in out.decode("utf-8", "replace").split("\0") if line.strip()]


def run_net(root: Path, args: list[str], passthrough: bool, prompt: bool) -> None:
    _git(root, *args, *(["--progress"] if passthrough else []), passthrough=passthrough, prompt=prompt)


def tags_to_push(root: Path, up: str, say: Progress) -> list[str]:
    """Sign-off tags made here for commits being pushed, each only when its sign-off stands in the
    log (a sign-off kept aside on replay has no tag to push)."""
    from panel_tui.core.gitstore.tags import tag_problem

    out = (
        _git(root, "for-each-ref", "--merged", "HEAD", "--no-merged", up, "--format=%(refname)", "refs/tags/panel/")
        .stdout.decode("utf-8", "replace")
        .split("\n")
    )
    tags = []
    for ref in filter(None, out):
        problem = tag_problem(root, ref, "HEAD")
        if problem:
            say(f"warning: not pushing {visible(ref.removeprefix('refs/tags/'))}: {problem}")
        else:
            tags.append(f"{ref}:{ref}")
    return tags


FETCH_TIMEOUT = 20.0  # seconds a background fetch may take before it is given up (offline, a hung server)


def fetch_quietly(path: Path) -> bool:
    """Fetch the upstream's remote without a word (the app's header then shows a true ahead/behind):
    no prompt, no progress, given up after FETCH_TIMEOUT. False when offline, not in git, or no
    upstream; nothing but the remote-tracking refs ever changes."""
    import subprocess

    if not enabled() or git_path() is None:
        return False
    root = work_tree(path)
    target = upstream_target(root) if root is not None else None
    if root is None or target is None:
        return False
    exe = git_path()
    assert exe is not None
    import os

    env = {
        **os.environ,
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_OPTIONAL_LOCKS": "0",
        "GIT_SSH_COMMAND": os.environ.get("GIT_SSH_COMMAND", "ssh -o BatchMode=yes -o ConnectTimeout=10"),
    }
    try:
        proc = subprocess.run(
            [exe, "-C", str(root), "fetch", "--quiet", "--no-write-fetch-head", target.remote],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=FETCH_TIMEOUT,
        )
    except (subprocess.TimeoutExpired, OSError):
        return False
    return proc.returncode == 0
