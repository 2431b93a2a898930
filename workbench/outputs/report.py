"""The review report: one self-contained HTML file that works offline and prints well.

Why one module: it gathers one report's sections for one template, a short function
per section side by side.

:func:`build_report` gathers a case's analysis (episodes, hand-offs, flags,
knowledge gaps, the agency network), the review store's record (key practice
episodes, findings, recommendations, the action plan) and a session's notes and
answers, and renders ``workbench/outputs/templates/report.html.j2`` with Jinja2 (autoescape
on: every piece of user text is escaped). Both figures are drawn by plotly.js,
inlined once; their data travel as JSON inside ``<script type="application/json">``
with ``<``, ``>`` and ``&`` escaped, and the figure builders HTML-escape user text
so that plotly never renders it as markup. The 7-minute briefing prints on a page
of its own. :func:`write_report` writes ``.html``, or ``.pdf`` through the system
Chromium.

Examples
--------
>>> from workbench.io.importer import import_chronologies
>>> case = import_chronologies(["casestudies/good-practice"])   # doctest: +SKIP
>>> html = build_report(case)                                   # doctest: +SKIP
>>> "7-minute briefing" in html                                 # doctest: +SKIP
True
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from workbench.analysis.analyse import Analysis, analyse
from workbench.case import Case
from workbench.errors import MissingToolError
from workbench.io.atomic import atomic_path, atomic_write
from workbench.review_record import FACTOR_LEVELS, ReviewRecord, flag_key

if TYPE_CHECKING:
    from workbench.analysis.rules import Rule
    from workbench.protocols import Protocol
    from workbench.store import NotesStore

__all__ = ["REFLECTIVE_QUESTIONS", "SECTIONS", "build_report", "html_to_pdf", "write_report"]

#: The report's sections: anchor → heading, in order.
SECTIONS = {
    "summary": "Summary", "timeline": "Timeline", "network": "Agency network",
    "episodes": "Missing episodes", "handoffs": "Hand-offs", "flags": "Flags",
    "knowledge": "Knowledge gaps", "reflections": "Participants' reflections",
    "findings": "Findings", "recommendations": "Recommendations",
    "action-plan": "Action plan", "briefing": "7-minute briefing",
}
#: A question a team can ask itself, per failure pattern (for the 7-minute briefing).
REFLECTIVE_QUESTIONS = {
    "unanswered-referral": "When we refer a child, how do we know it was received, and "
                           "who chases when we hear nothing?",
    "return-interview-missing": "Is every child offered a return interview within the "
                                "timescale, and re-offered after a refusal?",
    "return-interview-not-shared": "What happens to what a child tells the return interview "
                                   "worker, and who reads it?",
    "risk-disagreement": "When we grade risk, do we know what other agencies already hold?",
    "repeat-episodes-no-strategy": "Who counts the episodes, and who calls the strategy "
                                   "meeting when the threshold is met?",
    "information-not-shared": "What do we hold that the lead agency does not know?",
    "closed-while-active": "Before we close or step down, have the episodes stopped?",
    "child-voice-not-acted-on": "When a child names a person or a place, what do we do next?",
    "victim-blaming-language": "Does our recording describe exploitation, or blame the child?",
    "education-exclusion-escalation": "Do we treat an exclusion as a moment of rising risk?",
    "placement-not-notified": "When a child is placed out of area, who tells the host "
                              "authority and police, and when?",
    "meeting-missing-agency": "Who holds information but was not at the meeting?",
    "ownership-gap": "Who holds lead responsibility while the episodes continue?",
}
_LOCAL = "Europe/London"
_SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


# -- formatting ---------------------------------------------------------------------------

def _local(ts: object, *, time: bool = True) -> str:
    if ts is None or (not isinstance(ts, str) and pd.isna(ts)):
        return ""
    t = pd.Timestamp(ts)
    t = t.tz_convert(_LOCAL) if t.tzinfo is not None else t
    return t.strftime("%d %b %Y %H:%M" if time else "%d %b %Y")


def _event_date(row: Mapping[str, Any]) -> str:
    """An event's date as precisely as it was recorded, never more."""
    precision = row.get("precision", "")
    if precision == "minute":
        return _local(row["start"])
    if precision == "day":
        return _local(row["start"], time=False)
    return str(row.get("when") or "") or "undated"


def _number(value: float | None, digits: int = 0) -> str:
    if value is None or pd.isna(value):
        return ""
    return f"{float(value):.{digits}f}"


