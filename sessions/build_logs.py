"""Rebuild the example sessions' decision logs from the published reports (run once; kept for the record).

The reports publish the ratings and, for Stockton, the 2.2 discretion; they do not name the panel
or date its meeting, so entries carry role names and illustrative meeting times: the panel is
taken to sit at 10:00 (UK time) on the Wednesday three weeks after fieldwork began, one entry
every few minutes. Running this again gives the same times (and, unless an inspection or
framework file changed, the same hashes).

    python sessions/build_logs.py
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from zoneinfo import ZoneInfo

from panel_tui.core.engine import rate
from panel_tui.core.inspection import LOG_FILE, load_inspection
from panel_tui.core.log import append_entry as _append_entry

HERE = Path(__file__).resolve().parent
CHAIR = "Ratings panel chair"

STOCKTON_22 = (
    "Planning for desistance met the standard in all eight cases and planning to keep other people "
    "safe was good. Planning for the child's safety fell short in three cases, mainly on contingency "
    "arrangements, one case below the Good band. Taken with the rest of the planning seen, Good is the "
    "more accurate reflection of practice."
)
STOCKTON_DECLINED = {
    "2.1": "Good reflects the assessment seen: desistance and risk-to-others work was thorough but not consistent enough for Outstanding.",
    "2.4": "Reviewing met the standard in every relevant case; the small sub-samples do not cast doubt on Outstanding.",
    "3.1": "Assessment was sufficient in almost every out-of-court case; Outstanding stands on the whole of the evidence.",
    "3.2": "Planning for the child's safety lacked contingency in some cases; Good is a fair reflection and lowering is not warranted.",
    "3.3": "Delivery supported desistance and safety in all cases inspected; Outstanding stands.",
    "3.4": "Recommendations and joint working with the police met the standard in every case; Outstanding stands.",
}
PUBLISHED_KEPT = "The published rating stands; the report records no professional discretion on this standard."


def meeting_clock(fieldwork: str):
    """Illustrative times: 10:00 UK time on the Wednesday three weeks after fieldwork began, then
    a few minutes an entry (set through the clock's frozen time, as the tests do)."""
    start = dt.date.fromisoformat(fieldwork if len(fieldwork) == 10 else fieldwork + "-01") + dt.timedelta(weeks=3)
    start += dt.timedelta(days=(2 - start.weekday()) % 7)
    at = dt.datetime.combine(start, dt.time(10, 0), ZoneInfo("Europe/London")).astimezone(dt.timezone.utc)
    while True:
        os.environ["PANEL_TUI_FROZEN_TIME"] = at.strftime("%Y-%m-%dT%H:%M:%SZ")
        yield
        at += dt.timedelta(minutes=4, seconds=37)


def build(slug: str, members: list[str], declined: dict[str, str], discretion: dict[str, tuple[str, str]]) -> None:
    d = HERE / slug
    log = d / LOG_FILE
    if log.exists():
        log.unlink()
    insp = load_inspection(d)
    clock = meeting_clock(insp.fieldwork)

    def append_entry(*args, **kwargs):  # each entry a few minutes after the one before
        next(clock)
        return _append_entry(*args, **kwargs)

    append_entry(d, insp, "attendance", {"chair": CHAIR, "members": members, "by": CHAIR})
    r = rate(insp)
    for s in r.standards:
        if s.kind == "judgement" and not s.not_rated:
            append_entry(d, insp, "ratification", {"standard": s.id, "by": CHAIR})
    for s in r.standards:
        if s.kind != "cases" or not s.flags:
            continue
        if s.id in discretion:
            to, why = discretion[s.id]
            append_entry(d, insp, "discretion", {"standard": s.id, "to": to, "rationale": why, "by": CHAIR})
        else:
            append_entry(d, insp, "declined", {"standard": s.id, "reason": declined.get(s.id, PUBLISHED_KEPT), "by": CHAIR})
    e = append_entry(d, insp, "sign-off", {"by": CHAIR})
    os.environ.pop("PANEL_TUI_FROZEN_TIME", None)
    print(f"{slug}: {e['seq']} entries, {e['score']}/{e['max_score']} {e['overall']}, head {e['hash']}")


if __name__ == "__main__":
    build("stockton-2021", ["Maria Jerram (lead inspector)", "Panel member"], STOCKTON_DECLINED,
          {"2.2": ("Good", STOCKTON_22)})
    build("leeds-2019", ["Mike Lane (lead inspector)", "Panel member"], {}, {})
    build("hammersmith-2022", ["Rebecca Howard (lead inspector)", "Panel member"], {}, {})
    build("lincolnshire-2023", ["Mike Lane (lead inspector)", "Panel member"], {}, {})
