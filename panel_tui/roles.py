"""Who this app acts for: the chair (or the local terminal), a named member, or a follower.

`panel-tui serve` runs one app process per browser connection and tells each process whose link
opened it through its environment (``PANEL_TUI_ROLE``, ``PANEL_TUI_MEMBER``), set by the server from
the link's token: nothing the page sends can reach them. Without them the app is the chair's (the
local terminal keeps every action, as before). The meeting screen asks the role at the few places a
form opens, and the role fixes the identity on what a member records, so a member's entry names
that member whatever the form held.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from panel_tui.core.errors import RuleRefused

ROLE_VARIABLE = "PANEL_TUI_ROLE"
MEMBER_VARIABLE = "PANEL_TUI_MEMBER"
ROLES = ("chair", "member", "follower")
MEMBER_KINDS = frozenset({"dissent"})  # what a member records as themselves (positions later: issue 27)


@dataclass(frozen=True)
class Role:
    """``kind``: chair | member | follower; ``name``: the member's own name (members only)."""

    kind: str = "chair"
    name: str = ""

    @classmethod
    def from_environment(cls, env: Mapping[str, str] | None = None) -> Role:
        """The role the server gave this process; a role it cannot read is the most limited one
        (a follower), never the chair: a typo must not hand out every action."""
        env = os.environ if env is None else env
        kind = env.get(ROLE_VARIABLE, "")
        if not kind:
            return cls()
        name = env.get(MEMBER_VARIABLE, "").strip()
        if kind == "member" and name:
            return cls("member", name)
        if kind == "chair":
            return cls()
        return cls("follower")

    @property
    def is_chair(self) -> bool:
        return self.kind == "chair"

    @property
    def label(self) -> str:
        """The line the meeting screen shows above its footer (nothing for the chair)."""
        if self.kind == "follower":
            return "👁 following: read-only (a follower's link; nothing can be recorded from here)"
        if self.kind == "member":
            return f"● member {self.name}: x records your dissent; the chair records the rest"
        return ""

    def refusal(self, kind: str) -> str | None:
        """Why this role may not open the form for an entry of ``kind`` (None: it may)."""
        if self.kind == "chair":
            return None
        if self.kind == "member" and kind in MEMBER_KINDS:
            return None
        if self.kind == "follower":
            return "Following: this link is read-only; nothing can be recorded from it."
        return f"A member's link records only a dissent as {self.name}; the chair records the rest."

    def allows_action(self, action: str) -> bool:
        """A screen action that writes (or exports, or syncs) is the chair's unless listed for the role."""
        if self.kind == "chair":
            return True
        return self.kind == "member" and action == "dissent"

    def own_fields(self, kind: str, fields: list[Any]) -> list[Any]:
        """A member's form offers only themselves where it asks who makes the entry."""
        if self.kind != "member":
            return fields
        from panel_tui.modals.form_model import FormField

        out = []
        for f in fields:
            if f.name in ("member", "by"):
                f = FormField(f.name, f.label, "select", [(self.name, self.name)], value=self.name)
            out.append(f)
        return out

    def own_entry(self, kind: str, fields: dict[str, Any]) -> dict[str, Any]:
        """The entry as this role may record it: a member's names that member, whatever the
        form held; a kind the role may not record is refused (defence behind the closed form)."""
        reason = self.refusal(kind)
        if reason is not None:
            raise RuleRefused("role", reason)
        if self.kind == "member":
            fields = {**fields, "by": self.name}
            if kind == "dissent":
                fields["member"] = self.name
        return fields

    def draft_key(self, key: str) -> str:
        """Drafts per person: a member's are kept apart from the chair's and each other's."""
        return f"{key} @{self.name}" if self.kind == "member" else key
