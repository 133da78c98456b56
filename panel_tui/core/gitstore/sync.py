"""Sync between offices: fetch, fast-forward only, push; refuse diverged logs; replay on request.

Nothing here rewrites history: a replay is a merge commit that keeps both sides, and an entry the
rules refuse on replay is kept aside in ``decisions.refused.toml``, never dropped. This module is
the order of the steps and the checks between them (what comes in must verify, what goes out
must verify); ``transport`` moves commits, ``divergence`` says what diverged and what conflicts,
``replay`` makes the merges.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from panel_tui.core.display import visible
from panel_tui.core.errors import InputError
from panel_tui.core.gitstore.commit import commit_pending
from panel_tui.core.gitstore.divergence import conflicts, diverged_logs, diverged_message
from panel_tui.core.gitstore.replay import merge_other_sessions, replay_logs
from panel_tui.core.gitstore.run import (
    DISABLE_ENV,
    REFUSED_FILE,
    GitFailed,
    GitRefused,
    Progress,
    _git,
    _out,
    blobs,
    enabled,
    ensure_ignored,
    first_line,
    git_path,
    shell_quote,
    work_tree,
)
from panel_tui.core.gitstore.transport import (
    Upstream,
    ahead_behind,
    commit_lines,
    is_ancestor,
    rev,
    run_net,
    synced_ref,
    tags_to_push,
    upstream_target,
)
from panel_tui.core.gitstore.versions import LogVersion, _one_line, entry_line, parse_version
from panel_tui.core.inspection import LOG_FILE


@dataclass
class SyncReport:
    lines: list[str] = field(default_factory=list)


def _say(progress: Progress | None, report: SyncReport, line: str) -> None:
    report.lines.append(line)
    if progress:
        progress(line)


def sync(
    path: Path, replay: bool = False, progress: Progress | None = None, passthrough: bool = False, prompt: bool = False
) -> SyncReport:
    """Fetch, fast-forward only, push; or refuse (GitRefused, nothing changed) when logs diverged.

    ``replay``: re-record this side's entries after the remote's in a merge commit, then push.
    ``passthrough`` lets git's own progress and prompts reach the terminal (the CLI).
    """
    report = SyncReport()

    def say(line: str) -> None:
        _say(progress, report, line)

    if git_path() is None:
        raise InputError(
            path,
            None,
            "git is not on PATH, so nothing can be synced.",
            "install git (or fix PATH); recorded entries are safe on disk meanwhile.",
        )
    if not enabled():
        raise InputError(None, None, f"the git integration is off ({DISABLE_ENV}=0).", f"unset {DISABLE_ENV}.")
    root = work_tree(path)
    if root is None:
        raise InputError(
            path,
            None,
            "not inside a git work tree.",
            "clone the inspectorate's sessions repository and keep sessions in it (README: "
            '"Sharing sessions through git").',
        )
    ensure_ignored(root)
    if _git(root, "rev-parse", "--verify", "-q", "MERGE_HEAD", check=False).returncode == 0:
        raise GitRefused(
            "merge-in-progress",
            f"a merge is in progress in {shell_quote(root)}; finish it with git "
            "(resolve, `git commit`) or `git merge --abort`, then sync again.",
        )
    commit_pending(root, lambda s: _say(progress, report, s))
    target = upstream_target(root)
    if target is None:
        branch = _git(root, "symbolic-ref", "--short", "-q", "HEAD", check=False).stdout.decode().strip() or "HEAD"
        remotes = _out(root, "remote").split()
        where = shell_quote(root)
        if not remotes:
            raise GitRefused(
                "no-upstream",
                f"{where} has no remote to sync with. Fix: `git -C {where} remote add origin "
                f"URL`, then `git -C {where} push -u origin {shell_quote(branch)}` once.",
            )
        remote = "origin" if "origin" in remotes else remotes[0]
        raise GitRefused(
            "no-upstream",
            f"branch {branch!r} in {where} has no upstream to sync with. Fix: "
            f"`git -C {where} push -u {remote} {shell_quote(branch)}` once.",
        )
    up, remote = target.tracking, target.remote
    before_fetch = rev(root, up)
    _say(progress, report, f"fetching from {remote}…")
    try:
        run_net(root, ["fetch", remote], passthrough, prompt)
    except GitFailed as exc:
        raise GitRefused(
            "fetch",
            f"git fetch from {remote} failed: {_one_line(exc.detail, 300)} Nothing was "
            "changed; your entries are committed here. Sync again when the remote is "
            "reachable.",
        ) from None
    after_fetch = rev(root, up)
    for known in dict.fromkeys(filter(None, (rev(root, synced_ref(target)), before_fetch))):
        if after_fetch and not is_ancestor(root, known, after_fetch):
            raise GitRefused("rewritten", _rewritten_message(root, target, known, after_fetch))
    ahead, behind = ahead_behind(root, up)
    if behind:
        _check_incoming(root, target, progress, report)
    if ahead and behind:
        logs, others = diverged_logs(root, up)
        if logs and not replay:
            raise GitRefused("diverged", diverged_message(root, target.name, logs, others))
        if logs:
            replay_logs(root, target.name, up, logs, others, say)
        else:
            merge_other_sessions(root, target, others, say)
        ahead, behind = ahead_behind(root, up)
    if behind:
        before = _out(root, "rev-parse", "HEAD")
        _say(progress, report, f"fast-forwarding to {target.name} ({behind} commit{'s' if behind != 1 else ''})…")
        try:
            _git(root, "merge", "--ff-only", "-q", up, passthrough=passthrough)
        except GitFailed as exc:
            raise GitRefused(
                "pull",
                f"git could not fast-forward: {exc.detail} Nothing of the decision logs was "
                "changed; resolve what git names, then sync again.",
            ) from None
        for line in _pulled(root, before):
            _say(progress, report, line)
    if ahead:
        _check_outgoing(root, up)
        tags = tags_to_push(root, up, lambda line: _say(progress, report, line))
        _say(progress, report, f"pushing {ahead} commit{'s' if ahead != 1 else ''} to {remote}…")
        try:
            run_net(root, ["push", remote, f"HEAD:{target.branch_ref}", *tags], passthrough, prompt)
        except GitFailed as exc:
            raise GitRefused(
                "push",
                f"git push failed: {exc.detail} Your commits are safe here; run "
                "`panel-tui sync` again (someone may have pushed meanwhile).",
            ) from None
    _git(root, "update-ref", synced_ref(target), "HEAD")  # what the remote held when last in step
    filtered = graph_with_filters(root)
    if ahead or behind or not filtered:
        problem = write_commit_graph(root, filtered)
        if problem:
            _say(
                progress,
                report,
                f"git did not write its commit-graph ({problem}): verify still works, more slowly. To see why, run "
                f"`git -C {shell_quote(root)} commit-graph write --reachable --changed-paths`.",
            )
    if not ahead and not behind:
        _say(progress, report, f"in step with {target.name}: nothing to pull or push.")
    else:
        _say(progress, report, f"in step with {target.name}.")
    return report


def _graph_files(root: Path) -> list[Path]:
    """The clone's commit-graph files: one, or the layers a chain names (none: no graph)."""
    info = Path(_out(root, "rev-parse", "--git-path", "objects/info"))
    info = info if info.is_absolute() else root / info
    chain = info / "commit-graphs" / "commit-graph-chain"
    try:
        if chain.is_file():
            return [info / "commit-graphs" / f"graph-{name}.graph" for name in chain.read_text("ascii").split()]
    except (OSError, UnicodeDecodeError):
        return []
    return [info / "commit-graph"] if (info / "commit-graph").is_file() else []


