"""Sync between offices: fetch, fast-forward only, push; refuse diverged logs; replay on request.

Nothing here rewrites history: a replay is a merge commit that keeps both sides, and an entry the
rules refuse on replay is kept aside in ``decisions.refused.toml``, never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from panel_tui.core.display import visible
from panel_tui.core.errors import InputError, RuleRefused
from panel_tui.core.gitstore.run import (
    DISABLE_ENV,
    REFUSED_FILE,
    GitFailed,
    GitRefused,
    Progress,
    shell_quote,
    _git,
    _has_dot_git,
    _out,
    _rel,
    blobs,
    enabled,
    ensure_ignored,
    git_path,
    work_tree,
)
from panel_tui.core.gitstore.versions import (
    LogVersion,
    _one_line,
    _session_name,
    shown_session,
    tag_name,
    common_prefix,
    entry_line,
    parse_version,
)
from panel_tui.core.gitstore.commit import commit_pending, pending_logs
from panel_tui.core.inspection import LOG_FILE


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
    out = _git(root, "for-each-ref", "--format=%(upstream)%00%(upstream:remotename)%00%(upstream:remoteref)%00"
                                     "%(upstream:short)", branch).stdout.decode("utf-8", "replace").strip("\n")
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
        return "not in git"
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
        raise GitRefused("merge-in-progress", f"a merge is in progress in {shell_quote(root)}; finish it with git "
                                              "(resolve, `git commit`) or `git merge --abort`, then sync again.")
    commit_pending(root, lambda s: _say(progress, report, s))
    target = upstream_target(root)
    if target is None:
        branch = _git(root, "symbolic-ref", "--short", "-q", "HEAD", check=False).stdout.decode().strip() or "HEAD"
        remotes = _out(root, "remote").split()
        where = shell_quote(root)
        if not remotes:
            raise GitRefused("no-upstream", f"{where} has no remote to sync with. Fix: `git -C {where} remote add origin "
                                            f"URL`, then `git -C {where} push -u origin {shell_quote(branch)}` once.")
        remote = "origin" if "origin" in remotes else remotes[0]
        raise GitRefused("no-upstream", f"branch {branch!r} in {where} has no upstream to sync with. Fix: "
                                        f"`git -C {where} push -u {remote} {shell_quote(branch)}` once.")
    up, remote = target.tracking, target.remote
    before_fetch = _rev(root, up)
    _say(progress, report, f"fetching from {remote}…")
    try:
        _run_net(root, ["fetch", remote], passthrough, prompt)
    except GitFailed as exc:
        raise GitRefused("fetch", f"git fetch from {remote} failed: {_one_line(exc.detail, 300)} Nothing was "
                                  "changed; your entries are committed here. Sync again when the remote is "
                                  "reachable.") from None
    after_fetch = _rev(root, up)
    for known in dict.fromkeys(filter(None, (_rev(root, _synced_ref(target)), before_fetch))):
        if after_fetch and not _is_ancestor(root, known, after_fetch):
            raise GitRefused("rewritten", _rewritten_message(root, target, known, after_fetch))
    ahead, behind = ahead_behind(root, up)
    if behind:
        _check_incoming(root, target, progress, report)
    if ahead and behind:
        logs, others = diverged_logs(root, up)
        if logs and not replay:
            raise GitRefused("diverged", _diverged_message(root, target.name, logs, others))
        if logs:
            _replay(root, target.name, up, logs, others, progress, report)
        else:
            _merge_other_sessions(root, target, others, progress, report)
        ahead, behind = ahead_behind(root, up)
    if behind:
        before = _out(root, "rev-parse", "HEAD")
        _say(progress, report, f"fast-forwarding to {target.name} ({behind} commit{'s' if behind != 1 else ''})…")
        try:
            _git(root, "merge", "--ff-only", "-q", up, passthrough=passthrough)
        except GitFailed as exc:
            raise GitRefused("pull", f"git could not fast-forward: {exc.detail} Nothing of the decision logs was "
                                     "changed; resolve what git names, then sync again.") from None
        for line in _pulled(root, before):
            _say(progress, report, line)
    if ahead:
        _check_outgoing(root, up)
        tags = _tags_to_push(root, up, lambda line: _say(progress, report, line))
        _say(progress, report, f"pushing {ahead} commit{'s' if ahead != 1 else ''} to {remote}…")
        try:
            _run_net(root, ["push", remote, f"HEAD:{target.branch_ref}", *tags], passthrough, prompt)
        except GitFailed as exc:
            raise GitRefused("push", f"git push failed: {exc.detail} Your commits are safe here; run "
                                     "`panel-tui sync` again (someone may have pushed meanwhile).") from None
    _git(root, "update-ref", _synced_ref(target), "HEAD")  # what the remote held when last in step
    if not ahead and not behind:
        _say(progress, report, f"in step with {target.name}: nothing to pull or push.")
    else:
        _say(progress, report, f"in step with {target.name}.")
    return report


def _synced_ref(target: Upstream) -> str:
    """This clone's own record of the remote branch as it stood at the last sync (never pushed, and
    not moved by a plain `git fetch`): a remote that no longer contains it was rewritten."""
    import hashlib

    key = hashlib.sha256(f"{target.remote}\0{target.branch_ref}".encode()).hexdigest()[:16]
    return f"refs/panel-tui/synced/{key}"


def _rev(root: Path, ref: str) -> str | None:
    proc = _git(root, "rev-parse", "--verify", "-q", f"{ref}^{{commit}}", check=False)
    return proc.stdout.decode().strip() or None if proc.returncode == 0 else None


def _is_ancestor(root: Path, old: str, new: str) -> bool:
    return _git(root, "merge-base", "--is-ancestor", old, new, check=False).returncode == 0


def _commit_lines(root: Path, *revs: str, limit: int = 10) -> list[str]:
    out = _git(root, "log", f"--max-count={limit}", "--format=%h %an %aI %s%x00", *revs, "--").stdout
    return [visible(line.strip("\n")) for line in out.decode("utf-8", "replace").split("\0") if line.strip()]


def _rewritten_message(root: Path, target: Upstream, before: str, after: str) -> str:
    gone = _commit_lines(root, before, f"^{after}")
    lines = [f"{target.name} was rewritten (force-pushed): it no longer holds commits it held when this clone "
             f"last synced (up to {before[:10]}). Nothing was changed here, and `--replay` refuses too: a rewritten "
             "record is for people to look at, not for a sync to settle. No longer on the remote:"]
    lines += [f"    {line}" for line in gone]
    lines.append(f"Fix: ask who rewrote {target.name} (their commits now: `git -C {shell_quote(root)} log {after[:10]}`); "
                 f"push this clone's history back (`git push {target.remote} {before[:10]}:{target.branch_ref}` "
                 "restores what was there), or agree a correction recorded as new entries.")
    return "\n".join(lines)


def _check_incoming(root: Path, target: Upstream, progress: Progress | None, report: SyncReport) -> None:
    """Verify what the remote brings before adopting any of it (as ``verify`` checks history)."""
    from panel_tui.core.gitstore.history import incoming_problems

    base = _out(root, "merge-base", "HEAD", target.tracking)
    problems = incoming_problems(root, base, target.tracking)
    if not problems:
        return
    lines = [f"refused: {target.name} brings decision-log history that does not verify or does not extend what "
             "was there; nothing was changed here."]
    lines += [f"    {p.line(rel)}" for rel, p in problems[:20]]
    if len(problems) > 20:
        lines.append(f"    … and {len(problems) - 20} more")
    lines.append("Fix: ask the author of each commit named; a correction is recorded as new entries (a retraction), "
                 "never by rewriting the log. `panel-tui verify PATH --against " + target.name
                 + "` shows it again.")
    raise GitRefused("incoming-history", "\n".join(lines))


def _check_outgoing(root: Path, up: str) -> None:
    """Never push a log that does not verify (a hand-made entry committed with git, say)."""
    from panel_tui.core.inspection import load_inspection
    from panel_tui.core.log import read_state

    changed = [p for p in _out(root, "diff", "--name-only", "-z", up, "HEAD").split("\0")
               if p == LOG_FILE or p.endswith("/" + LOG_FILE)]
    bad = []
    for rel in changed:
        path = root / rel
        if not path.exists():
            continue
        try:
            state = read_state(path, load_inspection(path.parent))
        except InputError as exc:
            bad.append(f"{visible(rel)}: {exc}")
            continue
        if state.problem:
            bad.append(state.problem)
    if bad:
        raise GitRefused("unverified-log", "refused: a decision log to be pushed does not verify; nothing was pushed.\n"
                         + "\n".join(f"    {line}" for line in bad)
                         + "\nFix: `panel-tui verify` names the fault; restore the log from its history.")


def _merge_other_sessions(root: Path, target: Upstream, others: list[str], progress: Progress | None,
                          report: SyncReport) -> None:
    """Both sides committed, but to different sessions' logs (the everyday case in a shared
    repository): merge as git would. A file both sides changed is left to git; on a conflict the
    merge is undone and named."""
    if _out(root, "status", "--porcelain", "--untracked-files=no"):
        raise GitRefused("dirty", f"{shell_quote(root)} has uncommitted changes; commit or stash them with git "
                                  "first. Nothing was changed.")
    _say(progress, report, f"merging {target.name} (other sessions' entries; no decision log changed on both sides)…")
    merge = _git(root, "merge", "--no-edit", "-q", "-m", f"sync: merge {target.name} (other sessions)",
                 target.tracking, check=False)
    if merge.returncode != 0:
        conflicted = [p for p in _out(root, "diff", "--name-only", "-z", "--diff-filter=U").split("\0") if p]
        _git(root, "merge", "--abort", check=False)
        raise GitRefused("conflicts", f"{target.name} and this clone changed the same files (not decision logs): "
                                      f"{', '.join(visible(c) for c in conflicted) or '(git named none)'}. Nothing was "
                                      f"changed. Fix: `git -C {shell_quote(root)} pull`, resolve them, commit, then "
                                      "`panel-tui sync`.")
    _say(progress, report, f"merged {target.name}"
         + (f" (files both sides changed, merged by git: {', '.join(visible(o) for o in others)})" if others else ""))


def _tags_to_push(root: Path, up: str, say: Progress) -> list[str]:
    """Sign-off tags made here for commits being pushed, each only when its sign-off stands in the
    log (a sign-off kept aside on replay has no tag to push)."""
    from panel_tui.core.gitstore.tags import tag_problem

    out = _git(root, "for-each-ref", "--merged", "HEAD", "--no-merged", up, "--format=%(refname)",
               "refs/tags/panel/").stdout.decode("utf-8", "replace").split("\n")
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

    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0", "GIT_SSH_COMMAND":
           os.environ.get("GIT_SSH_COMMAND", "ssh -o BatchMode=yes -o ConnectTimeout=10")}
    try:
        proc = subprocess.run([exe, "-C", str(root), "fetch", "--quiet", "--no-write-fetch-head", target.remote],
                              env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, timeout=FETCH_TIMEOUT)
    except (subprocess.TimeoutExpired, OSError):
        return False
    return proc.returncode == 0


def preview_replay(path: Path) -> list[str]:
    """What `sync --replay` would do, worked out after a fetch and changing nothing else: per
    diverged log, the entries it would re-record and those it would keep aside (conflicts and
    sign-offs). Raises GitRefused/InputError as sync does when there is nothing to replay or the
    remote's history is refused."""
    root = work_tree(path)
    if root is None:
        raise InputError(path, None, "not inside a git work tree.", "keep sessions in a git repository to sync them.")
    target = upstream_target(root)
    if target is None:
        raise GitRefused("no-upstream", "this branch has no upstream to sync with; run `panel-tui sync` for the fix.")
    try:
        _run_net(root, ["fetch", target.remote], False, False)
    except GitFailed as exc:
        raise GitRefused("fetch", f"git fetch from {target.remote} failed: {_one_line(exc.detail, 300)}") from None
    ahead, behind = ahead_behind(root, target.tracking)
    if behind:
        _check_incoming(root, target, None, SyncReport())
    if not (ahead and behind):
        return [f"nothing to replay: this clone and {target.name} have not diverged "
                f"({ahead} here, {behind} there); Git: Sync is enough."]
    logs, others = diverged_logs(root, target.tracking)
    if not logs:
        return [f"nothing to replay: no decision log changed on both sides; Git: Sync merges {target.name}."]
    lines = []
    for d in logs:
        there = parse_version(d.there_bytes) or LogVersion(None, [])
        aside = conflicts(d, there.entries[: d.common])
        lines.append(f"{visible(d.rel)}: {len(d.there)} entr{'y' if len(d.there) == 1 else 'ies'} from "
                     f"{target.name} first, then:")
        for e in d.here:
            why = aside.get(str(e.get("hash")))
            lines.append(f"  {'⚑ kept aside' if why else '↻ re-recorded'}: {entry_line(e)} by "
                         f"{_one_line(str(e.get('by')), 60)}" + (f" ({why})" if why else ""))
    lines.append("An entry the rules refuse on the merged log is kept aside too. Nothing has changed yet.")
    if others:
        lines.append(f"Other files changed on both sides, left to git: {', '.join(visible(o) for o in others)}")
    return lines


