"""Running git: the one place a subprocess is started, and where a session sits in a work tree.

Only the ``git`` command is used, so the user's configuration, credentials, hooks and signing
keys apply; ``PANEL_TUI_GIT=0`` turns all of it off.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from panel_tui.core.errors import InputError, RuleRefused
from panel_tui.core.inspection import LOG_FILE

AUTHOR_EMAIL = "decision-log@panel-tui.invalid"  # author of an entry's commit: "<by> <this>"
DRAFTS_FILE = "decisions.drafts.toml"
REFUSED_FILE = "decisions.refused.toml"  # = panel_tui.core.kept_aside.KEPT_ASIDE_FILE
ACCEPTED_FILE = ".panel-tui-accepted.toml"  # at the work tree's top: rewrites accepted on the record
IGNORED = (f"{LOG_FILE}.lock", DRAFTS_FILE, ".*.tmp-*")
IGNORE_MARK = "# panel-tui: a session's lock, drafts and temporary files are never shared"
DISABLE_ENV = "PANEL_TUI_GIT"  # "0" turns the git integration off (nothing is committed)
INDEX_LOCK_WAIT = 5.0  # seconds to wait for another git process holding the index lock
# Replace refs and grafts change which parents a commit seems to have: a clone handed over as a folder
# could hide a commit that dropped an entry. Every git command here sees the commits as they were made.
AS_MADE = {"GIT_NO_REPLACE_OBJECTS": "1", "GIT_GRAFT_FILE": os.path.join(os.devnull, "no-grafts")}  # cannot exist
# Output in the form panel-tui reads, whatever the user's or the repository's config says: with
# log.showSignature git log prints each signature check among the fields, and log.diffMerges
# changes what -m shows for a merge (combined diffs hid a dropped entry; the attack round, issue 26)
AS_WRITTEN = ("-c", "log.showSignature=false", "-c", "log.diffMerges=separate")


class GitRefused(RuleRefused):
    """A sync that would lose or rewrite something; nothing was changed (exit 2)."""


Progress = Callable[[str], None]


def shell_quote(value: Path | str) -> str:
    """A path as it must be typed in a suggested command: quoted for the shell when needed, its
    control characters then made visible (the line is for reading; an odd name is still data)."""
    import shlex

    from panel_tui.core.display import visible

    return visible(shlex.quote(str(value)))


_WHICH: dict[str, str | None] = {}  # PATH -> where git is on it (the audit asks for every session)


def git_path() -> str | None:
    key = os.environ.get("PATH", "")
    if key not in _WHICH:
        _WHICH[key] = shutil.which("git")
    return _WHICH[key]


def enabled() -> bool:
    return os.environ.get(DISABLE_ENV, "1").strip().lower() not in ("0", "off", "no", "false")


def _git(
    root: Path,
    *args: str,
    input: bytes | None = None,
    check: bool = True,
    passthrough: bool = False,
    prompt: bool = False,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """Run ``git -C root args``. ``passthrough`` lets git's progress reach our stderr."""
    exe = git_path()
    if exe is None:
        raise InputError(None, None, "git is not on PATH.", "install git (or fix PATH) and run the command again.")
    full_env = dict(os.environ)
    # No optional locks: `git status` (the header's state, read in a worker) would otherwise take
    # index.lock to refresh the index, and an app killed meanwhile left it behind, blocking the
    # user's next commit (seen when a benchmark killed the app right after its first screen).
    full_env.setdefault("GIT_OPTIONAL_LOCKS", "0")
    if not prompt:
        full_env["GIT_TERMINAL_PROMPT"] = "0"
    full_env.update(AS_MADE)
    if env:
        full_env.update(env)
    proc = subprocess.run(
        [exe, "-C", str(root), *AS_WRITTEN, *args],
        input=input,
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=None if passthrough else subprocess.PIPE,
    )
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


_SEEN: ContextVar[dict[str, bool] | None] = ContextVar("panel_tui_dot_git_seen", default=None)


@contextmanager
def one_look_per_folder() -> Iterator[None]:
    """Within this block, whether a folder holds ``.git`` is looked up once (and a work tree's top
    resolved once): an audit scan asks it of every parent of every session (half a second a
    thousand sessions, measured), and the sessions share their parents. Scoped to the block (and
    to its thread), so a long-running app still sees a clone made after it started."""
    token, roots, trees = _SEEN.set({}), _ROOTS_RESOLVED.set({}), _WORK_TREES.set({})
    try:
        yield
    finally:
        _WORK_TREES.reset(trees)
        _ROOTS_RESOLVED.reset(roots)
        _SEEN.reset(token)


# Within one_look_per_folder: paths resolved once (a work tree's top, a session's folder and log)
_ROOTS_RESOLVED: ContextVar[dict[Path, Path] | None] = ContextVar("panel_tui_roots_resolved", default=None)
# Within one_look_per_folder: each path's work tree, looked up once (the audit asks it of a session
# several times: its history, its tags, its trust)
_WORK_TREES: ContextVar[dict[Path, Path | None] | None] = ContextVar("panel_tui_work_trees", default=None)


