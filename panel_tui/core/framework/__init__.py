"""Inspection frameworks as data: standards, bands, scores, overall thresholds, discretion triggers.

Every rule the engine applies comes from a framework file; the code only knows how to read them.
Frameworks are found where the inspectorate keeps them: a ``frameworks/`` folder in the session's
folder or any folder above it (the shared repository), then the ones bundled in
``panel_tui/frameworks``. An id is unique across all of them: two files giving one id are refused,
naming both. A framework is never edited in place: a changed one is a new id, and decision logs
record the SHA-256 of the file they were made under.

A framework file from a folder is hostile input like any other: every key, type and rule is
checked (``framework_problems`` lists each problem; loading refuses the first with file, place and
fix), and nothing in it can make the reader fail another way. When a framework applied (its dates
in force) is written in its own ``[framework.in_force]`` table or, for files whose bytes are pinned
by decision logs (the bundled ones), in ``in_force.toml`` beside them.

One job per module: ``model`` (the dataclasses), ``checks`` (the problem collector), ``reader``
(one file's checks and building), ``in_force`` (dates in force and their sidecar file),
``discovery`` (folders, lookup by id, the catalogue), ``session_copy`` (the rules a session
with a log keeps: its own ``framework.toml``, or a released version by hash).
"""

from panel_tui.core.framework.discovery import (
    FOLDER_NAME,
    FRAMEWORK_DIR,
    Catalogue,
    available,
    catalogue,
    check_file,
    framework_folders,
    load_framework,
)
from panel_tui.core.framework.in_force import IN_FORCE_FILE, read_sidecar
from panel_tui.core.framework.model import (
    MAX_FRAMEWORK_BYTES,
    NOT_RATED,
    OWNERS,
    Band,
    Discretion,
    Framework,
    InForce,
    OverallBand,
    Panel,
    Question,
    RuleNote,
    Standard,
)
from panel_tui.core.framework.reader import framework_problems, parse_framework

__all__ = [
    "FOLDER_NAME",
    "FRAMEWORK_DIR",
    "IN_FORCE_FILE",
    "MAX_FRAMEWORK_BYTES",
    "NOT_RATED",
    "OWNERS",
    "Band",
    "Catalogue",
    "Discretion",
    "Framework",
    "InForce",
    "OverallBand",
    "Panel",
    "Question",
    "RuleNote",
    "Standard",
    "available",
    "catalogue",
    "check_file",
    "framework_folders",
    "framework_problems",
    "load_framework",
    "parse_framework",
    "read_sidecar",
]
