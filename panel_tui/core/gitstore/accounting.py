"""Merge accounting: whether a merge kept every entry a parent had beyond the common prefix.

An entry must reappear with the same content (a replay: ``replayed_from``) or be kept aside whole
with a cause a replay would have had; otherwise the merge dropped or changed it. Apart from the
walk over a log's history (``lineage_check``) because this is the rule itself, read and tested on
its own (what "the same content" means for each log format).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from panel_tui.core.gitstore.run import REFUSED_FILE, blob
from panel_tui.core.gitstore.versions import LogVersion, common_prefix
from panel_tui.core.inspection import LOG_FILE

# Fields a replay works out afresh or renumbers: everything else of an entry must reappear as it was.
# ``decided_at`` (format 3) is compared on its own: it must be the original's time.
CHAIN_AND_REPLAY = frozenset(
    {
        "seq",
        "prev",
        "hash",
        "replayed_from",
        "evidence",
        "supersedes",
        "answers",
        "outside_criteria",
        "retracts",
        "about",
        "decided_at",
    }
)


def same_content(old: dict[str, Any], new: dict[str, Any], seq_map: dict[int, int]) -> bool:
    """Whether ``new`` re-records ``old``: every field but the chain's and the replay's own equal,
    and references to earlier entries renumbered as the replay renumbered them.

    A format-3 replay (``new`` has ``decided_at``) has the replay's own ``at``: its ``decided_at``
    must be when ``old`` was decided (``old``'s ``decided_at`` if it was replayed before, else its
    ``at``), and ``at`` is not compared. ``entered_by`` (who typed it) is content, compared equal."""
    skip = CHAIN_AND_REPLAY
    if "decided_at" in new:
        if new["decided_at"] != old.get("decided_at", old.get("at")):
            return False
        skip = CHAIN_AND_REPLAY | {"at"}
    elif "decided_at" in old:  # the time it was decided, dropped
        return False
    if {k: v for k, v in old.items() if k not in skip} != {k: v for k, v in new.items() if k not in skip}:
        return False
    for key in ("retracts", "about"):
        if key in old or key in new:
            ref = old.get(key)
            if not isinstance(ref, int) or new.get(key) != seq_map.get(ref, ref):
                return False
    return True


def kept_aside(data: bytes | None) -> list[dict[str, Any]]:
    """Entries in a kept-aside file whose own hash verifies (an entry kept aside exactly as
    recorded); one changed after it was kept aside is not among them."""
    from panel_tui.core.kept_aside import parse_kept_aside

    return [k.entry for k in parse_kept_aside(data)[0] if k.intact] if data is not None else []


def accounted_entries(root: Path, rev: str, rel: str, old: LogVersion, new: LogVersion) -> set[str]:
    """Entries of ``old`` that a replay merge re-recorded with the same content, or kept aside whole
    (in the kept-aside file committed with it, its hash intact). A changed entry carrying
    ``replayed_from``, or a kept-aside line naming only a hash, accounts for nothing."""
    k = common_prefix(old, new)
    lost = old.entries[k:]
    if not lost:
        return set()
    by_origin = {str(e["replayed_from"]): e for e in new.entries if e.get("replayed_from")}
    seq_map = {
        int(e["seq"]): int(by_origin[str(e.get("hash"))]["seq"])
        for e in lost
        if str(e.get("hash")) in by_origin and isinstance(e.get("seq"), int)
    }
    aside = kept_aside(blob(root, rev, rel[: -len(LOG_FILE)] + REFUSED_FILE))
    aside_hashes = {str(k.get("hash")) for k in lost if any(k == a for a in aside)}
    # the other side's entries since the fork: all but those this merge re-recorded (an entry the other
    # side itself re-recorded in an earlier replay carries replayed_from too, and is theirs)
    lost_hashes = {str(x.get("hash")) for x in lost}
    there = [x for x in new.entries[k:] if str(x.get("replayed_from")) not in lost_hashes]
    done = set()
    for e in lost:
        h = str(e.get("hash"))
        again = by_origin.get(h)
        if again is not None and same_content(e, again, seq_map):
            done.add(h)
        elif h in aside_hashes and kept_aside_with_cause(e, there, old.entries, new.entries, aside_hashes):
            done.add(h)
    return done


_SETTLING = {"discretion", "declined", "ratification", "retraction"}


def _settles(e: dict[str, Any], by_seq: dict[Any, dict[str, Any]]) -> str | None:
    """The standard an entry settles (a retraction: of the decision it retracts), or None."""
    if e.get("kind") == "retraction":
        target = by_seq.get(e.get("retracts"))
        return (
            str(target["standard"]) if target and target.get("kind") in _SETTLING and target.get("standard") else None
        )
    return str(e["standard"]) if e.get("kind") in _SETTLING and e.get("standard") else None


def kept_aside_with_cause(
    e: dict[str, Any],
    there: list[dict[str, Any]],
    here_log: list[dict[str, Any]],
    merged_log: list[dict[str, Any]],
    aside_hashes: set[str],
) -> bool:
    """Whether a replay had cause to keep ``e`` aside rather than re-record it: a sign-off (never
    replayed); an entry about a standard the other side settled since the fork (a conflict); an
    entry referring to one kept aside, or to one the other side retracted; or the other side
    signed off, or changed who is present, so the rules may refuse it. Without one of these, a
    merge that "keeps aside" another office's decision is dropping it."""
    if e.get("kind") == "sign-off":
        return True
    if any(x.get("kind") in ("sign-off", "attendance") for x in there):
        return True
    if e.get("kind") == "dismissal" and any(
        x.get("kind") == "dismissal" and x.get("kept_aside") == e.get("kept_aside") for x in there
    ):
        return True  # both offices dismissed the same kept-aside entry: the second is refused
    here = {x.get("seq"): x for x in here_log}  # ``e`` and its references are numbered as recorded here
    merged = {x.get("seq"): x for x in merged_log}  # the other side's entries as numbered in the merge
    standard = _settles(e, here) or (str(e["standard"]) if e.get("kind") == "proposal" and e.get("standard") else None)
    if standard and any(_settles(x, merged) == standard for x in there):
        return True
    targets = [here.get(e.get(key)) for key in ("retracts", "about") if e.get(key) is not None]
    hashes = {str(t.get("hash")) for t in targets if t}
    if hashes & aside_hashes:
        return True
    retracted_there = {
        str(merged.get(x.get("retracts"), {}).get("hash")) for x in there if x.get("kind") == "retraction"
    }
    return bool(hashes & retracted_there)
