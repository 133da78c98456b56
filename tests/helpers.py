"""Building small inspection files for rule tests."""

from __future__ import annotations

from pathlib import Path

YOS_JUDGEMENT = {"1.1": "Good", "1.2": "Good", "1.3": "Good", "1.4": "Good"}


def inspection_text(
    cases: dict[str, list],
    judgement: dict[str, str] | None = None,
    framework: str = "hmip-yos-2018",
    head_extra: str = "",
) -> str:
    """TOML for an inspection; ``cases`` maps standard id -> list of (relevant, yes) or percent."""
    judgement = YOS_JUDGEMENT if judgement is None else judgement
    out = [f'[inspection]\nservice = "Test YOS"\nframework = "{framework}"\nfieldwork = 2024-01-15\n{head_extra}']
    for sid, band in judgement.items():
        out.append(f'[[standard]]\nid = "{sid}"\nproposed = "{band}"\n')
    for sid, qs in cases.items():
        out.append(f'[[standard]]\nid = "{sid}"\n')
        for i, q in enumerate(qs, 1):
            out.append(f'[[standard.question]]\nid = "{sid}.{i}"\n')
            if isinstance(q, dict):
                out.append("".join(f"{k} = {v}\n" for k, v in q.items()))
            elif isinstance(q, tuple):
                out.append(f"relevant = {q[0]}\nyes = {q[1]}\n")
            else:
                out.append(f"percent = {q}\n")
    return "\n".join(out)


def all_good_cases(overrides: dict[str, list] | None = None) -> dict[str, list]:
    """Every case standard of the 2018 framework at 8 of 10 (80%), with overrides."""
    base = {sid: [(10, 8)] * 3 for sid in ("2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3")}
    base["3.4"] = [(10, 8), (10, 8)]
    base.update(overrides or {})
    return base


def write_inspection(tmp: Path, text: str, name: str = "s") -> Path:
    d = tmp / name
    d.mkdir(parents=True, exist_ok=True)
    (d / "inspection.toml").write_text(text, encoding="utf-8")
    return d