def graph_with_filters(root: Path) -> bool:
    """Whether the clone has a commit-graph whose every layer holds changed-path Bloom filters (a
    graph ``git gc`` wrote has none, and then verify walks every commit's tree again)."""
    files = _graph_files(root)
    if not files:
        return False
    for path in files:
        try:
            with open(path, "rb") as fh:
                head = fh.read(8)
                chunks = head[6] if len(head) == 8 and head[:4] == b"CGPH" else 0
                table = fh.read(12 * chunks)
        except OSError:
            return False
        if b"BIDX" not in {table[i : i + 4] for i in range(0, len(table), 12)}:
            return False
    return True


def write_commit_graph(root: Path, filtered: bool) -> str | None:
    """Keep the clone's commit-graph, with changed-path Bloom filters, up to date after a sync (issue
    26): ``verify`` of one session then walks only its own folder's commits in a repository of a
    thousand sessions, not all of them. Incremental (``--split``): tens of milliseconds for what a
    sync brings; the first one, or one replacing a graph without filters (``git gc`` writes those),
    reads every commit once (half a second for 21,000). It is git's own cache, checked by git, read
    by git alone; no panel-tui check rests on it. ``filtered``: whether every layer it has now holds
    the filters (:func:`graph_with_filters`). Git's first line when it would not, else None."""
    split = "--split" if filtered else "--split=replace"
    proc = _git(root, "commit-graph", "write", "--reachable", "--changed-paths", split, check=False)
    if proc.returncode == 0:
        return None
    return first_line((proc.stderr or b"").decode("utf-8", "replace"), f"exit status {proc.returncode}")


def _rewritten_message(root: Path, target: Upstream, before: str, after: str) -> str:
    gone = commit_lines(root, before, f"^{after}")
    lines = [
        f"{target.name} was rewritten (force-pushed): it no longer holds commits it held when this clone "
        f"last synced (up to {before[:10]}). Nothing was changed here, and `--replay` refuses too: a rewritten "
        "record is for people to look at, not for a sync to settle. No longer on the remote:"
    ]
    lines += [f"    {line}" for line in gone]
    lines.append(
        f"Fix: ask who rewrote {target.name} (their commits now: `git -C {shell_quote(root)} log {after[:10]}`); "
        f"push this clone's history back (`git push {target.remote} {before[:10]}:{target.branch_ref}` "
        "restores what was there), or agree a correction recorded as new entries."
    )
    return "\n".join(lines)


