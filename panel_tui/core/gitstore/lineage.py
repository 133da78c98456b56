"""A log's history as its versions and the commits that moved between them, read for many logs in
one pass: one ``git log`` for every log under the audited folder, one ``git cat-file`` process
streaming each version's bytes once (issue 26: the history check was a few git processes per
session, 12 ms each).

A commit that changed a log is an *edge* from the version it had at a parent to the version it
made (``git log -m --raw``: a merge gives one edge per parent it differs from). Every rule of the
history check is a rule about versions and edges: each version verifies on its own, and each edge
extends the version it came from (the nearest one that verified, when it came from a bad one).
"""

from __future__ import annotations

import gc
import hashlib
import os
import re
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from panel_tui.core.framework.session_copy import COPY_FILE
from panel_tui.core.gitstore.log_fields import Commit, read_log
from panel_tui.core.gitstore.run import AS_MADE, GitFailed, _git, git_path
from panel_tui.core.inspection import LOG_FILE
from panel_tui.core.kept_aside import KEPT_ASIDE_FILE

RECORD_FILES = (LOG_FILE, KEPT_ASIDE_FILE, COPY_FILE)  # a session's files whose history is part of the record
ALL_LOGS = [spec for name in RECORD_FILES for spec in (f":(literal){name}", f":(glob)**/{name}")]


@dataclass(slots=True)
class Edge:
    """One commit's change to one log: from ``old`` (None: created) to ``new`` (None: deleted)."""

    commit: str
    author: str
    date: str
    merge: bool
    old: str | None
    new: str | None
    new_mode: str = "100644"  # 120000 a symbolic link, 160000 a submodule: not a log file
    moved_from: str | None = None  # a session folder moved in git: the path this version came from

    @property
    def not_a_file(self) -> bool:
        return self.new is not None and self.new_mode not in ("100644", "100755")


@dataclass
class Lineage:
    """Every edge of one log (newest commit first, parents before children reversed), and the
    version at the tip (None: no log there)."""

    rel: str
    edges: list[Edge] = field(default_factory=list)
    head: str | None = None
    # commit -> the version it holds at ``rel`` itself (not at a path it was moved from), for each
    # commit that changed it: where a sign-off tag's commit is one, its log is known without git
    at_commit: dict[str, str | None] = field(default_factory=dict)


def _oid(text: str) -> str | None:
    return None if text.strip("0") == "" else text


