"""A writer process for the crash and concurrency tests: appends dissent entries, reporting each."""
import sys
from pathlib import Path

from panel_tui.core.inspection import load_inspection
from panel_tui.core.log import append_entry

session, tag, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
insp = load_inspection(session)
for i in range(count):
    e = append_entry(session, insp, "dissent", {"member": tag, "reason": f"{tag} dissent number {i} for the record", "by": tag})
    print(e["seq"], e["hash"], flush=True)  # reported recorded only after append_entry returned