def _short(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _blocks(description: str) -> list[dict[str, Any]]:
    """A figure's text alternative (sentences and markdown tables) as blocks to render."""
    blocks: list[dict[str, Any]] = []
    table: list[list[str]] = []
    for line in [*description.splitlines(), ""]:
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if not all(set(c) <= {"-", ":"} for c in cells):
                table.append(cells)
            continue
        if table:
            blocks.append({"type": "table", "header": table[0], "rows": table[1:]})
            table = []
        if line.strip():
            blocks.append({"type": "p", "text": line.strip()})
    return blocks


def _figure_json(fig) -> str:
    """Figure JSON safe inside ``<script type="application/json">`` (no ``</script>``,
    no ``<!--``, no markup characters: ``<``, ``>``, ``&`` as ``\\u`` escapes)."""
    text = fig.to_json(validate=False)
    for raw, safe in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                      ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, safe)
    return text


# -- the pieces ---------------------------------------------------------------------------

def _event_rows(events: pd.DataFrame) -> dict[str, dict[str, Any]]:
    cols = ["id", "agency", "kind", "when", "start", "precision", "summary", "source"]
    return {r["id"]: {**r, "date": _event_date(r)}
            for r in events.loc[:, cols].to_dict("records")}


def _evidence(ids: Iterable[str], events: Mapping[str, Mapping[str, Any]]) -> list[dict]:
    out = []
    for i in ids:
        e = events.get(i)
        out.append({"id": i, "date": e["date"] if e else "", "agency": e["agency"] if e else "",
                    "summary": _short(e["summary"], 160) if e else "(not in the case)",
                    "source": e["source"] if e else "", "missing": e is None})
    return out


def _flags(table: pd.DataFrame, events: Mapping[str, Mapping[str, Any]]) -> list[dict]:
    out = []
    for r in table.to_dict("records"):
        out.append({"key": flag_key(r), "rule": r["rule"], "pattern": r["pattern"],
                    "severity": r["severity"], "certainty": r["certainty"],
                    "title": r["title"], "explanation": r["explanation"],
                    "guidance": r["guidance"], "at": _local(r["at"]),
                    "evidence": _evidence(r["event_ids"], events)})
    return out


def _episodes(ep: pd.DataFrame) -> list[dict]:
    return [{"number": r["episode"], "reported": _local(r["start"]),
             "reported_by": r["reported_by"], "found": _local(r["found_at"]) or "not found",
             "hours": _number(r["duration_hours"]), "grades": r["grades"] or "-",
             "return_interview": (r["ri_first_kind"].replace("return_interview_", "")
                                  if r["ri_first_kind"] else "none"),
             "ri_hours": _number(r["ri_hours"]), "rolling": r["rolling_count"],
             "repeat": bool(r["repeat"])} for r in ep.to_dict("records")]


def _handoffs(h: pd.DataFrame) -> list[dict]:
    return [{"id": r["handoff_id"], "sent": _local(r["sent"]), "sender": r["sender"],
             "recipient": r["recipient"], "kind": r["kind"].replace("_", " "),
             "summary": _short(r["summary"], 140), "status": r["status"],
             "answer": r["answer_id"], "basis": r["answer_basis"],
             "working_days": _number(r["working_days"]), "source": r["source"]}
            for r in h.to_dict("records")]


def _knowledge(analysis: Analysis, record: ReviewRecord,
               events: Mapping[str, Mapping[str, Any]]) -> list[dict]:
    from workbench.analysis.knowledge import knowledge_at, knowledge_matrix

    dated = analysis.events.loc[analysis.events["start"].notna()]
    if dated.empty:
        return []
    matrix = knowledge_matrix(analysis)
    moments = [("At the end of the chronology", dated["start"].max())]
    for kpe in record.episodes:
        last = events.get(kpe.last_event)
        if last is not None and not pd.isna(last["start"]):
            moments.append((f"At the end of the key practice episode “{kpe.title}”",
                            last["start"]))
    out = []
    for label, at in moments:
        table = knowledge_at(analysis, at, matrix=matrix)
        rows = [{"agency": r["agency"], "known": r["known"], "system": r["system"],
                 "gap": r["gap"], "share": f"{r['gap_share']:.0%}",
                 "lacked": _evidence(r["lacked_significant"][:6], events),
                 "more": max(0, len(r["lacked_significant"]) - 6)}
                for r in table.to_dict("records")]
        out.append({"label": label, "at": _local(at), "rows": rows})
    return out


