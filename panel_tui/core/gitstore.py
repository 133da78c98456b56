"""Sessions shared through git: every entry a commit, sync between offices, history as the anchor.

A hash chain cannot see its own tail cut off or the whole chain rewritten; git history can, and
git already replicates, works offline and records who and when. Everything here goes through the
``git`` command, so the user's own configuration, credentials, hooks and signing keys apply.
Nothing here rewrites history: no reset, rebase, amend or force-push. A replay is a merge commit
that keeps both sides; an entry the rules refuse on replay is kept aside in
``decisions.refused.toml``, never dropped. See README ("Sharing sessions through git") and
docs/formats.md ("Sessions in git").
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import AbstractSet as Set
from typing import Any, Callable

from panel_tui.core.errors import InputError, RuleRefused
from panel_tui.core.inspection import LOG_FILE

AUTHOR_EMAIL = "decision-log@panel-tui.invalid"  # author of an entry's commit: "<by> <this>"
DRAFTS_FILE = "decisions.drafts.toml"
REFUSED_FILE = "decisions.refused.toml"
ACCEPTED_FILE = ".panel-tui-accepted.toml"  # at the work tree's top: rewrites accepted on the record
IGNORED = (f"{LOG_FILE}.lock", DRAFTS_FILE, f".{LOG_FILE}.tmp-*")
IGNORE_MARK = "# panel-tui: a session's lock, drafts and temporary files are never shared"
DISABLE_ENV = "PANEL_TUI_GIT"  # "0" turns the git integration off (nothing is committed)
INDEX_LOCK_WAIT = 5.0  # seconds to wait for another git process holding the index lock


class GitRefused(RuleRefused):
    """A sync that would lose or rewrite something; nothing was changed (exit 2)."""


Progress = Callable[[str], None]


# --- running git ---------------------------------------------------------------------------------

def git_path() -> str | None:
    return shutil.which("git")


def enabled() -> bool:
    return os.environ.get(DISABLE_ENV, "1").strip().lower() not in ("0", "off", "no", "false")


def _git(root: Path, *args: str, input: bytes | None = None, check: bool = True,
         passthrough: bool = False, prompt: bool = False, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run ``git -C root args``. ``passthrough`` lets git's progress reach our stderr."""
    exe = git_path()
    if exe is None:
        raise InputError(None, None, "git is not on PATH.", "install git (or fix PATH) and run the command again.")
    full_env = dict(os.environ)
    if not prompt:
        full_env["GIT_TERMINAL_PROMPT"] = "0"
    if env:
        full_env.update(env)
    proc = subprocess.run([exe, "-C", str(root), *args], input=input, env=full_env,
                          stdout=subprocess.PIPE, stderr=None if passthrough else subprocess.PIPE)
    if check and proc.returncode != 0:
        raise GitFailed(args, proc)
    return proc


class GitFailed(Exception):
    """A git command exited non-zero; ``detail`` is its own message."""

    def __init__(self, args: tuple[str, ...], proc: subprocess.CompletedProcess[bytes]) -> None:
        self.command = "git " + " ".join(args)
        err = (proc.stderr or b"").decode("utf-8", "replace").strip()
        out = (proc.stdout or b"").decode("utf-8", "replace").strip()
        self.detail = err or out or f"exit status {proc.returncode}"
        super().__init__(f"{self.command}: {self.detail}")


def _out(root: Path, *args: str) -> str:
    return _git(root, *args).stdout.decode("utf-8", "replace").strip()


def _has_dot_git(path: Path) -> bool:
    """Whether ``path`` or a parent holds ``.git`` (used when git itself is missing)."""
    for p in (path, *path.parents):
        if (p / ".git").exists():
            return True
    return False


def work_tree(path: Path) -> Path | None:
    """The top of the git work tree holding ``path``, or None (outside one, disabled, or no git)."""
    if not enabled() or git_path() is None:
        return None
    folder = path if path.is_dir() else path.parent
    if not _has_dot_git(folder.resolve()) and "GIT_DIR" not in os.environ and "GIT_WORK_TREE" not in os.environ:
        return None  # no subprocess for a session outside git (the audit asks for every session)
    proc = _git(folder, "rev-parse", "--show-toplevel", check=False)
    if proc.returncode != 0:
        return None
    return Path(proc.stdout.decode("utf-8", "replace").strip())


def _rel(root: Path, path: Path) -> str:
    return path.resolve().relative_to(root.resolve()).as_posix()