def lineages(
    root: Path,
    tip: str = "HEAD",
    since: str | None = None,
    pathspecs: list[str] | None = None,
    names: tuple[str, ...] = RECORD_FILES,
    only: set[str] | None = None,
) -> dict[str, Lineage]:
    """The lineage of every log and kept-aside file matching ``pathspecs`` (all of them by default)
    reachable from ``tip`` and, with ``since``, not from it: one ``git log`` and one ``git ls-tree``
    (and, path-limited, one ``git rev-list`` for the merges).

    All of them: the log is not path-limited at all, and the names are picked out here. A ``**/``
    glob pathspec cost git three times the whole walk (measured: 0.88 s against 0.28 s of CPU on
    21,000 commits), and without one there is no history simplification to undo: every commit is
    shown, diffed against each real parent (``-m``), so ``%P`` names a merge's parents as made.

    ``only``: the paths wanted, when ``pathspecs`` is wider (one session's folder: with a single
    pathspec git can use the commit-graph's changed-path Bloom filters, which git 2.39 does not for
    several, so verify walks only its own path's history where the repository has them).
    """
    limited = pathspecs is not None
    specs = pathspecs or ALL_LOGS
    early = None
    if not limited and since is None and tip == "HEAD":
        from panel_tui.core.gitstore.prefetch import take

        early = take(root)  # read while the audit started (the same command, on HEAD's commit then)
    if early is not None:
        tip, log = early
    else:
        log = _git(root, *log_args(tip, since, specs, limited), check=False)
    if log.returncode != 0:
        if _git(root, "rev-parse", "--verify", "-q", tip, check=False).returncode != 0:
            return {}  # no commit yet
        raise GitFailed(("log", *specs), log)
    # a merge is a commit with two parents, as it was made: the parents git shows a path-limited
    # log are rewritten, and a merge whose side never touched the log would look like a plain commit
    commits: Iterable[Commit] = read_log(log.stdout, ("log", *specs))  # one commit at a time
    merges = None
    if limited:  # a few commits: the merges among them asked of git first
        commits = list(commits)
        merges = _merges(root, commits)
    out: dict[str, Lineage] = {}
    once: dict[str, str] = {}  # one string for each author and version (a thousand sessions: 21,000 edges)
    for sha, parents, author, date, changes in commits:
        author = once.setdefault(author, author)
        merge = sha in merges if merges is not None else len(parents) > 1
        for new_mode, old, new, rel in changes:
            if only is not None and rel not in only:
                continue
            if not any(rel == name or rel.endswith("/" + name) for name in names):
                continue
            lin = out.setdefault(rel, Lineage(rel))
            old, new = once.setdefault(old, old), once.setdefault(new, new)  # a version is two edges' end
            edge = Edge(sha, author, date, merge, _oid(old), _oid(new), new_mode)
            if merge and _seen_in(lin.edges, edge):
                continue  # two parents held the same version: one edge, as a path-limited log shows it
            lin.edges.append(edge)
            lin.at_commit[sha] = _oid(new)
    _join_moves(root, out, limited, tip)
    if early is not None:
        _out_of_the_collectors_sight()
    # ls-tree takes no glob pathspec ("pathspec magic not supported by this command: 'glob'", and
    # check=False made that no head at all): all of them are listed, and the logs picked out here
    tree = _git(root, "ls-tree", "-r", "-z", "--full-tree", tip, *(["--", *specs] if limited else []), check=False)
    for item in tree.stdout.split(b"\0"):
        meta_bytes, tab, path_bytes = item.partition(b"\t")
        rel = path_bytes.decode("utf-8", "surrogateescape")
        parts = meta_bytes.decode("ascii", "replace").split()
        if tab and len(parts) == 3 and parts[1] == "blob" and rel in out:
            out[rel].head = parts[2]
    return out


def _out_of_the_collectors_sight() -> None:
    """The audit command's history, read once (its edges are tens of thousands of objects, alive
    until the audit ends): frozen out of the garbage collector's sight, so its full collections do
    not walk them again and again (0.6 s of a 3,000-session audit, measured). Only where the audit
    command started the reading (``prefetch``: a one-shot process); ``PANEL_TUI_GC=default`` leaves
    the collector alone, as for the app (the heap policy reads it). The cost: garbage in a cycle made
    before this is never collected (the audit makes little: 17,000 objects in 3,000 sessions)."""
    from panel_tui.heap import HeapPolicy  # gc and os only: no UI

    if HeapPolicy.from_environment().active:
        gc.freeze()


def _merges(root: Path, commits: list[Commit]) -> set[str]:
    """Which of the commits a path-limited log shows are merges as made (their parents there are
    rewritten, and a merge whose side never touched the path would look like a plain commit):
    asked of those commits alone, not of the whole history."""
    shown = dict.fromkeys(sha for sha, *_rest in commits)
    if not shown:
        return set()
    found = _git(root, "rev-list", "--no-walk", "--merges", "--stdin", input="".join(f"{s}\n" for s in shown).encode())
    return set(found.stdout.decode().split())


def _seen_in(edges: list[Edge], edge: Edge) -> bool:
    """Whether this commit's edges (the last ones: -m lists a merge's parents together) hold it."""
    for e in reversed(edges):
        if e.commit != edge.commit:
            return False
        if e == edge:
            return True
    return False


