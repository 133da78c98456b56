"""The audit's rows and figures against a generated corpus's own ground truth (tests/unit/audit_corpus.py),
and every output of them (JSON streamed, CSV, workbook, HTML, terminal bars) against the audit itself."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import shutil
import subprocess
import sys

import pytest

from panel_tui.core.audit import run_audit, write_json
from panel_tui.core.audit.breakdown import YEAR_KEYS
from panel_tui.core.audit.names import name_key
from tests.unit.audit_corpus import COUNTS, make_corpus

pytestmark = [pytest.mark.unit, pytest.mark.quick]


@pytest.fixture(scope="module", params=[1, 7])
def corpus(request, tmp_path_factory):
    root = tmp_path_factory.mktemp(f"corpus{request.param}")
    truth = make_corpus(root, 40, request.param)
    return root, truth, run_audit(root)


def _with_rate(counts: dict[str, int]) -> dict[str, object]:
    out: dict[str, object] = dict(counts)
    out["discretion_rate"] = (
        round(counts["with_discretion"] / counts["considered"], 4) if counts["considered"] else None
    )
    return {k: out[k] for k in YEAR_KEYS}


def test_the_corpus_has_what_the_figures_must_tell_apart(corpus):
    root, truth, audit = corpus
    days = {p: s["meeting_date"] for p, s in truth.sessions.items()}
    assert any(d[:4] != truth.sessions[p]["fieldwork"][:4] for p, d in days.items())  # met in another year
    made = [m for ms in truth.made.values() for m in ms]
    assert {m.kind for m in made} >= {"discretion", "declined", "ratification", "retraction", "dissent"}
    assert {m.direction for m in made if m.kind == "ratification"} >= {"uplift", "lowering", "none"}
    assert any(m.outside for m in made) and len({m.chair for m in made if m.chair}) == 3
    assert any(at.endswith("T23:10:00Z") or "T23:" in at for at in (r["at"] for r in audit.decisions))


def test_every_row_carries_its_chair_meeting_date_and_what_replaced_it(corpus):
    _, truth, audit = corpus
    rows = {(d["session"], d["seq"]): d for d in audit.decisions}
    assert not [k for k in rows if k[0] in truth.tampered]  # a broken log gives no row
    checked = 0
    for path, made in truth.made.items():
        if path in truth.tampered:
            continue
        above = {
            low: high for stack in truth.stacks[path].values() for low, high in zip(stack, stack[1:], strict=False)
        }
        for m in made:
            d = rows[(path, m.seq)]
            assert (d["kind"], d["meeting_date"]) == (m.kind, m.day), (path, m)
            assert (name_key(d["chair"]) if d["chair"] else None) == m.chair, (path, m)
            assert d["superseded_by"] == above.get(m.seq), (path, m)
            assert (d["status"] == "retracted") == (m.seq in truth.retracted[path])
            assert d["status"] == "stands" if truth.standing(path, m) else d["status"] != "stands"
            checked += 1
    assert checked == len(audit.decisions)


def test_sessions_carry_their_chair_and_meeting_date(corpus):
    _, truth, audit = corpus
    for rec in audit.sessions:
        want = truth.sessions[rec.path]
        if rec.path in truth.tampered:
            assert not rec.counted and rec.chair is None
            continue
        assert name_key(rec.chair) == want["chair"] and rec.meeting_date == want["meeting_date"]
    by_year: dict[str, int] = {}
    for path, s in truth.sessions.items():  # a log that does not verify tells no date: "unknown"
        year = "unknown" if path in truth.tampered else s["meeting_date"][:4]
        by_year[year] = by_year.get(year, 0) + 1
    assert {y: c["sessions"] for y, c in audit.figures["by_meeting_year"].items()} == by_year
    assert audit.figures["sessions_unreadable_or_broken"] == len(truth.tampered) == 1


@pytest.mark.parametrize(
    "scope,key", [("meeting", "decisions_by_meeting_year"), ("fieldwork", "decisions_by_fieldwork_year")]
)
def test_figures_by_year_match_the_truth(corpus, scope, key):
    _, truth, audit = corpus
    assert audit.figures[key] == {y: _with_rate(c) for y, c in sorted(truth.counts(scope).items())}


def test_figures_by_chair_match_the_truth(corpus):
    _, truth, audit = corpus
    by_chair = audit.figures["by_chair"]
    got = {name_key(name): {k: v for k, v in c.items() if k in YEAR_KEYS} for name, c in by_chair.items()}
    assert got == {k: _with_rate(c) for k, c in truth.counts("chair").items()}
    years = {(name_key(name), y): c for name, ch in by_chair.items() for y, c in ch["by_meeting_year"].items()}
    assert years == {k: _with_rate(c) for k, c in truth.counts("chair_year").items()}
    for name, c in by_chair.items():  # shown by the spelling used on most rows; every spelling listed
        key = name_key(name)
        spelled = {s: n for (k, s), n in truth.spellings.items() if k == key}
        assert c["spellings"] and set(c["spellings"]) <= set(spelled)
        assert spelled[name] == max(spelled[s] for s in c["spellings"])


def test_figures_by_standard_and_meeting_year_match_the_truth(corpus):
    _, truth, audit = corpus
    got = {
        (sid, y): c
        for sid, years in audit.figures["decisions_by_standard_and_meeting_year"].items()
        for y, c in years.items()
    }
    assert got == {k: _with_rate(c) for k, c in truth.counts("standard_year").items()}
    assert list(audit.figures["decisions_by_standard_and_meeting_year"]) == [
        "1.1",
        "1.2",
        "1.3",
        "1.4",
        "2.1",
        "2.2",
        "2.4",
        "3.1",
        "3.2",
        "3.3",
        "3.4",
    ]


def test_lowest_percent_bins_count_each_standing_decision_once(corpus):
    _, _, audit = corpus
    want: dict[str, dict[str, int]] = {}
    for d in audit.decisions:
        if d["status"] != "stands" or d["lowest_percent"] is None:
            continue
        if d["kind"] == "discretion":
            word = {"uplift": "uplifts", "lowering": "lowerings"}.get(d["direction"])
        else:
            word = "kept" if d["kind"] == "declined" and d["flags"] else None
        if word is None:
            continue
        low = min(95, int(d["lowest_percent"]) // 5 * 5)
        want.setdefault(f"{low}-{low + 5}", {"uplifts": 0, "lowerings": 0, "kept": 0})[word] += 1
    assert audit.figures["decisions_by_lowest_percent"] == dict(
        sorted(want.items(), key=lambda kv: int(kv[0].split("-")[0]))
    )
    f = audit.figures
    assert sum(c["uplifts"] for c in f["decisions_by_lowest_percent"].values()) == f["uplifts"]


def test_the_totals_agree_with_the_year_figures(corpus):
    """Two independent paths to the same count: the sessions' tallies (the agenda) and the rows."""
    _, _, audit = corpus
    f = audit.figures
    years = f["decisions_by_meeting_year"].values()
    assert f["uplifts"] == sum(c["uplifts"] for c in years) and f["lowerings"] == sum(c["lowerings"] for c in years)
    assert f["flagged_with_discretion"] == sum(c["with_discretion"] for c in years)
    assert f["flagged_declined"] == sum(c["declined"] for c in years)