def ensure_ignored(root: Path) -> None:
    """Make the lock, drafts and temporary files of every session invisible to ``git status``.

    Written to the clone's own ``info/exclude`` (never a tracked file), once, and only when the
    repository's .gitignore does not already cover them.
    """
    exclude = Path(_out(root, "rev-parse", "--git-path", "info/exclude"))
    if not exclude.is_absolute():
        exclude = root / exclude
    text = exclude.read_text(encoding="utf-8") if exclude.exists() else ""
    if IGNORE_MARK in text:
        return
    probe = [f"x/{name.replace('*', '1')}" for name in IGNORED]
    proc = _git(root, "check-ignore", "--no-index", "--stdin", input="\n".join(probe).encode(), check=False)
    if len(proc.stdout.decode().split()) == len(probe):
        return
    exclude.parent.mkdir(parents=True, exist_ok=True)
    block = "\n".join([IGNORE_MARK, *(f"**/{name}" for name in IGNORED)]) + "\n"
    exclude.write_text(text + ("" if not text or text.endswith("\n") else "\n") + block, encoding="utf-8")


# --- reading committed versions of a log ----------------------------------------------------------

@dataclass
class LogVersion:
    """One version of a decisions.toml: its [log] table and entries (None when it does not parse)."""

    header: dict[str, Any] | None
    entries: list[dict[str, Any]]
    problem: str | None = None

    @property
    def hashes(self) -> list[str]:
        return [str(e.get("hash")) for e in self.entries]


def parse_version(data: bytes | None) -> LogVersion | None:
    if data is None:
        return None
    try:
        doc = tomllib.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return LogVersion(None, [], f"does not parse ({exc})")
    entries = doc.get("entry", [])
    header = doc.get("log")
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries) or not isinstance(header, dict):
        return LogVersion(None, [], "is not a decision log")
    return LogVersion(header, entries)


def blobs(root: Path, specs: list[str]) -> dict[str, bytes | None]:
    """Many ``rev:path`` contents in one ``git cat-file --batch`` (None where there is none)."""
    if not specs:
        return {}
    proc = _git(root, "cat-file", "--batch", input=("\n".join(specs) + "\n").encode("utf-8"))
    data, pos = proc.stdout, 0
    out: dict[str, bytes | None] = {}
    for spec in specs:
        nl = data.index(b"\n", pos)
        header = data[pos:nl].decode("utf-8", "replace").split()
        pos = nl + 1
        if len(header) == 3 and header[1] == "blob":
            size = int(header[2])
            out[spec] = data[pos:pos + size]
            pos += size + 1
        else:
            out[spec] = None
            if len(header) == 3:  # a tree or commit at that path: skip its body
                pos += int(header[2]) + 1
    return out


def blob(root: Path, rev: str, rel: str) -> bytes | None:
    return blobs(root, [f"{rev}:{rel}"])[f"{rev}:{rel}"]


def appends_entries(old: bytes, new: bytes) -> bool:
    """The fast, sufficient test: ``new`` is ``old`` plus whole ``[[entry]]`` tables after it.

    TOML cannot reopen an earlier ``[[entry]]`` element or the ``[log]`` table once a new element
    has begun, so bytes appended after an entry header can only add entries. Anything else is
    parsed and compared entry by entry (:func:`extension_problem`).
    """
    if new == old:
        return True
    return new.startswith(old) and new[len(old):len(old) + 11] == b"\n[[entry]]\n" and b"[[entry]]" in old


def common_prefix(a: LogVersion, b: LogVersion) -> int:
    if a.header != b.header:
        return 0
    n = 0
    for x, y in zip(a.entries, b.entries):
        if x != y:
            break
        n += 1
    return n


def _span(first: int, last: int) -> str:
    return f"entry {first}" if first == last else f"entries {first}-{last}"


def extension_problem(old: LogVersion, new: LogVersion, accounted: Set[str] = frozenset()) -> str | None:
    """Why ``new`` does not extend ``old`` (same header, same entries first), or None.

    ``accounted``: hashes of entries that ``new`` re-recorded (``replayed_from``) or kept aside;
    an entry of ``old`` among them is not lost (a ``sync --replay`` merge).
    """
    if new.problem:
        return new.problem
    if old.problem or old.header is None:
        return None
    k = common_prefix(old, new)
    rest = [e for e in old.entries[k:] if str(e.get("hash")) not in accounted]
    if not rest:
        return None
    if old.header != new.header:
        return "changes the [log] table (a different log)"
    new_hashes = new.hashes
    first = old.entries[k]
    if k >= len(new.entries):
        return f"drops {_span(k + 1, len(old.entries))} (had {len(old.entries)}, now {len(new.entries)})"
    if str(first.get("hash")) in new_hashes:
        return f"reorders entries (entry {k + 1} is now at position {new_hashes.index(str(first.get('hash'))) + 1})"
    return f"changes entry {k + 1} (was: {entry_line(first)})"


# --- describing entries -----------------------------------------------------------------------

