"""Case review workbench: multi-agency chronologies of children who go missing.

The public API is flat; names are imported on first use so that the command line
starts quickly (pandas and plotly load only when a command needs them).

>>> import workbench
>>> workbench.load_case.__module__
'workbench.casefile'
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

#: public name -> module that defines it
_API = {
    # model and files
    "Case": "workbench.case",
    "EVENT_COLUMNS": "workbench.case",
    "Agency": "workbench.agencies",
    "load_aliases": "workbench.agencies",
    "load_case": "workbench.casefile",
    "write_case": "workbench.casefile",
    "import_chronologies": "workbench.importer",
    "read_events": "workbench.importer",
    "validate": "workbench.validate",
    "parse_when": "workbench.dates",
    "When": "workbench.dates",
    "Precision": "workbench.dates",
    "classify": "workbench.kinds",
    "KINDS": "workbench.kinds",
    "generate_cohort": "workbench.generate",
    # analysis
    "analyse": "workbench.analysis",
    "find_flags": "workbench.rules",
    "flag_table": "workbench.rules",
    "rule": "workbench.rules",
    "default_rules": "workbench.rules",
    "Flag": "workbench.rules",
    "load_protocol": "workbench.protocols",
    "knowledge_at": "workbench.knowledge",
    "agency_graph": "workbench.graph",
    "network_summary": "workbench.graph",
    "cohort_report": "workbench.cohort",
    # views
    "timeline_figure": "workbench.timeline",
    "network_figure": "workbench.network",
    "write_figure": "workbench.figures",
    # review record, store, outputs
    "NotesStore": "workbench.store",
    "KeyPracticeEpisode": "workbench.record",
    "Finding": "workbench.record",
    "Recommendation": "workbench.record",
    "Action": "workbench.record",
    "ContributoryFactor": "workbench.record",
    "ReviewRecord": "workbench.record",
    "build_report": "workbench.report",
    "write_report": "workbench.report",
    "export_case": "workbench.exports",
    # privacy
    "scan_paths": "workbench.privacy",
    "pseudonymise": "workbench.privacy",
    # dashboards (widget apps over the library; served by `workbench serve`)
    "ReviewApp": "workbench.apps",
    "WorkshopApp": "workbench.apps",
    "NetworkApp": "workbench.apps",
    "CohortApp": "workbench.apps",
    "CaseLibrary": "workbench.apps",
    "gate_problems": "workbench.apps",
    "settings_from_environment": "workbench.apps",
    # errors
    "WorkbenchError": "workbench.errors",
    "CaseValidationError": "workbench.errors",
    "Problem": "workbench.errors",
    "Reason": "workbench.errors",
    "Severity": "workbench.errors",
}

__all__ = sorted(_API)


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'workbench' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
