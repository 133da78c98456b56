"""Who is present and whether they can decide: the attendance entry's names, the check that who
makes an entry (or dissents) is present, and the framework's quorum (``quorum_shortfall``).

Split from ``rules`` so the quorum, one question with its own message, sits apart from the rules
of each kind of entry; ``rules.validate`` applies these.
"""

from __future__ import annotations

from typing import Any

from panel_tui.core.engine import Rating
from panel_tui.core.errors import RuleRefused
from panel_tui.core.log.entries import (
    ATTENDANCE,
    DECLINED,
    DISCRETION,
    DISMISSAL,
    RATIFICATION,
    RETRACTION,
    SIGN_OFF,
    Entry,
    same_name,
)
from panel_tui.core.log.state import LogState
from panel_tui.core.log.texts import check_name


def check_present(state: LogState, value: Any, role: str) -> None:
    present = state.present
    if not any(same_name(str(value), p) for p in present):
        raise RuleRefused(
            "not-present",
            f"{role} {value!r} is not recorded as present; the panel present is: "
            f"{', '.join(present)}. Use one of these names, or record attendance again "
            "if someone arrived.",
            role,
        )


def check_attendance(rating: Rating, e: Entry, quorum: bool, inquorate_allowed: bool = False) -> None:
    """Names present once each; in format 2, a chair and the framework's quorum of members. From
    format 3 attendance records who is present whatever their number (a late member's arrival is
    an attendance entry too): the quorum is checked on each decision instead (:func:`quorum_shortfall`)."""
    chair = check_name(e.get("chair"), "chair")
    members = e.get("members", [])
    if not isinstance(members, list):
        raise RuleRefused("members", "members must be a list of names.")
    for m in members:
        check_name(m, "member")
    if not quorum:
        return
    names = [chair, *members]
    for i, a in enumerate(names):
        if any(same_name(a, b) for b in names[:i]):
            raise RuleRefused(
                "attendance-duplicate", f"{a!r} is named twice; name each person present once.", "members"
            )
    needed = rating.framework.panel.quorum_members
    if len(members) < needed and not inquorate_allowed:
        raise RuleRefused(
            "quorum",
            f"a panel needs a chair and at least {needed} members present (quorum, "
            f"framework {rating.framework.id}); {len(members)} member"
            f"{'' if len(members) == 1 else 's'} named.",
            "members",
        )


# Entries that decide something: in format 3 each needs the framework's quorum present.
DECIDING = (DISCRETION, DECLINED, RATIFICATION, RETRACTION, SIGN_OFF, DISMISSAL)


def quorum_shortfall(state: LogState, rating: Rating) -> str | None:
    """Why the panel present cannot decide (too few members for the framework's quorum, and who was
    present before and would complete it), or None when it is quorate."""
    a = state.attendance
    if a is None:
        return None
    members = [str(m) for m in a.get("members", [])]
    needed = rating.framework.panel.quorum_members
    if len(members) >= needed:
        return None
    earlier: list[str] = []
    for e in state.entries:
        if e.get("kind") == ATTENDANCE:
            for name in [str(e.get("chair")), *map(str, e.get("members", []))]:
                if not any(same_name(name, p) for p in state.present + earlier):
                    earlier.append(name)
    missing = needed - len(members)
    who = f"; present earlier: {', '.join(earlier)}" if earlier else ""
    return (
        f"the panel is inquorate: {len(members)} member{'' if len(members) == 1 else 's'} present besides the "
        f"chair ({', '.join(members) or 'none'}), and the quorum of framework {rating.framework.id} is a chair "
        f"and {needed}; {missing} more member{'' if missing == 1 else 's'} would complete it{who}. Record the "
        "arrival (attendance) first."
    )
