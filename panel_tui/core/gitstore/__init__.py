"""Sessions shared through git: every entry a commit, sync between offices, history as the anchor.

A hash chain cannot see its own tail cut off or the whole chain rewritten; git history can, and
git already replicates, works offline and records who and when. One module per job: ``run``
(the git command, where a session sits), ``versions`` (does one version of a log extend
another), ``lineage`` (a log's versions, read in one pass), ``commit`` (an entry's commit),
``tags`` (sign-off tags); ``history`` (verify's history check) with ``lineage_check`` (the walk
over a log's versions), ``version_check`` (one version verified on its own), ``accounting`` (a
merge keeps every entry) and ``accepted`` (problems, and rewrites accepted on the record);
``sync`` (fetch, fast-forward, push, refuse, replay: the order of the steps) with ``transport``
(the upstream, fetch, push, refs), ``divergence`` (what diverged and what conflicts) and
``replay`` (the merge commits a sync makes). Nothing rewrites history: no reset, rebase, amend
or force-push. See README ("Sharing sessions through git") and docs/formats.md ("Sessions in git").
"""

from panel_tui.core.errors import RuleRefused
from panel_tui.core.gitstore.accepted import HistoryProblem, accepted_rewrites
from panel_tui.core.gitstore.commit import CommitOutcome, commit_entry, commit_pending, pending_logs, signing_configured
from panel_tui.core.gitstore.divergence import Divergence, diverged_logs, replay_fields
from panel_tui.core.gitstore.history import (
    check_against,
    check_history,
    committed,
    history_status,
    history_unchecked,
    sign_off_tag_problems,
)
from panel_tui.core.gitstore.run import (
    ACCEPTED_FILE,
    AUTHOR_EMAIL,
    DISABLE_ENV,
    DRAFTS_FILE,
    REFUSED_FILE,
    GitFailed,
    GitRefused,
    blob,
    blobs,
    enabled,
    ensure_ignored,
    git_path,
    work_tree,
)
from panel_tui.core.gitstore.sync import SyncReport, preview_replay, sync
from panel_tui.core.gitstore.transport import ahead_behind, fetch_quietly, sync_state, upstream, upstream_target
from panel_tui.core.gitstore.versions import (
    LogVersion,
    appends_entries,
    author_name,
    common_prefix,
    entry_line,
    extension_problem,
    parse_version,
    tag_name,
)

__all__ = [
    "ACCEPTED_FILE",
    "AUTHOR_EMAIL",
    "DISABLE_ENV",
    "DRAFTS_FILE",
    "REFUSED_FILE",
    "CommitOutcome",
    "Divergence",
    "GitFailed",
    "GitRefused",
    "HistoryProblem",
    "LogVersion",
    "RuleRefused",
    "SyncReport",
    "accepted_rewrites",
    "ahead_behind",
    "appends_entries",
    "author_name",
    "blob",
    "blobs",
    "check_against",
    "check_history",
    "commit_entry",
    "commit_pending",
    "committed",
    "common_prefix",
    "diverged_logs",
    "fetch_quietly",
    "preview_replay",
    "enabled",
    "ensure_ignored",
    "entry_line",
    "extension_problem",
    "git_path",
    "history_status",
    "history_unchecked",
    "sign_off_tag_problems",
    "parse_version",
    "pending_logs",
    "replay_fields",
    "signing_configured",
    "sync",
    "sync_state",
    "tag_name",
    "upstream",
    "upstream_target",
    "work_tree",
]