def test_streamed_json_csv_and_workbook_say_what_the_audit_says(corpus, tmp_path):
    from panel_tui.cli_audit import write_csvs
    from panel_tui.core.audit.tables import tables
    from panel_tui.core.audit.workbook import workbook_bytes

    root, _, audit = corpus
    out = io.StringIO()
    write_json(root, out.write)
    doc = json.loads(out.getvalue())
    assert doc["format"] == "panel-tui/audit/5"
    assert doc["figures"] == json.loads(json.dumps(audit.figures))
    assert doc["decisions"] == json.loads(json.dumps([d.json() for d in audit.decisions]))

    write_csvs(audit, tmp_path / "csv")
    found = {t: (h, list(rows)) for t, h, rows in tables(audit)}
    figures = list(csv.reader((tmp_path / "csv" / "figures.csv").open(encoding="utf-8-sig")))
    assert figures[0] == list(found["Figures"][0])
    assert [r[:3] for r in figures[1:]] == [[str(x) for x in r[:3]] for r in found["Figures"][1]]
    assert [r[3] for r in figures[1:]] == ["" if r[3] is None else str(r[3]) for r in found["Figures"][1]]
    decisions = list(csv.DictReader((tmp_path / "csv" / "decisions.csv").open(encoding="utf-8-sig")))
    assert len(decisions) == len(audit.decisions)
    assert {
        (r["session"], r["chair"], r["meeting_year"], r["fieldwork_year"], r["lead_inspector"]) for r in decisions
    } == {
        (d["session"], d["chair"] or "", d["meeting_year"] or "", d["year"], d["lead_inspector"])
        for d in audit.decisions
    }

    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.load_workbook(io.BytesIO(workbook_bytes(audit)))
    assert wb.sheetnames == list(found)
    for title, (header, rows) in found.items():
        ws = wb[title]
        assert [c.value for c in ws[1]] == list(header)
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
        assert ws.max_row == len(rows) + 1
    dec = wb["Decisions"]
    cols = {c.value: i for i, c in enumerate(dec[1])}
    first = audit.decisions[0]
    cells = dec[2]
    assert cells[cols["standard"]].data_type == "s" and cells[cols["session"]].value == first["session"]
    assert cells[cols["meeting_date"]].value == dt.datetime.fromisoformat(first["meeting_date"])
    assert cells[cols["seq"]].value == first["seq"] and cells[cols["effective"]].value is first["effective"]
    assert cells[cols["fieldwork_year"]].value == int(first["year"])
    by_chair = wb["By chair"]
    assert [r[0].value for r in by_chair.iter_rows(min_row=2)] == list(audit.figures["by_chair"])
    rate_col = [c.value for c in by_chair[1]].index("discretion_rate")
    assert [r[rate_col].value for r in by_chair.iter_rows(min_row=2)] == [
        c["discretion_rate"] for c in audit.figures["by_chair"].values()
    ]


