"""The log replayed: what stands now, folded one entry at a time in constant time per entry.

Each group (the panel's decisions on a standard, its ratifications, its proposals, the
attendance) keeps a stack of its unretracted entries, so a retraction restores the entry before
it without rescanning the log: verify stays linear however long the keep/retract chains get.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from panel_tui.core.log.chain import canonical_hash
from panel_tui.core.log.entries import (
    ATTENDANCE,
    DECLINED,
    DISCRETION,
    DISMISSAL,
    DISSENT,
    PROPOSAL,
    RATIFICATION,
    REOPEN,
    RETRACTION,
    SIGN_OFF,
    Entry,
)

if TYPE_CHECKING:
    from panel_tui.core.engine import Rating

# where the hashes of the entries kept aside beside a log come from: (hashes, the file's problem or None)
KeptAsideSource = Callable[[], tuple[frozenset[str], str | None]]

# kind -> the group whose latest unretracted entry stands
GROUP_OF = {
    DISCRETION: "panel",
    DECLINED: "panel",
    RATIFICATION: "ratified",
    PROPOSAL: "proposals",
    ATTENDANCE: "attendance",
}


@dataclass
class LogState:
    """The log replayed: what stands now, and the first problem found if it does not verify."""

    path: Path
    header: dict[str, Any] | None = None
    entries: list[Entry] = field(default_factory=list)
    problem: str | None = None
    problem_entry: int | None = None
    torn: bool = False
    raw: bytes | None = field(default=None, repr=False)  # the verified bytes (a writer appends to them)
    retracted: dict[int, int] = field(default_factory=dict)  # seq -> seq of the retraction
    signed_off: bool = False
    sign_off_seq: int | None = None
    # (group, standard id or "") -> seqs of its unretracted entries, oldest first; the last stands
    stacks: dict[tuple[str, str], list[int]] = field(default_factory=dict, repr=False)
    # standard id -> the evidence the inspection gives it (the inspection is fixed for a log)
    evidence_cache: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)
    # group -> its standing entries by standard, until the next apply (see _standing)
    standing_memo: dict[str, dict[str, Entry]] = field(default_factory=dict, repr=False, compare=False)
    # format 3: the hash of an entry kept aside (decisions.refused.toml) -> seq of its standing dismissal
    dismissed: dict[str, int] = field(default_factory=dict)
    # The hashes of the entries kept aside beside this log whose own hash verifies: read when a dismissal is
    # first checked (a log without one never reads them), from ``kept_aside_source`` when a caller gives
    # one (a version of the log in git history: the kept-aside file committed beside it), else from the
    # session's folder (the log's). A caller may also set the hashes themselves.
    kept_aside_hashes: frozenset[str] | None = field(default=None, repr=False, compare=False)
    kept_aside_problem: str | None = field(default=None, repr=False, compare=False)
    kept_aside_source: KeptAsideSource | None = field(default=None, repr=False, compare=False)
    # format 4: the SHA-256 of the session's copy of its rules as a version in git history has it (the
    # copy committed beside it; None: none there); without it, the working copy beside the log is read
    framework_copy_source: Callable[[], str | None] | None = field(default=None, repr=False, compare=False)

    # --- what stands ----------------------------------------------------------------------

    def _standing(self, group: str) -> Mapping[str, Entry]:
        """Worked out once per group until the next entry is folded in (``apply`` forgets them):
        the rules and the agenda ask for it several times per entry (31,000 times in an audit of
        1,000 sessions). Read only: every caller shares it."""
        found = self.standing_memo.get(group)
        if found is None:
            found = self.standing_memo[group] = {
                sid: self.entries[stack[-1] - 1] for (g, sid), stack in self.stacks.items() if g == group and stack
            }
        return found

    @property
    def panel(self) -> Mapping[str, Entry]:
        """Standard id -> the standing discretion or declined entry."""
        return self._standing("panel")

    @property
    def ratified(self) -> Mapping[str, Entry]:
        return self._standing("ratified")

    @property
    def proposals(self) -> Mapping[str, Entry]:
        return self._standing("proposals")

    @property
    def attendance(self) -> Entry | None:
        stack = self.stacks.get(("attendance", ""))
        return self.entries[stack[-1] - 1] if stack else None

    def standing(self, kind: str, sid: str | None) -> Entry | None:
        """The standing entry of the group ``kind`` belongs to, for one standard."""
        stack = self.stacks.get((GROUP_OF[kind], sid or ""))
        return self.entries[stack[-1] - 1] if stack else None

    @property
    def head(self) -> str | None:
        if self.entries:
            return str(self.entries[-1]["hash"])
        return canonical_hash(self.header) if self.header else None

    @property
    def next_seq(self) -> int:
        return len(self.entries) + 1

    @property
    def finals(self) -> dict[str, str]:
        """Standard id -> final band from the effective entries."""
        out = {sid: str(e["to"]) for sid, e in self.ratified.items()}
        for sid, e in self.panel.items():
            if e["kind"] == DISCRETION:
                out[sid] = str(e["to"])
        return out

    def kept_aside(self) -> frozenset[str]:
        """The hashes a dismissal may name: entries kept aside beside this log, each intact."""
        if self.kept_aside_hashes is None:
            if self.kept_aside_source is not None:
                self.kept_aside_hashes, self.kept_aside_problem = self.kept_aside_source()
            else:
                from panel_tui.core.kept_aside import intact_hashes  # (it reads the log's own modules)

                self.kept_aside_hashes, self.kept_aside_problem = intact_hashes(self.path.parent)
        return self.kept_aside_hashes

    def dismissal_of(self, kept_hash: str) -> Entry | None:
        """The standing dismissal of the kept-aside entry with this hash (None while it is pending)."""
        seq = self.dismissed.get(kept_hash)
        return self.entries[seq - 1] if seq is not None else None

    def entry(self, seq: int) -> Entry | None:
        return self.entries[seq - 1] if 1 <= seq <= len(self.entries) else None

    def for_standard(self, sid: str) -> list[Entry]:
        """Every entry that concerns ``sid``: those about it, and the dissents and retractions of
        them (a dissent from a keep on 3.4 belongs with 3.4's evidence, not only in the log)."""
        about: set[int] = set()
        out: list[Entry] = []
        for e in self.entries:
            if e.get("standard") == sid:
                about.add(int(e["seq"]))
                out.append(e)
            elif (e["kind"] == DISSENT and e.get("about") in about) or (
                e["kind"] == RETRACTION and e.get("retracts") in about
            ):
                out.append(e)
        return out

    @property
    def present(self) -> list[str]:
        """The chair and members of the standing attendance, as recorded."""
        a = self.attendance
        return [str(a["chair"]), *map(str, a.get("members", []))] if a else []

    def answer_to(self, proposal: Entry) -> Entry | None:
        """The standing discretion or keep that answers a proposal, if any."""
        decision = self.standing(DISCRETION, proposal.get("standard"))
        return decision if decision is not None and decision.get("answers") == proposal["seq"] else None

    def outcome_of(self, proposal: Entry) -> str:
        """pending, accepted, declined or withdrawn (retracted, or replaced by a later proposal)."""
        if proposal["seq"] in self.retracted or not self.is_effective(proposal):
            return "withdrawn"
        answer = self.answer_to(proposal)
        if answer is None:
            return "pending"
        return "accepted" if answer["kind"] == DISCRETION and answer.get("to") == proposal.get("to") else "declined"

    def since(self, head: str | None) -> list[Entry] | None:
        """Entries recorded after ``head``; None when ``head`` is not in this log at all."""
        if head == self.head:
            return []
        if self.header is not None and head == canonical_hash(self.header):
            return list(self.entries)
        for e in self.entries:
            if e["hash"] == head:
                return self.entries[e["seq"] :]
        return None

    def is_effective(self, e: Entry) -> bool:
        seq = e["seq"]
        if seq in self.retracted:
            return False
        group = GROUP_OF.get(e["kind"])
        if group is None:
            return True
        stack = self.stacks.get((group, e.get("standard") or ""))
        return stack is not None and bool(stack) and stack[-1] == seq

    def standing_word(self, e: Entry) -> str:
        """'stands', 'superseded' or 'retracted' for any entry (a proposal too: its outcome is apart)."""
        if e["seq"] in self.retracted:
            return "retracted"
        return "stands" if self.is_effective(e) else "superseded"

    def retracted_by(self, e: Entry) -> int | None:
        """The seq of the retraction that undid ``e``, or None."""
        return self.retracted.get(e["seq"])

    def superseded_by(self, e: Entry) -> int | None:
        """The seq of the entry that replaced ``e`` in its standard's group (the next unretracted
        entry after it there: a later decision, ratification, proposal or attendance), or None
        while ``e`` stands, is retracted, or is of a kind nothing supersedes. A retracted successor
        is not one: when it is undone, ``e`` stands again or the entry after it replaced it."""
        group = GROUP_OF.get(e["kind"])
        if group is None or e["seq"] in self.retracted:
            return None
        stack = self.stacks.get((group, e.get("standard") or ""), [])
        for i, seq in enumerate(stack):
            if seq == e["seq"]:
                return stack[i + 1] if i + 1 < len(stack) else None
        return None

    def status_of(self, e: Entry) -> str:
        """'retracted by N', 'superseded' or 'stands' (a proposal: its outcome): one wording for every view."""
        if e["kind"] == PROPOSAL and e["seq"] not in self.retracted:
            outcome = self.outcome_of(e)
            answer = self.answer_to(e)
            return f"{outcome} (entry {answer['seq']})" if answer is not None else outcome
        word = self.standing_word(e)
        return f"retracted by {self.retracted[e['seq']]}" if word == "retracted" else word

    def missing_for_sign_off(self, rating: Rating) -> list[str]:
        """What must still be recorded before sign-off, in agenda order: the agenda's own "needs the
        panel", so the app's status column, ``n`` and the sign-off check cannot disagree."""
        from panel_tui.core import agenda  # (agenda reads this state; imported here to avoid a cycle)

        missing = []
        if not self.attendance:
            missing.append("attendance is not recorded")
        for s in rating.standards:
            status = agenda.status(self, s)
            if status == agenda.TO_RATIFY:
                missing.append(f"{s.id} is not ratified")
            elif status in (agenda.NEEDS_PANEL, agenda.PROPOSED):
                pending = "; a proposal awaits the panel's answer" if status == agenda.PROPOSED else ""
                missing.append(
                    f"{s.id} is flagged ({', '.join(s.flag_names)}) with no discretion or declined entry{pending}"
                )
            elif status in (agenda.AWAITING_FIGURES, agenda.AWAITING_PROPOSAL):
                missing.append(f"{s.id} is {status}")
        return missing

    # --- folding --------------------------------------------------------------------------

    def apply(self, e: Entry) -> None:
        """Fold one (valid) entry into the state: O(1) but for retracting a buried entry."""
        kind, seq = e["kind"], e["seq"]
        self.standing_memo.clear()
        self.entries.append(e)
        group = GROUP_OF.get(kind)
        if group is not None:
            self.stacks.setdefault((group, e.get("standard") or ""), []).append(seq)
        elif kind == RETRACTION:
            target = self.entries[e["retracts"] - 1]
            self.retracted[target["seq"]] = seq
            tgroup = GROUP_OF.get(target["kind"])
            if target["kind"] == DISMISSAL:  # the kept-aside entry is pending again
                if self.dismissed.get(target["kept_aside"]) == target["seq"]:
                    del self.dismissed[target["kept_aside"]]
            elif tgroup is not None:
                stack = self.stacks[(tgroup, target.get("standard") or "")]
                if stack and stack[-1] == target["seq"]:
                    stack.pop()  # the usual case: undoing the standing entry
                else:
                    stack.remove(target["seq"])
        elif kind == DISMISSAL:
            self.dismissed[e["kept_aside"]] = seq
        elif kind == SIGN_OFF:
            self.signed_off, self.sign_off_seq = True, seq
        elif kind == REOPEN:
            self.signed_off, self.sign_off_seq = False, None
