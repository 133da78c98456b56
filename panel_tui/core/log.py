"""The decision log (``decisions.toml``): hash-chained entries, replayed under the panel's rules.

What is on disk is what is hashed: each entry's ``hash`` is the SHA-256 of its canonical JSON
*as tomllib reads it back*, and ``prev`` chains it to the entry before (entry 1 to the ``[log]``
table). Reading a log replays every entry through the same rules that accepted it, so the
command line, the app and an auditor all see one state. Nothing is ever edited or deleted:
undo is a ``retraction`` entry. See docs/formats.md for a verifier's view.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from panel_tui.core.clock import now_rfc3339
from panel_tui.core.engine import Rating, StandardResult, direction, rate
from panel_tui.core.errors import InputError, RuleRefused
from panel_tui.core.filelock import atomic_write, session_lock
from panel_tui.core.inspection import LOG_FILE, Inspection
from panel_tui.core.stats import two_dp
from panel_tui.core.tomlfile import decode_text, read_bytes

LOG_FORMAT = "panel-tui/decisions/1"
MAX_LOG_BYTES = 64 * 1024 * 1024
MIN_RATIONALE = 20
MIN_REASON = 10
MAX_TEXT = 10_000  # a rationale is a paragraph or two, not a pasted document
PLACEHOLDERS = {"n/a", "na", "tbc", "tbd", "todo", "none", "nil", "-", "--", "...", "x", "xx", "xxx", "test",
                "as above", "see above", "see notes", "no comment", "ok", "agreed", "fine", "same"}

KINDS = ("attendance", "proposal", "discretion", "declined", "ratification", "retraction", "sign-off", "reopen",
         "dissent")
UNRETRACTABLE = {"sign-off", "reopen", "retraction"}


def canonical_hash(table: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of a table, leaving out its own ``hash`` key."""
    body = {k: v for k, v in table.items() if k != "hash"}
    data = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


# --- state --------------------------------------------------------------------------------

@dataclass
class LogState:
    """The log replayed: what stands now, and the first problem found if it does not verify."""

    path: Path
    header: dict[str, Any] | None = None
    entries: list[dict[str, Any]] = field(default_factory=list)
    problem: str | None = None
    problem_entry: int | None = None
    torn: bool = False
    raw: bytes | None = field(default=None, repr=False)  # the bytes that were verified (a writer appends to them)
    retracted: dict[int, int] = field(default_factory=dict)  # seq -> seq of the retraction
    signed_off: bool = False
    sign_off_seq: int | None = None
    # effective decisions, latest non-retracted per standard
    panel: dict[str, dict[str, Any]] = field(default_factory=dict)  # discretion/declined
    ratified: dict[str, dict[str, Any]] = field(default_factory=dict)
    proposals: dict[str, dict[str, Any]] = field(default_factory=dict)
    attendance: dict[str, Any] | None = None

    @property
    def head(self) -> str | None:
        if self.entries:
            return self.entries[-1]["hash"]
        return canonical_hash(self.header) if self.header else None

    @property
    def next_seq(self) -> int:
        return len(self.entries) + 1

    @property
    def finals(self) -> dict[str, str]:
        """Standard id -> final band from the effective entries."""
        out = {sid: e["to"] for sid, e in self.ratified.items()}
        for sid, e in self.panel.items():
            if e["kind"] == "discretion":
                out[sid] = e["to"]
        return out

    def entry(self, seq: int) -> dict[str, Any] | None:
        return self.entries[seq - 1] if 1 <= seq <= len(self.entries) else None

    def for_standard(self, sid: str) -> list[dict[str, Any]]:
        return [e for e in self.entries if e.get("standard") == sid]

    def is_effective(self, e: dict[str, Any]) -> bool:
        seq = e["seq"]
        if seq in self.retracted:
            return False
        sid = e.get("standard")
        if e["kind"] in ("discretion", "declined"):
            return self.panel.get(sid, {}).get("seq") == seq
        if e["kind"] == "ratification":
            return self.ratified.get(sid, {}).get("seq") == seq
        if e["kind"] == "proposal":
            return self.proposals.get(sid, {}).get("seq") == seq
        if e["kind"] == "attendance":
            return bool(self.attendance) and self.attendance.get("seq") == seq
        return True

    def status_of(self, e: dict[str, Any]) -> str:
        """'retracted by N', 'superseded' or 'stands': one wording for every view of the log."""
        if e["seq"] in self.retracted:
            return f"retracted by {self.retracted[e['seq']]}"
        return "stands" if self.is_effective(e) else "superseded"

    def missing_for_sign_off(self, rating: Rating) -> list[str]:
        """What must still be recorded before sign-off, in agenda order."""
        missing = []
        if not self.attendance:
            missing.append("attendance is not recorded")
        for s in rating.standards:
            if s.not_rated:
                continue
            if s.kind == "judgement" and s.id not in self.ratified:
                missing.append(f"{s.id} is not ratified")
            elif s.kind == "cases" and s.flags and s.id not in self.panel:
                missing.append(f"{s.id} is flagged ({', '.join(s.flag_names)}) with no discretion or declined entry")
        return missing