def test_terminal_bars_are_to_scale_and_always_say_the_number(corpus):
    from panel_tui.core.audit.charts import chart_bars, charts, figure_bars

    _, _, audit = corpus
    four = charts(audit.figures)
    assert len(four) == 5  # the four asked for, and uplifts and lowerings by lowest %
    uplift_rows = chart_bars(four[0], width=20)
    years = audit.figures["decisions_by_meeting_year"]
    assert [(label, value) for label, value, _ in uplift_rows] == [
        (f"{y} {name}", str(c[name])) for y, c in years.items() for name in ("uplifts", "lowerings")
    ]
    top = max(max(c["uplifts"], c["lowerings"]) for c in years.values())
    for _, value, bar in uplift_rows:
        cells = len(bar.rstrip("▏▎▍▌▋▊▉")) + (0.5 if bar and bar[-1] != "█" else 0)
        assert abs(cells - int(value) / top * 20) <= 1
    rates = chart_bars(four[3], width=10)
    assert [v for _, v, _ in rates] == [
        f"{c['discretion_rate'] * 100:.0f}%" for c in audit.figures["by_chair"].values()
    ]
    assert figure_bars(["a", "b", "c"], [0, 4, 8], width=4) == [("a", "0", ""), ("b", "4", "██"), ("c", "8", "████")]
    assert figure_bars(["x"], [0.5], width=4, percent=True) == [("x", "50%", "██")]


def test_names_that_differ_in_case_or_spacing_are_one_chair(tmp_path):
    from panel_tui.core.audit.names import Names

    names = Names()
    keys = {
        names.key(n)
        for n in ("Helen Davies", "helen davies", "Helen  Davies", "Helen Davies <h@x.org>", "Helen Davies")
    }
    assert len(keys) == 1 and names.shown(keys.pop()) == "Helen Davies"
    canon = Names(canonical=lambda n: "Helen Davies" if name_key(n) == "h davies" else n)
    assert canon.key("H  Davies") == canon.key("Helen Davies")


def test_filters_by_chair_and_by_match_any_spelling(corpus):
    from panel_tui.core.audit import filter_values, matches

    _, truth, audit = corpus
    chairs = filter_values(audit.decisions, "chair")
    assert len(chairs) == 3 and len({name_key(c) for c in chairs}) == 3
    helen = [
        d
        for d in audit.decisions
        if matches(d, {"chair": "HELEN  DAVIES", "kind": "discretion", "direction": "uplift", "status": "stands"})
    ]
    expected = sum(
        1
        for p, ms in truth.made.items()
        if p not in truth.tampered
        for m in ms
        if m.chair == "helen davies" and m.kind == "discretion" and m.direction == "uplift" and truth.standing(p, m)
    )
    assert len(helen) == expected > 0


