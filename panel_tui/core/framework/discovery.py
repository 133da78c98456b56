"""Where frameworks are kept: ``frameworks/`` folders at or above a session, then the bundled ones.

An id is unique across all of them (two files giving one are refused, naming both): a session is
never rated by whichever copy happens to be nearer. Files are parsed once per content.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from panel_tui.core.display import one_line
from panel_tui.core.errors import InputError
from panel_tui.core.framework.checks import _Reader
from panel_tui.core.framework.in_force import (
    _SIDECARS,
    IN_FORCE_FILE,
    Signature,
    _read_in_force,
    _sidecar_entry,
    _signature,
    read_sidecar,
)
from panel_tui.core.framework.model import ID_RE, MAX_FRAMEWORK_BYTES, Framework
from panel_tui.core.framework.reader import framework_problems, parse_framework
from panel_tui.core.tomlfile import read_bytes

FRAMEWORK_DIR = Path(__file__).resolve().parent.parent.parent / "frameworks"
FOLDER_NAME = "frameworks"  # the folder an inspectorate keeps its frameworks in, at any level above a session


def framework_folders(near: Path | str | None) -> list[Path]:
    """The ``frameworks/`` folders in ``near`` (a session, or any folder) and every folder above it,
    nearest first. The bundled folder is not among them (it comes last, in ``_places``).
    Worked on strings, one stat per level: the audit looks a framework up for every session."""
    if near is None:
        return []
    folder = os.path.abspath(near)
    if os.path.isfile(folder):
        folder = os.path.dirname(folder)
    bundled = os.path.normcase(os.path.abspath(FRAMEWORK_DIR))
    out = []
    while True:
        cand = os.path.join(folder, FOLDER_NAME)
        if os.path.isdir(cand) and os.path.normcase(cand) != bundled:  # isdir: False where it cannot look
            out.append(Path(cand))
        parent = os.path.dirname(folder)
        if parent == folder:
            return out
        folder = parent


def _places(near: Path | str | None) -> list[tuple[Path, str]]:
    return [(f, "folder") for f in framework_folders(near)] + [(FRAMEWORK_DIR, "bundled")]


def _framework_files(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.glob("*.toml") if p.name != IN_FORCE_FILE)
    except OSError:
        return []


# parsed framework files, kept while their signature holds (and their in-force file's)
_PARSED: dict[str, tuple[Signature, Signature | None, str, Framework]] = {}


def _load_file(path: Path, folder: Path, origin: str) -> Framework:
    sig = _signature(str(path))
    if sig is None and path.exists():
        raise InputError(
            path,
            None,
            "is not a regular file, so it is not a framework.",
            "remove it from the frameworks folder, or put the framework's TOML file there.",
        )
    sidecar = _sidecar_entry(folder, path.stem)
    side_sig = _signature(str(folder / IN_FORCE_FILE)) if sidecar is not None else None
    cached = _PARSED.get(str(path))
    if sig is not None and cached is not None and cached[:3] == (sig, side_sig, origin):
        return cached[3]
    data = read_bytes(path, "framework file", MAX_FRAMEWORK_BYTES)
    fw = parse_framework(data, path, sidecar, origin)
    if fw.id != path.stem:
        raise InputError(
            path,
            "[framework]",
            f"id '{fw.id}' does not match the file name.",
            f'name the file {fw.id}.toml, or set id = "{path.stem}".',
        )
    if sig is not None:
        _PARSED[str(path)] = (sig, side_sig, origin, fw)
    return fw


def _clash(framework_id: str, paths: list[Path]) -> InputError:
    return InputError(
        None,
        None,
        f"framework id '{framework_id}' is given by {len(paths)} files: " + " and ".join(str(p) for p in paths) + ".",
        "an id is unique across the frameworks folders and the bundled frameworks: rename one "
        "(its file and its [framework] id), or remove the copy.",
    )


def available(near: Path | str | None = None) -> list[str]:
    """Ids of the frameworks found from ``near`` (its frameworks folders) and the bundled ones."""
    ids = {p.stem for folder, _ in _places(near) for p in _framework_files(folder) if ID_RE.fullmatch(p.stem)}
    return sorted(ids)


class _Loader:
    """``load_framework(id, near=None)``: the framework with that id, from the frameworks folders at
    or above ``near`` or the bundled ones; an unknown id names the ones that exist, an id two files
    give is refused naming both. Parsed once per file content (``cache_clear`` forgets them)."""

    def __call__(self, framework_id: str, near: Path | str | None = None) -> Framework:
        hits: list[tuple[Path, Path, str]] = []
        if ID_RE.fullmatch(framework_id):
            name = f"{framework_id}.toml"
            for folder, origin in _places(near):
                if os.path.isfile(os.path.join(folder, name)):
                    hits.append((folder / name, folder, origin))
        if not hits:
            raise InputError(
                None,
                None,
                f"unknown framework '{one_line(framework_id, 60)}'.",
                f"use one of: {', '.join(available(near))}.",
            )
        if len(hits) > 1:
            raise _clash(framework_id, [p for p, _, _ in hits])
        path, folder, origin = hits[0]
        return _load_file(path, folder, origin)

    @staticmethod
    def cache_clear() -> None:
        from panel_tui.core.framework import session_copy

        _PARSED.clear()
        _SIDECARS.clear()
        session_copy.cache_clear()


load_framework = _Loader()


@dataclass
class Catalogue:
    """Every framework found from one place: the good ones, and each problem with its file."""

    frameworks: list[Framework]
    problems: list[InputError]


def catalogue(near: Path | str | None = None) -> Catalogue:
    """Every framework from the frameworks folders at or above ``near`` and the bundled ones,
    each parsed; malformed files, clashing ids and in-force entries for no framework are problems."""
    by_id: dict[str, list[tuple[Path, Path, str]]] = {}
    problems: list[InputError] = []
    for folder, origin in _places(near):
        for p in _framework_files(folder):
            if not ID_RE.fullmatch(p.stem):
                problems.append(
                    InputError(
                        p,
                        None,
                        "the file name is not a framework id, so no session can name it.",
                        "rename it to <id>.toml: letters, digits, '.', '-' or '_'.",
                    )
                )
                continue
            by_id.setdefault(p.stem, []).append((p, folder, origin))
        try:
            side = read_sidecar(folder)
        except InputError as exc:
            problems.append(exc)
            side = None
        for fid in side or {}:
            if not (folder / f"{fid}.toml").is_file():
                problems.append(
                    InputError(
                        folder / IN_FORCE_FILE,
                        f"[{one_line(fid, 40)}]",
                        "gives dates for a framework that is not in this folder.",
                        "remove the entry, or correct the id.",
                    )
                )
    found: list[Framework] = []
    for fid, hits in sorted(by_id.items()):
        if len(hits) > 1:
            problems.append(_clash(fid, [p for p, _, _ in hits]))
            continue
        p, folder, origin = hits[0]
        try:
            found.append(_load_file(p, folder, origin))
        except InputError as exc:
            problems.append(exc)
    found.sort(key=lambda f: (f.in_force is None, (f.in_force.start if f.in_force else None) or dt.date.min, f.id))
    unique = list({str(p): p for p in problems}.values())  # a bad in_force.toml fails each file beside it: once
    return Catalogue(found, unique)


def check_file(path: Path) -> list[InputError]:
    """Every problem of one framework file (or of an ``in_force.toml``), for ``framework check``."""
    if path.name == IN_FORCE_FILE:
        try:
            side = read_sidecar(path.parent) if path.is_file() else None
        except InputError as exc:
            return [exc]
        if side is None:
            return [InputError(path, None, "not found.", "check the path.")]
        problems: list[InputError] = []
        for fid, t in side.items():
            r = _Reader(path, "")
            _read_in_force(r, t, f"[{one_line(fid, 40)}]", path)
            problems += r.problems
            if not (path.parent / f"{fid}.toml").is_file():
                problems.append(
                    InputError(
                        path,
                        f"[{one_line(fid, 40)}]",
                        "gives dates for a framework that is not in this folder.",
                        "remove the entry, or correct the id.",
                    )
                )
        return problems
    try:
        data = read_bytes(path, "framework file", MAX_FRAMEWORK_BYTES)
        sidecar = _sidecar_entry(path.parent, path.stem)
    except InputError as exc:
        return [exc]
    problems = framework_problems(data, path, sidecar, expect_id=path.stem)
    if not ID_RE.fullmatch(path.stem):
        problems.insert(
            0,
            InputError(
                path,
                None,
                "the file name is not a framework id, so no session can name it.",
                "rename it to <id>.toml: letters, digits, '.', '-' or '_'.",
            ),
        )
    return problems
