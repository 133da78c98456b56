"""Every entry a commit: the session's log alone, authored by the entry's ``by``; a sign-off tagged.

Runs after the entry is on disk and never touches it: a failure is a message saying what to
do, and ``sync`` commits what was left.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from panel_tui.core.display import visible
from panel_tui.core.errors import InputError
from panel_tui.core.gitstore.run import (
    AUTHOR_EMAIL,
    INDEX_LOCK_WAIT,
    GitFailed,
    GitRefused,
    Progress,
    _git,
    _has_dot_git,
    _out,
    _rel,
    blob,
    enabled,
    ensure_ignored,
    git_path,
    shell_quote,
    work_tree,
)
from panel_tui.core.gitstore.versions import (
    _one_line,
    _session_name,
    author_name,
    entry_line,
    extension_problem,
    parse_version,
    shown_session,
    tag_name,
)
from panel_tui.core.inspection import LOG_FILE
from panel_tui.core.tomlfile import MAX_RECORD_BYTES, read_regular


@dataclass
class CommitOutcome:
    """What happened in git after an entry was recorded; ``message`` is one line for the user."""

    status: str  # "committed", "not-in-git", "nothing-to-commit" or "failed"
    message: str = ""
    commit: str | None = None
    tag: str | None = None

    @property
    def failed(self) -> bool:
        return self.status == "failed"


def _fix_line(root: Path | None, rel: str) -> str:
    where = f"git -C {shell_quote(root)} " if root else "git "
    return (
        f"the entry is safe in {visible(rel)}; to share it, run `panel-tui sync` (it commits entries left "
        f"uncommitted) or `{where}add -- {shell_quote(rel)} && {where}commit`."
    )


def commit_entry(session_dir: Path, entry: dict[str, Any] | None = None) -> CommitOutcome:
    """Commit the session's decisions.toml right after an entry is on disk (the app and CLI call this).

    Only that file is committed (other staged changes stay staged, the drafts file never), under
    the session's lock so no other writer's entry slips in between reading and committing. The
    author is the entry's ``by``; the committer is the user's own git identity. A sign-off is
    tagged. Failures never touch the entry on disk: the outcome says what to do.
    """
    log_path = session_dir / LOG_FILE
    if not enabled():
        return CommitOutcome("not-in-git")
    if git_path() is None:
        if _has_dot_git(session_dir.resolve()):
            return CommitOutcome(
                "failed", f"not committed: git is not on PATH. Install git, then {_fix_line(None, str(log_path))}"
            )
        return CommitOutcome("not-in-git")
    root = work_tree(session_dir)
    if root is None:
        return CommitOutcome("not-in-git")
    rel = _rel(root, log_path)
    try:
        ensure_ignored(root)
        from panel_tui.core.filelock import session_lock

        with session_lock(log_path):
            outcome = _commit_log(root, session_dir, rel)
    except GitFailed as exc:
        return CommitOutcome(
            "failed", f"not committed: {exc.command} failed: {_one_line(exc.detail, 300)}. {_fix_line(root, rel)}"
        )
    except (InputError, OSError) as exc:
        return CommitOutcome("failed", f"not committed: {exc}. {_fix_line(root, rel)}")
    return outcome


def _commit_log(root: Path, session_dir: Path, rel: str, subject_note: str = "") -> CommitOutcome:
    """Commit the working decisions.toml if it holds entries HEAD does not (it must extend HEAD)."""
    working = parse_version(read_regular(root / rel, "decision log", MAX_RECORD_BYTES))
    head_has_commit = _git(root, "rev-parse", "--verify", "-q", "HEAD", check=False).returncode == 0
    committed = parse_version(blob(root, "HEAD", rel)) if head_has_commit else None
    assert working is not None
    if working.problem:
        return CommitOutcome("failed", f"not committed: {rel} {working.problem}.")
    if committed is not None:
        problem = extension_problem(committed, working)
        if problem:
            return CommitOutcome(
                "failed",
                f"not committed: the working {rel} does not extend its last commit: it "
                f"{problem}. Run `panel-tui verify {session_dir}`.",
            )
    new = working.entries[len(committed.entries) :] if committed is not None else working.entries
    if not new:
        return CommitOutcome("nothing-to-commit", f"{rel}: already committed.")
    session = _session_name(root, session_dir)
    shown = shown_session(session)
    if len(new) == 1:
        subject = f"{shown}: {entry_line(new[0])}"
    else:
        subject = f"{shown}: entries {new[0].get('seq')}-{new[-1].get('seq')}{subject_note}"
    body = "\n".join(f"{entry_line(e)} by {_one_line(str(e.get('by')), 100)} (hash {e.get('hash')})" for e in new)
    last = new[-1]
    env = {"GIT_AUTHOR_NAME": author_name(last.get("by")), "GIT_AUTHOR_EMAIL": AUTHOR_EMAIL}
    if isinstance(last.get("at"), str):
        env["GIT_AUTHOR_DATE"] = last["at"]
    paths = [rel, *_copy_to_commit(root, session_dir, rel, head_has_commit)]
    _with_index_retry(lambda: _git(root, "add", "--", *paths))
    _with_index_retry(lambda: _git(root, "commit", "-q", "-m", subject, "-m", body, "--only", "--", *paths, env=env))
    sha = _out(root, "rev-parse", "HEAD")
    out = CommitOutcome("committed", f"committed {sha[:10]}: {subject}", commit=sha)
    for e in new:
        if e.get("kind") == "sign-off":
            try:
                out.tag = _tag_sign_off(root, session, e, sha)
                out.message += f"; tagged {out.tag}"
            except GitFailed as exc:  # the entry and its commit stand; only the tag is missing
                out.status = "failed"
                out.message = (
                    f"committed {sha[:10]} ({subject}), but the sign-off tag was not made: "
                    f"{_one_line(exc.detail, 300)}. Fix: `git -C {shell_quote(root)} tag -a "
                    f"{tag_name(session, int(e['seq']))} {sha[:10]}` once the cause is fixed."
                )
    return out


def _copy_to_commit(root: Path, session_dir: Path, rel: str, head_has_commit: bool) -> list[str]:
    """The session's copy of its rules (format 4), committed with the log's first commit that finds it
    not yet committed; once committed it is never committed again (a changed copy is tampering, which
    verify names; the history check names a commit that changes it)."""
    from panel_tui.core.framework.session_copy import COPY_FILE

    copy = session_dir / COPY_FILE
    if not copy.is_file() or copy.is_symlink():
        return []
    copy_rel = rel[: -len(LOG_FILE)] + COPY_FILE
    if head_has_commit and blob(root, "HEAD", copy_rel) is not None:
        return []
    return [copy_rel]


def _with_index_retry(call: Callable[[], Any]) -> Any:
    """Another git process (the user's, or a writer of another session in the same repository) may
    hold the index lock or be moving HEAD for a moment: wait and try again, then give up clearly."""
    deadline = time.monotonic() + INDEX_LOCK_WAIT
    while True:
        try:
            return call()
        except GitFailed as exc:
            busy = "index.lock" in exc.detail or "cannot lock ref" in exc.detail
            if not busy or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _config_bool(root: Path, key: str) -> bool | None:
    proc = _git(root, "config", "--type=bool", "--get", key, check=False)
    value = proc.stdout.decode().strip()
    return None if proc.returncode != 0 or not value else value == "true"


def signing_configured(root: Path) -> bool:
    """Sign when the user's git says so: tag.gpgSign, or a user.signingkey (unless tag.gpgSign is false)."""
    explicit = _config_bool(root, "tag.gpgSign")
    if explicit is not None:
        return explicit
    return _git(root, "config", "--get", "user.signingkey", check=False).returncode == 0


def _tag_sign_off(root: Path, session: str, e: dict[str, Any], sha: str) -> str:
    name = tag_name(session, int(e["seq"]))
    message = (
        f"{shown_session(session)}: sign-off at entry {e['seq']} by {_one_line(str(e.get('by')), 100)}\n\n"
        f"overall {e.get('overall')}, score {e.get('score')}/{e.get('max_score')}\n"
        f"head {e.get('hash')} (panel-tui verify {session} --head {e.get('hash')})\n"
    )
    sign = ["-s"] if signing_configured(root) else ["-a"]
    _git(root, "tag", *sign, "-m", message, name, sha)
    return name + (" (signed)" if sign == ["-s"] else "")


def pending_logs(root: Path) -> list[str]:
    """Tracked or untracked decisions.toml files with changes not committed yet."""
    proc = _git(root, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", f"*{LOG_FILE}", f"{LOG_FILE}")
    out = []
    for item in proc.stdout.decode("utf-8", "replace").split("\0"):
        if len(item) > 3 and (item[3:] == LOG_FILE or item[3:].endswith("/" + LOG_FILE)):
            out.append(item[3:])
    return sorted(set(out))


def commit_pending(root: Path, progress: Progress | None = None) -> list[CommitOutcome]:
    """Commit entries recorded while git was missing or a commit failed (each log must extend HEAD's)."""
    from panel_tui.core.filelock import session_lock

    outcomes = []
    for rel in pending_logs(root):
        path = root / rel
        if not path.exists():
            raise GitRefused(
                "log-deleted",
                f"{rel} was deleted from the working tree; restore it with "
                f"`git -C {shell_quote(root)} checkout -- {shell_quote(rel)}`. Nothing was changed.",
            )
        with session_lock(path):
            outcome = _commit_log(root, path.parent, rel, " (recorded before they could be committed)")
        if outcome.failed:
            raise GitRefused("uncommitted-log", outcome.message + " Nothing was synced.")
        if progress and outcome.status == "committed":
            progress(outcome.message)
        outcomes.append(outcome)
    return outcomes