CHROMIUM = (
    shutil.which("chromium")
    or shutil.which("chromium-browser")
    or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
)


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium on this machine to open the HTML report in")
def test_the_html_report_opens_in_a_real_browser(corpus, tmp_path):
    root, _, audit = corpus
    out = tmp_path / "audit.html"
    proc = subprocess.run(
        [sys.executable, "-m", "panel_tui", "audit", str(root), "--html", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    text = out.read_text(encoding="utf-8")
    assert "<script" not in text and "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in text and text.count("<svg") == 5 and "@media print" in text
    shot = tmp_path / "shot.png"
    base = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--window-size=1000,1600",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    proc = subprocess.run([*base, f"--screenshot={shot}", out.as_uri()], capture_output=True, text=True, timeout=120)
    assert shot.exists(), proc.stderr[-500:]
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (1000, 1600) and len(png) > 20_000  # a blank page compresses to a few KB
    proc = subprocess.run([*base, "--dump-dom", out.as_uri()], capture_output=True, text=True, timeout=120)
    rendered = proc.stdout
    for title in (
        "Discretion: uplifts and lowerings by meeting year",
        "Discretion rate by chair",
        "Dissents and retractions by meeting year",
        "By fieldwork year",
        "Sessions not counted",
    ):
        assert title in rendered
    for name in audit.figures["by_chair"]:
        assert name in rendered
    assert next(iter(truth_tampered(audit))) in rendered


def truth_tampered(audit):
    return [s.path for s in audit.sessions if not s.counted]


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None, reason="no LibreOffice (soffice) on this machine to open the workbook in")
def test_libreoffice_reads_the_workbook_as_typed(tmp_path, sessions_dir):
    """What LibreOffice itself makes of the workbook (re-saved by it and read back): "1.1" stays
    text, a rationale starting "- " or "=" is text with no apostrophe and no formula, dates are dates."""
    openpyxl = pytest.importorskip("openpyxl")
    from panel_tui.core.audit import ROW_KEYS, Row
    from panel_tui.core.audit.workbook import workbook_bytes

    audit = run_audit(sessions_dir)
    i = ROW_KEYS.index("rationale")
    texts = ["- the panel weighed it", '=HYPERLINK("http://x.example","click")', "Siobhán said\nso"]
    audit.decisions = [
        Row((*d.values[:i], t, *d.values[i + 1 :])) for d, t in zip(audit.decisions, texts, strict=False)
    ]
    (tmp_path / "a.xlsx").write_bytes(workbook_bytes(audit))
    env = {**os.environ, "HOME": str(tmp_path)}
    for src, fmt, out in (("a.xlsx", "ods", "ods"), ("ods/a.ods", "xlsx", "back")):
        subprocess.run(
            [SOFFICE, "--headless", "--convert-to", fmt, "--outdir", str(tmp_path / out), str(tmp_path / src)],
            capture_output=True,
            timeout=180,
            env=env,
            check=True,
        )
    ws = openpyxl.load_workbook(tmp_path / "back" / "a.xlsx")["Decisions"]
    cols = [c.value for c in ws[1]]
    rows = [{h: c for h, c in zip(cols, r, strict=True)} for r in ws.iter_rows(min_row=2)]
    assert [r["rationale"].value for r in rows] == texts and all(r["rationale"].data_type == "s" for r in rows)
    assert [r["standard"].value for r in rows] == [d["standard"] for d in audit.decisions]
    assert all(r["standard"].data_type == "s" for r in rows)
    assert rows[0]["meeting_date"].value == dt.datetime.fromisoformat(audit.decisions[0]["meeting_date"])
    assert rows[0]["seq"].value == audit.decisions[0]["seq"]


def test_xlsx_without_openpyxl_says_how_to_get_it(tmp_path, sessions_dir, monkeypatch, capsys):
    from panel_tui.cli import main

    monkeypatch.setitem(sys.modules, "openpyxl", None)  # as if not installed: importing it fails
    assert main(["audit", str(sessions_dir), "--xlsx", str(tmp_path / "a.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "needs openpyxl" in err and "pip install 'panel-tui[xlsx]'" in err and "Traceback" not in err
    assert not (tmp_path / "a.xlsx").exists()


def test_text_figures_name_every_year_and_chair_with_their_numbers(corpus):
    root, _, audit = corpus
    proc = subprocess.run(
        [sys.executable, "-m", "panel_tui", "audit", str(root), "--text"], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    f = audit.figures
    assert lines[0].startswith(f"{f['sessions']} sessions, {f['sessions_signed_off']} signed off, 1 not counted")
    for year, c in f["decisions_by_meeting_year"].items():
        assert any(
            line.startswith(f"  {year}: {c['considered']} considered, {c['with_discretion']} with discretion")
            and f"{c['uplifts']} up / {c['lowerings']} down" in line
            for line in lines
        )
    for name, c in f["by_chair"].items():
        assert any(
            line.startswith(f"  {name}: {c['considered']} considered") and f"{c['sessions']} sessions" in line
            for line in lines
        )
        rate = f"{c['discretion_rate'] * 100:.0f}%"
        assert any(line.startswith(f"  {name}") and f" {rate} █" in line for line in lines)  # the rate's bar
    assert "Traceback" not in proc.stderr


def test_a_scan_gives_each_session_as_it_is_read_and_the_same_audit_at_the_end(corpus):
    from panel_tui.core.audit import Scan

    root, _, audit = corpus
    scan = Scan(root, keep_rows=False)
    seen = []
    for rec in scan:
        assert scan.done == len(seen) + 1 and scan.total == len(audit.sessions)
        seen.append((rec.path, [d.values for d in rec.rows]))
    assert seen == [(s.path, [d.values for d in audit.decisions if d["session"] == s.path]) for s in audit.sessions]
    whole = scan.audit()
    assert whole.decisions == [] and whole.figures == audit.figures


def test_run_audit_hands_each_record_with_its_rows_before_its_progress_and_keeps_the_rows(corpus):
    """The audit screen's hook: ``record`` sees each session (its rows on it) before ``progress``
    counts it, and the audit returned is the same as without the hook."""
    root, _, audit = corpus
    events = []
    whole = run_audit(
        root,
        lambda done, total: events.append(("progress", done)),
        record=lambda rec: events.append(("record", rec.path, [d.values for d in rec.rows])),
    )
    expected = []
    for i, s in enumerate(audit.sessions, 1):
        expected += [("record", s.path, [d.values for d in audit.decisions if d["session"] == s.path]), ("progress", i)]
    assert events == expected
    assert [d.values for d in whole.decisions] == [d.values for d in audit.decisions] and whole.figures == audit.figures


def test_rows_before_any_attendance_count_under_no_chair_never_a_person_named_unknown(sessions_dir):
    from panel_tui.core.audit import ROW_KEYS, Row
    from panel_tui.core.audit.breakdown import NO_CHAIR_SHOWN, Breakdown

    audit = run_audit(sessions_dir)
    i = ROW_KEYS.index("chair")
    discretion = [d for d in audit.decisions if d["kind"] == "discretion" and d["status"] == "stands"]
    assert discretion
    b = Breakdown()
    b.add([Row((*d.values[:i], None, *d.values[i + 1 :])) for d in discretion])
    b.add([Row((*d.values[:i], "Unknown", *d.values[i + 1 :])) for d in discretion])
    chairs = b.figures()["by_chair"]
    assert set(chairs) == {"Unknown", NO_CHAIR_SHOWN}
    assert chairs["Unknown"]["uplifts"] + chairs["Unknown"]["lowerings"] == len(discretion)
    assert (
        chairs[NO_CHAIR_SHOWN]["spellings"] == []
        and chairs[NO_CHAIR_SHOWN]["with_discretion"] == chairs["Unknown"]["with_discretion"]
    )


@pytest.mark.parametrize(
    "zone",
    [
        "Europe/London",
        "Pacific/Chatham",
        "Asia/Kathmandu",
        "America/St_Johns",
        "Australia/Lord_Howe",
        "Pacific/Kiritimati",
        "Pacific/Pago_Pago",
    ],
)
def test_meeting_dates_agree_with_a_plain_conversion_of_every_time(zone):
    """The per-hour offset shortcut against converting each time on its own, at random times and
    around every change of clocks of 2024 in zones with half-hour, 45-minute and +14h offsets."""
    import random
    from zoneinfo import ZoneInfo

    from panel_tui.core.audit.rows import meeting_date

    z = ZoneInfo(zone)
    rnd = random.Random(zone)
    base = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    times = [base + dt.timedelta(seconds=rnd.randrange(366 * 86400)) for _ in range(3000)]
    t = base
    while t.year == 2024:  # every minute of the days the clocks change
        if (t + dt.timedelta(days=1)).astimezone(z).utcoffset() != t.astimezone(z).utcoffset():
            times += [t + dt.timedelta(minutes=m) for m in range(0, 2 * 1440, 7)]
        t += dt.timedelta(days=1)
    for when in times:
        at = when.strftime("%Y-%m-%dT%H:%M:%SZ")
        assert meeting_date(at, z) == when.astimezone(z).date().isoformat(), at


def test_hostile_names_are_shown_literally_in_every_output(sessions_dir):
    """A chair's name is user text: in the HTML (and its SVG) it is escaped with control characters
    made visible, in the workbook a text cell, in --text visible; never markup, never a raw escape."""
    from panel_tui.core.audit import ROW_KEYS, Row
    from panel_tui.core.audit.breakdown import Breakdown
    from panel_tui.core.audit.figures import figures
    from panel_tui.core.audit.report import report_html
    from panel_tui.core.audit.text import figure_lines

    audit = run_audit(sessions_dir)
    i = ROW_KEYS.index("chair")
    evil = '<script>alert(1)</script>\x1b[2J "&'
    audit.decisions = [Row((*d.values[:i], evil, *d.values[i + 1 :])) for d in audit.decisions]
    b = Breakdown()
    b.add(audit.decisions)
    audit.figures = figures(audit.sessions, b)
    page = report_html(audit)
    assert "<script" not in page and "\x1b" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;␛[2J &quot;&amp;" in page
    lines = "\n".join(figure_lines(audit.figures))
    assert "\x1b" not in lines and "<script>alert(1)</script>␛[2J" in lines
    openpyxl = pytest.importorskip("openpyxl")
    from panel_tui.core.audit.workbook import workbook_bytes

    ws = openpyxl.load_workbook(io.BytesIO(workbook_bytes(audit)))["By chair"]
    assert ws["A2"].value == '<script>alert(1)</script>␛[2J "&' and ws["A2"].data_type == "s"


@pytest.mark.parametrize("how", ["--json", "--text"])
def test_the_cli_audit_counts_a_person_under_the_name_people_toml_gives(corpus, tmp_path, how):
    """people.toml at the audited folder: a former spelling's rows count under the register name, in
    the figures --json and --text print (the screen passes the same register to the scan)."""
    root, _, audit = corpus
    copy = tmp_path / "corpus"
    shutil.copytree(root, copy)
    (copy / "people.toml").write_text(
        'format = "panel-tui/people/1"\n\n[[person]]\nname = "Helen Davies-Walsh"\nroles = ["chair"]\n'
        'former = ["Helen Davies"]\n',
        encoding="utf-8",
    )
    proc = subprocess.run(
        [sys.executable, "-m", "panel_tui", "audit", str(copy), how],
        capture_output=True,
        text=True,
        env={**os.environ, "PANEL_TUI_GIT": "0"},
    )
    assert proc.returncode == 0, proc.stderr
    before = audit.figures["by_chair"]["Helen Davies"]
    if how == "--json":
        chairs = json.loads(proc.stdout)["figures"]["by_chair"]
        assert "Helen Davies" not in chairs
        after = chairs["Helen Davies-Walsh"]
        assert {k: after[k] for k in COUNTS} == {k: before[k] for k in COUNTS}
    else:
        assert "Helen Davies-Walsh" in proc.stdout
        assert not any(line.strip().startswith("Helen Davies ") for line in proc.stdout.splitlines())