def _run_net(root: Path, args: list[str], passthrough: bool, prompt: bool) -> None:
    _git(root, *args, *(["--progress"] if passthrough else []), passthrough=passthrough, prompt=prompt)


def _pulled(root: Path, before: str) -> list[str]:
    """Name the entries a fast-forward brought in, per session, and the entries another office
    kept aside (a conflict or a sign-off for this panel to look at)."""
    from panel_tui.core.kept_aside import parse_kept_aside

    after = _out(root, "rev-parse", "HEAD")
    changed = [p for p in _out(root, "diff", "--name-only", "-z", before, after).split("\0")
               if p == LOG_FILE or p.endswith("/" + LOG_FILE) or p == REFUSED_FILE or p.endswith("/" + REFUSED_FILE)]
    contents = blobs(root, [f"{rev}:{p}" for p in changed for rev in (before, after)])
    lines = []
    for p in changed:
        old_bytes, new_bytes = contents[f"{before}:{p}"], contents[f"{after}:{p}"]
        if p.endswith(REFUSED_FILE):
            old_items = parse_kept_aside(old_bytes)[0] if old_bytes else []
            new_items = parse_kept_aside(new_bytes)[0] if new_bytes else []
            for k in new_items[len(old_items):]:
                lines.append(f"kept aside in {visible(p)} (for the panel to settle): {k.line()}")
            continue
        old = parse_version(old_bytes) or LogVersion(None, [])
        new = parse_version(new_bytes)
        if new is None:
            continue
        got = new.entries[len(old.entries):]
        if got:
            lines.append(f"pulled {visible(p)}: " + "; ".join(entry_line(e) for e in got[:10])
                         + (f"; … ({len(got)} in all)" if len(got) > 10 else ""))
    return lines


