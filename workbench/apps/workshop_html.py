"""The workshop's pure parts: the case cut at the reveal point, decision points, and
its panels as plain HTML (the facilitator's answers and room, the projector's tally,
the story so far). None touches a widget or the store.

Examples
--------
>>> parse_decision(decision_key(12, QUESTION)) == (12, QUESTION)
True
>>> people_html({"education": ["CD"], "policing": ["AB"]})
'<h3>In the room (2)</h3><div><b>education</b>: CD</div><div><b>policing</b>: AB</div>'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import pandas as pd

from workbench.apps._html import esc, event_card, moment_text, text_block
from workbench.case import Case
from workbench.kinds import kind_labels
from workbench.store import Answer

__all__ = ["NOT_SURE", "QUESTION", "WORKSHOP_ARIA", "answers_html", "coming_html", "decision_key",
           "gate_html", "join_code_html", "parse_decision", "people_html", "revealed_case",
           "story_html", "tally_html"]

#: the question put to the room at a decision point
QUESTION = "What would you do now, and which agency should act?"
NOT_SURE = "(not sure)"
#: names and live regions the page gives the workshop's widgets
WORKSHOP_ARIA = {
    ".wb-status": {"role": "status"},
    ".wb-answer-status": {"role": "status"},
    ".wb-revealed": {"aria-live": "polite"},
    ".wb-latest": {"aria-live": "polite", "aria-atomic": "true"},
    ".wb-question-text": {"aria-live": "assertive"},
    ".wb-answers": {"aria-live": "polite"},
    ".wb-figure": {"role": "figure", "aria-label": "Timeline of what has been revealed",
                   "aria-describedby": "wb-workshop-words"},
}


def revealed_case(case: Case, reveal_seq: int | None) -> Case:
    """The case cut at the reveal point: only events with ``seq <= reveal_seq``.

    >>> from workbench.case import Case
    >>> c = Case(id="x", events=pd.DataFrame({"seq": [1, 2, 3]}))
    >>> revealed_case(c, 2).events["seq"].tolist(), len(revealed_case(c, None).events)
    ([1, 2], 0)
    """
    events = case.events
    keep = events["seq"] <= reveal_seq if reveal_seq is not None else \
        pd.Series(False, index=events.index)
    return replace(case, events=events.loc[keep].reset_index(drop=True), imported=None,
                   overrides={})


def decision_key(seq: int, question: str) -> str:
    """How a decision point is stored: the event it follows and the question."""
    return f"{int(seq)}|{question}"


def parse_decision(key: str | None) -> tuple[int, str] | None:
    """A stored decision point as ``(seq, question)`` (:func:`decision_key` undone)."""
    if not key:
        return None
    seq, _, question = key.partition("|")
    return (int(seq), question) if seq.isdigit() else (0, key)


def gate_html(problems: Sequence[str]) -> str:
    """Why a case cannot open in a workshop (empty when it can)."""
    return "" if not problems else (
        '<div class="wb-problem"><b>This case cannot open in a workshop:</b><ul>'
        + "".join(f"<li>{esc(p)}</li>" for p in problems) + "</ul></div>")


def join_code_html(code: str) -> str:
    """The facilitator console's join code, with the warning not to project it."""
    return ("Participants join with the code <span class='wb-code-big'>"
            f"{esc(code)}</span><br><span class='wb-muted'>Do not project "
            "this console (it shows what comes next and who answered what): on the "
            "room's screen open this dashboard, choose <b>Projector</b> and give the "
            "code.</span>")


#: the newest revealed events the story shows whole; the earlier ones fold away
STORY_SHOWN = 6


def story_html(ev: pd.DataFrame) -> str:
    """The revealed events, newest first: the newest :data:`STORY_SHOWN` whole (the box
    never scrolls, so no entry is cut mid-line on the room's screen), the earlier ones
    folded under "n earlier event(s)"."""
    labels = kind_labels()
    notes = [f"<div class='wb-note'><b>{len(ev) - i}.</b> "
             f"{esc(moment_text(r.start, r.precision, r.when))} · <b>{esc(r.agency)}</b> · "
             f"{esc(labels.get(r.kind, r.kind))}<br>{text_block(r.summary)}</div>"
             for i, r in enumerate(ev.iloc[::-1].itertuples())]
    shown, earlier = notes[:STORY_SHOWN], notes[STORY_SHOWN:]
    fold = (f"<details class='wb-earlier'><summary>{len(earlier)} earlier event(s)</summary>"
            + "".join(earlier) + "</details>") if earlier else ""
    return "<div id='wb-workshop-words'><h3>So far</h3>" + "".join(shown) + fold + "</div>"


def coming_html(later: pd.DataFrame) -> str:
    """The facilitator's private look at what comes next."""
    return ("<p class='wb-muted'>Everything is revealed.</p>" if later.empty else
            "<div class='wb-muted'>Only you see this.</div>"
            + event_card(later.iloc[0], heading="Coming next"))


def people_html(by_discipline: Mapping[str, Sequence[str]]) -> str:
    """Who is in the room, by discipline."""
    return (f"<h3>In the room ({sum(map(len, by_discipline.values()))})</h3>" + "".join(
        f"<div><b>{esc(d)}</b>: {esc(', '.join(names))}</div>"
        for d, names in sorted(by_discipline.items())))


def answers_html(question: str | None, answers: Sequence[Answer]) -> str:
    """The facilitator's view of the answers: by discipline, named, with the tally."""
    if question is None:
        return "<p class='wb-muted'>No question open. Reveal events, then ask the room.</p>"
    groups: dict[str, list[Answer]] = {}
    for a in answers:
        groups.setdefault(a.discipline, []).append(a)
    tally = pd.Series([a.agency_to_act for a in answers], dtype=object).value_counts()
    return (f"<div><b>{esc(question)}</b> · {len(answers)} answer(s)</div>"
            + (("<div class='wb-muted'>Who should act: " + ", ".join(
                f"{esc(k)} ({v})" for k, v in tally.items()) + "</div>") if len(tally) else "")
            + "".join(f"<h3>{esc(d)} ({len(group)})</h3>" + "".join(
                f"<div class='wb-note'><b>{esc(a.author)}</b> → {esc(a.agency_to_act)}<br>"
                f"{text_block(a.text)}</div>" for a in group)
                for d, group in sorted(groups.items())))


def tally_html(join_code: str, question: str | None, answers: Sequence[Answer],
               taking_part: int) -> str:
    """The room's screen: the join code, the question and how many answered (by
    discipline and by who should act), never names nor answers."""
    html = (f"<div>Join with the code <span class='wb-code-big'>{esc(join_code)}"
            f"</span> · {taking_part} taking part</div>")
    if question is not None:
        acts = pd.Series([a.agency_to_act for a in answers], dtype=object).value_counts()
        by = pd.Series([a.discipline for a in answers], dtype=object).value_counts()
        html += (f"<h3>Decision point: {esc(question)}</h3>"
                 f"<p><b>{len(answers)}</b> of {taking_part} answered"
                 + (" (" + ", ".join(f"{esc(k)} {v}" for k, v in by.items()) + ")"
                    if len(by) else "") + "</p>"
                 + ("<p>Who should act: " + ", ".join(f"<b>{esc(k)}</b> {v}"
                                                      for k, v in acts.items()) + "</p>"
                    if len(acts) else ""))
    return html