def entry_line(e: dict[str, Any]) -> str:
    """'entry 7 discretion 2.2 Requires improvement -> Good': the subject of an entry's commit."""
    parts = [f"entry {e.get('seq')} {e.get('kind')}"]
    if e.get("standard"):
        parts.append(str(e["standard"]))
    kind = e.get("kind")
    if kind in ("discretion", "proposal", "ratification"):
        parts.append(f"{e.get('from')} -> {e.get('to')}")
    elif kind == "declined":
        parts.append(f"kept {e.get('band')}")
    elif kind == "retraction":
        parts.append(f"of entry {e.get('retracts')}")
    elif kind == "sign-off":
        parts.append(f"{e.get('overall')} {e.get('score')}/{e.get('max_score')}")
    elif kind == "dissent":
        parts.append(f"of {e.get('member')}")
    return _one_line(" ".join(parts), 120)


def _one_line(text: str, limit: int = 200) -> str:
    text = re.sub(r"\s+", " ", "".join(ch if ch.isprintable() else " " for ch in text)).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def author_name(by: Any) -> str:
    """An entry's ``by`` as a git author name (git forbids <, > and newlines in a name)."""
    name = _one_line(re.sub(r"[<>]", " ", str(by or "")), 100).strip(" .,:;'\"\\")
    return name or "unknown"


def _session_name(root: Path, session_dir: Path) -> str:
    """The session's path inside the repository (its folder name when it is the repository itself)."""
    rel = _rel(root, session_dir)
    return session_dir.resolve().name if rel in ("", ".") else rel


def tag_name(session: str, seq: int) -> str:
    """``panel/<session>/sign-off-<seq>``, made a valid ref name (spaces and the like become '-')."""
    parts = []
    for part in session.split("/"):
        part = re.sub(r"[\x00-\x20~^:?*\[\\\x7f]|@\{|\.\.", "-", part).strip(".") or "-"
        parts.append(re.sub(r"\.lock$", "-lock", part))
    return f"panel/{'/'.join(parts)}/sign-off-{seq}"


# --- every entry a commit ------------------------------------------------------------------------

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
    where = f"git -C {root} " if root else "git "
    return (f"the entry is safe in {rel}; to share it, run `panel-tui sync` (it commits entries left "
            f"uncommitted) or `{where}add {rel} && {where}commit`.")


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
            return CommitOutcome("failed", f"not committed: git is not on PATH. Install git, then {_fix_line(None, str(log_path))}")
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
        return CommitOutcome("failed", f"not committed: {exc.command} failed: {_one_line(exc.detail, 300)}. "
                                       f"{_fix_line(root, rel)}")
    except (InputError, OSError) as exc:
        return CommitOutcome("failed", f"not committed: {exc}. {_fix_line(root, rel)}")
    return outcome


def _commit_log(root: Path, session_dir: Path, rel: str, subject_note: str = "") -> CommitOutcome:
    """Commit the working decisions.toml if it holds entries HEAD does not (it must extend HEAD)."""
    working = parse_version((root / rel).read_bytes())
    head_has_commit = _git(root, "rev-parse", "--verify", "-q", "HEAD", check=False).returncode == 0
    committed = parse_version(blob(root, "HEAD", rel)) if head_has_commit else None
    assert working is not None
    if working.problem:
        return CommitOutcome("failed", f"not committed: {rel} {working.problem}.")
    if committed is not None:
        problem = extension_problem(committed, working)
        if problem:
            return CommitOutcome("failed", f"not committed: the working {rel} does not extend its last commit: it "
                                           f"{problem}. Run `panel-tui verify {session_dir}`.")
    new = working.entries[len(committed.entries):] if committed is not None else working.entries
    if not new:
        return CommitOutcome("nothing-to-commit", f"{rel}: already committed.")
    session = _session_name(root, session_dir)
    if len(new) == 1:
        subject = f"{session}: {entry_line(new[0])}"
    else:
        subject = f"{session}: entries {new[0].get('seq')}-{new[-1].get('seq')}{subject_note}"
    body = "\n".join(f"{entry_line(e)} by {_one_line(str(e.get('by')), 100)} (hash {e.get('hash')})" for e in new)
    last = new[-1]
    env = {"GIT_AUTHOR_NAME": author_name(last.get("by")), "GIT_AUTHOR_EMAIL": AUTHOR_EMAIL}
    if isinstance(last.get("at"), str):
        env["GIT_AUTHOR_DATE"] = last["at"]
    _with_index_retry(lambda: _git(root, "add", "--", rel))
    _with_index_retry(lambda: _git(root, "commit", "-q", "-m", subject, "-m", body, "--only", "--", rel, env=env))
    sha = _out(root, "rev-parse", "HEAD")
    out = CommitOutcome("committed", f"committed {sha[:10]}: {subject}", commit=sha)
    for e in new:
        if e.get("kind") == "sign-off":
            try:
                out.tag = _tag_sign_off(root, session, e, sha)
                out.message += f"; tagged {out.tag}"
            except GitFailed as exc:  # the entry and its commit stand; only the tag is missing
                out.status = "failed"
                out.message = (f"committed {sha[:10]} ({subject}), but the sign-off tag was not made: "
                               f"{_one_line(exc.detail, 300)}. Fix: `git -C {root} tag -a "
                               f"{tag_name(session, int(e['seq']))} {sha[:10]}` once the cause is fixed.")
    return out