# --- rules --------------------------------------------------------------------------------

def check_text(value: Any, name: str, minimum: int) -> str:
    """A rationale or reason: real words, not a placeholder, no NUL, not a pasted document."""
    if not isinstance(value, str):
        raise RuleRefused("text-required", f"{name} is required.")
    if "\x00" in value:
        raise RuleRefused("text-nul", f"{name} contains a NUL character; remove it.")
    if len(value) > MAX_TEXT:
        raise RuleRefused("text-too-long", f"{name} is {len(value):,} characters; the limit is {MAX_TEXT:,}.")
    stripped = value.strip()
    if not stripped:
        raise RuleRefused("text-required", f"{name} is blank.")
    if stripped.lower().rstrip(".") in PLACEHOLDERS:
        raise RuleRefused("text-placeholder", f"{name} '{stripped}' is a placeholder; say why.")
    if len(stripped) < minimum:
        raise RuleRefused("text-too-short", f"{name} must be at least {minimum} characters (has {len(stripped)}).")
    return value


def check_name(value: Any, name: str = "by") -> str:
    if not isinstance(value, str) or not value.strip():
        raise RuleRefused("by-required", f"'{name}' (who made this entry) is required.")
    if "\x00" in value or len(value) > 200:
        raise RuleRefused("by-invalid", f"'{name}' must be a name of at most 200 characters without NUL.")
    return value


def _std(rating: Rating, sid: Any) -> StandardResult:
    ids = [s.id for s in rating.standards]
    if sid not in ids:
        raise RuleRefused("unknown-standard", f"unknown standard {sid!r}; use one of: {', '.join(ids)}.")
    s = rating.standard(sid)
    if s.not_rated:
        raise RuleRefused("not-rated", f"{sid} is not rated ({s.not_rated}); there is nothing to decide.")
    return s


def _band(rating: Rating, value: Any, name: str = "to") -> int:
    names = rating.framework.band_names
    if value not in names:
        raise RuleRefused("unknown-band", f"{name} {value!r} is not a band; use one of: {', '.join(names)}.")
    return names.index(value)


def _one_step(rating: Rating, s: StandardResult, to: int, base: str) -> str:
    fw = rating.framework
    frm = fw.band_index(base)
    step = to - frm
    if step == 0:
        raise RuleRefused("no-change", f"{s.id} is already {base}; to keep it, record 'declined' instead.")
    if abs(step) > fw.discretion.steps:
        raise RuleRefused("one-step", f"discretion moves {s.id} at most {fw.discretion.steps} band step from {base} "
                                      f"(to {fw.bands[frm + 1].name if frm + 1 < len(fw.bands) else '-'} or "
                                      f"{fw.bands[frm - 1].name if frm > 0 else '-'}).")
    return direction(fw, base, fw.bands[to].name)