def _diverged_message(root: Path, up: str, logs: list[Divergence], others: list[str]) -> str:
    if not logs:
        return (f"{root} and {up} diverged (commits on both sides) in files other than decision logs: "
                f"{', '.join(others) or '(none in common)'}; these are left to git. Fix: `git -C {shell_quote(root)} pull` "
                "(a merge), then `panel-tui sync`. Nothing was changed.")
    lines = [f"the decision logs diverged from {up} (entries recorded in both places); nothing was changed."]
    for d in logs:
        lines += d.lines(up)
    if others:
        lines.append(f"  other files changed on both sides are left to git: {', '.join(others)}")
    lines.append("Fix: `panel-tui sync --replay` (in the app: Git: Sync and replay, which shows what it would do "
                 f"first) re-records the entries made here after {up}'s (new seq and hash; each keeps its old hash "
                 "as replayed_from). One about a standard the other office settled since, any sign-off, and one "
                 f"the rules now refuse are kept aside in {REFUSED_FILE} for the chair to settle; or agree with "
                 "the other office first.")
    return "\n".join(lines)


# Worked out afresh when an entry is re-recorded (from the inspection and the merged log), or the
# chain's own; everything else is what its author gave and is re-recorded as it was.
_DERIVED = {"seq", "prev", "hash", "evidence", "supersedes", "answers", "outside_criteria", "ratings", "score",
            "max_score", "overall", "entry_count", "replayed_from", "kind", "from", "band"}