def _with_index_retry(call: Callable[[], Any]) -> Any:
    """Another git process (the user's, or a second writer) may hold the index lock briefly."""
    deadline = time.monotonic() + INDEX_LOCK_WAIT
    while True:
        try:
            return call()
        except GitFailed as exc:
            if "index.lock" not in exc.detail or time.monotonic() > deadline:
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
    message = (f"{session}: sign-off at entry {e['seq']} by {_one_line(str(e.get('by')), 100)}\n\n"
               f"overall {e.get('overall')}, score {e.get('score')}/{e.get('max_score')}\n"
               f"head {e.get('hash')} (panel-tui verify {session} --head {e.get('hash')})\n")
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
            raise GitRefused("log-deleted", f"{rel} was deleted from the working tree; restore it with "
                                            f"`git -C {root} checkout -- {rel}`. Nothing was changed.")
        with session_lock(path):
            outcome = _commit_log(root, path.parent, rel, " (recorded before they could be committed)")
        if outcome.failed:
            raise GitRefused("uncommitted-log", outcome.message + " Nothing was synced.")
        if progress and outcome.status == "committed":
            progress(outcome.message)
        outcomes.append(outcome)
    return outcomes


# --- history as the anchor ---------------------------------------------------------------------

@dataclass
class HistoryProblem:
    commit: str  # full hash, or "working tree"
    author: str
    date: str
    problem: str
    accepted: str | None = None  # the reason, when ACCEPTED_FILE (committed) accepts this rewrite

    def line(self, rel: str) -> str:
        if self.commit == "working tree":
            return f"{rel} in the working tree {self.problem} compared with its last commit"
        text = f"{rel}: commit {self.commit[:10]} by {self.author} on {self.date} {self.problem}"
        return text + (f" (accepted in {ACCEPTED_FILE}: {self.accepted})" if self.accepted else "")


def accepted_rewrites(root: Path) -> list[dict[str, Any]]:
    """Rewrites accepted on the record: ``[[rewrite]]`` tables (commit, optional path glob, reason).

    Read from HEAD's committed file only, so an acceptance is itself in the history an auditor
    reads (e.g. example logs rebuilt when the log format changed). A rewrite not listed fails.
    A table with a ``path`` and no ``commit`` accepts every rewrite of those logs: meant for
    example data only, and verify still names each accepted commit.
    """
    data = blob(root, "HEAD", ACCEPTED_FILE)
    if data is None:
        return []
    try:
        doc = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return []
    items = doc.get("rewrite", [])
    return [r for r in items if isinstance(r, dict) and isinstance(r.get("reason"), str) and r["reason"].strip()
            and (isinstance(r.get("commit"), str) and len(r["commit"]) >= 7
                 or "commit" not in r and isinstance(r.get("path"), str))]


def _acceptance(rewrites: list[dict[str, Any]], sha: str, rel: str) -> str | None:
    from fnmatch import fnmatchcase

    for r in rewrites:
        if sha.startswith(str(r.get("commit", "")).lower()) and fnmatchcase(rel, str(r.get("path", "*"))):
            return _one_line(r["reason"], 200)
    return None


def _accounted(root: Path, rev: str, rel: str, version: LogVersion) -> set[str]:
    """Entries a replay merge re-recorded (``replayed_from``) or kept aside in the refused file."""
    hashes = {str(e["replayed_from"]) for e in version.entries if e.get("replayed_from")}
    refused_rel = rel[: -len(LOG_FILE)] + REFUSED_FILE
    data = blob(root, rev, refused_rel)
    if data is not None:
        try:
            doc = tomllib.loads(data.decode("utf-8"))
            hashes |= {str(r.get("entry", {}).get("hash")) for r in doc.get("refused", []) if isinstance(r, dict)}
        except (UnicodeDecodeError, tomllib.TOMLDecodeError):
            pass
    return hashes