def evidence_of(s: StandardResult) -> dict[str, Any]:
    """The figures a decision was made on, stored with it (plain values only)."""
    ev: dict[str, Any] = {"computed": s.computed}
    if s.lowest_percent is not None:
        ev["lowest_percent"] = two_dp(s.lowest_percent)
        ev["lowest_questions"] = list(s.lowest_questions)
    if s.cases is not None:
        ev["cases"] = s.cases
    ev["flags"] = s.flag_names
    if s.flip_distance is not None:
        ev["flip_distance"] = s.flip_distance
    return ev


def sign_off_record(state: LogState, rating: Rating) -> dict[str, Any]:
    """What a sign-off seals: final ratings, score, overall and the entries before it."""
    final = rate(rating.inspection, state.finals)
    return {"ratings": {s.id: s.final for s in final.standards}, "score": final.score,
            "max_score": final.max_score, "overall": final.overall, "entry_count": len(state.entries)}


def _latest(group: dict[str, dict[str, Any]], sid: str) -> int | None:
    e = group.get(sid)
    return e["seq"] if e else None


def validate(state: LogState, rating: Rating, e: dict[str, Any]) -> None:
    """Check one entry against the rules, given the state before it. Raises RuleRefused."""
    kind = e.get("kind")
    if kind not in KINDS:
        raise RuleRefused("unknown-kind", f"unknown entry kind {kind!r}; use one of: {', '.join(KINDS)}.")
    check_name(e.get("by"))
    if state.signed_off and kind != "reopen":
        raise RuleRefused("signed-off", f"the session was signed off at entry {state.sign_off_seq}; "
                                        "only 'reopen' (with a reason) is accepted.")
    if kind == "attendance":
        check_name(e.get("chair"), "chair")
        members = e.get("members", [])
        if not isinstance(members, list):
            raise RuleRefused("members", "members must be a list of names.")
        for m in members:
            check_name(m, "member")
    elif kind in ("discretion", "proposal"):
        s = _std(rating, e.get("standard"))
        base = s.computed
        if s.kind != "cases":
            raise RuleRefused("judgement-standard", f"{s.id} is a judgement standard: use ratification to confirm "
                                                    "or change the proposed band.")
        if e.get("from") != base:
            raise RuleRefused("from", f"'from' must be {s.id}'s computed band {base!r}, not {e.get('from')!r}.")
        direction = _one_step(rating, s, _band(rating, e.get("to")), base)
        check_text(e.get("rationale"), "rationale", MIN_RATIONALE)
        if kind == "discretion":
            if "small-sample" in s.flag_names:
                check_text(e.get("other_evidence"), "other compelling evidence (small sample)", MIN_REASON)
            if direction not in s.directions:
                if not e.get("outside_criteria"):
                    why = ("has no discretion flag" if not s.flags else
                           f"has no flag supporting a {direction} (flags: {', '.join(s.flag_names)})")
                    raise RuleRefused("outside-criteria", f"{s.id} {why}; record an outside-criteria reason (--outside-criteria REASON) "
                                                          "to go ahead.")
                check_text(e.get("outside_reason"), "outside-criteria reason", MIN_REASON)
            if e.get("supersedes") != _latest(state.panel, s.id):
                raise RuleRefused("supersedes", f"'supersedes' must name the standing decision on {s.id} "
                                                f"({_latest(state.panel, s.id)}).")
    elif kind == "declined":
        s = _std(rating, e.get("standard"))
        if s.kind != "cases":
            raise RuleRefused("judgement-standard", f"{s.id} is a judgement standard: ratify it instead.")
        if e.get("band") != s.computed:
            raise RuleRefused("band", f"'band' must be the computed band kept, {s.computed!r}.")
        check_text(e.get("reason"), "reason", MIN_REASON)
        if e.get("supersedes") != _latest(state.panel, s.id):
            raise RuleRefused("supersedes", f"'supersedes' must name the standing decision on {s.id}.")
    elif kind == "ratification":
        s = _std(rating, e.get("standard"))
        if s.kind != "judgement":
            raise RuleRefused("case-standard", f"{s.id} is case-based: its band comes from the key questions; "
                                               "use discretion or declined.")
        if e.get("from") != s.proposed:
            raise RuleRefused("from", f"'from' must be the proposed band {s.proposed!r}.")
        to = _band(rating, e.get("to"))
        if to != rating.framework.band_index(s.proposed):  # type: ignore[arg-type]
            check_text(e.get("reason"), "reason for changing the proposed band", MIN_REASON)
        if e.get("supersedes") != _latest(state.ratified, s.id):
            raise RuleRefused("supersedes", f"'supersedes' must name the standing ratification of {s.id}.")
    elif kind == "retraction":
        target = e.get("retracts")
        t = state.entry(target) if isinstance(target, int) and not isinstance(target, bool) else None
        if t is None:
            raise RuleRefused("retracts", f"there is no entry {target!r} to retract (entries 1-{len(state.entries)}).")
        if t["kind"] in UNRETRACTABLE:
            raise RuleRefused("unretractable", f"entry {target} is a {t['kind']} entry, which cannot be retracted.")
        if target in state.retracted:
            raise RuleRefused("retracted", f"entry {target} was already retracted by entry {state.retracted[target]}.")
        check_text(e.get("reason"), "reason", MIN_REASON)
    elif kind == "dissent":
        check_name(e.get("member"), "member")
        about = e.get("about")
        if about is not None and state.entry(about) is None:
            raise RuleRefused("about", f"there is no entry {about!r} to dissent from.")
        check_text(e.get("reason"), "reason", MIN_REASON)
    elif kind == "sign-off":
        missing = state.missing_for_sign_off(rating)
        if missing:
            raise RuleRefused("sign-off-incomplete", "cannot sign off: " + "; ".join(missing) + ".")
        for key, value in sign_off_record(state, rating).items():
            if e.get(key) != value:
                raise RuleRefused("sign-off-record", f"sign-off {key} must be {value!r}, not {e.get(key)!r}.")
    elif kind == "reopen":
        if not state.signed_off:
            raise RuleRefused("not-signed-off", "the session is not signed off; there is nothing to reopen.")
        check_text(e.get("reason"), "reason", MIN_REASON)


