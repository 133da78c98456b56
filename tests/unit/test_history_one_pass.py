"""The audit's one-pass history (issue 26) against each session's own check, on one repository
holding clean logs and every kind of bad history the suite knows: for every session the same
word, the same accepted rewrites and the same problem lines, and each bad session caught with
the word expected of it (so a one-pass reading that skipped a session's versions fails here)."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
import tomli_w

from panel_tui.core import gitstore
from panel_tui.core.log.chain import canonical_hash, render_log
from tests.unit.gitrepos import Shared, git, needs_git
from tests.unit.test_gitstore import attend, dissent, record
from tests.unit.test_history_attacks import commit_as
from tests.unit.test_history_attacks_2 import conflicted

pytestmark = needs_git

WHY = "The panel kept the band on the evidence it read"


def _session(clone: Path, name: str) -> Path:
    s = clone / "sessions" / name
    s.mkdir()
    # each its own inspection: logs with one inspection, framework and `created` are one record (copies)
    (s / "inspection.toml").write_bytes(
        (clone / "sessions" / "stockton" / "inspection.toml").read_bytes() + b"# %s\n" % name.encode()
    )
    git(clone, "add", f"sessions/{name}/inspection.toml")
    git(clone, "commit", "-q", "-m", f"{name} inspection")
    return s


def _three(s: Path) -> None:
    attend(s)
    dissent(s, "Bob Member", 1)
    dissent(s, "Cat Member", 2)


def _rechain(entries: list[dict]) -> list[dict]:
    """Every prev and hash worked out again after the entries were edited (valid on its own)."""
    prev = None
    for e in entries:
        e.pop("hash", None)
        if prev is not None:
            e["prev"] = prev
        e["hash"] = prev = canonical_hash(e)
    return entries


def _edit(s: Path, change) -> None:
    doc = tomllib.loads((s / "decisions.toml").read_text())
    (s / "decisions.toml").write_bytes(render_log(doc["log"], change(doc["entry"])))


def _cut_last(s: Path) -> None:
    text = (s / "decisions.toml").read_text()
    (s / "decisions.toml").write_text(text[: text.rindex("\n[[entry]]\n")])


def _signed(s: Path) -> None:
    attend(s)
    for sid in ("1.1", "1.2", "1.3", "1.4"):
        record(s, "ratification", standard=sid, by="Ann Chair")
    for sid in ("2.1", "2.4", "3.1", "3.2", "3.3", "3.4"):
        record(s, "declined", standard=sid, reason=WHY, by="Ann Chair")
    record(
        s,
        "discretion",
        standard="2.2",
        to="Good",
        rationale="Practice in the cases was good on the whole",
        by="Ann Chair",
    )
    record(s, "sign-off", by="Ann Chair")


def build(shared: Shared) -> tuple[Path, dict[str, str | None], dict[str, str]]:
    """Clone b with a genuine replay (stockton) and a session of each kind; (clone, the word
    expected of each session, a problem line expected among each bad session's problems)."""
    conflicted(shared)  # sessions/stockton: a replay merge that kept B's entry aside, on the record
    clone = shared.b
    expected: dict[str, str | None] = {"stockton": None}
    among: dict[str, str] = {}
    for name in ("clean", "clean-2"):
        _three(_session(clone, name))
        expected[name] = None
    s = _session(clone, "dropped")
    _three(s)
    _cut_last(s)
    commit_as(clone, "Mallory", "drop")
    expected["dropped"] = "drops entry 3"
    s = _session(clone, "changed")
    _three(s)
    _edit(s, lambda es: _rechain([*es[:1], {**es[1], "reason": "A reason the member never gave"}, *es[2:]]))
    commit_as(clone, "Mallory", "reword")
    expected["changed"] = "changes entry 2"
    s = _session(clone, "rechained")
    _three(s)
    _edit(
        s, lambda es: [es[0], {**es[1], "prev": "0" * 64, "hash": canonical_hash({**es[1], "prev": "0" * 64})}, es[2]]
    )
    commit_as(clone, "Mallory", "re-chain")
    expected["rechained"], among["rechained"] = "does not verify on its own", "re-chains entry 2"
    s = _session(clone, "reordered")
    _three(s)
    head, *parts = (s / "decisions.toml").read_text().split("\n[[entry]]\n")
    (s / "decisions.toml").write_text("\n[[entry]]\n".join([head, parts[0], parts[2], parts[1]]))
    commit_as(clone, "Mallory", "reorder")
    expected["reordered"], among["reordered"] = "does not verify on its own", "reorders entries (entry 2 is now at"
    s = _session(clone, "garbage")
    _three(s)
    good = (s / "decisions.toml").read_bytes()
    (s / "decisions.toml").write_bytes(good + b"\n[[entry]]\nthis is = = not toml\n")
    commit_as(clone, "Mallory", "garbage")
    (s / "decisions.toml").write_bytes(good[: good.rindex(b"\n[[entry]]\n")])
    commit_as(clone, "Mallory", "and a drop")
    expected["garbage"], among["garbage"] = "does not verify on its own", "drops entry 3"
    s = _session(clone, "merge-drop")  # a dummy branch and `merge -s ours` "keeping aside" entries 2-3
    attend(s)
    fork = git(clone, "rev-parse", "HEAD")
    dissent(s, "Bob Member", 1)
    dissent(s, "Cat Member", 2)
    full = tomllib.loads((s / "decisions.toml").read_text())["entry"]
    git(clone, "checkout", "-q", "-b", "dummy", fork)
    git(clone, "commit", "-q", "--allow-empty", "-m", "dummy")
    git(clone, "checkout", "-q", "main")
    git(clone, "merge", "-q", "--no-ff", "-s", "ours", "dummy", "-m", "sync: replay")
    _edit(s, lambda es: es[:1])
    aside = [
        {"at": "2026-12-02T15:00:00Z", "reason": "conflict", "replayed_onto": "0" * 64, "entry": e} for e in full[1:]
    ]
    (s / gitstore.REFUSED_FILE).write_text(tomli_w.dumps({"refused": aside}))
    git(clone, "add", "sessions/merge-drop")
    git(clone, "commit", "-q", "--amend", "--no-edit")
    expected["merge-drop"] = "drops entries 2-3"
    s = _session(clone, "evil-merge")  # both parents hold the same log; the merge itself drops an entry
    _three(s)
    git(clone, "checkout", "-q", "-b", "side")
    git(clone, "commit", "-q", "--allow-empty", "-m", "side")
    git(clone, "checkout", "-q", "main")
    git(clone, "commit", "-q", "--allow-empty", "-m", "main")
    git(clone, "merge", "-q", "--no-ff", "--no-commit", "side")
    _cut_last(s)
    git(clone, "add", "sessions/evil-merge")
    git(clone, "commit", "-q", "-m", "merge side")
    expected["evil-merge"] = "drops entry 3"
    s = _session(clone, "accepted")
    _three(s)
    _cut_last(s)
    sha = commit_as(clone, "Mallory", "rebuilt")
    (clone / gitstore.ACCEPTED_FILE).write_text(
        f'[[rewrite]]\npath = "sessions/accepted/decisions.toml"\ncommit = "{sha}"\nreason = "a test"\n'
    )
    git(clone, "add", gitstore.ACCEPTED_FILE)
    git(clone, "commit", "-q", "-m", "accept")
    expected["accepted"] = None
    s = _session(clone, "rules-changed")
    _three(s)
    with open(s / "framework.toml", "a", encoding="utf-8") as fh:
        fh.write("# a bar moved quietly\n")
    commit_as(clone, "Mallory", "rules")
    expected["rules-changed"] = "changes framework.toml"
    s = _session(clone, "tag-without")
    _three(s)
    third = tomllib.loads((s / "decisions.toml").read_text())["entry"][2]["hash"]
    git(clone, "tag", "-a", "-m", f"sign-off\n\nhead {third}\n", "panel/sessions/tag-without/sign-off-3")
    expected["tag-without"] = "names a sign-off (entry 3"
    s = _session(clone, "signed")
    _signed(s)
    expected["signed"] = None
    s = _session(clone, "tag-moved")
    first = git(clone, "rev-parse", "HEAD")  # its inspection's commit: no log there
    _signed(s)
    tag = "panel/sessions/tag-moved/sign-off-13"
    message = git(clone, "for-each-ref", "--format=%(contents)", f"refs/tags/{tag}")
    git(clone, "tag", "-f", "-a", "-m", message, tag, first)
    expected["tag-moved"] = "the tag was moved"
    s = _session(clone, "working-drop")
    _three(s)
    _cut_last(s)  # not committed: the working file no longer extends its last commit
    expected["working-drop"] = "in the working tree drops entry 3"
    return clone, expected, among


def _verified(s: Path) -> bytes | None:
    """The log's bytes when it verifies on its own, as the audit hands them to the history check."""
    from panel_tui.core.inspection import load_inspection
    from panel_tui.core.log import read_state

    state = read_state(s / "decisions.toml", load_inspection(s))
    return state.raw if state.problem is None else None


def test_the_one_pass_history_says_what_each_sessions_own_check_says(shared: Shared) -> None:
    from panel_tui.core.gitstore.history import _one_pass, check_history, history_report, one_history_per_repository
    from panel_tui.core.gitstore.lineage_check import session_problems
    from panel_tui.core.gitstore.run import one_look_per_folder

    clone, expected, among = build(shared)
    folders = {name: clone / "sessions" / name for name in expected}
    for verified_too in (True, False):  # the audit hands over the verified bytes; verify does not
        given = {name: _verified(f) if verified_too else None for name, f in folders.items()}
        alone = {name: history_report(f, given[name]) for name, f in folders.items()}
        lines_alone = {}
        for name, f in folders.items():
            rel, problems = check_history(f, given[name])
            lines_alone[name] = [p.line(rel or "") for p in problems]
        with one_look_per_folder(), one_history_per_repository():
            together = {name: history_report(f, given[name]) for name, f in folders.items()}
            lines_together = {}
            for name, f in folders.items():
                one = _one_pass(f)
                assert isinstance(one, tuple)
                root, rel, found, store = one
                lines_together[name] = [p.line(rel) for p in session_problems(root, rel, f, found, store, given[name])]
        assert together == alone
        assert lines_together == lines_alone
        for name, want in expected.items():
            word, accepted = alone[name]
            if want is None:
                assert word is None, (name, word)
            else:
                assert word is not None and want in word, (name, word)
            if name in among:
                assert any(among[name] in line for line in lines_alone[name]), (name, lines_alone[name])
        assert alone["accepted"][1] and alone["accepted"][1][0].endswith(": a test")
        assert not any(accepted for name, (_, accepted) in alone.items() if name != "accepted")
    # and the audit itself, which asks only of logs that verify on their own
    from panel_tui.core.audit import run_audit

    status = {Path(rec.path).name: rec.log_status for rec in run_audit(clone).sessions}
    checked = [name for name, f in folders.items() if _verified(f) is not None]
    assert {"clean", "dropped", "changed", "merge-drop", "tag-moved", "working-drop"} <= set(checked)
    for name in checked:
        word = alone[name][0]
        assert status[name] == word if word else status[name].startswith("intact"), (name, status[name], word)


def test_the_history_read_while_the_audit_starts_is_the_one_read_later(shared: Shared) -> None:
    """prefetch.start reads HEAD's history beside the audit's start; lineages takes it once, log and
    heads of that one commit (an entry committed meanwhile is read by the next reading)."""
    from panel_tui.core.gitstore.lineage import lineages
    from panel_tui.core.gitstore.prefetch import start, take

    s = shared.session(shared.a)
    _three(s)
    root, rel = shared.a, "sessions/stockton/decisions.toml"
    plain = lineages(root)
    start(s)
    dissent(s, "Bob Member", 3)  # HEAD moves after the reading began
    early = lineages(root)
    assert take(root) is None  # taken once
    assert [(e.commit, e.old, e.new) for e in early[rel].edges] == [(e.commit, e.old, e.new) for e in plain[rel].edges]
    assert early[rel].head == plain[rel].head == early[rel].edges[0].new
    later = lineages(root)
    assert len(later[rel].edges) == len(early[rel].edges) + 1 and later[rel].head == later[rel].edges[0].new


def _audit_doc(clone: Path) -> dict:
    import json

    from panel_tui.core.audit import write_json

    out: list[str] = []
    write_json(clone, out.append)
    return json.loads("".join(out))


def test_sessions_held_while_git_reads_the_history_come_out_as_read_at_once(shared: Shared, monkeypatch) -> None:
    """While the repository's `git log` still runs, the scan reads later sessions' own files first
    and finishes them in order once it is read: the audit document (rows, sessions, their order,
    words and figures) is the one the scan gives without holding any, and so is one that holds at
    most two at a time, or at most one log's bytes, or none (a byte)."""
    from panel_tui.core.audit import scan
    from panel_tui.core.gitstore import prefetch

    clone, _expected, _among = build(shared)
    plain = _audit_doc(clone)
    assert len(plain["sessions"]) >= 8 and plain["decisions"]
    events: list[tuple[str, str]] = []
    made, finish = scan.Reading.__init__, scan.Reading.finish

    def made_and_noted(self, folder: Path, root: Path) -> None:
        made(self, folder, root)
        events.append(("read", self.rec.path))

    def finished_and_noted(self):
        events.append(("finished", self.rec.path))
        return finish(self)

    monkeypatch.setattr(scan.Reading, "__init__", made_and_noted)
    monkeypatch.setattr(scan.Reading, "finish", finished_and_noted)
    sizes = sorted((f / "decisions.toml").stat().st_size for f in (clone / "sessions").iterdir())
    for at_most, at_most_bytes, first in ((500, 2**30, None), (2, 2**30, 3), (500, 1, 1), (500, sizes[-1], 2)):
        events.clear()
        monkeypatch.setattr(scan, "HELD_AT_MOST", at_most)
        monkeypatch.setattr(scan, "HELD_BYTES_AT_MOST", at_most_bytes)
        monkeypatch.setattr(prefetch, "history_running", lambda: True)  # git never done: held up to the bounds
        assert _audit_doc(clone) == plain
        order = [path for kind, path in events if kind == "read"]
        assert [path for kind, path in events if kind == "finished"] == order  # each once, in the scan's order
        first_finished = events.index(("finished", order[0]))
        if first is None:
            assert first_finished == len(order)  # all held until the end
        elif at_most_bytes == sizes[-1]:  # room for one log's bytes at most: not all of them held
            assert 1 <= first_finished < len(order)
        else:
            assert first_finished == first  # held, then the one read that found no room


def test_a_held_session_is_judged_on_the_bytes_it_verified(shared: Shared, monkeypatch) -> None:
    """Its log read once: a working file restored while the session waited for its history does
    not make the drop it verified look intact with the dropped log's rows (a mixed state)."""
    from panel_tui.core.audit import scan
    from panel_tui.core.gitstore import prefetch

    s = shared.session(shared.a)
    _three(s)
    whole = (s / "decisions.toml").read_bytes()
    _cut_last(s)
    before = _audit_doc(shared.a)
    word = before["sessions"][0]["log_status"]
    assert word.startswith("history rewritten") and "working tree" in word, word
    finish = scan.Reading.finish

    def restored_then_finished(self):
        (s / "decisions.toml").write_bytes(whole)  # put back while it waited
        return finish(self)

    monkeypatch.setattr(prefetch, "history_running", lambda: True)
    monkeypatch.setattr(scan.Reading, "finish", restored_then_finished)
    assert _audit_doc(shared.a) == before


def test_a_history_no_session_took_is_not_a_later_audits(shared: Shared, capsys) -> None:
    """An audit stopped by a bad argument leaves no history started for a later audit in the same
    process to take as its own (it would be of an older commit)."""
    from panel_tui.cli import main
    from panel_tui.core.gitstore import prefetch

    s = shared.session(shared.a)
    _three(s)
    assert main(["audit", str(shared.a), "--json", "--csv", "/proc/no-such-folder/out"]) == 2  # a bad path
    assert not prefetch._EARLY
    capsys.readouterr()
    _cut_last(s)
    commit_as(shared.a, "Mallory", "drop")
    assert main(["audit", str(shared.a), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["sessions"][0]["log_status"].startswith("history rewritten"), out["sessions"][0]


def test_the_users_git_config_does_not_change_what_the_history_check_reads(shared: Shared, tmp_path: Path) -> None:
    """log.showSignature prints signature checks among git log's fields, and log.diffMerges=combined
    changes what a merge shows (it hid a dropped entry from a line-based reading): panel-tui asks for
    its own form, so the audit reads the same history whatever the config says (the attack round)."""
    import shutil
    import subprocess

    clone, _expected, _among = build(shared)
    plain = _audit_doc(clone)
    git(clone, "config", "log.diffMerges", "combined")
    assert _audit_doc(clone) == plain
    git(clone, "config", "--unset", "log.diffMerges")
    if shutil.which("ssh-keygen") is None:
        pytest.skip("ssh-keygen is not installed: no signed commit to show a signature for")
    key = tmp_path / "key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    git(clone, "config", "gpg.format", "ssh")
    git(clone, "config", "user.signingkey", str(key))
    git(clone, "commit", "-q", "-S", "--allow-empty", "-m", "a signed commit")
    git(clone, "config", "log.showSignature", "true")
    assert "signature" in git(clone, "log", "-1")  # git itself now shows it
    signed = _audit_doc(clone)
    assert signed == plain


def test_an_error_working_out_a_session_that_does_not_count_stops_nothing(shared: Shared, monkeypatch) -> None:
    """The figures are worked out before the history is checked; an error doing so belongs to the
    session only if it counts (as before the scan held sessions): a failed history is still listed."""
    from panel_tui.core.audit import scan

    clone, _expected, _among = build(shared)
    plain = {s["path"]: s["log_status"] for s in _audit_doc(clone)["sessions"]}
    summarise = scan.summarise

    failing = {"sessions/dropped", "sessions/clean"}

    def fails_for_some(rec, st, r):
        if rec.path in failing:
            raise KeyError("x")
        return summarise(rec, st, r)

    monkeypatch.setattr(scan, "summarise", fails_for_some)
    with pytest.raises(KeyError):  # clean counts: its error is raised, as before
        _audit_doc(clone)
    failing.discard("sessions/clean")  # dropped alone: its history fails, so it never counted
    now = {s["path"]: s["log_status"] for s in _audit_doc(clone)["sessions"]}
    assert now == plain and plain["sessions/dropped"].startswith("history rewritten")
