"""A writer process for the crash and concurrency tests: appends dissent entries, reporting each."""

import os
import sys
from pathlib import Path

from panel_tui.core.inspection import load_inspection
from panel_tui.core.log import append_entry

session, tag, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
insp = load_inspection(session)
for i in range(count):
    # member A of the panel present (the tests' sessions record Chair, A and B as attendance)
    e = append_entry(
        session, insp, "dissent", {"member": "A", "reason": f"{tag} dissent number {i} for the record", "by": "A"}
    )
    # reported recorded only after append_entry returned; one write() so a kill cannot split the line
    os.write(1, f"{e['seq']} {e['hash']}\n".encode())