def apply(state: LogState, e: dict[str, Any]) -> None:
    """Fold one (valid) entry into the state."""
    kind, sid, seq = e["kind"], e.get("standard"), e["seq"]
    state.entries.append(e)
    if kind == "attendance":
        state.attendance = e
    elif kind in ("discretion", "declined"):
        state.panel[sid] = e
    elif kind == "ratification":
        state.ratified[sid] = e
    elif kind == "proposal":
        state.proposals[sid] = e
    elif kind == "retraction":
        target = state.entries[e["retracts"] - 1]
        state.retracted[target["seq"]] = seq
        _restore(state, target)
    elif kind == "sign-off":
        state.signed_off, state.sign_off_seq = True, seq
    elif kind == "reopen":
        state.signed_off, state.sign_off_seq = False, None


def _restore(state: LogState, target: dict[str, Any]) -> None:
    """After a retraction, the latest earlier non-retracted entry of the same group stands again."""
    groups = {"discretion": ("panel", ("discretion", "declined")), "declined": ("panel", ("discretion", "declined")),
              "ratification": ("ratified", ("ratification",)), "proposal": ("proposals", ("proposal",)),
              "attendance": ("attendance", ("attendance",))}
    if target["kind"] not in groups:
        return
    attr, kinds = groups[target["kind"]]
    sid = target.get("standard")
    standing = None
    for e in state.entries:
        if e["kind"] in kinds and e.get("standard") == sid and e["seq"] not in state.retracted:
            standing = e
    if attr == "attendance":
        state.attendance = standing
    elif standing is None:
        getattr(state, attr).pop(sid, None)
    else:
        getattr(state, attr)[sid] = standing


# --- reading and verifying ------------------------------------------------------------------