def check_history(session_dir: Path) -> tuple[str | None, list[HistoryProblem]]:
    """Every committed version of the log extends the one before it; the working file extends HEAD.

    Returns (the log's path relative to the work tree, problems); (None, []) outside git. Merges
    are checked against each parent: a parent's entries beyond the common prefix must be
    re-recorded (``replayed_from``) or kept aside, or the merge dropped them.
    """
    root = work_tree(session_dir)
    if root is None:
        return None, []
    rel = _rel(root, session_dir / LOG_FILE)
    if _git(root, "rev-parse", "--verify", "-q", "HEAD", check=False).returncode != 0:
        return rel, []
    graph = _out(root, "log", "--full-history", "--parents", "--format=%x1e%H %P%x1f%an <%ae>%x1f%aI", "HEAD",
                 "--", rel)
    commits = []
    for record in graph.split("\x1e"):
        if not record.strip():
            continue
        ids, author, date = (record.strip().split("\x1f") + ["", ""])[:3]
        sha, *parents = ids.split()
        commits.append((sha, parents, author, date))
    specs = sorted({f"{c}:{rel}" for sha, parents, _, _ in commits for c in (sha, *parents)})
    contents = {spec.split(":", 1)[0]: data for spec, data in blobs(root, specs).items()}
    parsed: dict[str, LogVersion | None] = {}

    def version(sha: str) -> LogVersion | None:
        if sha not in parsed:
            parsed[sha] = parse_version(contents.get(sha))
        return parsed[sha]

    problems = []
    for sha, parents, author, date in reversed(commits):
        new_bytes = contents.get(sha)
        for parent in parents:
            old_bytes = contents.get(parent)
            if old_bytes is None:
                continue
            if new_bytes is None:
                problems.append(HistoryProblem(sha, author, date, f"deletes the log ({len(version(parent).entries)} "  # type: ignore[union-attr]
                                                                  "entries)"))
                continue
            if appends_entries(old_bytes, new_bytes):
                continue
            new = version(sha)
            assert new is not None
            accounted = _accounted(root, sha, rel, new) if len(parents) > 1 else set()
            problem = extension_problem(version(parent), new, accounted)  # type: ignore[arg-type]
            if problem:
                problems.append(HistoryProblem(sha, author, date, problem))
    rewrites = accepted_rewrites(root) if problems else []
    for p in problems:
        p.accepted = _acceptance(rewrites, p.commit, rel)
    head_sha = commits[0][0] if commits else None
    head_bytes = contents.get(head_sha) if head_sha else None
    working_path = root / rel
    if head_bytes is not None and working_path.exists():
        working_bytes = working_path.read_bytes()
        if not appends_entries(head_bytes, working_bytes):
            problem = extension_problem(version(head_sha),  # type: ignore[arg-type]
                                        parse_version(working_bytes) or LogVersion(None, []))
            if problem:
                problems.append(HistoryProblem("working tree", "", "", problem))
    elif head_bytes is not None:
        problems.append(HistoryProblem("working tree", "", "", "is missing (its last commit has a log)"))
    return rel, problems


def history_status(session_dir: Path) -> str | None:
    """The audit's word on a session whose git history does not extend itself, or None."""
    try:
        rel, problems = check_history(session_dir)
    except GitFailed as exc:
        return f"history unreadable: {exc}"
    problems = [p for p in problems if not p.accepted]
    return f"history rewritten: {problems[0].line(rel or LOG_FILE)}" if problems else None


def check_against(session_dir: Path, ref: str) -> str | None:
    """Does the local log extend the one at ``ref`` (e.g. origin/main)? A problem line, or None.

    Raises InputError when the session is not in git or ``ref`` is unknown.
    """
    root = work_tree(session_dir)
    if root is None:
        raise InputError(session_dir, None, "not inside a git work tree, so there is no REF to compare with.",
                         "drop --against, or keep the session in a git repository.")
    if _git(root, "rev-parse", "--verify", "-q", f"{ref}^{{commit}}", check=False).returncode != 0:
        raise InputError(None, "--against", f"{ref!r} is not a commit in {root}.",
                         "name a branch, tag or commit (e.g. origin/main; run `git fetch` first).")
    rel = _rel(root, session_dir / LOG_FILE)
    theirs = parse_version(blob(root, ref, rel))
    if theirs is None:
        return None
    path = root / rel
    ours = parse_version(path.read_bytes()) if path.exists() else LogVersion(theirs.header, [])
    assert ours is not None
    problem = extension_problem(theirs, ours)
    if problem is None:
        return None
    k = common_prefix(theirs, ours)
    lines = [f"{rel} does not extend {ref}'s log: it {problem}."]
    if theirs.entries[k:]:
        lines.append(f"  {ref} has: " + "; ".join(entry_line(e) for e in theirs.entries[k:][:10]))
    if ours.entries[k:]:
        lines.append("  here: " + "; ".join(entry_line(e) for e in ours.entries[k:][:10]))
    return "\n".join(lines)


# --- sync state, divergence ----------------------------------------------------------------------

def upstream(root: Path) -> str | None:
    proc = _git(root, "rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}", check=False)
    return proc.stdout.decode().strip() if proc.returncode == 0 else None


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
        return "not in git"
    try:
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


