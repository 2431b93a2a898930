"""Small pieces shared by the apps: escaped HTML, times, the page style, figure swap.

Every string that came from a case, a participant or a store passes through
:func:`esc` before it is put in an ``HTML`` widget.

>>> esc('<img src=x onerror="alert(1)">')
'&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
>>> table(["Agency", "Knew"], [["<b>Police</b>", 3]])
'<table class="wb-table"><thead><tr><th>Agency</th><th>Knew</th></tr></thead><tbody><tr><td>&lt;b&gt;Police&lt;/b&gt;</td><td>3</td></tr></tbody></table>'
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

import pandas as pd

from workbench.datetext import day_month_year, month_year

__all__ = ["FIGURE_MIN_PX", "STYLE", "Safe", "esc", "event_card", "local_time", "moment_text", "replace_figure",
           "table", "text_block", "words_html"]

_LOCAL = "Europe/London"


class Safe(str):
    """HTML made here from escaped parts: :func:`table` puts it in unchanged."""


def esc(value: object) -> str:
    """Text made inert for HTML (quotes too); None and NaN become empty."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return html.escape(str(value), quote=True)


def text_block(value: object) -> Safe:
    """Escaped text with its line breaks kept."""
    return Safe(esc(value).replace("\r\n", "\n").replace("\n", "<br>"))


def cell(value: object) -> str:
    return value if isinstance(value, Safe) else esc(value)


def table(headers: Sequence[str], rows: Iterable[Sequence[object]], *,
          classes: str = "wb-table", row_classes: Sequence[str] | None = None,
          label: str | None = None) -> str:
    """An HTML table; cells are escaped unless they are :class:`Safe`.

    With ``label``, the table sits in a region of that name that scrolls sideways on
    its own (and takes the keyboard focus to do so) when a screen is too narrow for it.
    """
    head = "".join(f"<th>{cell(h)}</th>" for h in headers)
    body = []
    for i, row in enumerate(rows):
        css = f' class="{esc(row_classes[i])}"' if row_classes and row_classes[i] else ""
        body.append(f"<tr{css}>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>")
    html_table = (f'<table class="{esc(classes)}"><thead><tr>{head}</tr></thead>'
                  f"<tbody>{''.join(body)}</tbody></table>")
    if label is None:
        return html_table
    return (f'<div class="wb-scroll" role="region" tabindex="0" aria-label="{esc(label)}">'
            f"{html_table}</div>")


#: how an instant known to each precision is written (UK time, the same on every OS)
_SHOWN = {"minute": lambda t: day_month_year(t, time=True), "day": day_month_year,
          "month": month_year, "year": lambda t: local_time(t, fmt="%Y")}


def moment_text(start: object, precision: str, written: str = "") -> str:
    """When an event happened, no more precisely than it was recorded (UK time).

    >>> moment_text(pd.Timestamp("2020-01-01", tz="UTC"), "year", "2020")
    '2020'
    >>> moment_text(pd.Timestamp("2021-08-31 23:00", tz="UTC"), "range", "Sept 2021 to 2022")
    'Sept 2021 to 2022'
    """
    if start is None or pd.isna(start):
        return written or "undated"
    if precision in _SHOWN:
        return _SHOWN[precision](start)
    return written or day_month_year(start)


def local_time(ts: object, *, fmt: str | None = None) -> str:
    """A UTC instant as UK local time ('' for none): "5 Mar 2025 14:07", or as ``fmt``
    (``strftime`` directives every OS knows: never ``%-d``)."""
    if fmt is None:
        return day_month_year(ts, time=True)
    if ts is None or pd.isna(ts):
        return ""
    t = pd.Timestamp(ts)
    t = t.tz_localize("UTC") if t.tzinfo is None else t
    return t.tz_convert(_LOCAL).strftime(fmt)


_PRECISION = {"minute": "to the minute", "day": "known to the day",
              "month": "known only to the month", "year": "known only to the year",
              "range": "known only as a range", "relative": "counted from another date",
              "undated": "undated"}