def _nearest_git(path: Path) -> Path | None:
    """The nearest folder at or above ``path`` holding ``.git``, found without running git."""
    seen = _SEEN.get()
    for p in (path, *path.parents):
        key = str(p)
        has = seen.get(key) if seen is not None else None
        if has is None:
            has = os.path.exists(os.path.join(key, ".git"))
            if seen is not None:
                seen[key] = has
        if has:
            return p
    return None


def _has_dot_git(path: Path) -> bool:
    """Whether ``path`` or a parent holds ``.git`` (used when git itself is missing)."""
    return _nearest_git(path) is not None


_ROOTS: dict[Path, Path] = {}  # folder holding a .git directory -> its work tree's top (asked once)


def work_tree(path: Path) -> Path | None:
    """The top of the git work tree holding ``path``, or None (outside one, disabled, or no git).

    No subprocess for a folder with no ``.git`` above it, and one per clone after that: the
    audit asks for every session.
    """
    if not enabled():
        return None
    trees = _WORK_TREES.get()
    if trees is None:
        return _work_tree(path)
    if path not in trees:
        trees[path] = _work_tree(path)
    return trees[path]


def _work_tree(path: Path) -> Path | None:
    folder = (path if path.is_dir() else path.parent).resolve()
    near = _nearest_git(folder)
    plain = "GIT_DIR" not in os.environ and "GIT_WORK_TREE" not in os.environ
    if near is None and plain:
        return None
    if git_path() is None:  # looked for only now: searching PATH costs more than the .git check
        return None
    cacheable = plain and near is not None and (near / ".git").is_dir()
    if cacheable and near in _ROOTS:
        return _ROOTS[near]
    proc = _git(folder, "rev-parse", "--show-toplevel", check=False)
    if proc.returncode != 0:  # outside a work tree, or git refuses the repository: refusal() tells them apart
        _REFUSED[folder] = (proc.stderr or b"").decode("utf-8", "replace").strip()
        return None
    root = Path(proc.stdout.decode("utf-8", "replace").strip())
    if cacheable:
        _ROOTS[near] = root  # type: ignore[index]
    return root


_REFUSED: dict[Path, str] = {}  # folder -> what git said when it would not name its work tree


def refusal(path: Path) -> str | None:
    """Git's first line when a ``.git`` lies above ``path`` (or GIT_DIR is set) but git will not
    name the work tree (dubious ownership, a corrupt repository): None outside git, or when git
    answers. A history check that cannot be made is said, never skipped as "not in git"."""
    folder = (path if path.is_dir() else path.parent).resolve()
    if not enabled() or git_path() is None or work_tree(folder) is not None:
        return None
    said = _REFUSED.get(folder)
    if said is None:
        return None
    return first_line(said, "git exited with an error")


def first_line(said: str, otherwise: str) -> str:
    """Git's first non-blank line of what it said (its message), or ``otherwise``."""
    return next((line.strip() for line in said.splitlines() if line.strip()), otherwise)


def _rel(root: Path, path: Path) -> str:
    resolved = _ROOTS_RESOLVED.get()  # within one_look_per_folder: a work tree's top resolved once
    if resolved is None:
        return path.resolve().relative_to(root.resolve()).as_posix()
    for p in (root, path):
        if p not in resolved:
            resolved[p] = p.resolve()
    return resolved[path].relative_to(resolved[root]).as_posix()


_IGNORE_CHECKED: set[Path] = set()
# Files whose bytes are hashed or checked byte for byte: no committed .gitattributes may convert
# their line endings, run a filter over them or re-encode them in this clone.
RAW_FILES = (LOG_FILE, REFUSED_FILE, "inspection.toml", "cases.csv", ACCEPTED_FILE, "framework.toml")
RAW_ATTRIBUTES = "-text -filter -ident -working-tree-encoding"
ATTRIBUTES_MARK = "# panel-tui: these files' bytes are a record; git must never convert them"


def _git_file(root: Path, name: str) -> Path:
    path = Path(_out(root, "rev-parse", "--git-path", name))
    return path if path.is_absolute() else root / path