def _check_incoming(root: Path, target: Upstream, progress: Progress | None, report: SyncReport) -> None:
    """Verify what the remote brings before adopting any of it (as ``verify`` checks history)."""
    from panel_tui.core.gitstore.history import incoming_problems

    base = _out(root, "merge-base", "HEAD", target.tracking)
    problems = incoming_problems(root, base, target.tracking)
    if not problems:
        return
    lines = [
        f"refused: {target.name} brings decision-log history that does not verify or does not extend what "
        "was there; nothing was changed here."
    ]
    lines += [f"    {p.line(rel)}" for rel, p in problems[:20]]
    if len(problems) > 20:
        lines.append(f"    … and {len(problems) - 20} more")
    lines.append(
        "Fix: ask the author of each commit named; a correction is recorded as new entries (a retraction), "
        "never by rewriting the log. `panel-tui verify PATH --against " + target.name + "` shows it again."
    )
    raise GitRefused("incoming-history", "\n".join(lines))


def _check_outgoing(root: Path, up: str) -> None:
    """Never push a log that does not verify (a hand-made entry committed with git, say)."""
    from panel_tui.core.inspection import load_inspection
    from panel_tui.core.log import read_state

    changed = [
        p
        for p in _out(root, "diff", "--name-only", "-z", up, "HEAD").split("\0")
        if p == LOG_FILE or p.endswith("/" + LOG_FILE)
    ]
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
        raise GitRefused(
            "unverified-log",
            "refused: a decision log to be pushed does not verify; nothing was pushed.\n"
            + "\n".join(f"    {line}" for line in bad)
            + "\nFix: `panel-tui verify` names the fault; restore the log from its history.",
        )


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
        run_net(root, ["fetch", target.remote], False, False)
    except GitFailed as exc:
        raise GitRefused("fetch", f"git fetch from {target.remote} failed: {_one_line(exc.detail, 300)}") from None
    ahead, behind = ahead_behind(root, target.tracking)
    if behind:
        _check_incoming(root, target, None, SyncReport())
    if not (ahead and behind):
        return [
            f"nothing to replay: this clone and {target.name} have not diverged "
            f"({ahead} here, {behind} there); Git: Sync is enough."
        ]
    logs, others = diverged_logs(root, target.tracking)
    if not logs:
        return [f"nothing to replay: no decision log changed on both sides; Git: Sync merges {target.name}."]
    lines = []
    for d in logs:
        there = parse_version(d.there_bytes) or LogVersion(None, [])
        aside = conflicts(d, there.entries[: d.common])
        lines.append(
            f"{visible(d.rel)}: {len(d.there)} entr{'y' if len(d.there) == 1 else 'ies'} from "
            f"{target.name} first, then:"
        )
        for e in d.here:
            why = aside.get(str(e.get("hash")))
            lines.append(
                f"  {'⚑ kept aside' if why else '↻ re-recorded'}: {entry_line(e)} by "
                f"{_one_line(str(e.get('by')), 60)}" + (f" ({why})" if why else "")
            )
    lines.append("An entry the rules refuse on the merged log is kept aside too. Nothing has changed yet.")
    if others:
        lines.append(f"Other files changed on both sides, left to git: {', '.join(visible(o) for o in others)}")
    return lines


def _pulled(root: Path, before: str) -> list[str]:
    """Name the entries a fast-forward brought in, per session, and the entries another office
    kept aside (a conflict or a sign-off for this panel to look at)."""
    from panel_tui.core.kept_aside import parse_kept_aside

    after = _out(root, "rev-parse", "HEAD")
    changed = [
        p
        for p in _out(root, "diff", "--name-only", "-z", before, after).split("\0")
        if p == LOG_FILE or p.endswith("/" + LOG_FILE) or p == REFUSED_FILE or p.endswith("/" + REFUSED_FILE)
    ]
    contents = blobs(root, [f"{rev}:{p}" for p in changed for rev in (before, after)])
    lines = []
    for p in changed:
        old_bytes, new_bytes = contents[f"{before}:{p}"], contents[f"{after}:{p}"]
        if p.endswith(REFUSED_FILE):
            old_items = parse_kept_aside(old_bytes)[0] if old_bytes else []
            new_items = parse_kept_aside(new_bytes)[0] if new_bytes else []
            for k in new_items[len(old_items) :]:
                lines.append(f"kept aside in {visible(p)} (for the panel to settle): {k.line()}")
            continue
        old = parse_version(old_bytes) or LogVersion(None, [])
        new = parse_version(new_bytes)
        if new is None:
            continue
        got = new.entries[len(old.entries) :]
        if got:
            lines.append(
                f"pulled {visible(p)}: "
                + "; ".join(entry_line(e) for e in got[:10])
                + (f"; … ({len(got)} in all)" if len(got) > 10 else "")
            )
    return lines
