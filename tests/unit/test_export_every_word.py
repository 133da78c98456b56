"""Issue 24 item 4: superseded and retracted entries keep every word in every export (md, html, csv),
each saying which entry superseded or retracted it (and why, for a retraction)."""

from __future__ import annotations

import csv

from panel_tui.core.export import build_record, render
from panel_tui.core.record import record

WHY = "Planning for safety fell short only on contingency; the rest was good."
OTHER = "Three cases, all sound, and the manager's audit agreed with the team."
OUTSIDE = "No flag supports Inadequate, but the panel saw unsafe planning in every case."


def test_a_superseded_decision_and_a_retracted_dissent_in_full(stockton_met):
    d = stockton_met
    first = record(
        d, "discretion", {"standard": "2.2", "to": "Good", "rationale": WHY, "other_evidence": OTHER, "by": "A"}
    ).entry
    later = record(
        d, "declined", {"standard": "2.2", "reason": "The panel keeps the computed band after all.", "by": "Chair"}
    ).entry
    dissent = record(
        d,
        "dissent",
        {"member": "B", "about": later["seq"], "reason": "B would uplift 2.2 to Good on the evidence.", "by": "B"},
    ).entry
    undo = record(
        d, "retraction", {"retracts": dissent["seq"], "reason": "B withdrew it after discussion", "by": "Chair"}
    ).entry
    rec = build_record(d)
    assert rec["format"] == "panel-tui/record/3"
    rows = {x["seq"]: x for x in rec["entries_list"]}
    assert (rows[first["seq"]]["superseded_by"], rows[first["seq"]]["fate"]) == (
        later["seq"],
        f"superseded by entry {later['seq']}",
    )
    assert rows[dissent["seq"]]["fate"] == f"retracted by entry {undo['seq']}: B withdrew it after discussion"
    assert [x["seq"] for x in rec["replaced"]] == [first["seq"], dissent["seq"]]

    md, page = render(rec, "md"), render(rec, "html")
    for text in (
        f"Entry {first['seq']}: 2.2 Professional discretion applied (Requires improvement → Good): "
        f"superseded by entry {later['seq']}",
        WHY,
        OTHER,
        f"Entry {dissent['seq']}: Dissent: retracted by entry {undo['seq']}: B withdrew it after discussion",
        f"B dissented from entry {later['seq']} (considered; band kept, standard 2.2).",
        "Reason: B would uplift 2.2 to Good on the evidence.",
    ):
        assert text in md.replace("\\", "") and text.replace("'", "&#x27;") in page, text

    table = {r["seq"]: r for r in csv.DictReader(render(rec, "csv").splitlines()) if r["row"] == "entry"}
    got = table[str(first["seq"])]
    assert (got["status"], got["superseded_by"], got["text"], got["other_evidence"]) == (
        f"superseded by entry {later['seq']}",
        str(later["seq"]),
        WHY,
        OTHER,
    )
    got = table[str(dissent["seq"])]
    assert (got["status"], got["retracted_by"]) == (
        f"retracted by entry {undo['seq']}: B withdrew it after discussion",
        str(undo["seq"]),
    )
    assert table[str(later["seq"])]["status"] == "stands" and table[str(later["seq"])]["superseded_by"] == ""


def test_outside_the_criteria_is_kept_too(stockton_met):
    d = stockton_met
    up = record(
        d,
        "discretion",
        {"standard": "2.2", "to": "Inadequate", "rationale": WHY, "outside_reason": OUTSIDE, "by": "Chair"},
    ).entry
    record(d, "retraction", {"retracts": up["seq"], "reason": "Outside the criteria after all", "by": "Chair"})
    rec = build_record(d)
    md = render(rec, "md").replace("\\", "")
    assert f"Outside the discretion criteria: {OUTSIDE}" in md
    row = next(r for r in csv.DictReader(render(rec, "csv").splitlines()) if r["seq"] == str(up["seq"]))
    assert row["outside_reason"] == OUTSIDE
