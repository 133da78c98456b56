"""The audit screen's help (``?``): what each tab shows and every key, in the words the screen uses."""

AUDIT_HELP = """panel-tui — the audit (read-only: nothing is ever written)

  1  sessions      2  decisions      3  figures
  o  or enter      open the selected session read-only (esc comes back here)
  f  go to the decisions' filters    c  clear them      r  read every session again
  s  sort the sessions (session, log status ✗ first, score, fieldwork, signed off);
     or click a column's header
  ctrl+p  command palette ("Audit: …")      ?  this help      q  quit

Sessions: every session under the folder, at any depth, with its log's state:
  ✓ intact / ✓ no log / ✗ broken at entry N / ✗ inspection changed /
  ✗ history rewritten / ✗ unreadable. A log that does not verify is not trusted:
  its entries are not listed and its figures are not counted. "Show" keeps only
  the ✗ sessions (or those with entries kept aside); the pane below gives the
  selected session's whole log status (the table cuts it).

Decisions: every proposal, discretion, keep (declined), ratification, retraction and
dissent of the logs that verify.
  Status  ✓ stands / – superseded (a later entry replaced it) / ✗ retracted by N;
          a row that no longer stands is dimmed as well.
  A proposal also shows its outcome: ◐ pending, ✓ accepted, ✓ declined, – withdrawn.
  A retraction or a dissent names the entry (and standard) it concerns.
  Columns: date of the meeting, chair, by (who decided), then the entry.
  Filters: chair, by, year met, kind, status, standard, direction, flag,
  framework, inspector, fieldwork year (tab moves between them; c clears them all); the line above
  the table counts the rows they leave. A person is one person: people.toml's
  name stands for every spelling of it (case, spacing, former spellings).

While the scan reads: sessions and decisions are added as they are read (the cursor stays
  where you put it); the top line and the count say "so far" until the scan ends. Filters
  apply to rows as they arrive; a sort orders the sessions read so far, and those read after
  it are added below until the scan ends, when the table is put in order. r reads again.

Figures: flagged standards with discretion, considered and kept, ✗ NEVER CONSIDERED
(a signed-off session without a decision on it) and ◐ not yet considered (a meeting
still open or to come); uplifts, lowerings, decisions outside the criteria; then by
framework, lead inspector and year, as bar rows: ▲ uplifts and ▼ lowerings, and
flagged standards with █ discretion and ░ without (the rate beside them). They need every
session: the tab says so until the scan ends.

Press esc or ? to close."""