def event_card(row: pd.Series, *, heading: str,
               extra: Sequence[tuple[str, str]] = ()) -> str:
    """One event in full (when, agency, what happened, action, outcome, source) as a card.

    ``extra`` adds rows (label, :class:`Safe` HTML) such as hand-offs and flags.
    """
    from workbench.kinds import kind_labels

    kind = kind_labels().get(row["kind"], row["kind"])
    when = moment_text(row["start"], row["precision"], row["when"])
    words = _PRECISION.get(row["precision"], row["precision"])
    if row.get("approximate"):
        words = "approximate, " + words
    none = Safe("<i class='wb-muted'>none recorded</i>")
    items = [("When", Safe(f"{esc(when)} <span class='wb-muted'>· written "
                           f"“{esc(row['when'])}” ({esc(words)})</span>")),
             ("Agency", Safe(f"{esc(row['agency'])} <span class='wb-muted'>"
                             f"({esc(row.get('sector', ''))})</span>")),
             ("What happened", text_block(row["summary"])),
             ("Details", text_block(row["details"])),
             ("Action taken", text_block(row["action"]) or none),
             ("Outcome", text_block(row["outcome"]) or none),
             ("Shared with", text_block(row["recipients"].replace("; ", ", "))),
             ("Present", text_block(row["attendees"].replace("; ", ", "))),
             ("Risk grading", text_block(row["risk_grade"])),
             ("Source", Safe(f"<code>{esc(row['source'])}</code>")),
             *extra]
    body = "".join(f"<tr><th>{esc(k)}</th><td>{v}</td></tr>" for k, v in items if v)
    return (f'<div class="wb-card"><h3>{esc(heading)}: {esc(kind)}</h3>'
            f'<table class="wb-kv">{body}</table></div>')


def words_html(text: str, *, anchor: str, summary: str) -> str:
    r"""A figure's text alternative (the ``describe_*`` functions: sentences, then a
    markdown table) as a disclosure the figure names with ``aria-describedby=anchor``.

    >>> words_html("Two lanes.\n\n| Lane | Events |\n|---|---|\n| Police | 3 |",
    ...            anchor="t", summary="In words")
    '<details id="t" class="wb-words"><summary>In words</summary><p>Two lanes.</p><div class="wb-scroll" role="region" tabindex="0" aria-label="In words"><table class="wb-table"><thead><tr><th>Lane</th><th>Events</th></tr></thead><tbody><tr><td>Police</td><td>3</td></tr></tbody></table></div></details>'
    """
    prose, _, rest = text.partition("\n\n")
    parts = [f"<p>{esc(line)}</p>" for line in prose.splitlines() if line.strip()]
    lines = [ln for ln in rest.splitlines() if ln.startswith("|")]
    if len(lines) >= 2:
        cells = [[c.strip() for c in ln.strip().strip("|").split("|")] for ln in lines]
        parts.append(table(cells[0], cells[2:], label=summary))
    return (f'<details id="{esc(anchor)}" class="wb-words"><summary>{esc(summary)}</summary>'
            + "".join(parts) + "</details>")


def replace_figure(widget, fig) -> None:
    """Show ``fig`` in an existing ``FigureWidget`` (no second widget, no new 5 MB bundle).

    Traces are swapped and the layout replaced; layout keys the new figure lacks are
    cleared, so nothing of the old picture lingers.
    """
    old = set(widget.layout.to_plotly_json())
    new_layout = fig.layout.to_plotly_json()
    widget.data = ()
    widget.add_traces(list(fig.data))
    widget.layout = fig.layout
    stale = {k: None for k in old - set(new_layout) if k != "template"}
    if stale:
        widget.plotly_relayout(stale)


#: the narrowest a timeline is drawn (pixels): on a phone it scrolls sideways in its box
FIGURE_MIN_PX = 660