def _append_lines(path: Path, text: str, lines: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    sep = "" if not text or text.endswith("\n") else "\n"
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(sep + "\n".join(lines) + "\n")


def ensure_ignored(root: Path) -> None:
    """Make the lock, drafts and temporary files of every session invisible to ``git status``, and
    keep git's conversions away from the files whose bytes are a record.

    Both go to the clone's own ``info/`` folder (never a tracked file): ``info/exclude`` (only the
    patterns the repository's .gitignore does not already cover) and ``info/attributes``, which
    outranks any committed ``.gitattributes`` (a collaborator's ``decisions.toml text eol=crlf``
    would otherwise rewrite every other office's log on checkout). Checked once per process and
    clone; a line missing from an older panel-tui's block is added.
    """
    if root in _IGNORE_CHECKED:
        return
    exclude = _git_file(root, "info/exclude")
    text = exclude.read_text(encoding="utf-8") if exclude.exists() else ""
    present = set(text.splitlines())
    missing = [name for name in IGNORED if f"**/{name}" not in present]
    if missing:
        probe = [f"x/{name.replace('*', '1')}" for name in missing]
        proc = _git(root, "check-ignore", "--no-index", "--stdin", input="\n".join(probe).encode(), check=False)
        if len(proc.stdout.decode().splitlines()) != len(probe):
            _append_lines(
                exclude, text, ([] if IGNORE_MARK in present else [IGNORE_MARK]) + [f"**/{name}" for name in missing]
            )
    attributes = _git_file(root, "info/attributes")
    text = attributes.read_text(encoding="utf-8") if attributes.exists() else ""
    present = set(text.splitlines())
    wanted = [f"{name} {RAW_ATTRIBUTES}" for name in RAW_FILES]  # a name without "/" matches in every folder
    missing = [line for line in wanted if line not in present]
    if missing:
        converted = _checkout_conversions(root)  # asked of git before its conversions are turned off
        _append_lines(attributes, text, ([] if ATTRIBUTES_MARK in present else [ATTRIBUTES_MARK]) + missing)
        RESTORED.extend(_restore_committed(converted))
    _IGNORE_CHECKED.add(root)


RESTORED: list[str] = []  # record files whose checkout conversion was undone (verify says so)


def _checkout_conversions(root: Path) -> list[tuple[Path, str, bytes]]:
    """Record files a committed .gitattributes converted as git checked them out (a fresh clone,
    before panel-tui first ran there): (path, name, committed bytes) of each working file that
    differs from its committed blob exactly by git's own checkout conversion, whatever it was (CRLF,
    ``ident``'s ``$Id$`` expansion, ``working-tree-encoding``, a ``filter``'s smudge). Asked of git
    itself (``cat-file --filters``, the conversion checkout applies) while the committed attributes
    still rule, so no conversion is guessed. A file with any other difference (an uncommitted entry)
    is not listed: verify judges it."""
    listed = _git(
        root,
        "ls-files",
        "-z",
        "-s",
        "--",
        *[f":(glob)**/{n}" for n in RAW_FILES],
        *[f":(literal){n}" for n in RAW_FILES],
        check=False,
    ).stdout
    entries = []
    for item in listed.split(b"\0"):
        meta, tab, name = item.partition(b"\t")
        parts = meta.decode("ascii", "replace").split()
        if tab and len(parts) == 3 and parts[0] in ("100644", "100755"):
            entries.append((parts[1], name.decode("utf-8", "surrogateescape")))
    found = blobs(root, [oid for oid, _ in entries])
    out = []
    for oid, rel in entries:
        path, committed = root / rel, found.get(oid)
        try:
            working = path.read_bytes() if path.is_file() and not path.is_symlink() else None
        except OSError:
            continue
        if working is None or committed is None or working == committed:
            continue
        proc = _git(root, "cat-file", "--filters", f"--path={rel}", oid, check=False)
        if proc.returncode == 0 and proc.stdout == working:
            out.append((path, rel, committed))
    return out


def _restore_committed(converted: list[tuple[Path, str, bytes]]) -> list[str]:
    """Give each converted record file its committed bytes back (conversions are off from now on)."""
    from panel_tui.core.filelock import atomic_write

    for path, _rel_name, committed in converted:
        atomic_write(path, committed)
    return [rel for _, rel, _ in converted]


_FOUND = re.compile(rb"([0-9a-f]{40,64}) (blob|tree|commit|tag) ([0-9]+)\n")


def blobs(root: Path, specs: list[str]) -> dict[str, bytes | None]:
    """Many ``rev:path`` contents in one ``git cat-file --batch`` (None where there is none).

    Paths are data: the specs go to git NUL-separated (``-z``, so a newline in a folder name is
    fine) and the answer's header carries no path (a custom ``--batch`` format), so a name with
    spaces cannot be split wrongly; a missing object is recognised as its own spec + " missing".
    """
    if not specs:
        return {}
    proc = _git(
        root,
        "cat-file",
        "--batch=%(objectname) %(objecttype) %(objectsize)",
        "-z",
        input=b"".join(spec.encode("utf-8") + b"\0" for spec in specs),
    )
    data, pos = proc.stdout, 0
    out: dict[str, bytes | None] = {}
    for spec in specs:
        found = _FOUND.match(data, pos)
        if found is None:  # "<spec> missing" / "<spec> ambiguous": skip exactly that
            raw = spec.encode("utf-8")
            for word in (b" missing\n", b" ambiguous\n"):
                if data.startswith(raw + word, pos):
                    pos += len(raw) + len(word)
                    break
            else:
                raise GitFailed(
                    ("cat-file", "--batch"),
                    subprocess.CompletedProcess([], 0, data[pos : pos + 200], b"unexpected output"),
                )
            out[spec] = None
            continue
        size = int(found.group(3))
        start = found.end()
        out[spec] = data[start : start + size] if found.group(2) == b"blob" else None
        pos = start + size + 1
    return out


def blob(root: Path, rev: str, rel: str) -> bytes | None:
    return blobs(root, [f"{rev}:{rel}"])[f"{rev}:{rel}"]
