"""The dashboards' applications: thin widget classes over the library.

Each app builds its widgets from library functions and wires them; a dashboard
notebook in ``dashboards/`` only constructs one and displays ``app.widget``. The apps
run without a browser (tests click their buttons programmatically).

- :class:`ReviewApp`: walk a case together (timeline, knowledge at T, flags, notes);
- :class:`WorkshopApp`: a facilitator reveals a case step by step, participants answer;
- :class:`NetworkApp`: the agency network in a time window, hand-offs per edge, silos;
- :class:`CohortApp`: flags, return-interview timeliness and hand-off answer rates
  over many cases;
- :class:`CaseLibrary`, :func:`settings_from_environment`, :func:`gate_problems` and
  :class:`StorePoller`: what they share.
"""

from __future__ import annotations

import importlib
from typing import Any

#: public name -> module that defines it (imported on first use)
_API = {
    "CaseEntry": "workbench.apps.library",
    "CaseLibrary": "workbench.apps.library",
    "CohortApp": "workbench.apps.cohort",
    "GATE_CHECKS": "workbench.apps.gate",
    "NetworkApp": "workbench.apps.network",
    "ReviewApp": "workbench.apps.review",
    "Settings": "workbench.apps.settings",
    "StorePoller": "workbench.apps.poller",
    "WorkshopApp": "workbench.apps.workshop",
    "cohort_figure": "workbench.apps.cohort",
    "cohort_source": "workbench.apps.cohort",
    "gate_problems": "workbench.apps.gate",
    "settings_from_environment": "workbench.apps.settings",
}

__all__ = sorted(_API)


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'workbench.apps' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