def log_args(tip: str, since: str | None, specs: list[str], limited: bool) -> list[str]:
    """The one ``git log`` a lineage is read from (see :func:`lineages`)."""
    walk = ["--full-history", "--parents"] if limited else []
    return [
        "log",
        "--topo-order",
        *walk,
        "--no-show-signature",
        "--diff-merges=separate",  # -m as git shows it by default: each parent's diff on its own
        "--raw",
        "--no-abbrev",
        "--no-renames",
        "-z",
        "--format=%x1e%H %P%x00%an <%ae>%x00%aI",  # fields NUL-ended: see read_log
        tip,
        *([f"^{since}"] if since else []),
        *(["--", *specs] if limited else []),
    ]


class BlobStore:
    """Versions' bytes by object id, from one long-running ``git cat-file --batch`` (object ids in,
    so no path is ever parsed), each read once and kept only while its log is being checked: the
    last read's answers are kept until the next read (the sign-off tag check then asks for the
    version the history check has just read)."""

    def __init__(self, root: Path) -> None:
        exe = git_path()
        if exe is None:
            raise GitFailed(("cat-file",), subprocess.CompletedProcess([], 1, b"", b"git is not on PATH"))
        self.command = [exe, "-C", str(root), "cat-file", "--batch"]
        self.started: subprocess.Popen[bytes] | None = None  # at the first version not known otherwise
        self.recent: dict[str, bytes | None] = {}

    @property
    def proc(self) -> subprocess.Popen[bytes]:
        if self.started is None:
            self.started = subprocess.Popen(
                self.command,
                env={**os.environ, **AS_MADE},  # replaced objects are not the versions committed
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        return self.started

    def read(self, oids: list[str], like: list[bytes] | None = None) -> dict[str, bytes | None]:
        """Each object's bytes (None: not a blob, or missing). ``like``: bytes the versions may be
        cuts of (the working log): a version that is one is known without git (see ``cuts_named``)."""
        out: dict[str, bytes | None] = {o: self.recent[o] for o in oids if o in self.recent}
        for data in like or []:
            out.update(cuts_named(data, {o for o in oids if o not in out}))
        wanted = [o for o in dict.fromkeys(oids) if o not in out]
        self.recent = out
        if not wanted:
            return out
        proc = self.proc
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write("".join(f"{o}\n" for o in wanted).encode("ascii"))
        proc.stdin.flush()
        for oid in wanted:
            line = proc.stdout.readline().decode("ascii", "replace").split()
            if len(line) == 3 and line[1] in ("blob", "tree", "commit", "tag"):
                data = proc.stdout.read(int(line[2]))
                proc.stdout.read(1)
                out[oid] = data if line[1] == "blob" else None
            else:
                out[oid] = None
        return out

    def close(self) -> None:
        if self.started is not None:
            if self.started.stdin:
                self.started.stdin.close()
            self.started.wait()

    def __enter__(self) -> BlobStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_ENTRY_START = re.compile(rb"\n\[\[entry\]\]\n")


def cuts_named(data: bytes, oids: set[str]) -> dict[str, bytes]:
    """The versions among ``oids`` that are ``data`` whole or cut just before one of its
    ``[[entry]]`` headers, found by git's own name for a blob: the hash of ``blob <size>\\0`` and
    the bytes (SHA-1, or SHA-256 in a repository made with it). An append-only log's earlier
    versions are such cuts of its latest, so they need not be read from git at all (issue 26: the
    bytes of every version of every log were most of the history check's cost). Equal names mean
    equal bytes as far as git itself can tell: git names, finds and trusts objects by this hash."""
    out: dict[str, bytes] = {}
    if not oids:
        return out
    algos = [hashlib.sha1 if size == 40 else hashlib.sha256 for size in {len(o) for o in oids} if size in (40, 64)]
    view = memoryview(data)
    for cut in [len(data)] + [m.start() for m in _ENTRY_START.finditer(data)]:
        for algo in algos:
            h = algo(b"blob %d\0" % cut)
            h.update(view[:cut])
            name = h.hexdigest()
            if name in oids:
                out[name] = data[:cut]
    return out


def _moves(edges: dict[str, list[Edge]]) -> dict[tuple[str, str], tuple[str, Edge]]:
    """(commit, created path) -> (deleted path, its deletion), for commits that delete exactly one
    file of a name and create exactly one: a session folder moved (renamed) in git."""
    by_commit: dict[tuple[str, str], tuple[list[tuple[str, Edge]], list[tuple[str, Edge]]]] = {}
    for rel, es in edges.items():
        name = rel.rsplit("/", 1)[-1]
        for e in es:
            gone, made = by_commit.setdefault((e.commit, name), ([], []))
            if e.new is None and e.old is not None:
                gone.append((rel, e))
            elif e.old is None and e.new is not None:
                made.append((rel, e))
    return {(c, made[0][0]): gone[0] for (c, _), (gone, made) in by_commit.items() if len(gone) == len(made) == 1}


def _join_moves(root: Path, out: dict[str, Lineage], limited: bool, tip: str) -> None:
    """A log whose session folder was moved keeps its history: the commit that moved it is an edge
    from the last version at the old path (so a move that also dropped an entry is named), the
    versions before the move are part of its lineage, and the old path's deletion is no deletion.
    With a path-limited reading, the moving commit's other paths and the old path's history are
    read as needed (one git call per move)."""
    if not limited and not any(e.new is None for lin in out.values() for e in lin.edges):
        return  # the whole history read, and no file of these names ever deleted: nothing was moved
    for _ in range(20):  # a folder moved again and again: follow each move, within reason
        edges = {rel: lin.edges for rel, lin in out.items()}
        if limited:
            extra = _moved_away(root, out)
            for rel, found in extra.items():
                edges.setdefault(rel, []).extend(found)
        moves = _moves(edges)
        changed = False
        for (commit, rel), (old_rel, gone) in moves.items():
            lin = out.get(rel)
            if lin is None:
                continue
            for i, e in enumerate(lin.edges):
                if e.commit == commit and e.old is None and e.moved_from is None:
                    lin.edges[i] = Edge(e.commit, e.author, e.date, e.merge, gone.old, e.new, e.new_mode, old_rel)
                    before = (
                        out[old_rel].edges
                        if old_rel in out and not limited
                        else lineages(root, f"{commit}^", pathspecs=[f":(literal){old_rel}"])
                        .get(old_rel, Lineage(old_rel))
                        .edges
                    )
                    lin.edges += [x for x in before if x is not gone and x not in lin.edges]
                    if old_rel in out and not limited:
                        out[old_rel].edges = [x for x in out[old_rel].edges if x is not gone]
                    changed = True
                    break
        if not changed or not limited:
            return


def _moved_away(root: Path, out: dict[str, Lineage]) -> dict[str, list[Edge]]:
    """For a path-limited reading: the files of the same name each creating commit deleted."""
    found: dict[str, list[Edge]] = {}
    for lin in out.values():
        for e in lin.edges:
            if e.old is not None or e.new is None or e.moved_from is not None:
                continue
            name = lin.rel.rsplit("/", 1)[-1]
            raw = _git(
                root,
                "diff-tree",
                "-r",
                "-m",
                "--no-renames",
                "--no-commit-id",
                "--raw",
                "--no-abbrev",
                "-z",
                e.commit,
                "--",
                f":(literal){name}",
                f":(glob)**/{name}",
                check=False,
            ).stdout
            fields = raw.split(b"\0")
            for i in range(0, len(fields) - 1, 2):
                meta = fields[i].decode("ascii", "replace").lstrip("\n")
                rel = fields[i + 1].decode("utf-8", "surrogateescape")
                if meta.startswith(":") and rel != lin.rel:
                    _om, mode, old, new, _st = meta[1:].split(" ", 4)
                    found.setdefault(rel, []).append(
                        Edge(e.commit, e.author, e.date, e.merge, _oid(old), _oid(new), mode)
                    )
    return found
