"""Case review workbench: multi-agency chronologies of children who go missing.

The public API is flat; names are imported on first use so that the command line
starts quickly (pandas and plotly load only when a command needs them).

>>> import workbench
>>> workbench.load_case.__module__
'workbench.io.casefile'
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
    "load": "workbench.io",
    "load_case": "workbench.io.casefile",
    "write_case": "workbench.io.casefile",
    "import_chronologies": "workbench.io.importer",
    "import_report": "workbench.io.importer",
    "ImportSummary": "workbench.io.summary",
    "read_events": "workbench.io.importer",
    "validate": "workbench.io.validate",
    "parse_when": "workbench.io.dates",
    "When": "workbench.io.dates",
    "Precision": "workbench.io.dates",
    "classify": "workbench.kinds",
    "KINDS": "workbench.kinds",
    "generate_cohort": "workbench.generate",
    # analysis
    "analyse": "workbench.analysis.analyse",
    "Analysis": "workbench.analysis.analyse",
    "Protocol": "workbench.protocols",
    "Rule": "workbench.analysis.rules",
    "Evidence": "workbench.analysis.rules",
    "silenced_table": "workbench.analysis.rules",
    "describe_timeline": "workbench.timeline",
    "describe_network": "workbench.views.network",
    "tiny_case": "workbench.examples",
    "find_flags": "workbench.analysis.rules",
    "flag_table": "workbench.analysis.rules",
    "rule": "workbench.analysis.rules",
    "default_rules": "workbench.analysis.rules",
    "Flag": "workbench.analysis.rules",
    "load_protocol": "workbench.protocols",
    "knowledge_at": "workbench.analysis.knowledge",
    "agency_graph": "workbench.analysis.network",
    "network_summary": "workbench.analysis.network",
    "cohort_report": "workbench.analysis.cohort",
    # views
    "timeline_figure": "workbench.timeline",
    "timeline_spec": "workbench.timeline",
    "TimelineSpec": "workbench.timeline",
    "network_figure": "workbench.views.network",
    "write_figure": "workbench.views.style",
    # review record, store, outputs
    "NotesStore": "workbench.store",
    "KeyPracticeEpisode": "workbench.review_record",
    "Finding": "workbench.review_record",
    "Recommendation": "workbench.review_record",
    "Action": "workbench.review_record",
    "ContributoryFactor": "workbench.review_record",
    "ReviewRecord": "workbench.review_record",
    "build_report": "workbench.outputs.report",
    "write_report": "workbench.outputs.report",
    "export_case": "workbench.outputs.exports",
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
    "UnknownProtocolError": "workbench.errors",
    "StoreError": "workbench.errors",
    "UnknownItemError": "workbench.errors",
    "OptionError": "workbench.errors",
    "MissingToolError": "workbench.errors",
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