@dataclass
class Divergence:
    """One session log recorded on both sides since they parted."""

    rel: str
    common: int  # entries both sides share
    here: list[dict[str, Any]]
    there: list[dict[str, Any]]
    there_bytes: bytes = field(repr=False, default=b"")

    def lines(self, up: str) -> list[str]:
        out = [f"{self.rel}: both sides recorded after entry {self.common}" if self.common else
               f"{self.rel}: both sides recorded a log of their own"]
        out += [f"    here:  {entry_line(e)} by {_one_line(str(e.get('by')), 60)}" for e in self.here]
        out += [f"    {up}: {entry_line(e)} by {_one_line(str(e.get('by')), 60)}" for e in self.there]
        return out


def diverged_logs(root: Path, up: str) -> tuple[list[Divergence], list[str]]:
    """Session logs changed on both sides of a diverged branch, and the other files changed on both."""
    base = _out(root, "merge-base", "HEAD", up)
    ours = set(_out(root, "diff", "--name-only", "-z", base, "HEAD").split("\0")) - {""}
    theirs = set(_out(root, "diff", "--name-only", "-z", base, up).split("\0")) - {""}
    logs, others = [], []
    both = sorted(ours & theirs)
    log_rels = [p for p in both if p == LOG_FILE or p.endswith("/" + LOG_FILE)]
    contents = blobs(root, [f"{rev}:{p}" for p in log_rels for rev in ("HEAD", up)])
    for p in both:
        if p not in log_rels:
            if not (p.endswith("/" + REFUSED_FILE) or p == REFUSED_FILE):
                others.append(p)
            continue
        here, there = parse_version(contents[f"HEAD:{p}"]), parse_version(contents[f"{up}:{p}"])
        if here is None or there is None:
            others.append(p)  # deleted on one side: left to git
            continue
        k = common_prefix(here, there)
        if k < len(here.entries) and k < len(there.entries) or (here.header != there.header):
            logs.append(Divergence(p, k, here.entries[k:], there.entries[k:], contents[f"{up}:{p}"] or b""))
    return logs, others


# --- sync ---------------------------------------------------------------------------------------

@dataclass
class SyncReport:
    lines: list[str] = field(default_factory=list)


def _say(progress: Progress | None, report: SyncReport, line: str) -> None:
    report.lines.append(line)
    if progress:
        progress(line)


def sync(path: Path, replay: bool = False, progress: Progress | None = None, passthrough: bool = False,
         prompt: bool = False) -> SyncReport:
    """Fetch, fast-forward only, push; or refuse (GitRefused, nothing changed) when logs diverged.

    ``replay``: re-record this side's entries after the remote's in a merge commit, then push.
    ``passthrough`` lets git's own progress and prompts reach the terminal (the CLI).
    """
    report = SyncReport()
    if git_path() is None:
        raise InputError(path, None, "git is not on PATH, so nothing can be synced.",
                         "install git (or fix PATH); recorded entries are safe on disk meanwhile.")
    if not enabled():
        raise InputError(None, None, f"the git integration is off ({DISABLE_ENV}=0).", f"unset {DISABLE_ENV}.")
    root = work_tree(path)
    if root is None:
        raise InputError(path, None, "not inside a git work tree.",
                         "clone the inspectorate's sessions repository and keep sessions in it (README: "
                         "\"Sharing sessions through git\").")
    ensure_ignored(root)
    if _git(root, "rev-parse", "--verify", "-q", "MERGE_HEAD", check=False).returncode == 0:
        raise GitRefused("merge-in-progress", f"a merge is in progress in {root}; finish it with git (resolve, "
                                              "`git commit`) or `git merge --abort`, then sync again.")
    commit_pending(root, lambda s: _say(progress, report, s))
    up = upstream(root)
    if up is None:
        branch = _git(root, "symbolic-ref", "--short", "-q", "HEAD", check=False).stdout.decode().strip() or "HEAD"
        raise GitRefused("no-upstream", f"branch {branch!r} in {root} has no upstream to sync with. Fix: "
                                        f"`git -C {root} push -u origin {branch}` once.")
    remote = up.split("/", 1)[0]
    _say(progress, report, f"fetching from {remote}…")
    try:
        _run_net(root, ["fetch", remote], passthrough, prompt)
    except GitFailed as exc:
        raise GitRefused("fetch", f"git fetch from {remote} failed: {_one_line(exc.detail, 300)} Nothing was "
                                  "changed; your entries are committed here. Sync again when the remote is "
                                  "reachable.") from None
    ahead, behind = ahead_behind(root, up)
    if ahead and behind:
        logs, others = diverged_logs(root, up)
        if not replay:
            raise GitRefused("diverged", _diverged_message(root, up, logs, others))
        if not logs:
            raise GitRefused("diverged", f"{root} and {up} diverged, but no decision log did; other files are left "
                                         f"to git: {', '.join(others) or '(none listed)'}. Fix: `git -C {root} pull` "
                                         "(a merge), then `panel-tui sync`. Nothing was changed.")
        _replay(root, up, logs, others, progress, report)
        ahead, behind = ahead_behind(root, up)
    if behind:
        before = _out(root, "rev-parse", "HEAD")
        _say(progress, report, f"fast-forwarding to {up} ({behind} commit{'s' if behind != 1 else ''})…")
        try:
            _git(root, "merge", "--ff-only", "-q", up, passthrough=passthrough)
        except GitFailed as exc:
            raise GitRefused("pull", f"git could not fast-forward: {exc.detail} Nothing of the decision logs was "
                                     "changed; resolve what git names, then sync again.") from None
        for line in _pulled(root, before):
            _say(progress, report, line)
    if ahead:
        _say(progress, report, f"pushing {ahead} commit{'s' if ahead != 1 else ''} to {remote}…")
        try:
            _run_net(root, ["push", "--follow-tags", remote, "HEAD"], passthrough, prompt)
        except GitFailed as exc:
            raise GitRefused("push", f"git push failed: {exc.detail} Your commits are safe here; run "
                                     "`panel-tui sync` again (someone may have pushed meanwhile).") from None
    if not ahead and not behind:
        _say(progress, report, f"in step with {up}: nothing to pull or push.")
    else:
        _say(progress, report, f"in step with {up}.")
    return report


