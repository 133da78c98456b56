"""Sync between offices: fetch, fast-forward only, push; refuse diverged logs; replay on request.

Nothing here rewrites history: a replay is a merge commit that keeps both sides, and an entry the
rules refuse on replay is kept aside in ``decisions.refused.toml``, never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
    common_prefix,
    entry_line,
    parse_version,
)
from panel_tui.core.gitstore.commit import _tag_sign_off, commit_pending, pending_logs
from panel_tui.core.inspection import LOG_FILE


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
        raise GitRefused("merge-in-progress", f"a merge is in progress in {root}; finish it with git (resolve, "
                                              "`git commit`) or `git merge --abort`, then sync again.")
    commit_pending(root, lambda s: _say(progress, report, s))
    up = upstream(root)
    if up is None:
        branch = _git(root, "symbolic-ref", "--short", "-q", "HEAD", check=False).stdout.decode().strip() or "HEAD"
        raise GitRefused("no-upstream", f"branch {branch!r} in {root} has no upstream to sync with. Fix: "
                                        f"`git -C {shell_quote(root)} push -u origin {branch}` once.")
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
                                         f"to git: {', '.join(others) or '(none listed)'}. Fix: `git -C {shell_quote(root)} pull` "
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
                f"{', '.join(others) or '(none in common)'}; these are left to git. Fix: `git -C {shell_quote(root)} pull` "
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
                                      f"left to git: {', '.join(conflicted)}. Fix: resolve them, `git -C {shell_quote(root)} "
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