#: the page's look (scoped to the apps' own classes): flexible, readable at arm's length on
#: a phone and across a room on a projector, contrast at least 4.5:1 for all text
STYLE = """<style>
.wb-app { font-family: Arial, Helvetica, sans-serif; color: #222; width: 100%; max-width: 100%;
          box-sizing: border-box; min-width: 0; }
.wb-app .widget-html-content { line-height: 1.35; }
.wb-app .widget-html-content { max-width: 100%; min-width: 0; }
/* a widget is 100% wide plus ipywidgets' 2 px margins: kept inside its box, not cut by it */
.wb-app .jupyter-widgets:not(.widget-box) { max-width: calc(100% - 2 * var(--jp-widgets-margin, 2px));
  min-width: 0; }
.wb-app h2 { margin: 4px 0 2px 0; font-size: 20px; }
.wb-app h3 { margin: 6px 0 4px 0; font-size: 15px; }
.wb-app .wb-muted { color: #555; font-size: 12px; }
.wb-app .widget-inline-hbox, .wb-app .widget-inline-vbox { max-width: 100%; min-width: 0; }
.wb-app .widget-text input, .wb-app .widget-textarea textarea, .wb-app select { min-width: 0; }
.wb-app .widget-label { min-width: 0; }
.wb-app .jupyter-button { min-height: 32px; }
.wb-app .jupyter-button.mod-success { background-color: #2E7D32; }
.wb-app .jupyter-button.mod-warning { background-color: #A04000; }
.wb-app .jupyter-button.mod-info { background-color: #01579B; }
.wb-app .jupyter-button.mod-primary { background-color: #1565C0; }
.wb-app .jupyter-button:focus-visible, .wb-app select:focus-visible, .wb-app input:focus-visible,
.wb-app textarea:focus-visible { outline: 3px solid #E69F00; outline-offset: 1px; }
.wb-app .widget-tab > .p-TabBar .p-TabBar-tab, .wb-app .widget-tab > .lm-TabBar .lm-TabBar-tab {
  flex: 0 1 auto; min-width: 0; }
.wb-scroll { overflow-x: auto; max-width: 100%; }
/* a figure taller than the window has room for scrolls up and down in its own box (its
   slot, as tall as the room: FigureSlot), the page around it stays; every slot keeps the
   scroll bar's room, so that a figure drawn before its slot scrolls is as wide as after */
@media (min-width: 641px) { .wb-app .wb-figure { scrollbar-gutter: stable; } }
.wb-app .wb-figure.wb-figure-scrolls { overflow-x: hidden !important; overflow-y: auto !important; }
.wb-app .wb-figure > * { flex-shrink: 0; }
/* the list of all events: a long entry wraps inside the list box, never cut at its edge */
.wb-app .wb-events-list select option { white-space: normal; padding: 2px 0;
  border-bottom: 1px solid #eee; }
.wb-app .wb-choices .widget-radio-box { max-height: 13em; overflow-y: auto; }
.wb-app .wb-choices .widget-radio-box label { display: flex; align-items: center; gap: 6px;
  white-space: normal; line-height: 1.3; font-size: 12.5px; margin: 4px 0; height: auto;
  min-height: 26px; }
.wb-app .wb-choices .widget-radio-box input { order: -1; width: 24px; height: 24px; margin: 0;
  flex: none; }
.wb-sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
         white-space: nowrap; }
.wb-table { border-collapse: collapse; font-size: 12.5px; width: 100%; }
.wb-table th { text-align: left; border-bottom: 2px solid #888; padding: 3px 6px; }
.wb-table td { border-bottom: 1px solid #ddd; padding: 3px 6px; vertical-align: top;
               overflow-wrap: anywhere; }
/* a table in a region that scrolls sideways keeps its words whole (wraps at spaces) */
.wb-scroll .wb-table td { overflow-wrap: normal; }
.wb-scroll .wb-table td:first-child { min-width: 9em; }
.wb-table tr.wb-current td { background: #FFF6CC; }
.wb-table td.wb-num, .wb-table th.wb-num { text-align: right; }
.wb-card { border: 1px solid #ccc; border-radius: 4px; padding: 6px 10px; background: #fafafa;
           box-sizing: border-box; max-width: 100%;
           font-size: 13px; line-height: 1.35; overflow-wrap: anywhere; }
.wb-kv { border-collapse: collapse; width: 100%; }
.wb-kv th { text-align: left; vertical-align: top; width: 7.5em; color: #444; padding: 1px 8px 1px 0; }
.wb-kv td { vertical-align: top; padding: 1px 0; }
.wb-chip { display: inline-block; border-radius: 9px; padding: 0 7px; margin-right: 3px;
           font-size: 11px; background: #e8e8e8; color: #222; }
.wb-chip.wb-missed { background: #F9D9C8; } .wb-chip.wb-good { background: #CFEBDD; }
.wb-chip.wb-kpe { background: #E4D5F0; } .wb-chip.wb-question { background: #D5E8F6; }
.wb-chip.wb-high { background: #F9D9C8; } .wb-chip.wb-medium { background: #FBE8C4; }
.wb-note { border-left: 3px solid #aaa; padding: 2px 8px; margin: 4px 0; font-size: 12.5px;
           overflow-wrap: anywhere; }
.wb-note.wb-here { border-left-color: #E69F00; background: #FFF9E8; }
.wb-bar { display: inline-block; height: 9px; background: #0072B2; vertical-align: middle; }
.wb-bar.wb-gap { background: #D55E00; }
.wb-code-big { font-size: 30px; letter-spacing: 4px; font-weight: bold; font-family: monospace;
               overflow-wrap: anywhere; }
.wb-problem { color: #A33B00; }
.wb-status { font-size: 12.5px; min-height: 1.3em; }
.wb-message { font-size: 13px; min-height: 1.3em; color: #5A3A00; }
.wb-keys { font-size: 12px; color: #555; }
.wb-key { font-size: 12px; line-height: 1.7; color: #333; }
.wb-key-group { margin-right: 10px; white-space: normal; }
.wb-key-item { margin-right: 8px; }
.wb-swatch { display: inline-block; width: 11px; height: 11px; border-radius: 2px;
             margin-right: 4px; vertical-align: -1px; border: 1px solid #666; }
.wb-swatch.wb-line { width: 20px; height: 0; border: 0; border-top: 3px solid #888;
                     border-radius: 0; vertical-align: 3px; }
.wb-app kbd { border: 1px solid #999; border-radius: 3px; padding: 0 4px; font-size: 11px;
              background: #f4f4f4; }
.wb-projecting .wb-projector { font-size: 22px; line-height: 1.4; }
.wb-projecting .wb-projector h3, .wb-projecting .wb-revealed h3 { font-size: 26px; }
.wb-projecting .wb-card, .wb-projecting .wb-note { font-size: 18px; }
.wb-projecting .wb-story h3, .wb-projecting .wb-card h3 { font-size: 22px; }
.wb-projecting .wb-card .wb-muted { font-size: 0.85em; }
.wb-narrow-only { display: none; }
@media (max-width: 640px) {
  .wb-app h2 { font-size: 18px; }
  .wb-narrow-only { display: block; }
  /* a phone: the timelines and the network keep a readable width in a box that scrolls
     sideways */
  .wb-timeline-panel .wb-figure, .wb-network .wb-figure, .wb-workshop .wb-figure {
    overflow-x: auto !important; overflow-y: hidden !important; }
  .wb-timeline-panel .wb-figure > *, .wb-network .wb-figure > *,
  .wb-workshop .wb-figure > * { min-width: FIGURE_MIN_PXpx; }
  .wb-kv th { width: 6em; }
  .wb-wide-only { display: none !important; }
}
</style>""".replace("FIGURE_MIN_PX", str(FIGURE_MIN_PX))