def _run_net(root: Path, args: list[str], passthrough: bool, prompt: bool) -> None:
    _git(root, *args, *(["--progress"] if passthrough else []), passthrough=passthrough, prompt=prompt)


def _pulled(root: Path, before: str) -> list[str]:
    """Name the entries a fast-forward brought in, per session."""
    after = _out(root, "rev-parse", "HEAD")
    changed = [p for p in _out(root, "diff", "--name-only", "-z", before, after).split("\0")
               if p == LOG_FILE or p.endswith("/" + LOG_FILE)]
    contents = blobs(root, [f"{rev}:{p}" for p in changed for rev in (before, after)])
    lines = []
    for p in changed:
        old = parse_version(contents[f"{before}:{p}"]) or LogVersion(None, [])
        new = parse_version(contents[f"{after}:{p}"])
        if new is None:
            continue
        got = new.entries[len(old.entries):]
        if got:
            lines.append(f"pulled {p}: " + "; ".join(entry_line(e) for e in got[:10])
                         + (f"; … ({len(got)} in all)" if len(got) > 10 else ""))
    return lines


def _diverged_message(root: Path, up: str, logs: list[Divergence], others: list[str]) -> str:
    if not logs:
        return (f"{root} and {up} diverged (commits on both sides) in files other than decision logs: "
                f"{', '.join(others) or '(none in common)'}; these are left to git. Fix: `git -C {root} pull` "
                "(a merge), then `panel-tui sync`. Nothing was changed.")
    lines = [f"the decision logs diverged from {up} (entries recorded in both places); nothing was changed."]
    for d in logs:
        lines += d.lines(up)
    if others:
        lines.append(f"  other files changed on both sides are left to git: {', '.join(others)}")
    lines.append("Fix: `panel-tui sync --replay` re-records the entries made here after "
                 f"{up}'s (new seq and hash; each keeps its old hash as replayed_from; one the rules now "
                 f"refuse is kept aside in {REFUSED_FILE}), or agree with the other office first.")
    return "\n".join(lines)


# --- replay -------------------------------------------------------------------------------------

_DERIVED = {"seq", "prev", "hash", "evidence", "supersedes", "outside_criteria", "ratings", "score", "max_score",
            "overall", "entry_count", "replayed_from", "kind"}


def replay_fields(e: dict[str, Any], seq_map: dict[int, int | None]) -> dict[str, Any]:
    """The fields to re-record an entry with: what its author gave, references renumbered.

    Raises RuleRefused when it refers to an entry that was itself kept aside.
    """
    fields = {k: v for k, v in e.items() if k not in _DERIVED}
    for key in ("retracts", "about"):
        old = fields.get(key)
        if isinstance(old, int) and old in seq_map:
            if seq_map[old] is None:
                raise RuleRefused("refers-to-refused", f"it refers to entry {old}, which was kept aside.")
            fields[key] = seq_map[old]
    fields["replayed_from"] = e["hash"]
    return fields