# Entries that settle a standard: a local one about a standard the other side settled is a conflict.
_SETTLING = {"discretion", "declined", "ratification", "retraction"}


def replay_fields(e: dict[str, Any], seq_map: dict[int, int | None],
                  log_format: str | None = None) -> dict[str, Any]:
    """The fields to re-record an entry with: what its author gave, references renumbered.

    ``log_format``: the format of the log it is replayed onto (by default that of the entry's own
    log: format 3 when it has ``entered_by``). In format 3 the replayed entry's ``at`` is the
    replay's (the writer's clock) and the original time is kept as ``decided_at``; ``entered_by``
    (who typed it) is kept as it was. In formats 1 and 2 the entry keeps its original ``at``.

    Raises RuleRefused when it refers to an entry that was itself kept aside.
    """
    from panel_tui.core.log.entries import LOG_FORMAT_V2, LOG_FORMAT_V3

    if log_format is None:
        log_format = LOG_FORMAT_V3 if "entered_by" in e else LOG_FORMAT_V2
    fields = {k: v for k, v in e.items() if k not in _DERIVED}
    if log_format == LOG_FORMAT_V3:
        fields["decided_at"] = e.get("decided_at", e.get("at"))  # replayed twice: still the first time
        fields.pop("at", None)
    for key in ("retracts", "about"):
        old = fields.get(key)
        if isinstance(old, int) and old in seq_map:
            if seq_map[old] is None:
                raise RuleRefused("refers-to-refused", f"it refers to entry {old}, which was kept aside.")
            fields[key] = seq_map[old]
    fields["replayed_from"] = e["hash"]
    return fields


