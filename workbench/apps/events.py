"""Every event of a case in one list: search it, filter it by agency and kind, choose one
to go there.

:func:`event_rows` makes the list's rows from the analysed events (in composite order,
each with the words shown for it); :func:`filter_events` is the search and the filters,
a pure function over those rows; :class:`EventsTable` wires them to a search box, two
dropdowns and a named list (a ``Select``: keyboard, tap and screen-reader friendly).

Examples
--------
>>> import pandas as pd
>>> rows = pd.DataFrame({"id": ["e1", "e2", "e3"], "agency": ["Police", "School", "Police"],
...                      "kind": ["missing_report", "referral", "found"],
...                      "text": ["1 · Missing report", "2 · Referral: attendance", "3 · Found"]})
>>> filter_events(rows, search="attend")["id"].tolist()
['e2']
>>> filter_events(rows, agency="Police", kind="found")["id"].tolist()
['e3']
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w
import pandas as pd

from workbench.apps._html import moment_text
from workbench.apps._layout import fill, row
from workbench.kinds import kind_labels

__all__ = ["ALL", "EventsTable", "event_rows", "filter_events"]

#: the dropdowns' "no filter" choice
ALL = "(all)"
_SUMMARY_CHARS = 90


def event_rows(events: pd.DataFrame) -> pd.DataFrame:
    """One row per event in composite order: ``id``, ``agency``, ``kind``, ``text`` (its
    number, when as written, agency, kind and what happened, for the list) and
    ``search`` (lower-case text the search looks in)."""
    ev = events.sort_values("seq", kind="stable").reset_index(drop=True)
    labels = kind_labels()
    kind = ev["kind"].map(labels).fillna(ev["kind"])
    when = pd.Series([moment_text(t, p, wr) for t, p, wr in
                      zip(ev["start"], ev["precision"], ev["when"], strict=True)], index=ev.index)
    summary = ev["summary"].fillna("").astype(str).str.replace(r"\s+", " ", regex=True)
    short = summary.where(summary.str.len() <= _SUMMARY_CHARS,
                          summary.str.slice(0, _SUMMARY_CHARS - 1) + "…")
    number = pd.Series(range(1, len(ev) + 1), index=ev.index).astype(str)
    text = number + ". " + when + " · " + ev["agency"] + " · " + kind + \
        short.map(lambda s: f": {s}" if s else "")
    search = (when + " " + ev["agency"] + " " + kind + " " + summary + " "
              + ev.get("details", pd.Series("", index=ev.index)).fillna("").astype(str)
              ).str.lower()
    return pd.DataFrame({"id": ev["id"], "agency": ev["agency"], "kind": ev["kind"],
                         "text": text, "search": search})


def filter_events(rows: pd.DataFrame, *, search: str = "", agency: str | None = None,
                  kind: str | None = None) -> pd.DataFrame:
    """The rows that contain every word of ``search`` (any case) and match the agency
    and kind (None or :data:`ALL`: any)."""
    keep = pd.Series(True, index=rows.index)
    haystack = rows["search"] if "search" in rows else rows["text"].str.lower()
    for word in search.lower().split():
        keep &= haystack.str.contains(word, regex=False)
    if agency not in (None, "", ALL):
        keep &= rows["agency"].eq(agency)
    if kind not in (None, "", ALL):
        keep &= rows["kind"].eq(kind)
    return rows.loc[keep]


def _wrappable(text: str) -> str:
    """The entry with a place to wrap after each space: the list writes its spaces as
    no-break spaces, so a long entry was cut at the list box's edge, never wrapped.

    >>> _wrappable("1. Police · Missing report") == "1. \u200bPolice \u200b· \u200bMissing \u200breport"
    True
    """
    return text.replace(" ", " \u200b")


class EventsTable:
    """The list of all events with a search box and agency and kind filters.

    ``on_choose(event_id)`` is called when someone chooses an event in the list.
    """

    def __init__(self, *, on_choose: Callable[[str], None], rows: int = 12):
        self.on_choose = on_choose
        self.rows = pd.DataFrame(columns=["id", "agency", "kind", "text", "search"])
        self._quiet = False
        self.search = fill(w.Text(placeholder="words, a date, an agency…",
                                  description="Search", continuous_update=True),
                           basis="220px", css="wb-events-search")
        self.agency = fill(w.Dropdown(options=[ALL], value=ALL, description="Agency"),
                           basis="200px", css="wb-events-agency")
        self.kind = fill(w.Dropdown(options=[(ALL, ALL)], value=ALL, description="Kind"),
                         basis="200px", css="wb-events-kind")
        self.count = w.HTML()
        self.count.add_class("wb-events-count")
        self.list = fill(w.Select(options=[], rows=rows), css="wb-events-list")
        for widget in (self.search, self.agency, self.kind):
            widget.observe(lambda _c: self.refilter(), "value")
        self.list.observe(self._on_choose, "value")
        self.widget = w.VBox([row([self.search, self.agency, self.kind]), self.count,
                              self.list], layout=w.Layout(width="100%"))
        self.widget.add_class("wb-events")

    def set_events(self, events: pd.DataFrame) -> None:
        """Show these (analysed) events; the filters start open."""
        self.rows = event_rows(events)
        labels = kind_labels()
        kinds = sorted(dict.fromkeys(self.rows["kind"]), key=lambda k: labels.get(k, k))
        self._quiet = True
        try:
            self.search.value = ""
            self.agency.options = [ALL, *sorted(dict.fromkeys(a for a in self.rows["agency"] if a))]
            self.agency.value = ALL
            self.kind.options = [(ALL, ALL), *((labels.get(k, k), k) for k in kinds)]
            self.kind.value = ALL
        finally:
            self._quiet = False
        self.refilter()

    def refilter(self) -> None:
        if self._quiet:
            return
        shown = filter_events(self.rows, search=self.search.value, agency=self.agency.value,
                              kind=self.kind.value)
        current = self.list.value
        self._quiet = True
        try:
            self.list.options = list(zip(map(_wrappable, shown["text"]), shown["id"],
                                         strict=True))
            self.list.value = current if current in set(shown["id"]) else None
        finally:
            self._quiet = False
        self.count.value = (f"<span class='wb-muted'>{len(shown)} of {len(self.rows)} events"
                            " · choose one to go there</span>")

    def highlight(self, event_id: str | None) -> None:
        """Mark the event the review stands at (without moving it)."""
        self._quiet = True
        try:
            ids = {value for _, value in self.list.options}
            self.list.value = event_id if event_id in ids else None
        finally:
            self._quiet = False

    def _on_choose(self, change) -> None:
        if not self._quiet and change["new"] is not None:
            self.on_choose(change["new"])
