"""Case-level answers: importing one row per case into an inspection, and keeping them beside it.

Inspectors answer every key question Yes or No for each case; the panel's figures (``relevant``
and ``yes``) are counts of those answers. Importing the answers, instead of typing counts, removes
a copying step, and keeping them (``cases.csv`` in the session) lets the evidence say which cases
would flip a band. One module per job: ``csv_reader`` and ``xlsx_reader`` (a file read as a
spreadsheet shows it, or refused), ``table`` (the answers checked against the framework, merged,
kept), ``counts`` (the import: counts written into the inspection file in place) and ``flips``
(which cases would flip a band). The names below are the ones callers use.
"""

from panel_tui.core.cases.counts import ImportResult, import_cases, with_counts
from panel_tui.core.cases.flips import cases_that_flip
from panel_tui.core.cases.table import (
    ANSWERS,
    CASES_FILE,
    MAX_CASE_ID,
    NA,
    NO,
    YES,
    CaseTable,
    load_cases,
    merge_tables,
    read_case_file,
)

__all__ = [
    "ANSWERS",
    "CASES_FILE",
    "MAX_CASE_ID",
    "NA",
    "NO",
    "YES",
    "CaseTable",
    "ImportResult",
    "cases_that_flip",
    "import_cases",
    "load_cases",
    "merge_tables",
    "read_case_file",
    "with_counts",
]