def _standard_of(e: dict[str, Any], by_seq: dict[int, dict[str, Any]]) -> str | None:
    """The standard an entry settles (a retraction: the standard of the entry it retracts)."""
    if e.get("kind") == "retraction":  # undoing a decision settles its standard; withdrawing a proposal does not
        target = by_seq.get(e.get("retracts"))  # type: ignore[arg-type]
        settles = target and target.get("kind") in _SETTLING and target.get("standard")
        return str(target["standard"]) if settles else None  # type: ignore[index]
    return str(e["standard"]) if e.get("standard") else None


def _what(e: dict[str, Any]) -> str:
    kind = e.get("kind")
    if kind == "discretion":
        text = f"moved to {e.get('to')}"
    elif kind == "declined":
        text = f"kept {e.get('band')}"
    elif kind == "ratification":
        text = f"ratified {e.get('to')}"
    elif kind == "retraction":
        text = f"retracted entry {e.get('retracts')}"
    else:
        text = str(kind)
    return f"{text} by {_one_line(str(e.get('by')), 60)}"


def conflicts(d: Divergence, common: list[dict[str, Any]]) -> dict[str, str]:
    """Local entries (by hash) that must not be re-recorded after the other side's, with why: one
    about a standard the other side settled since the fork (a conflict for people to settle), and
    any sign-off (the chair signs off again on the merged log)."""
    by_seq = {int(e["seq"]): e for e in [*common, *d.there, *d.here] if isinstance(e.get("seq"), int)}
    there_by_seq = {int(e["seq"]): e for e in [*common, *d.there] if isinstance(e.get("seq"), int)}
    settled: dict[str, dict[str, Any]] = {}
    for e in d.there:
        sid = _standard_of(e, there_by_seq)
        if e.get("kind") in _SETTLING and sid:
            settled[sid] = e
    out: dict[str, str] = {}
    for e in d.here:
        if e.get("kind") == "sign-off":
            out[str(e["hash"])] = ("a sign-off is never replayed: the panel signed off on a log without the other "
                                   "office's entries; the chair signs off again on the merged log")
            continue
        if e.get("kind") == "dismissal":
            there = next((x for x in d.there if x.get("kind") == "dismissal" and x.get("kept_aside") == e.get("kept_aside")),
                         None)
            if there is not None:
                out[str(e["hash"])] = (f"conflict on the kept-aside entry {str(e.get('kept_aside'))[:12]}: here "
                                       f"dismissed by {_one_line(str(e.get('by')), 60)}; there dismissed by "
                                       f"{_one_line(str(there.get('by')), 60)} (entry {there.get('seq')})")
                continue
        sid = _standard_of(e, by_seq)
        if e.get("kind") in _SETTLING | {"proposal"} and sid in settled:
            there = settled[sid]
            out[str(e["hash"])] = (f"conflict on {sid}: here {_what(e)}; there {_what(there)} (entry {there.get('seq')}). "
                                   "The chair settles it by recording a decision knowingly")
    return out