def _reflections(store: NotesStore | None, session_id: str | None,
                 events: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    if store is None or session_id is None:
        return {"session": None, "notes": [], "answers": [], "participants": []}
    session = store.session(session_id)
    participants = store.participants(session_id)
    notes = []
    for n in store.notes(session_id):
        e = events.get(n.event_id or "")
        notes.append({"text": n.text, "author": n.author, "agency": n.agency,
                      "discipline": n.discipline, "tags": list(n.tags),
                      "event": n.event_id or "", "handoff": n.handoff_id or "",
                      "event_text": (f"{e['date']}, {e['agency']}: {_short(e['summary'], 90)}"
                                     if e else ""),
                      "at": _local(pd.Timestamp(n.created_at, unit="s", tz="UTC"))})
    answers: dict[str, dict[str, list[dict[str, str]]]] = {}
    for a in store.answers(session_id):
        answers.setdefault(a.decision, {}).setdefault(a.discipline, []).append(
            {"author": a.author, "text": a.text, "agency_to_act": a.agency_to_act})
    disciplines = Counter(p.discipline for p in participants if p.role != "facilitator")
    return {"session": {"title": session.title, "kind": session.kind,
                        "opened": _local(pd.Timestamp(session.created_at, unit="s", tz="UTC"))},
            "notes": notes,
            "answers": [{"decision": d, "by_discipline": sorted(g.items())}
                        for d, g in answers.items()],
            "participants": sorted(disciplines.items())}


def _record(record: ReviewRecord, flags: list[dict], events: Mapping[str, Mapping[str, Any]],
            analysis: Analysis, today: dt.date) -> dict[str, Any]:
    by_key = {f["key"]: f for f in flags}
    kpes = {k.id: k for k in record.episodes}
    ordered = analysis.events.sort_values(["seq"], kind="stable")
    position = {i: n for n, i in enumerate(ordered["id"])}
    episodes = []
    for k in record.episodes:
        a, b = position.get(k.first_event), position.get(k.last_event)
        span = ordered.iloc[min(a, b): max(a, b) + 1]["id"].tolist() if a is not None \
            and b is not None else []
        episodes.append({"id": k.id, "title": k.title, "description": k.description,
                         "first": _evidence([k.first_event], events)[0],
                         "last": _evidence([k.last_event], events)[0],
                         "events": _evidence(span[:40], events), "more": max(0, len(span) - 40)})
    findings = []
    for n, f in enumerate(record.findings, 1):
        findings.append({
            "number": n, "id": f.id, "title": f.title, "text": f.text,
            "episodes": [kpes[i].title if i in kpes else f"{i} (not recorded)"
                         for i in f.episodes],
            "factors": [(level, [x.text for x in f.factors_at(level)])
                        for level in FACTOR_LEVELS],
            "flags": [by_key.get(key) or {"key": key, "title": f"{key} (not raised)",
                                          "severity": "", "explanation": "", "evidence": []}
                      for key in f.flags],
            "events": _evidence(f.events, events)})
    numbers = {f["id"]: f["number"] for f in findings}
    recommendations = []
    for n, r in enumerate(record.recommendations, 1):
        recommendations.append({"number": n, "id": r.id, "text": r.text,
                                "addressed_to": r.addressed_to,
                                "findings": [f"{numbers[i]}" if i in numbers
                                             else f"{i} (not recorded)" for i in r.findings]})
    rec_numbers = {r["id"]: r["number"] for r in recommendations}
    actions = [{"number": n, "text": a.text, "owner": a.owner, "due": a.due.strftime("%d %b %Y"),
                "status": a.status, "overdue": a.overdue(today), "progress": a.progress,
                "recommendation": (rec_numbers.get(a.recommendation, f"{a.recommendation} "
                                                   "(not recorded)") if a.recommendation
                                   else "")}
               for n, a in enumerate(record.actions, 1)]
    return {"episodes": episodes, "findings": findings, "recommendations": recommendations,
            "actions": actions}


def _summary(case: Case, analysis: Analysis, flags: list[dict]) -> dict[str, Any]:
    ev = analysis.events
    dated = ev.loc[ev["start"].notna()]
    first = dated.loc[dated["start"].idxmin()] if len(dated) else None
    last = dated.loc[dated["start"].idxmax()] if len(dated) else None
    statuses = analysis.handoffs["status"].value_counts()
    ep = analysis.episodes
    ri_on_time = int((ep["ri_hours"] <= float(analysis.settings["return_interview_hours"])).sum())
    child = [(str(k).replace("_", " "), "yes" if v is True else "no" if v is False else str(v))
             for k, v in case.child.items()]
    return {
        "case_id": case.id, "title": case.title or case.id, "child": child,
        "child_label": str(case.child.get("label", "the child")),
        "protocol": analysis.protocol.title or analysis.protocol.name,
        "protocol_name": analysis.protocol.name,
        "from": _event_date(first) if first is not None else "",
        "to": _event_date(last) if last is not None else "",
        "events": len(ev), "undated": int(ev["start"].isna().sum()),
        "agencies": [(a.name, a.sector.replace("-", " ")) for a in case.agencies],
        "episodes": len(ep), "repeats": int(ep["repeat"].sum()),
        "ri_on_time": ri_on_time, "ri_hours": analysis.settings["return_interview_hours"],
        "handoffs": len(analysis.handoffs),
        "statuses": [(s, int(statuses.get(s, 0))) for s in ("answered", "late", "unanswered",
                                                           "open")],
        "flags": len(flags),
        "severities": [(s, sum(f["severity"] == s for f in flags))
                       for s in ("high", "medium", "low")],
        "anonymisation": [(str(k), str(v)) for k, v in (case.anonymisation or {}).items()],
        "sources": list(case.sources),
    }


def _briefing(summary: dict, flags: list[dict], record: dict) -> dict[str, Any]:
    """The 7-minute briefing: seven short boxes that fit one printed page."""
    top_flags = sorted(flags, key=lambda f: (_SEVERITY_ORDER.get(f["severity"], 3), f["at"]))
    patterns = list(dict.fromkeys(f["pattern"] for f in top_flags))
    found = ([_short(f["title"], 120) for f in record["findings"][:4]]
             or [_short(f"{f['title']}: {f['explanation']}", 150) for f in top_flags[:4]])
    why = [_short(g, 200) for g in dict.fromkeys(f["guidance"] for f in top_flags if f["guidance"])
           ][:3]
    owners = sorted({a["owner"] for a in record["actions"]})
    statuses = dict(summary["statuses"])
    return {
        "background": [
            (summary["title"] if summary["title"].startswith(summary["child_label"])
             else f"{summary['child_label']}: {summary['title']}") + ".",
            f"Chronology from {summary['from'] or 'an unknown date'} to "
            f"{summary['to'] or 'an unknown date'}; {summary['events']} records from "
            f"{len(summary['agencies'])} agencies.",
        ],
        "happened": [
            f"{summary['episodes']} missing episode(s), {summary['repeats']} of them repeats.",
            f"{summary['handoffs']} hand-offs between agencies: {statuses['answered']} answered "
            f"in time, {statuses['late']} late, {statuses['unanswered']} never answered.",
            f"Return interviews within {summary['ri_hours']} hours: {summary['ri_on_time']} of "
            f"{summary['episodes']} episodes.",
        ],
        "found": found or ["No findings recorded yet, and no flags raised."],
        "why": why or ["See the guidance in the full report."],
        "change": [_short(r["text"], 160) for r in record["recommendations"][:4]]
        or ["No recommendations recorded yet."],
        "questions": [REFLECTIVE_QUESTIONS[p] for p in patterns if p in REFLECTIVE_QUESTIONS][:4]
        or ["What would we do differently next time a child goes missing again and again?"],
        "more": [
            f"Protocol: {summary['protocol']}.",
            f"Action plan: {len(record['actions'])} action(s)"
            + (f", owned by {', '.join(owners)}." if owners else "."),
            "The full review report holds the evidence for every point above.",
        ],
    }


# -- the report ---------------------------------------------------------------------------

def _environment():
    from jinja2 import Environment, PackageLoader, StrictUndefined

    return Environment(loader=PackageLoader("workbench.outputs", "templates"), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def build_report(case: Case, *, session_id: str | None = None, store: NotesStore | None = None,
                 protocol: Protocol | str | None = None, rules: Iterable[Rule] | None = None,
                 today: dt.date | None = None) -> str:
    """The review report of ``case`` as one self-contained HTML document.

    Parameters
    ----------
    case : the case to report on.
    session_id : a session of ``store`` whose notes and workshop answers are the
        participants' reflections.
    store : the review store holding the case's review record (key practice
        episodes, findings, recommendations, action plan).
    protocol : the protocol profile (default: the case's own, else england-2014).
    rules : the rules to run (default: the bundled rules).
    today : the date actions are judged overdue against (default: today).
    """
    from plotly.offline import get_plotlyjs

    from workbench.analysis.network import agency_graph, network_summary
    from workbench.analysis.rules import flag_table
    from workbench.timeline import describe_timeline, timeline_figure
    from workbench.views.network import describe_network, network_figure
    from workbench.views.style import figure_config

    if session_id is not None and store is None:
        raise ValueError("session_id needs the store that holds the session (store=...)")
    today = today or dt.date.today()
    analysis = analyse(case, protocol=protocol)
    table = flag_table(analysis, rules=rules)
    events = _event_rows(analysis.events)
    flags = _flags(table, events)
    record = store.review_record(case.id) if store is not None else ReviewRecord(case.id)
    G = agency_graph(analysis)
    net_summary = network_summary(G)
    summary = _summary(case, analysis, flags)
    record_view = _record(record, flags, events, analysis, today)
    context = {
        "sections": SECTIONS, "summary": summary,
        "generated": pd.Timestamp.now(tz=_LOCAL).strftime("%d %b %Y %H:%M"),
        "timeline_json": _figure_json(timeline_figure(analysis, flags=table)),
        "timeline_text": _blocks(describe_timeline(analysis, flags=table)),
        "network_json": _figure_json(network_figure(G, summary=net_summary)),
        "network_text": _blocks(describe_network(G, summary=net_summary)),
        "episodes": _episodes(analysis.episodes), "handoffs": _handoffs(analysis.handoffs),
        "flags": flags, "knowledge": _knowledge(analysis, record, events),
        "reflections": _reflections(store, session_id, events),
        "record": record_view, "briefing": _briefing(summary, flags, record_view),
        "problems": record.problems(event_ids=events, flag_keys=[f["key"] for f in flags]),
        "plotly_js": get_plotlyjs(),
        # no cloud button, no logo link: nothing in the report reaches an outside service
        "plotly_config": json.dumps(figure_config(
            responsive=False, filename=re.sub(r"[^A-Za-z0-9_-]+", "-", f"{case.id}-review"))),
    }
    return _environment().get_template("report.html.j2").render(**context)


def html_to_pdf(html: str, out: str | Path, *, browser: str | Path | None = None,
                timeout: float = 120) -> Path:
    """Print an HTML document to PDF with the system Chromium (headless), atomically.

    Raises :class:`~workbench.errors.MissingToolError` when Chromium is not installed.
    """
    exe = str(browser) if browser else next(
        (p for p in (shutil.which(n) for n in ("chromium", "chromium-browser",
                                               "google-chrome")) if p), None)
    if exe is None or not Path(exe).is_file():
        raise MissingToolError("a PDF report needs Chromium, which was not found: "
                               "apt-get install chromium (Debian/Ubuntu), or write .html and "
                               "print it from a browser")
    out = Path(out)
    with tempfile.TemporaryDirectory(prefix="workbench-report-") as folder:
        page = Path(folder) / "report.html"
        page.write_text(html, encoding="utf-8")
        with atomic_path(out) as temp:
            command = [exe, "--headless", "--disable-gpu", "--no-sandbox",
                       "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                       "--disable-background-networking", "--run-all-compositor-stages-before-draw",
                       "--virtual-time-budget=15000", f"--user-data-dir={folder}/profile",
                       "--no-pdf-header-footer", f"--print-to-pdf={temp}", page.as_uri()]
            done = subprocess.run(command, capture_output=True, timeout=timeout, check=False,
                                  env={**os.environ, "HOME": folder})
            if done.returncode != 0 or temp.stat().st_size == 0:
                said = done.stderr.decode(errors="replace")[-500:]
                raise RuntimeError(f"Chromium could not print the report (exit "
                                   f"{done.returncode}): {said}")
    return out


def write_report(case: Case, out: str | Path, *, session_id: str | None = None,
                 store: NotesStore | None = None, protocol: Protocol | str | None = None,
                 rules: Iterable[Rule] | None = None, today: dt.date | None = None) -> Path:
    """Write the report to ``out``: ``.html`` (self-contained) or ``.pdf`` (Chromium)."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".html", ".htm", ".pdf"):
        raise ValueError(f"{out}: a report is written as .html or .pdf, not "
                         f"{suffix or 'a file without suffix'!r}")
    html = build_report(case, session_id=session_id, store=store, protocol=protocol,
                        rules=rules, today=today)
    if suffix == ".pdf":
        return html_to_pdf(html, out)
    return atomic_write(out, html)
