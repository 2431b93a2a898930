"""A tiny fictional case (and a twin without an anonymisation declaration) for the
dashboard tests, with two deterministic rules so the tests do not depend on the
bundled rule set.

>>> import tempfile, pathlib
>>> folder = write_cases(pathlib.Path(tempfile.mkdtemp()))
>>> sorted(p.name for p in folder.iterdir())
['tiny', 'undeclared']
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tests.casebuilder import events
from workbench.agencies import load_aliases
from workbench.analysis.rules import rule
from workbench.case import case_from_events
from workbench.io.casefile import write_case

CSC = "Children's Social Care"
DECLARATION = {"by": "Test author", "on": "2026-11-25", "method": "fictional; invented labels"}
#: one line of text each test can look for (and an injection attempt in user text)
MARK = "Said an older man <img src=x onerror=alert(1)> gave her a lift"

ROWS = (
    ("05/02/2025 22:00", "Police", "missing_report",
     {"risk_grade": "medium", "summary": "Child T reported missing by carer"}),
    ("06/02/2025 08:00", "Police", "found",
     {"recipients": [CSC], "summary": "Found at a friend's address; shared with CSC"}),
    ("07/02/2025 10:00", "Return Interview Service", "return_interview_completed",
     {"summary": MARK, "action": "Advised; no referral made", "outcome": "Case left open"}),
    ("10/02/2025 09:00", "School", "referral",
     {"recipients": [CSC], "summary": "School referral: attendance falling"}),
    ("20/02/2025 23:00", "Police", "missing_report", {"risk_grade": "low"}),
    ("21/02/2025 07:30", "Police", "found", {"summary": "Returned home by herself"}),
    ("01/03/2025 12:00", CSC, "case_closed", {"summary": "Case closed: no further action"}),
    ("05/03/2025 21:00", "Police", "missing_report", {"risk_grade": "high"}),
    ("06/03/2025 06:00", "Police", "found", {"recipients": [CSC, "School"]}),
    ("10/03/2025 14:00", CSC, "strategy_meeting",
     {"attendees": [CSC, "Police"], "summary": "Strategy meeting; school not invited"}),
)


def tiny_case(*, declared: bool = True, id: str = "tiny"):
    meta = {"id": id, "title": "Child T: a tiny fictional case", "protocol": "england-2014"}
    if declared:
        meta["anonymisation"] = dict(DECLARATION)
    return case_from_events(events(*ROWS), id=id, meta=meta, sources=("test.csv",),
                            aliases=load_aliases())


#: the agencies of :func:`many_agencies_case` with records in its review period, and those
#: whose only records are years before it (month or year known: background)
ACTIVE = ("Police", CSC, "School", "Return Interview Service", "Youth Justice Service",
          "Emergency Department")
BACKGROUND = ("Health Visiting", "GP Surgery", "Housing", "Early Help",
              "Speech and Language Therapy", "Dental Service", "Nursery", "Family Support",
              "Youth Club")


def many_agencies_case(*, id: str = "many-agencies", all_active: bool = False):
    """Child M (fictional): fifteen agencies. Six (:data:`ACTIVE`) recorded the review
    period in 2025: three missing episodes, return interviews, referrals and a strategy
    meeting; nine more (:data:`BACKGROUND`) have only records from 2016-2022 known to the
    month or the year. ``all_active``: each of the nine also wrote a note in the review
    period (fifteen lanes in the review window, none folded)."""
    rows: list[tuple] = []
    if all_active:
        rows += [(f"{10 + n:02d}/{2 + n % 3:02d}/2025 {9 + n % 6}:00", agency, "contact",
                  {"summary": f"{agency}: saw her in the review period"})
                 for n, agency in enumerate(BACKGROUND)]
    for n, agency in enumerate(BACKGROUND):
        year = 2016 + n % 7
        rows.append((f"{3 + n % 9:02d}/{year}" if n % 3 else str(year), agency, "contact",
                     {"summary": f"{agency}: note from the child's early years"}))
        if n % 2:
            rows.append((f"{1 + n:02d}/2022", agency, "contact",
                         {"summary": f"{agency}: a later note"}))
    for m, (day, hour) in enumerate((("04/02/2025", 21), ("11/03/2025", 23), ("19/04/2025", 22))):
        d, mo, y = day.split("/")
        back = f"{int(d) + 1:02d}/{mo}/{y}"
        rows += [
            (f"{day} {hour}:00", "Police", "missing_report",
             {"risk_grade": ("medium", "high", "high")[m]}),
            (f"{back} 07:30", "Police", "found", {"recipients": [CSC],
                                                   "summary": "Found in a stairwell in town"}),
            (f"{back} 09:10", "Emergency Department", "contact",
             {"summary": "Seen for a cut hand; discharged"}),
            (f"{int(d) + 3:02d}/{mo}/{y} 15:00", "Return Interview Service",
             "return_interview_completed", {"recipients": [CSC],
                                            "summary": "Would not say where she had been"}),
            (f"{int(d) + 6:02d}/{mo}/{y} 10:00", "School", "referral",
             {"recipients": [CSC], "summary": "Attendance falling; seen with older youths"}),
        ]
    rows += [("20/03/2025 14:00", CSC, "strategy_meeting",
              {"attendees": ["Police", CSC, "Youth Justice Service"],
               "summary": "Strategy meeting: exploitation concerns"}),
             ("02/04/2025 11:00", "Youth Justice Service", "contact",
              {"summary": "Out-of-court disposal; worker allocated"}),
             ("05/05/2025 16:00", CSC, "case_closed", {"summary": "Case closed"})]
    rows.sort(key=lambda r: _day_key(str(r[0])))
    title = ("Child M: fifteen agencies, all in the review" if all_active else
             "Child M: fifteen agencies, nine from before the review")
    meta = {"id": id, "title": title,
            "protocol": "england-2014", "anonymisation": dict(DECLARATION)}
    return case_from_events(events(*rows), id=id, meta=meta, sources=("test.csv",),
                            aliases=load_aliases())


def _day_key(when: str) -> tuple[int, int, int]:
    """``dd/mm/yyyy hh:mm``, ``mm/yyyy`` or ``yyyy`` as (year, month, day) for sorting."""
    parts = when.split()[0].split("/")
    return (int(parts[-1]), int(parts[-2]) if len(parts) > 1 else 1,
            int(parts[0]) if len(parts) == 3 else 1)


def write_cases(folder: Path) -> Path:
    """``folder/tiny`` (declared) and ``folder/undeclared``; returns ``folder``."""
    write_case(tiny_case(), folder / "tiny")
    write_case(tiny_case(declared=False, id="undeclared"), folder / "undeclared")
    return folder


@rule("test.referral", pattern="unanswered-referral",
      title="Referral <b>never</b> answered", severity="high")
def referral_flag(analysis):
    ev = analysis.events
    hit = ev.loc[ev["kind"] == "referral"]
    return pd.DataFrame({"case_id": hit["case_id"], "at": hit["start"],
                         "event_ids": [[i] for i in hit["id"]],
                         "explanation": "The school's referral <script>x()</script> got no "
                                        "answer."})


@rule("test.closed", pattern="closed-while-active", title="Closed while going missing",
      severity="medium")
def closed_flag(analysis):
    ev = analysis.events
    closed = ev.loc[ev["kind"] == "case_closed"]
    later = ev.loc[(ev["kind"] == "missing_report")
                   & (ev["start"] > closed["start"].min())]["id"].tolist()
    return pd.DataFrame({"case_id": closed["case_id"], "at": closed["start"],
                         "event_ids": [[i, *later] for i in closed["id"]],
                         "explanation": "The case was closed; she went missing again."})


RULES = (referral_flag, closed_flag)
