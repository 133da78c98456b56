"""Whether git will answer truthfully about a session's history: a check that cannot be made is
said ("history not checked: why"), never skipped as if the session were outside git, and never
called intact.

Git can be missing, can refuse the repository (dubious ownership, a corrupt ``.git``), can hold
only the last commits (a shallow clone: the commit that dropped an entry is simply not there), or
HEAD can be an unborn branch while other branches hold the log's history (``git checkout
--orphan``). Replace refs and grafts are not a reason: every git command runs with them off
(``run.AS_MADE``), so the commits are read as they were made.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from panel_tui.core.gitstore.run import _git, _has_dot_git, enabled, git_path, refusal, work_tree

_REPO: ContextVar[dict[Path, str | None] | None] = ContextVar("panel_tui_repo_trust", default=None)
_BY_FOLDER: ContextVar[dict[str, str | None] | None] = ContextVar("panel_tui_trust_by_folder", default=None)


@contextmanager
def asked_once_per_repository() -> Iterator[None]:
    """Within this block (an audit's scan), each repository is asked once, not once per session;
    outside it every check asks afresh (an app running while the clone is unshallowed sees it)."""
    token, by_folder = _REPO.set({}), _BY_FOLDER.set({})
    try:
        yield
    finally:
        _BY_FOLDER.reset(by_folder)
        _REPO.reset(token)


def unchecked_reason(session_dir: Path) -> str | None:
    """Why this session's history in git cannot be checked ("git not found", git's own refusal,
    "shallow clone: …", an unborn HEAD), or None (checkable, or not in git at all). Within
    asked_once_per_repository, answered once per parent folder (the audit asks per session)."""
    if not enabled():
        return None
    cache = _BY_FOLDER.get()
    if cache is None:
        return _reason(session_dir)
    here = os.path.abspath(session_dir)  # siblings share their repository, unless one holds its own .git
    key = here if os.path.lexists(os.path.join(here, ".git")) else os.path.dirname(here)
    if key not in cache:
        cache[key] = _reason(session_dir)
    return cache[key]


def _reason(session_dir: Path) -> str | None:
    folder = session_dir.resolve()
    if git_path() is None:
        return "git not found" if _has_dot_git(folder) else None
    root = work_tree(folder)
    if root is None:
        said = refusal(folder)
        return f"git refused the repository: {said}" if said else None
    return repository_reason(root)


def repository_reason(root: Path) -> str | None:
    """Why no history in this work tree can be checked: a shallow clone, or an unborn HEAD while
    other refs have commits (one git call; once per repository within asked_once_per_repository)."""
    cache = _REPO.get()
    if cache is not None and root in cache:
        return cache[root]
    if _plainly_whole(root):
        return None
    proc = _git(root, "rev-parse", "--is-shallow-repository", "HEAD", check=False)
    lines = proc.stdout.decode("utf-8", "replace").split()
    why = None
    if lines[:1] == ["true"]:
        why = "shallow clone: its oldest commits are not here; run `git fetch --unshallow`"
    elif proc.returncode != 0 and lines[1:2] == ["HEAD"]:  # no commit on this branch yet
        other = _git(root, "for-each-ref", "--count=1", "--format=%(refname:short)", "refs/heads", "refs/remotes")
        name = other.stdout.decode("utf-8", "replace").strip()
        if name:
            branch = _git(root, "symbolic-ref", "--short", "-q", "HEAD", check=False).stdout.decode().strip()
            why = (
                f"HEAD is the branch {branch or 'HEAD'!r} with no commit yet, while {name!r} has history: "
                f"check out the branch that holds the log (`git checkout {name}`)"
            )
    elif proc.returncode != 0:
        err = (proc.stderr or b"").decode("utf-8", "replace").strip().splitlines()
        why = f"git cannot read HEAD: {err[0] if err else 'exit status ' + str(proc.returncode)}"
    if cache is not None:
        cache[root] = why
    return why


_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


def _plainly_whole(root: Path) -> bool:
    """True when the clone's own files show a whole clone with HEAD on a commit, so no git process
    is needed (verify in a big repository: a process is ~8 ms): ``.git`` a folder with no
    ``shallow`` file, HEAD a commit id or a ref present as a file or in ``packed-refs``. Anything
    else (a linked work tree, GIT_DIR, reftable, an unborn branch) is asked of git."""
    if any(k in os.environ for k in ("GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR", "GIT_OBJECT_DIRECTORY")):
        return False
    dot = root / ".git"
    try:
        if not dot.is_dir() or (dot / "shallow").exists():
            return False
        head = (dot / "HEAD").read_text(encoding="ascii").strip()
        if _SHA.fullmatch(head):
            return True
        ref = head.removeprefix("ref: ")
        if ref == head or not ref.startswith("refs/heads/") or ".." in ref:
            return False
        if (dot / ref).is_file():
            return True
        packed = (dot / "packed-refs").read_text(encoding="utf-8") if (dot / "packed-refs").is_file() else ""
        return any(line.endswith(" " + ref) for line in packed.splitlines() if not line.startswith("^"))
    except (OSError, UnicodeDecodeError):
        return False


def held_elsewhere(root: Path, rel: str) -> str | None:
    """When HEAD's history has no version of this log: a commit HEAD cannot reach that has one,
    named with a branch holding it ("a1b2c3d4e5 on main"), or None. A working log then cannot be
    compared with the history the session really has (a branch made from before the log began)."""
    found = _git(root, "log", "--all", "^HEAD", "-1", "--format=%H", "--", f":(literal){rel}", check=False)
    commit = found.stdout.decode().strip()
    if not commit:
        return None
    refs = _git(
        root,
        "for-each-ref",
        "--count=1",
        "--contains",
        commit,
        "--format=%(refname:short)",
        "refs/heads",
        "refs/remotes",
    )
    branch = refs.stdout.decode("utf-8", "replace").strip()
    return f"{commit[:10]}" + (f" on {branch}" if branch else "")