def _replay(root: Path, name: str, up: str, logs: list[Divergence], others: list[str], progress: Progress | None,
            report: SyncReport) -> None:
    if _out(root, "status", "--porcelain", "--untracked-files=no"):
        raise GitRefused("dirty", f"{shell_quote(root)} has uncommitted changes; commit or stash them with git first. "
                                  "Nothing was changed.")
    _say(progress, report, f"merging {name} and replaying {len(logs)} session log{'s' if len(logs) != 1 else ''}…")
    merge = _git(root, "merge", "--no-ff", "--no-commit", up, check=False)
    if _git(root, "rev-parse", "--verify", "-q", "MERGE_HEAD", check=False).returncode != 0:
        detail = (merge.stderr or merge.stdout).decode("utf-8", "replace").strip()
        raise GitRefused("merge", f"git would not start the merge: {detail} Nothing was changed.")
    summary: list[str] = []
    dropped_tags: list[str] = []
    try:
        for d in logs:
            summary += _replay_one(root, d, progress, report, dropped_tags)
    except BaseException:
        _git(root, "merge", "--abort", check=False)
        raise
    conflicted = [p for p in _out(root, "diff", "--name-only", "-z", "--diff-filter=U").split("\0") if p]
    if conflicted:
        raise GitRefused("conflicts", "the decision logs are replayed and staged, but other files conflict and are "
                                      f"left to git: {', '.join(visible(c) for c in conflicted)}. Fix: resolve them, "
                                      f"`git -C {shell_quote(root)} commit`, then `panel-tui sync`. (`git merge --abort` "
                                      "undoes the replay; your entries stay in your commits.)")
    subject = (f"{shown_session(logs[0].rel.removesuffix('/' + LOG_FILE))}: replay after {name}" if len(logs) == 1
               else f"replay {len(logs)} session logs after {name}")
    _git(root, "commit", "-q", "-m", subject, "-m", "\n".join(summary))
    sha = _out(root, "rev-parse", "HEAD")
    for tag in dropped_tags:  # made here for a sign-off now kept aside: never pushed, so removed
        _git(root, "tag", "-d", tag, check=False)
        _say(progress, report, f"removed the local tag {visible(tag)}: its sign-off is kept aside")
    _say(progress, report, f"committed {sha[:10]}: {subject}")


def _replay_one(root: Path, d: Divergence, progress: Progress | None, report: SyncReport,
                dropped_tags: list[str]) -> list[str]:
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
            _say(progress, report, f"{visible(d.rel)}: {line}")
            lines.append(line)
            continue
        seq_map[int(e["seq"])] = int(new["seq"])
        line = f"re-recorded as {entry_line(new)} (entry {e['seq']} here; replayed_from {str(e['hash'])[:16]}…)"
        _say(progress, report, f"{visible(d.rel)}: {line}")
        lines.append(line)
    to_add = [d.rel]
    if refused:
        to_add.append(_keep_aside(session_dir, refused, remote_head, root))
    _git(root, "add", "--", *to_add)
    return [f"{visible(d.rel)}:"] + [f"  {x}" for x in lines]


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
