"""Several offices on one bare remote, doing random things: the model behind the shared-history
property test (a few sequences in the suite) and ``tests/benchmarks/bench_offices.py`` (1,000+).

Two honest offices record entries through the core (as the app and CLI do) and sync, with or
without ``--replay``; a third, Mallory, has push rights and rewrites history: she drops entries in
an ordinary commit, edits an entry's text, or force-pushes a branch without the last commits.

What must hold after every step, for each honest office:
- every entry it was told was recorded is in its log or in its kept-aside file, exactly as
  recorded or re-recorded with the same content (``replayed_from``); nothing is ever lost unseen;
- its log verifies, history included (a sync never adopted a rewrite);
- every sync that refused named why (rewritten, refused history, or diverged).
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import SESSIONS

HONEST = ("a", "b")
MEMBERS = ["Ann Chair", "Bob Member", "Cat Member"]


def git(cwd: Path, *args: str, check: bool = True) -> str:
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise AssertionError(f"git {' '.join(args)}: {proc.stderr}")
    return proc.stdout.strip()


def git_env(tmp: Path) -> dict[str, str]:
    cfg = tmp / "gitconfig"
    cfg.write_text("[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n")
    return {
        "GIT_CONFIG_GLOBAL": str(cfg),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_COMMITTER_NAME": "Office",
        "GIT_COMMITTER_EMAIL": "office@example.invalid",
        "GIT_AUTHOR_NAME": "Office",
        "GIT_AUTHOR_EMAIL": "office@example.invalid",
    }


@dataclass
class World:
    root: Path
    remote: Path
    clones: dict[str, Path]
    recorded: dict[str, list[dict]] = field(default_factory=dict)  # office -> entries it was told were recorded
    refusals: dict[str, int] = field(default_factory=dict)
    steps: int = 0
    counter: int = 0
    rewrites: dict[str, int] = field(default_factory=dict)  # Mallory's pushes, by kind
    last_rewrite: str = ""
    trace: list[str] = field(default_factory=list)  # what happened, step by step (printed on a failure)

    def session(self, office: str) -> Path:
        return self.clones[office] / "s"


def make_world(tmp: Path) -> World:
    remote = tmp / "remote.git"
    git(tmp, "init", "-q", "--bare", "-b", "main", str(remote))
    first = tmp / "a"
    git(tmp, "clone", "-q", str(remote), str(first))
    (first / "s").mkdir()
    shutil.copy(SESSIONS / "stockton-2021" / "inspection.toml", first / "s" / "inspection.toml")
    git(first, "add", ".")
    git(first, "commit", "-q", "-m", "inspection")
    git(first, "push", "-q", "-u", "origin", "main")
    from panel_tui.core import gitstore
    from panel_tui.core.inspection import load_inspection
    from panel_tui.core.log import append_entry

    e = append_entry(
        first / "s",
        load_inspection(first / "s"),
        "attendance",
        {"chair": "Ann Chair", "members": MEMBERS[1:], "by": "Ann Chair"},
    )
    assert gitstore.commit_entry(first / "s", e).status == "committed"
    gitstore.sync(first / "s")
    clones = {"a": first}
    for name in ("b", "m"):
        clones[name] = tmp / name
        git(tmp, "clone", "-q", str(remote), str(clones[name]))
    return World(tmp, remote, clones, {"a": [e], "b": []}, {"a": 0, "b": 0})


def _log(session: Path) -> list[dict]:
    path = session / "decisions.toml"
    return tomllib.loads(path.read_text())["entry"] if path.exists() else []


def _aside(session: Path) -> list[dict]:
    path = session / "decisions.refused.toml"
    return [r["entry"] for r in tomllib.loads(path.read_text())["refused"]] if path.exists() else []


def record(w: World, office: str, rng: random.Random) -> None:
    from panel_tui.core import gitstore
    from panel_tui.core.errors import InputError, RuleRefused
    from panel_tui.core.inspection import load_inspection
    from panel_tui.core.log import append_entry

    s = w.session(office)
    w.counter += 1
    who = rng.choice(MEMBERS)
    kind, fields = rng.choice(
        [
            ("dissent", {"member": who, "reason": f"{office} dissent number {w.counter} on the evidence", "by": who}),
            ("declined", {"standard": "2.1", "reason": f"{office} kept the band, note {w.counter}", "by": who}),
            (
                "discretion",
                {
                    "standard": "2.1",
                    "to": "Outstanding",
                    "by": who,
                    "rationale": f"{office} uplift {w.counter}: practice was consistently strong",
                },
            ),
        ]
    )
    try:
        e = append_entry(s, load_inspection(s), kind, fields)
    except (RuleRefused, InputError):
        return  # refused: nothing was recorded, nothing is owed
    outcome = gitstore.commit_entry(s, e)
    assert outcome.status == "committed", outcome.message
    w.recorded[office].append(e)


def sync(w: World, office: str, rng: random.Random) -> None:
    from panel_tui.core import gitstore
    from panel_tui.core.errors import InputError

    try:
        gitstore.sync(w.session(office), replay=rng.random() < 0.6)
    except gitstore.GitRefused as exc:
        assert exc.rule in ("diverged", "rewritten", "incoming-history", "conflicts", "push"), exc.message
        w.refusals[office] += 1
    except InputError as exc:  # pragma: no cover - never expected here
        raise AssertionError(str(exc)) from None


def mallory(w: World, rng: random.Random) -> None:
    """A collaborator with push rights rewrites the shared log, one way or another."""
    m = w.clones["m"]
    git(m, "fetch", "-q", "origin")
    git(m, "reset", "-q", "--hard", "origin/main")
    log = m / "s" / "decisions.toml"
    if not log.exists():
        return
    text = log.read_text()
    if text.count("\n[[entry]]\n") < 2:
        return
    how = rng.choice(["drop", "edit", "force"])
    w.rewrites[how] = w.rewrites.get(how, 0) + 1
    w.last_rewrite = how
    env = {**os.environ, "GIT_AUTHOR_NAME": "Mallory", "GIT_AUTHOR_EMAIL": "m@example.invalid"}
    if how == "force":
        git(m, "reset", "-q", "--hard", "HEAD~1")
        subprocess.run(["git", "push", "-q", "--force", "origin", "main"], cwd=m, capture_output=True)
        return
    if how == "drop":
        log.write_text(text[: text.rindex("\n[[entry]]\n")])
    else:
        log.write_text(text.replace("dissent number", "dissent NUMBER", 1).replace("kept the band", "KEPT the band", 1))
    subprocess.run(["git", "commit", "-q", "-am", f"mallory {how}"], cwd=m, capture_output=True, env=env)
    subprocess.run(["git", "push", "-q", "origin", "main"], cwd=m, capture_output=True)


def _content(e: dict) -> dict:
    """What its author gave: a re-recorded entry (format 3) keeps when it was decided as decided_at."""
    if "decided_at" in e:
        e = {**e, "at": e["decided_at"]}
    return {
        k: v
        for k, v in e.items()
        if k
        not in (
            "seq",
            "prev",
            "hash",
            "replayed_from",
            "evidence",
            "supersedes",
            "answers",
            "from",
            "band",
            "decided_at",
        )
    }


def check(w: World) -> None:
    """The invariants, for each honest office."""
    from panel_tui.core.gitstore import check_history
    from panel_tui.core.inspection import load_inspection
    from panel_tui.core.log import read_state

    for office in HONEST:
        s = w.session(office)
        log, aside = _log(s), _aside(s)
        held = [_content(e) for e in log] + [_content(e) for e in aside]
        for e in w.recorded[office]:
            assert _content(e) in held, f"office {office} lost {e['kind']} {e.get('reason') or e.get('rationale')}"
        if log:
            state = read_state(s / "decisions.toml", load_inspection(s))
            assert state.problem is None, state.problem
            _, problems = check_history(s)
            assert [p for p in problems if not p.accepted] == [], [p.line("s") for p in problems]


def run_sequence(tmp: Path, seed: int, steps: int = 12) -> World:
    rng = random.Random(seed)
    w = make_world(tmp)
    for _ in range(steps):
        roll = rng.random()
        office = rng.choice(HONEST)
        before = sum(w.rewrites.values()), sum(len(v) for v in w.recorded.values()), sum(w.refusals.values())
        if roll < 0.45:
            record(w, office, rng)
            w.trace.append(
                f"{office} records"
                + ("" if sum(len(v) for v in w.recorded.values()) > before[1] else " (refused by the rules)")
            )
        elif roll < 0.85:
            sync(w, office, rng)
            w.trace.append(f"{office} syncs" + (" (refused)" if sum(w.refusals.values()) > before[2] else ""))
        else:
            mallory(w, rng)
            w.trace.append("mallory " + (w.last_rewrite if sum(w.rewrites.values()) > before[0] else "does nothing"))
        w.steps += 1
        try:
            check(w)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\nsteps: {'; '.join(w.trace)}") from None
    return w
