"""What a log entry may hold: kind names, one TypedDict per kind, and the canonical key order.

The TypedDicts are the schema: ``schema.py`` checks every entry read from disk against them
(allowed keys, required keys, types), and the canonical TOML layout writes keys in the order
declared here. A new field is a new format version, never a silent addition.
"""

import datetime as dt
from typing import Any, NotRequired, TypedDict

ATTENDANCE = "attendance"
PROPOSAL = "proposal"
DISCRETION = "discretion"
DECLINED = "declined"
RATIFICATION = "ratification"
RETRACTION = "retraction"
DISSENT = "dissent"
SIGN_OFF = "sign-off"
REOPEN = "reopen"
# Format 3 (issue 20 item 4): an entry kept aside by a replay (decisions.refused.toml) dealt with
# without re-recording it; ``kept_aside`` names it by its hash. Retracting it makes the entry pending again.
DISMISSAL = "dismissal"

KINDS = (ATTENDANCE, PROPOSAL, DISCRETION, DECLINED, RATIFICATION, RETRACTION, SIGN_OFF, REOPEN, DISSENT)  # formats 1-2
FORMAT_3_KINDS = (DISMISSAL,)  # kinds only a format-3 log holds (formats 1 and 2 refuse them)
ALL_KINDS = KINDS + FORMAT_3_KINDS
UNRETRACTABLE = frozenset({SIGN_OFF, REOPEN, RETRACTION})
PANEL_KINDS = (DISCRETION, DECLINED)  # the panel's decision on a case-based standard: one stands per standard
# made by someone present (format 2): refused before attendance, and from anyone not present
BY_PRESENT = (DISCRETION, DECLINED, RATIFICATION, RETRACTION, DISSENT, SIGN_OFF, REOPEN, DISMISSAL)
OUTCOMES = ("pending", "accepted", "declined", "withdrawn")  # what became of a proposal

LOG_FORMAT_V1 = "panel-tui/decisions/1"
LOG_FORMAT_V2 = "panel-tui/decisions/2"
# Format 3 (issue 20): every entry says who entered it (``entered_by``), and a replayed entry keeps
# when it was decided (``decided_at``) while its own ``at`` is the replay's. Format 1 and 2 logs keep
# their own rules and are appended to in their own format (no ``entered_by``).
LOG_FORMAT_V3 = "panel-tui/decisions/3"
# Format 4 (issue 25): format 3's entries and rules, and the session keeps its rules: the framework's
# exact bytes are copied to ``framework.toml`` beside the log at its first entry, and the header's
# ``framework_sha256`` names that copy (verify reads it; a missing or changed copy fails).
LOG_FORMAT_V4 = "panel-tui/decisions/4"
LOG_FORMATS = (LOG_FORMAT_V1, LOG_FORMAT_V2, LOG_FORMAT_V3, LOG_FORMAT_V4)
ENTERED_BY_FORMATS = (LOG_FORMAT_V3, LOG_FORMAT_V4)  # formats with format 3's entries (entered_by, dismissals)
# When format 2 was first written (commit 3f87b9e): a format-1 header created later is not the writer's.
FORMAT_2_SINCE = dt.datetime(2026, 11, 24, 0, 57, 5, tzinfo=dt.UTC)
LOG_FORMAT = LOG_FORMAT_V4  # what new logs are written in
FORMAT_3_KEYS = ("entered_by", "decided_at")  # entry keys no format-1 or format-2 log holds
NO_LOG = "none"  # the head of a session with no decisions.toml yet (``--expect-head none``)

Entry = dict[str, Any]  # an entry as parsed, after its shape was checked against the TypedDicts below


class Header(TypedDict):
    """The ``[log]`` table: what the decisions were made on (hashed as the chain's start)."""

    format: str
    service: str
    inspection_sha256: str
    framework: str
    framework_sha256: str
    created: str


class QuestionEvidence(TypedDict):
    """One key question's figure (format 2): the % as an exact two-decimal string, and its base."""

    id: str
    percent: str
    yes: NotRequired[int]
    relevant: NotRequired[int]


class Evidence(TypedDict):
    """The figures a discretion or keep decision was made on (format 2: no floats anywhere)."""

    computed: str
    lowest_percent: NotRequired[str]
    lowest_questions: NotRequired[list[str]]
    cases: NotRequired[int]
    flags: list[str]
    flip_distance: NotRequired[int]
    questions: NotRequired[list[QuestionEvidence]]


class EvidenceV1(TypedDict):
    """Format 1 evidence: ``lowest_percent`` was a float (kept so old logs still verify)."""

    computed: str
    lowest_percent: NotRequired[float]
    lowest_questions: NotRequired[list[str]]
    cases: NotRequired[int]
    flags: list[str]
    flip_distance: NotRequired[int]


class EntryHead(TypedDict):
    seq: int
    at: str
    kind: str


class EntryTail(TypedDict):
    by: str  # who made the decision (or the entry): the panel's name for it
    entered_by: NotRequired[str]  # format 3, required there: who typed it in (option, env, git or login)
    replayed_from: NotRequired[str]  # the hash it had before a ``sync --replay`` re-recorded it
    decided_at: NotRequired[str]  # format 3, only with replayed_from: the original ``at`` (when decided)
    prev: str
    hash: str