def _replay(root: Path, up: str, logs: list[Divergence], others: list[str], progress: Progress | None,
            report: SyncReport) -> None:
    if _out(root, "status", "--porcelain", "--untracked-files=no"):
        raise GitRefused("dirty", f"{root} has uncommitted changes; commit or stash them with git first. "
                                  "Nothing was changed.")
    _say(progress, report, f"merging {up} and replaying {len(logs)} session log{'s' if len(logs) != 1 else ''}…")
    merge = _git(root, "merge", "--no-ff", "--no-commit", up, check=False)
    if _git(root, "rev-parse", "--verify", "-q", "MERGE_HEAD", check=False).returncode != 0:
        detail = (merge.stderr or merge.stdout).decode("utf-8", "replace").strip()
        raise GitRefused("merge", f"git would not start the merge: {detail} Nothing was changed.")
    summary: list[str] = []
    tags: list[tuple[str, dict[str, Any]]] = []
    try:
        for d in logs:
            summary += _replay_one(root, up, d, progress, report, tags)
    except BaseException:
        _git(root, "merge", "--abort", check=False)
        raise
    conflicted = [p for p in _out(root, "diff", "--name-only", "-z", "--diff-filter=U").split("\0") if p]
    if conflicted:
        raise GitRefused("conflicts", "the decision logs are replayed and staged, but other files conflict and are "
                                      f"left to git: {', '.join(conflicted)}. Fix: resolve them, `git -C {root} "
                                      "commit`, then `panel-tui sync`. (`git merge --abort` undoes the replay; "
                                      "your entries stay in your commits.)")
    subject = (f"{logs[0].rel.removesuffix('/' + LOG_FILE)}: replay after {up}" if len(logs) == 1
               else f"replay {len(logs)} session logs after {up}")
    _git(root, "commit", "-q", "-m", subject, "-m", "\n".join(summary))
    sha = _out(root, "rev-parse", "HEAD")
    for session, e in tags:
        try:
            _say(progress, report, f"tagged {_tag_sign_off(root, session, e, sha)}")
        except GitFailed as exc:
            _say(progress, report, f"warning: the sign-off tag for entry {e['seq']} was not made: "
                                   f"{_one_line(exc.detail, 200)}")
    _say(progress, report, f"committed {sha[:10]}: {subject}")


def _replay_one(root: Path, up: str, d: Divergence, progress: Progress | None, report: SyncReport,
                tags: list[tuple[str, dict[str, Any]]]) -> list[str]:
    from panel_tui.core.filelock import atomic_write, session_lock
    from panel_tui.core.inspection import load_inspection
    from panel_tui.core.log import append_entry

    path = root / d.rel
    session_dir = path.parent
    with session_lock(path):
        atomic_write(path, d.there_bytes)
    insp = load_inspection(session_dir)
    seq_map: dict[int, int | None] = {}
    refused: list[tuple[dict[str, Any], str]] = []
    lines = []
    remote_head = str(d.there[-1]["hash"]) if d.there else None
    for e in d.here:
        try:
            fields = replay_fields(e, seq_map)
            new = append_entry(session_dir, insp, str(e["kind"]), fields)
        except RuleRefused as exc:
            seq_map[int(e["seq"])] = None
            refused.append((e, exc.message))
            line = f"kept aside in {REFUSED_FILE}: {entry_line(e)} by {_one_line(str(e.get('by')), 60)}: {exc.message}"
            _say(progress, report, f"{d.rel}: {line}")
            lines.append(line)
            continue
        seq_map[int(e["seq"])] = int(new["seq"])
        if new["kind"] == "sign-off":
            tags.append((_session_name(root, session_dir), dict(new)))
        line = f"replayed {entry_line(e)} as entry {new['seq']} (replayed_from {e['hash']})"
        _say(progress, report, f"{d.rel}: {line}")
        lines.append(line)
    to_add = [d.rel]
    if refused:
        to_add.append(_keep_aside(session_dir, refused, remote_head, root))
    _git(root, "add", "--", *to_add)
    return [f"{d.rel}:"] + [f"  {x}" for x in lines]


def _keep_aside(session_dir: Path, refused: list[tuple[dict[str, Any], str]], remote_head: str | None,
                root: Path) -> str:
    """Append refused entries, exactly as recorded, to decisions.refused.toml (never rewritten)."""
    import tomli_w

    from panel_tui.core.clock import now_rfc3339
    from panel_tui.core.filelock import atomic_write

    path = session_dir / REFUSED_FILE
    existing = path.read_bytes() if path.exists() else (
        b"# Entries a `panel-tui sync --replay` could not re-record under the log's rules.\n"
        b"# Each is kept exactly as it was recorded; decide with the panel what to do with it.\n")
    at = now_rfc3339()
    chunk = tomli_w.dumps({"refused": [{"at": at, "reason": reason, "replayed_onto": remote_head or "",
                                        "entry": entry} for entry, reason in refused]})
    atomic_write(path, existing + (b"\n" if existing and not existing.endswith(b"\n\n") else b"") + chunk.encode("utf-8"))
    return _rel(root, path)
