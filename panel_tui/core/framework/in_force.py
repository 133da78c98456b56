"""When a framework applied: its dates in force, in its own file or in ``in_force.toml`` beside it.

Dates may be added after a framework is in use, but the bytes of a framework a decision log was
made under never change; so its dates can live in a sidecar file of the folder, read here.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from panel_tui.core.display import one_line
from panel_tui.core.errors import InputError
from panel_tui.core.framework.checks import _KEYS, _Reader
from panel_tui.core.framework.model import MAX_FRAMEWORK_BYTES, InForce
from panel_tui.core.tomlfile import decode_text, parse_toml, read_bytes

IN_FORCE_FILE = "in_force.toml"  # dates in force for the frameworks of the folder it is in (not a framework)


def _read_in_force(r: _Reader, t: dict[str, Any], place: str, file: Path) -> InForce | None:
    r.keys(t, _KEYS["in_force"], place)
    start = r.get(t, "from", "date", place, required=False)
    until = r.get(t, "until", "date", place, required=False)
    source = r.get(t, "source", "text", place, required=False, default="")
    note = r.get(t, "note", "text", place, required=False, default="")
    if start is None and until is None and "from" not in t and "until" not in t:
        r.problem(place, "gives neither 'from' nor 'until'.", "add from = 2021-10-13 (and until = ..., when it ended).")
        return None
    if start is not None and until is not None and until < start:
        r.problem(
            place, f"'until' ({until.isoformat()}) is before 'from' ({start.isoformat()}).", "swap or correct them."
        )
        return None
    return InForce(start, until, source, note, file)


Signature = tuple[int, int, int, int]


def _signature(path: str) -> Signature | None:
    """What tells a file's versions apart without reading it (None: no regular file there)."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino, st.st_dev)


# parsed in-force files, kept while their signature holds (a changed file is read again)
_SIDECARS: dict[str, tuple[Signature, dict[str, Any] | InputError]] = {}


def read_sidecar(folder: Path) -> dict[str, Any] | None:
    """``in_force.toml`` of a frameworks folder: framework id -> its dates table (None when absent).
    A malformed one is refused (InputError), as any file we read is."""
    path = folder / IN_FORCE_FILE
    sig = _signature(str(path))
    if sig is None:
        if path.exists():  # a folder or a device where the file belongs: refused as any such input
            read_bytes(path, "in-force file", MAX_FRAMEWORK_BYTES)
        return None
    cached = _SIDECARS.get(str(path))
    if cached is not None and cached[0] == sig:
        found = cached[1]
    else:
        data = read_bytes(path, "in-force file", MAX_FRAMEWORK_BYTES)
        try:
            doc = parse_toml(decode_text(data, path, "in-force file"), path, "in-force file")
            bad = next((k for k, v in doc.items() if not isinstance(v, dict)), None)
            found = (
                InputError(
                    path,
                    f"[{one_line(bad, 40)}]",
                    "each entry must be a table named by a framework id.",
                    "write [hmip-yjs-2021] then from = ..., until = ...",
                )
                if bad is not None
                else doc
            )
        except InputError as exc:
            found = exc
        _SIDECARS[str(path)] = (sig, found)
    if isinstance(found, InputError):
        raise found
    return found


def _sidecar_entry(folder: Path, framework_id: str) -> tuple[dict[str, Any], Path] | None:
    side = read_sidecar(folder)
    if side is None or framework_id not in side:
        return None
    return side[framework_id], folder / IN_FORCE_FILE