# Fields of each kind, between the head and the tail. ``from`` is a Python keyword, hence the
# functional syntax.
AttendanceFields = TypedDict("AttendanceFields", {"chair": str, "members": list[str]})
ProposalFields = TypedDict("ProposalFields", {"standard": str, "from": str, "to": str, "rationale": str})
DiscretionFields = TypedDict(
    "DiscretionFields",
    {
        "standard": str,
        "from": str,
        "to": str,
        "rationale": str,
        "other_evidence": NotRequired[str],
        "outside_criteria": NotRequired[bool],
        "outside_reason": NotRequired[str],
        "supersedes": NotRequired[int],
        "answers": NotRequired[int],
        "evidence": Evidence,
    },
)
DeclinedFields = TypedDict(
    "DeclinedFields",
    {
        "standard": str,
        "band": str,
        "reason": str,
        "supersedes": NotRequired[int],
        "answers": NotRequired[int],
        "evidence": Evidence,
    },
)
RatificationFields = TypedDict(
    "RatificationFields",
    {"standard": str, "from": str, "to": str, "reason": NotRequired[str], "supersedes": NotRequired[int]},
)
RetractionFields = TypedDict("RetractionFields", {"retracts": int, "reason": str})
DissentFields = TypedDict("DissentFields", {"member": str, "about": NotRequired[int], "reason": str})
SignOffFields = TypedDict(
    "SignOffFields", {"ratings": dict[str, str], "score": int, "max_score": int, "overall": str, "entry_count": int}
)
ReopenFields = TypedDict("ReopenFields", {"reason": str})
# format 3: ``kept_aside`` is the hash (64 hex) of an entry in decisions.refused.toml whose own hash verifies
DismissalFields = TypedDict("DismissalFields", {"kept_aside": str, "reason": str})

FIELDS: dict[str, type] = {
    ATTENDANCE: AttendanceFields,
    PROPOSAL: ProposalFields,
    DISCRETION: DiscretionFields,
    DECLINED: DeclinedFields,
    RATIFICATION: RatificationFields,
    RETRACTION: RetractionFields,
    DISSENT: DissentFields,
    SIGN_OFF: SignOffFields,
    REOPEN: ReopenFields,
    DISMISSAL: DismissalFields,
}


def kinds_of(log_format: str | None) -> tuple[str, ...]:
    """The entry kinds a log of this format may hold."""
    return ALL_KINDS if log_format in ENTERED_BY_FORMATS else KINDS


def same_name(a: str, b: str) -> bool:
    """Names match when equal but for case and runs of spaces ("Tom  baker" is "Tom Baker")."""
    return a == b or _name_key(a) == _name_key(b)


_NAME_KEYS: dict[str, str] = {}  # a name as written -> its key (verify asks for each entry's names)


def _name_key(name: str) -> str:
    key = _NAME_KEYS.get(name)
    if key is None:
        key = " ".join(name.split()).casefold()
        if len(_NAME_KEYS) < 10_000:  # a hostile log's names must not grow it without end
            _NAME_KEYS[name] = key
    return key


def person(name: str) -> str:
    """The name part of a git identity ("Sam Lee <sam@example.org>" -> "Sam Lee"); other names as they are."""
    text = name.rstrip()
    if text.endswith(">") and " <" in text:
        return text[: text.rindex(" <")]
    return name


def entered_for(e: dict[str, Any]) -> str | None:
    """'entered by X for Y' when who entered an entry (format 3) is not who made it, else None.

    Names are compared ignoring case and runs of spaces, and the ``<email>`` a git identity carries.
    Raw text: a view shows it through the display helpers, never as markup.
    """
    entered, by = e.get("entered_by"), e.get("by")
    if not isinstance(entered, str) or not isinstance(by, str) or same_name(person(entered), by):
        return None
    return f"entered by {entered} for {by}"


def entry_line(e: dict[str, Any]) -> str:
    """'entry 7 discretion 2.2 Requires improvement -> Good': one line naming an entry (messages,
    commit subjects). Reads with .get throughout: it also names entries of logs that do not verify."""
    from panel_tui.core.display import one_line

    parts = [f"entry {e.get('seq')} {e.get('kind')}"]
    if e.get("standard"):
        parts.append(str(e["standard"]))
    kind = e.get("kind")
    if kind in (DISCRETION, PROPOSAL, RATIFICATION):
        parts.append(f"{e.get('from')} -> {e.get('to')}")
    elif kind == DECLINED:
        parts.append(f"kept {e.get('band')}")
    elif kind == RETRACTION:
        parts.append(f"of entry {e.get('retracts')}")
    elif kind == SIGN_OFF:
        parts.append(f"{e.get('overall')} {e.get('score')}/{e.get('max_score')}")
    elif kind == DISSENT:
        parts.append(f"of {e.get('member')}")
    elif kind == DISMISSAL:
        parts.append(f"of kept-aside {str(e.get('kept_aside'))[:12]}")
    return one_line(" ".join(parts), 120)
