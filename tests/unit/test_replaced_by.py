"""Which entry superseded or retracted an entry (LogState.superseded_by / retracted_by): the words
"superseded by entry N" and "retracted by entry N: reason" in every export and in the audit rest on them."""

from __future__ import annotations

from panel_tui.core.record import record

WHY = "Planning for safety fell short only on contingency; the rest was good."
KEEP = "The panel keeps the computed band: the evidence is consistent."


def test_a_later_decision_supersedes_and_a_retraction_undoes(stockton_met):
    d2 = record(stockton_met, "discretion", {"standard": "2.2", "to": "Good", "rationale": WHY, "by": "Chair"}).entry
    k3 = record(stockton_met, "declined", {"standard": "2.2", "reason": KEEP, "by": "Chair"}).entry
    st = record(stockton_met, "ratification", {"standard": "1.1", "by": "Chair"}).state
    assert st.superseded_by(d2) == k3["seq"] == 3 and st.superseded_by(k3) is None
    assert st.retracted_by(d2) is None and st.superseded_by(st.entry(1)) is None  # attendance stands

    # the successor retracted: the first decision stands again, superseded by nothing
    st = record(
        stockton_met, "retraction", {"retracts": 3, "reason": "Recorded on the wrong standard", "by": "Chair"}
    ).state
    assert st.retracted_by(k3) == 5 and st.superseded_by(k3) is None
    assert st.superseded_by(d2) is None and st.status_of(d2) == "stands"

    # a third decision: the first is superseded by it, not by the retracted one
    k6 = record(stockton_met, "declined", {"standard": "2.2", "reason": KEEP + " Again.", "by": "Chair"}).entry
    st = record(
        stockton_met, "discretion", {"standard": "2.2", "to": "Good", "rationale": WHY + " Again.", "by": "Chair"}
    ).state
    assert st.superseded_by(d2) == k6["seq"] == 6 and st.superseded_by(k6) == 7
    assert st.superseded_by(st.entry(5)) is None  # a retraction is superseded by nothing


def test_kinds_outside_a_group_are_never_superseded(stockton_met):
    st = record(stockton_met, "dissent", {"member": "A", "reason": "A dissents from the panel here", "by": "A"}).state
    st = record(stockton_met, "dissent", {"member": "B", "reason": "B dissents from the panel too", "by": "B"}).state
    assert [st.superseded_by(e) for e in st.entries] == [None, None, None]
    att = record(stockton_met, "attendance", {"chair": "Chair", "members": ["A", "B", "C"], "by": "Chair"}).state
    assert att.superseded_by(att.entry(1)) == 4  # an arrival supersedes the attendance before it