def _torn_tail(text: str) -> int | None:
    """If only the text after the last ``[[entry]]`` header fails to parse, its line number."""
    starts = [m.start() for m in re.finditer(r"^\[\[entry\]\]\s*$", text, re.M)]
    if not starts:
        return None
    try:
        tomllib.loads(text[: starts[-1]])
    except tomllib.TOMLDecodeError:
        return None
    return text.count("\n", 0, starts[-1]) + 1


def _fail(state: LogState, message: str, entry: int | None = None) -> LogState:
    state.problem, state.problem_entry = message, entry
    return state


def read_state(path: Path, insp: Inspection, rating: Rating | None = None) -> LogState:
    """Read, verify and replay a log. Problems are reported in ``state.problem``, never raised."""
    state = LogState(path)
    try:
        data = read_bytes(path, "decision log", MAX_LOG_BYTES)
        state.raw = data
        text = decode_text(data, path, "decision log")
    except InputError as exc:
        return _fail(state, f"unreadable log: {exc}")
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = _torn_tail(text)
        if line is not None:
            state.torn = True
            return _fail(state, f"{path}: torn tail: the last entry (from line {line}) is incomplete, as if a write "
                                "was cut off; the entries before it are intact. Nothing was overwritten. Fix: restore "
                                "the file from a backup, or remove the incomplete lines from line "
                                f"{line} after checking what they were.")
        return _fail(state, f"{path}: unparseable log: {exc}. Nothing was overwritten.")
    return replay(state, doc, insp, rating)


def replay(state: LogState, doc: dict[str, Any], insp: Inspection, rating: Rating | None = None) -> LogState:
    path = state.path
    extra = set(doc) - {"log", "entry"}
    if extra:
        return _fail(state, f"{path}: unexpected top-level key(s): {', '.join(sorted(extra))} (only [log] and [[entry]]).")
    header = doc.get("log")
    if not isinstance(header, dict):
        return _fail(state, f"{path}: missing [log] table.")
    state.header = header
    if header.get("format") != LOG_FORMAT:
        return _fail(state, f"{path}: unknown log format {header.get('format')!r} (expected {LOG_FORMAT}).")
    if header.get("inspection_sha256") != insp.sha256:
        return _fail(state, f"{path}: inspection changed: {insp.path.name} no longer matches the file the decisions "
                            f"were made on (sha256 {str(header.get('inspection_sha256'))[:12]}…, now {insp.sha256[:12]}…).")
    fw = insp.framework
    if header.get("framework") != fw.id:
        return _fail(state, f"{path}: framework changed: the log was made under {header.get('framework')!r}, "
                            f"the inspection names {fw.id!r}.")
    if header.get("framework_sha256") != fw.sha256:
        return _fail(state, f"{path}: framework changed: {fw.id} no longer matches the rules the decisions were "
                            "made under (framework_sha256 differs).")
    entries = doc.get("entry", [])
    if not isinstance(entries, list):
        return _fail(state, f"{path}: 'entry' must be an array of tables.")
    rating = rating or rate(insp)
    prev = canonical_hash(header)
    for i, e in enumerate(entries, 1):
        if not isinstance(e, dict):
            return _fail(state, f"{path}: entry {i} is not a table.", i)
        seq = e.get("seq")
        if seq != i:
            return _fail(state, f"{path}: entry {i}: seq gap or reorder (found seq {seq!r}, expected {i}).", i)
        if e.get("prev") != prev:
            return _fail(state, f"{path}: entry {i}: broken chain (prev does not match the hash of entry {i - 1}"
                                f"{' (the [log] table)' if i == 1 else ''}).", i)
        if e.get("hash") != canonical_hash(e):
            return _fail(state, f"{path}: entry {i}: hash mismatch (the entry was changed after it was written).", i)
        if state.signed_off and e.get("kind") != "reopen":
            return _fail(state, f"{path}: entry {i}: entries after sign-off (entry {state.sign_off_seq}) without a reopen.", i)
        try:
            validate(state, rating, e)
        except RuleRefused as exc:
            return _fail(state, f"{path}: entry {i}: breaks the log's rules: {exc.message}", i)
        apply(state, e)
        prev = e["hash"]
    return state


