"""The review dashboard's panels as plain HTML: pure functions of what they show.

Every function here takes values (a :class:`~workbench.apps.review_case.ReviewCase`, a
position, notes) and returns escaped HTML; none touches a widget or the store.

Examples
--------
>>> tags_html(["question", "<b>"])
'<span class="wb-chip wb-question">question</span><span class="wb-chip ">&lt;b&gt;</span>'
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import pandas as pd

from workbench.apps._html import Safe, esc, event_card, local_time, table, text_block, words_html
from workbench.apps.review_case import ReviewCase
from workbench.datetext import day_month_year
from workbench.store import Note

__all__ = ["KPE_TAG", "event_html", "flag_detail_html", "handoff_words", "knowledge_html",
           "note_html", "notes_html", "protocol_html", "tags_html", "timeline_words_html"]

KPE_TAG = "key practice episode"
_TAG_CLASS = {"missed opportunity": "wb-missed", "good practice": "wb-good",
              KPE_TAG: "wb-kpe", "question": "wb-question"}
_log = logging.getLogger("workbench.apps")


def timeline_words_html(rc: ReviewCase, flags: pd.DataFrame) -> str:
    """The timeline in words (its text alternative), folded away."""
    from workbench.timeline import describe_timeline

    try:
        text = describe_timeline(rc.analysis, flags=flags)
    except Exception:  # the words are a help; the review goes on without them
        _log.exception("could not describe the timeline of %s", rc.key)
        return ""
    return words_html(text, anchor="wb-timeline-words", summary="The timeline in words")


def handoff_words(rc: ReviewCase | None, handoff_id: str) -> str:
    """A hand-off as people say it: who to whom, when (never its internal id)."""
    h = rc.analysis.handoffs if rc is not None else None
    hit = h.loc[h["handoff_id"] == handoff_id] if h is not None and len(h) else None
    if hit is None or hit.empty:
        return "a hand-off"
    r = hit.iloc[0]
    return (f"the hand-off {r['sender']} → {r['recipient']} of "
            f"{day_month_year(r['sent'])}")


def tags_html(tags: Sequence[str]) -> str:
    """A note's tags as chips."""
    return "".join(f'<span class="wb-chip {_TAG_CLASS.get(t, "")}">{esc(t)}</span>'
                   for t in tags)


def protocol_html(protocol) -> str:
    """The line naming the protocol the flags were judged against."""
    return ("<span class='wb-muted'>Flags judged against the protocol "
            f"<b>{esc(protocol.title or protocol.name)}</b> ({esc(protocol.name)})</span>")


def note_html(n: Note, rc: ReviewCase | None, *, here: bool = False) -> str:
    """One note: who, when, about what, its tags and text (``edited`` when it was)."""
    about = ""
    if n.handoff_id:
        about = esc(handoff_words(rc, n.handoff_id))
    elif n.event_id and rc is not None:
        about = esc(rc.labels.get(n.event_id, n.event_id))
    css = "wb-note wb-here" if here else "wb-note"
    edited = " · edited" if getattr(n, "edited_at", None) else ""
    return (f'<div class="{css}"><b>{esc(n.author)}</b> · {esc(n.agency)} · '
            f"{esc(n.discipline)} <span class='wb-muted'>"
            f"{esc(local_time(pd.Timestamp(n.created_at, unit='s'), fmt='%H:%M'))}{edited}"
            f"{' · on ' + about if about else ''}</span><br>{tags_html(n.tags)}"
            f"{text_block(n.text)}</div>")


def notes_html(notes: Sequence[Note], rc: ReviewCase | None, here: str | None) -> str:
    """Everyone's notes, newest first (the ones on the event shown marked)."""
    return "".join(note_html(n, rc, here=n.event_id == here) for n in reversed(notes)) or \
        "<p class='wb-muted'>No notes yet.</p>"


def event_html(rc: ReviewCase, i: int, notes: Sequence[Note] = ()) -> str:
    """The event at position ``i`` in full: its card, hand-offs, flags and notes."""
    ev = rc.analysis.events
    row = ev.loc[ev["id"] == rc.order.iloc[i]["id"]].iloc[0]
    extra: list[tuple[str, str]] = []
    h = rc.analysis.handoffs
    mine = h.loc[h["event_id"] == row["id"]]
    if len(mine):
        extra.append(("Hand-offs", Safe("<br>".join(
            f"{esc(r.sender)} → {esc(r.recipient)}: <b>{esc(r.status)}</b>"
            + (f" (answered after {r.working_days:.0f} working day(s))"
               if pd.notna(r.working_days) else "")
            for r in mine.itertuples()))))
    flagged = rc.flags_of.get(row["id"], [])
    if flagged:
        extra.append(("Flags", Safe("<br>".join(
            f'<span class="wb-chip wb-{esc(rc.flags["severity"].iat[j])}">'
            f'{esc(rc.flags["severity"].iat[j])}</span>{esc(rc.flags["title"].iat[j])}'
            for j in flagged))))
    here = [n for n in notes if n.event_id == row["id"]]
    note_list = "".join(note_html(n, rc, here=True) for n in here)
    return (event_card(row, heading=f"Event {i + 1} of {len(rc.order)}", extra=extra)
            + (f"<h3>Notes on this event ({len(here)})</h3>{note_list}" if here else ""))


def knowledge_html(rc: ReviewCase, known: pd.DataFrame | None, at, agency: str) -> str:
    """What each agency knew at ``at`` and the key facts held elsewhere it lacked."""
    if known is None:
        return "<h3>What each agency knew</h3><p class='wb-muted'>No dated records.</p>"
    rows, classes = [], []
    for r in known.itertuples(index=False):
        share = r.known / r.system if r.system else 0.0
        bar = Safe(f'<span class="wb-bar" style="width:{60 * share:.0f}px"></span>'
                   f'<span class="wb-bar wb-gap" style="width:{60 * (1 - share):.0f}px">'
                   f"</span> {r.known} of {r.system}")
        lacked = [rc.labels.get(i, i) for i in r.lacked_significant]
        shown = "; ".join(esc(x) for x in lacked[-3:])
        more = f" <span class='wb-muted'>and {len(lacked) - 3} earlier</span>" \
            if len(lacked) > 3 else ""
        rows.append([r.agency, bar, Safe((shown + more) or "–")])
        classes.append("wb-current" if r.agency == agency else "")
    return (f"<h3>What each agency knew at {esc(at)}</h3>"
            + table(["Agency", "Records it knew", "Key facts held elsewhere it lacked"],
                    rows, row_classes=classes)
            + f"<p class='wb-muted'>The agencies together held {known['system'].max()} "
              "records by this moment (own records, hand-offs and meetings).</p>")


def flag_detail_html(flag: pd.Series) -> str:
    """One flag: its severity, title, explanation and guidance."""
    return (f'<div class="wb-card"><span class="wb-chip wb-{esc(flag["severity"])}">'
            f'{esc(flag["severity"])}</span><b>{esc(flag["title"])}</b><br>'
            f"{text_block(flag['explanation'])}"
            + (f"<br><span class='wb-muted'>{text_block(flag['guidance'])}</span>"
               if flag["guidance"] else "") + "</div>")
