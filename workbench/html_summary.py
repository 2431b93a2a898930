"""Short HTML summaries of the workbench's objects, for notebooks (``_repr_html_``).

A case, an analysis, a flag and a review record show in Jupyter as a small table of
what they hold (a summary, never a dump of the events); every value is escaped, so
text from a chronology is shown, never interpreted. The functions read the objects'
attributes only, so this module sits below them all.

Examples
--------
>>> print(summary_table("Case county-lines", [("events", 42), ("title", "<b>x</b>")]))
<table class="wb-summary"><caption>Case county-lines</caption><tbody><tr><th style="text-align:left">events</th><td style="text-align:left">42</td></tr><tr><th style="text-align:left">title</th><td style="text-align:left">&lt;b&gt;x&lt;/b&gt;</td></tr></tbody></table>
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable

__all__ = ["analysis_html", "case_html", "flag_html", "record_html", "summary_table"]

_CELL = ' style="text-align:left"'


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "—"
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(str(v) for v in value) or "—"
    return str(value)


def summary_table(caption: str, rows: Iterable[tuple[str, object]]) -> str:
    """A two-column table (name, value) under ``caption``; everything escaped."""
    body = "".join(f"<tr><th{_CELL}>{html.escape(str(name))}</th>"
                   f"<td{_CELL}>{html.escape(_text(value))}</td></tr>" for name, value in rows)
    return (f'<table class="wb-summary"><caption>{html.escape(caption)}</caption>'
            f"<tbody>{body}</tbody></table>")


def _span(events) -> str:
    start = events["start"] if "start" in getattr(events, "columns", ()) else None
    if start is None or start.dropna().empty:
        return "undated"
    from workbench.datetext import day_month_year

    return f"{day_month_year(start.min())} to {day_month_year(start.max())}"


def case_html(case) -> str:
    """A case: title, events, agencies, dates covered, sources, protocol, warnings."""
    events = case.events
    return summary_table(f"Case {case.id}", [
        ("title", case.title or None),
        ("events", len(events)),
        ("agencies", [a.name for a in case.agencies]),
        ("dates", _span(events)),
        ("sources", list(case.sources)),
        ("protocol", case.protocol),
        ("warnings from reading", len(case.problems)),
    ])


def analysis_html(analysis) -> str:
    """An analysis: its case, protocol, events, episodes, hand-offs and their answers."""
    handoffs = analysis.handoffs
    status = Counter(handoffs["status"]) if "status" in handoffs.columns else Counter()
    case = getattr(analysis, "case", None)
    return summary_table(f"Analysis of {case.id if case is not None else 'a cohort'}", [
        ("protocol", getattr(analysis.protocol, "name", analysis.protocol)),
        ("events", len(analysis.events)),
        ("dates", _span(analysis.events)),
        ("missing episodes", len(analysis.episodes)),
        ("hand-offs", len(handoffs)),
        ("hand-offs by answer", [f"{k}: {v}" for k, v in sorted(status.items())]),
    ])


def flag_html(flag) -> str:
    """A flag: its pattern, severity, certainty, when, what it says and its evidence."""
    from workbench.datetext import day_month_year

    return summary_table(f"Flag: {flag.title}", [
        ("pattern", flag.pattern),
        ("rule", flag.rule),
        ("severity", flag.severity),
        ("certainty", flag.certainty),
        ("when", day_month_year(flag.at, time=True) or None),
        ("explanation", flag.explanation),
        ("evidence", [f"{e.id} ({e.source})" for e in flag.events]),
        ("guidance", flag.guidance),
    ])


def record_html(record) -> str:
    """A review record: how many episodes, findings, recommendations and actions, and
    the actions by status."""
    status = Counter(a.status for a in record.actions)
    return summary_table(f"Review record of {record.case_id}", [
        ("key practice episodes", len(record.episodes)),
        ("findings", [f.title for f in record.findings] or len(record.findings)),
        ("recommendations", len(record.recommendations)),
        ("actions", len(record.actions)),
        ("actions by status", [f"{k}: {v}" for k, v in sorted(status.items())]),
    ])
