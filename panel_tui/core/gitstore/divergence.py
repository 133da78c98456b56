"""Diverged logs and what a replay may re-record: the pure part of settling two offices' entries.

Which session logs both sides recorded on since they parted, which local entries conflict with
the other side's (kept aside for people to settle, never dropped), and the fields an entry is
re-recorded with. Apart from the replay itself so that the app's preview and the replay agree by
construction, and so these rules can be read (and tested) without a merge in progress.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from panel_tui.core.errors import RuleRefused
from panel_tui.core.gitstore.run import REFUSED_FILE, _out, blobs, shell_quote
from panel_tui.core.gitstore.versions import _one_line, common_prefix, entry_line, parse_version
from panel_tui.core.inspection import LOG_FILE


@dataclass
class Divergence:
    """One session log recorded on both sides since they parted."""

    rel: str
    common: int  # entries both sides share
    here: list[dict[str, Any]]
    there: list[dict[str, Any]]
    there_bytes: bytes = field(repr=False, default=b"")

    def lines(self, up: str) -> list[str]:
        out = [
            f"{self.rel}: both sides recorded after entry {self.common}"
            if self.common
            else f"{self.rel}: both sides recorded a log of their own"
        ]
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


def diverged_message(root: Path, up: str, logs: list[Divergence], others: list[str]) -> str:
    if not logs:
        return (
            f"{root} and {up} diverged (commits on both sides) in files other than decision logs: "
            f"{', '.join(others) or '(none in common)'}; these are left to git. Fix: `git -C {shell_quote(root)} pull` "
            "(a merge), then `panel-tui sync`. Nothing was changed."
        )
    lines = [f"the decision logs diverged from {up} (entries recorded in both places); nothing was changed."]
    for d in logs:
        lines += d.lines(up)
    if others:
        lines.append(f"  other files changed on both sides are left to git: {', '.join(others)}")
    lines.append(
        "Fix: `panel-tui sync --replay` (in the app: Git: Sync and replay, which shows what it would do "
        f"first) re-records the entries made here after {up}'s (new seq and hash; each keeps its old hash "
        "as replayed_from). One about a standard the other office settled since, any sign-off, and one "
        f"the rules now refuse are kept aside in {REFUSED_FILE} for the chair to settle; or agree with "
        "the other office first."
    )
    return "\n".join(lines)


# Worked out afresh when an entry is re-recorded (from the inspection and the merged log), or the
# chain's own; everything else is what its author gave and is re-recorded as it was.
_DERIVED = {
    "seq",
    "prev",
    "hash",
    "evidence",
    "supersedes",
    "answers",
    "outside_criteria",
    "ratings",
    "score",
    "max_score",
    "overall",
    "entry_count",
    "replayed_from",
    "kind",
    "from",
    "band",
}


# Entries that settle a standard: a local one about a standard the other side settled is a conflict.
_SETTLING = {"discretion", "declined", "ratification", "retraction"}


def replay_fields(e: dict[str, Any], seq_map: dict[int, int | None], log_format: str | None = None) -> dict[str, Any]:
    """The fields to re-record an entry with: what its author gave, references renumbered.

    ``log_format``: the format of the log it is replayed onto (by default that of the entry's own
    log: format 3 when it has ``entered_by``). In format 3 the replayed entry's ``at`` is the
    replay's (the writer's clock) and the original time is kept as ``decided_at``; ``entered_by``
    (who typed it) is kept as it was. In formats 1 and 2 the entry keeps its original ``at``.

    Raises RuleRefused when it refers to an entry that was itself kept aside.
    """
    from panel_tui.core.log.entries import ENTERED_BY_FORMATS, LOG_FORMAT_V2, LOG_FORMAT_V3

    if log_format is None:
        log_format = LOG_FORMAT_V3 if "entered_by" in e else LOG_FORMAT_V2
    fields = {k: v for k, v in e.items() if k not in _DERIVED}
    if log_format in ENTERED_BY_FORMATS:
        fields["decided_at"] = e.get("decided_at", e.get("at"))  # replayed twice: still the first time
        fields.pop("at", None)
    for key in ("retracts", "about"):
        old = fields.get(key)
        if isinstance(old, int) and old in seq_map:
            if seq_map[old] is None:
                raise RuleRefused("refers-to-refused", f"it refers to entry {old}, which was kept aside.")
            fields[key] = seq_map[old]
    fields["replayed_from"] = e["hash"]
    return fields


def _standard_of(e: dict[str, Any], by_seq: dict[int, dict[str, Any]]) -> str | None:
    """The standard an entry settles (a retraction: the standard of the entry it retracts)."""
    if e.get("kind") == "retraction":  # undoing a decision settles its standard; withdrawing a proposal does not
        target = by_seq.get(e.get("retracts"))  # type: ignore[arg-type]
        settles = target and target.get("kind") in _SETTLING and target.get("standard")
        return str(target["standard"]) if settles else None  # type: ignore[index]
    return str(e["standard"]) if e.get("standard") else None


def _what(e: dict[str, Any]) -> str:
    kind = e.get("kind")
    if kind == "discretion":
        text = f"moved to {e.get('to')}"
    elif kind == "declined":
        text = f"kept {e.get('band')}"
    elif kind == "ratification":
        text = f"ratified {e.get('to')}"
    elif kind == "retraction":
        text = f"retracted entry {e.get('retracts')}"
    else:
        text = str(kind)
    return f"{text} by {_one_line(str(e.get('by')), 60)}"


def conflicts(d: Divergence, common: list[dict[str, Any]]) -> dict[str, str]:
    """Local entries (by hash) that must not be re-recorded after the other side's, with why: one
    about a standard the other side settled since the fork (a conflict for people to settle), and
    any sign-off (the chair signs off again on the merged log)."""
    by_seq = {int(e["seq"]): e for e in [*common, *d.there, *d.here] if isinstance(e.get("seq"), int)}
    there_by_seq = {int(e["seq"]): e for e in [*common, *d.there] if isinstance(e.get("seq"), int)}
    settled: dict[str, dict[str, Any]] = {}
    for e in d.there:
        sid = _standard_of(e, there_by_seq)
        if e.get("kind") in _SETTLING and sid:
            settled[sid] = e
    out: dict[str, str] = {}
    for e in d.here:
        if e.get("kind") == "sign-off":
            out[str(e["hash"])] = (
                "a sign-off is never replayed: the panel signed off on a log without the other "
                "office's entries; the chair signs off again on the merged log"
            )
            continue
        if e.get("kind") == "dismissal":
            there = next(
                (x for x in d.there if x.get("kind") == "dismissal" and x.get("kept_aside") == e.get("kept_aside")),
                None,
            )
            if there is not None:
                out[str(e["hash"])] = (
                    f"conflict on the kept-aside entry {str(e.get('kept_aside'))[:12]}: here "
                    f"dismissed by {_one_line(str(e.get('by')), 60)}; there dismissed by "
                    f"{_one_line(str(there.get('by')), 60)} (entry {there.get('seq')})"
                )
                continue
        sid = _standard_of(e, by_seq)
        if e.get("kind") in _SETTLING | {"proposal"} and sid in settled:
            there = settled[sid]
            out[str(e["hash"])] = (
                f"conflict on {sid}: here {_what(e)}; there {_what(there)} (entry {there.get('seq')}). "
                "The chair settles it by recording a decision knowingly"
            )
    return out
