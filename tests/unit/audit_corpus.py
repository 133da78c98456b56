"""A generated corpus of sessions for the audit, with its own ground truth.

Each session is recorded entry by entry through the core's writer (as the CLI and the app do):
chairs with spellings that differ only in case or spacing, a chair replaced mid-meeting, decisions
recorded by members, uplifts and lowerings (outside the criteria where the flags do not support
them), declined standards, ratifications that move the lead inspector's band up or down,
decisions superseded and retracted, dissents (some retracted), meetings in another year than the
fieldwork, entries made just before midnight UTC in summer (the next day on the meeting's clock),
meetings left open, and one tampered log. The generator keeps its own model of what stands and who
chaired when, written without the audit's code, so every figure can be checked against it.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import tomli_w

from tests.conftest import SESSIONS

LONDON = ZoneInfo("Europe/London")
CHAIRS = {
    "helen davies": ["Helen Davies", "Helen Davies", "helen davies", "Helen  Davies"],
    "omar khan": ["Omar Khan", "OMAR KHAN"],
    "siobhán walsh": ["Siobhán Walsh"],
}
MEMBERS = ["Ann Member", "Bob Member", "Cat Member"]
FLAGGED = ("2.1", "2.2", "2.4", "3.1", "3.2", "3.3", "3.4")
JUDGED = ("1.1", "1.2", "1.3", "1.4")
BANDS = ["Inadequate", "Requires improvement", "Good", "Outstanding"]
WHY = "The panel weighed the case evidence and the interviews together."
COUNTS = (
    "considered",
    "with_discretion",
    "declined",
    "uplifts",
    "lowerings",
    "outside_criteria",
    "ratifications",
    "ratifications_up",
    "ratifications_down",
    "dissents",
    "retractions",
)


@dataclass
class Made:
    """One entry as the generator meant it."""

    seq: int
    kind: str
    chair: str | None  # the chair's key (lower case, single spaces)
    day: str  # the meeting's local date
    direction: str | None = None
    flagged: bool = False
    outside: bool = False
    group: str | None = None  # the group it stands in ("panel 2.2", "rat 1.1"), None for dissents/retractions
    standard: str | None = None  # its own, or (a retraction, a dissent) the standard of the entry it concerns


@dataclass
class Truth:
    sessions: dict[str, dict] = field(default_factory=dict)  # path -> facts
    made: dict[str, list[Made]] = field(default_factory=dict)  # path -> entries that are rows
    retracted: dict[str, set[int]] = field(default_factory=dict)
    stacks: dict[str, dict[str, list[int]]] = field(default_factory=dict)  # path -> group -> unretracted seqs
    spellings: Counter = field(default_factory=Counter)  # (key, spelling) -> rows under that chair
    tampered: set[str] = field(default_factory=set)

    def standing(self, path: str, m: Made) -> bool:
        if m.seq in self.retracted[path]:
            return False
        return m.group is None or self.stacks[path][m.group][-1] == m.seq

    def counts(self, by: str) -> dict[str, dict[str, int]]:
        """The expected row figures grouped by "meeting", "fieldwork", "chair" or "chair_year"."""
        out: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
        for path, made in self.made.items():
            if path in self.tampered:
                continue
            for m in made:
                key = {
                    "meeting": m.day[:4],
                    "fieldwork": self.sessions[path]["fieldwork"][:4],
                    "chair": m.chair or "unknown",
                    "chair_year": (m.chair or "unknown", m.day[:4]),
                    "standard_year": (m.standard, m.day[:4]),
                }[by]
                if by == "standard_year" and m.standard is None:
                    continue
                c = out[key]
                if m.kind == "retraction":
                    c["retractions"] += 1
                    continue
                if not self.standing(path, m):
                    continue
                if m.kind == "dissent":
                    c["dissents"] += 1
                elif m.kind == "ratification":
                    c["ratifications"] += 1
                    if m.direction in ("uplift", "lowering"):
                        c["ratifications_up" if m.direction == "uplift" else "ratifications_down"] += 1
                else:
                    if m.flagged:
                        c["considered"] += 1
                        c["with_discretion" if m.kind == "discretion" else "declined"] += 1
                    if m.kind == "discretion":
                        c["uplifts"] += m.direction == "uplift"
                        c["lowerings"] += m.direction == "lowering"
                        c["outside_criteria"] += m.outside
        return dict(out)


def _utc(local: dt.datetime) -> str:
    return local.replace(tzinfo=LONDON).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def make_corpus(root: Path, count: int, seed: int) -> Truth:
    from panel_tui.core.engine import rate
    from panel_tui.core.errors import RuleRefused
    from panel_tui.core.inspection import load_inspection
    from panel_tui.core.log import LogState, build_entry, new_header, render_log

    rnd = random.Random(seed)
    truth = Truth()
    template = (SESSIONS / "stockton-2021" / "inspection.toml").read_text(encoding="utf-8")
    frozen = os.environ.get("PANEL_TUI_FROZEN_TIME")
    try:
        for i in range(count):
            fy = 2021 + i % 4
            fieldwork = dt.date(fy, rnd.choice([3, 6, 11, 12]), 10)
            path = f"{fy}/s{i:03d}"
            d = root / path
            d.mkdir(parents=True)
            lead = f"Inspector {i % 5}"
            text = template.replace("Stockton-on-Tees Youth Offending Service", f"Service {i:03d}")
            text = text.replace('lead_inspector = "Maria Jerram"', f'lead_inspector = "{lead}"')
            text = text.replace("fieldwork = 2020-09-21", f"fieldwork = {fieldwork.isoformat()}")
            (d / "inspection.toml").write_text(text, encoding="utf-8")
            insp = load_inspection(d)
            r = rate(insp)
            late = rnd.random() < 0.25  # entries at 23:xx local... made just before midnight UTC in summer
            start = dt.datetime.combine(fieldwork + dt.timedelta(days=rnd.choice([20, 45])), dt.time(9, 0))
            if late:
                start = dt.datetime(start.year, 7, 1, 0, 10)  # 23:10 UTC on 30 June: 1 July in London
            clock = [start]
            os.environ["PANEL_TUI_FROZEN_TIME"] = _utc(start)
            header = tomllib.loads(tomli_w.dumps({"log": new_header(insp)}))["log"]
            state = LogState(d / "decisions.toml", header=header)
            made: list[Made] = []
            stacks: dict[str, list[int]] = defaultdict(list)
            retracted: set[int] = set()
            chair_key = rnd.choice(sorted(CHAIRS))
            truth.sessions[path] = {
                "fieldwork": fieldwork.isoformat(),
                "lead": lead,
                "meeting_date": start.date().isoformat(),
            }

            def add(
                kind: str,
                group: str | None = None,
                direction: str | None = None,
                flagged: bool = False,
                concerns: str | None = None,
                **fields: object,
            ) -> Made:
                clock[0] += dt.timedelta(minutes=rnd.choice([1, 3, 7]))
                os.environ["PANEL_TUI_FROZEN_TIME"] = _utc(clock[0])
                present = [state.attendance["chair"], *MEMBERS[:2]] if state.attendance else []
                fields.setdefault(
                    "by",
                    rnd.choice(present[1:]) if present and rnd.random() < 0.2 else (present[0] if present else "Lead"),
                )
                outside = False
                try:
                    e = build_entry(state, r, kind, dict(fields))
                except RuleRefused as exc:
                    if exc.rule != "outside-criteria":
                        raise
                    e = build_entry(state, r, kind, {**fields, "outside_reason": WHY})
                    outside = True
                state.apply(e)
                m = Made(
                    e["seq"],
                    kind,
                    chair_key if state.attendance and kind != "attendance" else None,
                    clock[0].date().isoformat(),
                    direction,
                    flagged,
                    outside,
                    group,
                    fields.get("standard", concerns),
                )  # type: ignore[arg-type]
                if group is not None:
                    stacks[group].append(m.seq)
                if kind not in ("attendance", "sign-off"):
                    made.append(m)
                    if m.chair:
                        truth.spellings[(chair_key, spelling)] += 1
                return m

            def retract(target: Made) -> None:
                add("retraction", concerns=target.standard, retracts=target.seq, reason=WHY)
                retracted.add(target.seq)
                if target.group is not None:
                    stacks[target.group].remove(target.seq)

            spelling = rnd.choice(CHAIRS[chair_key])
            add("attendance", chair=spelling, members=MEMBERS[:2], by=spelling)
            for sid in JUDGED:
                s = r.standard(sid)
                k = BANDS.index(s.proposed)
                move = rnd.choice([0, 0, 0, 1, -1])
                to = BANDS[max(0, min(3, k + move))]
                dirn = "none" if to == s.proposed else ("uplift" if BANDS.index(to) > k else "lowering")
                fields = {"standard": sid, "to": to} | ({"reason": WHY} if dirn != "none" else {})
                add("ratification", group=f"rat {sid}", direction=dirn, **fields)
            decided: dict[str, Made] = {}
            for n, sid in enumerate(FLAGGED):
                if n == 4 and rnd.random() < 0.3:  # the chair hands over mid-meeting
                    chair_key = rnd.choice(sorted(CHAIRS))
                    spelling = rnd.choice(CHAIRS[chair_key])
                    add("attendance", chair=spelling, members=MEMBERS[:2], by=spelling)
                for _ in range(1 + (rnd.random() < 0.2)):  # sometimes decided again (superseding)
                    k = BANDS.index(r.standard(sid).computed)
                    ways = [w for w in (1, -1) if 0 <= k + w <= 3]
                    if rnd.random() < 0.55:
                        w = rnd.choice(ways)
                        decided[sid] = add(
                            "discretion",
                            group=f"panel {sid}",
                            direction="uplift" if w > 0 else "lowering",
                            flagged=True,
                            standard=sid,
                            to=BANDS[k + w],
                            rationale=WHY,
                            **({"other_evidence": WHY} if "small-sample" in r.standard(sid).flag_names else {}),
                        )
                    else:
                        decided[sid] = add("declined", group=f"panel {sid}", flagged=True, standard=sid, reason=WHY)
                if rnd.random() < 0.12:
                    retract(decided[sid])
                    if not stacks[f"panel {sid}"]:
                        decided[sid] = add("declined", group=f"panel {sid}", flagged=True, standard=sid, reason=WHY)
            for _ in range(rnd.choice([0, 0, 1, 2])):
                about = rnd.choice(list(decided.values()))
                general = rnd.random() >= 0.7  # a dissent from the panel's conclusions generally
                dis = add(
                    "dissent",
                    concerns=None if general else about.standard,
                    member=MEMBERS[1],
                    by=MEMBERS[1],
                    reason=WHY,
                    **({} if general else {"about": about.seq}),
                )
                if rnd.random() < 0.25:
                    retract(dis)
            if rnd.random() < 0.85:
                add("sign-off")
            (d / "decisions.toml").write_bytes(render_log(header, state.entries))
            (d / "framework.toml").write_bytes(insp.framework.path.read_bytes())  # format 4: the session's rules
            truth.made[path], truth.stacks[path], truth.retracted[path] = made, dict(stacks), retracted
            truth.sessions[path]["chair"] = chair_key
        # one log tampered with after it was written: listed, never counted
        victim = sorted(truth.made)[1]
        log = root / victim / "decisions.toml"
        log.write_text(log.read_text(encoding="utf-8").replace(WHY, WHY.replace("panel", "Panel"), 1), encoding="utf-8")
        truth.tampered.add(victim)
    finally:
        if frozen is None:
            os.environ.pop("PANEL_TUI_FROZEN_TIME", None)
        else:
            os.environ["PANEL_TUI_FROZEN_TIME"] = frozen
    return truth