def check_head(state: LogState, head: str) -> str | None:
    """Compare with a head hash recorded elsewhere; a problem message, or None when it matches."""
    head = head.strip().lower()
    if state.head == head:
        return None
    for e in state.entries:
        if e["hash"] == head:
            later = len(state.entries) - e["seq"]
            return (f"the recorded head is entry {e['seq']}; {later} entr{'y' if later == 1 else 'ies'} "
                    f"{'was' if later == 1 else 'were'} added after it (up to entry {len(state.entries)}).")
    return (f"the recorded head {head[:16]}… is not in this log, which ends at entry {len(state.entries)} "
            f"(head {str(state.head)[:16]}…): entries after the recorded head are missing (the tail was cut off) "
            "or the log was rewritten.")


# --- writing -----------------------------------------------------------------------------

def _roundtrip(entry: dict[str, Any]) -> dict[str, Any]:
    import tomli_w

    return tomllib.loads(tomli_w.dumps({"entry": [entry]}))["entry"][0]


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None and v != ""}


def new_header(insp: Inspection) -> dict[str, Any]:
    return {"format": LOG_FORMAT, "service": insp.service, "inspection_sha256": insp.sha256,
            "framework": insp.framework.id, "framework_sha256": insp.framework.sha256, "created": now_rfc3339()}


def build_entry(state: LogState, rating: Rating, kind: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Fill in seq, time, supersedes, evidence and the sign-off record; validate; hash."""
    e: dict[str, Any] = {"seq": state.next_seq, "at": now_rfc3339(), "kind": kind}
    e.update(_clean(fields))
    sid = e.get("standard")
    if kind in ("discretion", "proposal", "declined") and sid in [s.id for s in rating.standards]:
        s = rating.standard(sid)
        e.setdefault("from" if kind != "declined" else "band", s.computed)
        if kind in ("discretion", "declined"):
            e["evidence"] = evidence_of(s)
            latest = _latest(state.panel, sid)
            if latest is not None:
                e["supersedes"] = latest
    if kind == "ratification" and sid in [s.id for s in rating.standards]:
        s = rating.standard(sid)
        e.setdefault("from", s.proposed)
        e.setdefault("to", s.proposed)
        latest = _latest(state.ratified, sid)
        if latest is not None:
            e["supersedes"] = latest
    if kind == "sign-off":
        e.update(sign_off_record(state, rating))
    if kind == "discretion" and e.get("outside_reason"):
        e["outside_criteria"] = True
    validate(state, rating, e)
    e["prev"] = state.head
    e = _roundtrip(e)
    e["hash"] = canonical_hash(e)
    return e


def _state_for_writing(path: Path, insp: Inspection, rating: Rating) -> LogState:
    """The log's state to build the next entry on; refuses a log that does not verify."""
    import tomli_w

    if path.exists():
        state = read_state(path, insp, rating)
        if state.problem:
            raise RuleRefused("log-does-not-verify", f"{state.problem} Nothing was written.")
        return state
    return LogState(path, header=tomllib.loads(tomli_w.dumps({"log": new_header(insp)}))["log"])


def append_entry(session_dir: Path, insp: Inspection, kind: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Validate and append one entry, on disk (fsynced) before returning it.

    The head is re-read under the lock, so a long-open app never writes over another process's
    entry. A log that does not verify is never written to.
    """
    import tomli_w

    path = session_dir / LOG_FILE
    with session_lock(path):
        rating = rate(insp)
        state = _state_for_writing(path, insp, rating)
        existing = state.raw if state.raw is not None else tomli_w.dumps({"log": state.header}).encode("utf-8")
        entry = build_entry(state, rating, kind, fields)
        for stale in path.parent.glob(f".{path.name}.tmp-*"):  # left by a writer that was killed
            stale.unlink(missing_ok=True)
        chunk = tomli_w.dumps({"entry": [entry]}).encode("utf-8")
        sep = b"" if existing.endswith(b"\n\n") else (b"\n" if existing.endswith(b"\n") else b"\n\n")
        atomic_write(path, existing + sep + chunk)
    return entry
