"""Read the OCEL 2.0 and XES exports back with pm4py, in a throwaway environment.

    python bench/check_pm4py.py [--pm4py-python /tmp/pm4py-venv/bin/python]

pm4py is AGPL, so it is never a runtime dependency of the workbench (only the test
extra has it, for tests/test_exports.py): this check runs it in a separate interpreter
(a virtual environment of its own, e.g. ``python -m venv /tmp/pm4py-venv &&
/tmp/pm4py-venv/bin/pip install pm4py``). Every case study is
exported here (OCEL JSON, OCEL SQLite, XES); the other interpreter reads each file
with ``pm4py.read_ocel2_json``, ``pm4py.read_ocel2_sqlite`` and ``pm4py.read_xes``,
and runs pm4py's validator of the OCEL 2.0 relational constraints on the SQLite
file. The numbers of events and objects (traces and events for XES) are compared
with ours; the exit status is 1 when any differs.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from workbench.io.importer import import_chronologies
from workbench.outputs.batch import case_study_folders
from workbench.outputs.exports import export_case

ROOT = Path(__file__).resolve().parents[1]

_READER = r"""
import json, sys, warnings
warnings.filterwarnings("ignore")
import pm4py
from pm4py.objects.ocel.validation import ocel20_rel_validation
out = {}
for kind, path in json.loads(sys.argv[1]):
    if kind == "ocel-json":
        o = pm4py.read_ocel2_json(path)
    elif kind == "ocel-sqlite":
        o = pm4py.read_ocel2_sqlite(path)
    if kind.startswith("ocel"):
        out[path] = {"events": len(o.events), "objects": len(o.objects),
                     "relations": len(o.relations), "o2o": len(o.o2o),
                     "object_changes": len(o.object_changes)}
        if kind == "ocel-sqlite":
            satisfied, unsatisfied = ocel20_rel_validation.apply(path)
            out[path]["constraints_failed"] = sorted(unsatisfied)
    else:
        log = pm4py.read_xes(path, variant="iterparse")
        out[path] = {"traces": int(log["case:concept:name"].nunique()), "events": len(log)}
print("PM4PY-RESULT " + json.dumps(out))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pm4py-python", default="/tmp/pm4py-venv/bin/python",
                        help="an interpreter that has pm4py (not this project's)")
    parser.add_argument("--casestudies", default=str(ROOT / "casestudies"))
    args = parser.parse_args()
    if not Path(args.pm4py_python).is_file():
        print(f"no interpreter at {args.pm4py_python}: make one with python -m venv "
              "/tmp/pm4py-venv && /tmp/pm4py-venv/bin/pip install pm4py", file=sys.stderr)
        return 2
    ours: dict[str, tuple[str, str, dict]] = {}
    with tempfile.TemporaryDirectory(prefix="pm4py-check-") as folder:
        jobs = []
        for study in case_study_folders(args.casestudies):
            case = import_chronologies([study])
            for fmt, suffix in (("ocel-json", "json"), ("ocel-sqlite", "sqlite"),
                                ("xes", "xes")):
                path = str(Path(folder) / f"{case.id}.{suffix}")
                result = export_case(case, fmt, path)
                ours[path] = (case.id, fmt, dict(result.counts))
                jobs.append((fmt, path))
        done = subprocess.run([args.pm4py_python, "-c", _READER, json.dumps(jobs)],
                              capture_output=True, text=True, check=False)
        line = next((x for x in done.stdout.splitlines() if x.startswith("PM4PY-RESULT ")),
                    None)
        if done.returncode != 0 or line is None:
            print(done.stderr[-2000:], file=sys.stderr)
            return 2
        theirs = json.loads(line.removeprefix("PM4PY-RESULT "))
    differ = False
    print(f"{'case':30} {'format':12} {'ours':>22} {'pm4py':>22}  notes")
    for path, (case_id, fmt, counts) in ours.items():
        read = theirs[path]
        keys = ("traces", "events") if fmt == "xes" else ("events", "objects")
        a = " / ".join(str(counts[k]) for k in keys)
        b = " / ".join(str(read[k]) for k in keys)
        same = all(counts[k] == read[k] for k in keys)
        differ |= not same
        notes = []
        if fmt.startswith("ocel"):
            notes.append(f"E2O ours {counts['relations']} pm4py {read['relations']}, "
                         f"O2O {read['o2o']}, object changes {read['object_changes']}")
        if read.get("constraints_failed"):
            differ = True
            notes.append(f"constraints failed: {read['constraints_failed']}")
        elif fmt == "ocel-sqlite":
            notes.append("all relational constraints hold")
        label = "events / objects" if fmt != "xes" else "traces / events"
        print(f"{case_id:30} {fmt:12} {a:>22} {b:>22}  {label}{'' if same else ' DIFFER'}; "
              + "; ".join(notes))
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
