"""Rules on the run of missing episodes: repeats, closures, ownership, exclusion.

Patterns ``repeat-episodes-no-strategy``, ``closed-while-active``,
``ownership-gap`` and ``education-exclusion-escalation`` (definitions in
``docs/patterns.md``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.analysis.analyse import Analysis
from workbench.analysis.roles import lead_agencies, lead_states
from workbench.analysis.rules import rule
from workbench.analysis.rules._common import (
    DAY,
    chronology_end,
    combine,
    dated,
    day_of,
    day_text,
    gap_bounds,
    hedge,
    id_lists,
    imprecision,
    none,
    ordinal,
    plural,
    raw_flags,
    renamed,
    verdict,
    width,
)
from workbench.analysis.rules.asof import asof

__all__ = ["closed_while_active", "education_exclusion_escalation", "ownership_gap",
           "repeat_episodes_no_strategy"]


def episode_times(analysis: Analysis) -> pd.DataFrame:
    """Each episode's report event (``id``, ``lo``, ``last`` …) with its ``episode`` number."""
    return analysis.derived("episode_times", _episode_times)


def _episode_times(analysis: Analysis) -> pd.DataFrame:
    t = analysis.timed
    reports = dated(t, t["episode"].notna(), columns=("episode",))
    return reports.astype({"episode": "int64"}).sort_values(["case_id", "lo", "seq", "id"],
                                                            kind="stable")


@rule("wb.repeat-episodes-no-strategy", pattern="repeat-episodes-no-strategy",
      title="Repeat episodes without a strategy meeting", severity="high",
      settings=("repeat_count", "repeat_window_days", "strategy_grace_days"))
def repeat_episodes_no_strategy(analysis: Analysis) -> pd.DataFrame:
    """The N-th episode within the window, with no strategy meeting from the first on."""
    s, ev = analysis.settings, analysis.timed
    n, days = max(int(s["repeat_count"]), 1), int(s["repeat_window_days"])
    grace = int(s["strategy_grace_days"]) * DAY
    ep = episode_times(analysis)
    by_case = ep.groupby("case_id", sort=False)
    earlier = [f"prev{k}" for k in range(n - 1, 0, -1)]  # the first of them first
    ep = ep.assign(**{f"prev{k}": by_case["id"].shift(k) for k in range(1, n)})
    ep = ep.assign(f_id=by_case["id"].shift(n - 1), f_lo=by_case["lo"].shift(n - 1),
                   f_last=by_case["last"].shift(n - 1), f_precision=by_case["precision"].shift(n - 1))
    if n == 1:
        ep = ep.assign(f_id=ep["id"], f_lo=ep["lo"], f_last=ep["last"], f_precision=ep["precision"])
    gmin, gmax = gap_bounds(ep, "f_", "", "days")
    ep = ep.assign(in_all=gmax <= days, in_some=gmin <= days)
    ep = ep.loc[ep["f_id"].notna() & ep["in_some"]]
    if ep.empty:
        return none()
    meetings = dated(ev, ev["kind"].eq("strategy_meeting"))
    m = asof(ep, renamed(meetings, "m_"), left_on="f_lo", right_on="m_last", by="case_id",
             forward=True)
    has = m["m_id"].notna()
    met_some = has & (m["m_lo"] <= m["last"] + grace)
    met_all = has & (m["m_last"] <= m["lo"] + grace) & (m["m_lo"] >= m["f_last"])
    end = m["case_id"].map(chronology_end(analysis)["lo"])
    fail_all = m["in_all"] & ~met_some & (end >= m["last"] + grace)
    fail_some = ~met_all & (end >= m["lo"] + grace)
    wide = (width(m, "f_", "days") > days) | (width(m, "", "days") > days)
    m = m.assign(verdict=verdict(fail_all, fail_some, wide))
    m = m.loc[m["verdict"].ne("")]
    if m.empty:
        return none()
    date = day_text(m["lo"], m["last"], m["precision"])
    first = day_text(m["f_lo"], m["f_last"], m["f_precision"])
    text = ("The episode reported on " + date + " was the " + ordinal(pd.Series(n, index=m.index))
            + " within " + str(days) + " days (the first reported on " + first
            + "); no strategy meeting was held between " + first + " and "
            + day_of(m["lo"] + grace) + f" ({grace.days} days after it).")
    notes = imprecision([("first report", m["f_precision"], first),
                         ("latest report", m["precision"], date)])
    ids = id_lists(m["id"], *(m[c] for c in earlier))
    return raw_flags(m["case_id"], m["lo"], ids, hedge(text, m["verdict"], notes,
                                                       f"{days} days"), certainty=m["verdict"])


#: the kinds of a row that receives a case rather than works it
_FIRST_CONTACT = ("contact", "notification", "referral", "information_shared")


@rule("wb.closed-while-active", pattern="closed-while-active",
      title="Case closed while the child kept going missing", severity="high",
      settings=("closure_lookahead_days",))
def closed_while_active(analysis: Analysis) -> pd.DataFrame:
    """A closure followed by episodes before the same agency opened the case again
    (a case opened, or a record that the case is open, held by that agency)."""
    ev = analysis.timed
    days = int(analysis.settings["closure_lookahead_days"])
    # a closure: a case_closed, or a decision to close by an agency that holds cases
    # (docs/patterns.md); a second one while the case is still closed closes nothing new
    states = lead_states(analysis)
    # (only an opening reopens: work recorded on a closed file does not)
    ordered = states.loc[states["state"].isin(["open", "close"])].sort_values(
        ["case_id", "lead", "lo", "seq"], kind="stable")
    before = ordered.groupby(["case_id", "lead"], sort=False)["state"].shift()
    # a decision closes a case only once the agency held it open or worked it: "No
    # further action" on a first contact closes nothing, an assessment closed does
    worked = states.sort_values(["case_id", "lead", "lo", "seq"], kind="stable")
    worked = worked["state"].ne("close").groupby([worked["case_id"], worked["lead"]],
                                                 sort=False).cumsum()
    held = pd.Series(worked.to_numpy() > 0, index=worked.index).loc[ordered.index].to_numpy()
    received = ev.loc[ev["kind"].isin(_FIRST_CONTACT), ["case_id", "id"]].astype(object)
    contact = pd.MultiIndex.from_frame(ordered[["case_id", "id"]].astype(object)).isin(
        pd.MultiIndex.from_frame(received))
    closing = ordered.loc[ordered["state"].eq("close") & before.ne("close") & (held | ~contact)]
    closing_ids = pd.MultiIndex.from_frame(closing[["case_id", "id"]].astype(object))
    is_closure = pd.MultiIndex.from_frame(ev[["case_id", "id"]].astype(object)).isin(closing_ids)
    closures = dated(ev, pd.Series(is_closure, index=ev.index) & ev["agency"].ne(""))
    if closures.empty:
        return none()
    opened = states.loc[states["state"].eq("open"), ["case_id", "lead", "lo", "seq", "id"]]
    opened = opened.rename(columns={"lead": "agency"}).astype({"agency": object})
    c = asof(closures, renamed(opened, "o_", keep=["case_id", "agency"]), left_on="lo",
             right_on="o_lo", by=["case_id", "agency"], forward=True, strict=True)
    eps = renamed(episode_times(analysis)[["case_id", "id", "seq", "lo", "last", "precision"]],
                  "e_")
    pairs = c.merge(eps, on="case_id")
    pairs = pairs.loc[(pairs["e_lo"] > pairs["lo"]) & (pairs["e_lo"] <= pairs["last"] + days * DAY)
                      & (pairs["o_lo"].isna() | (pairs["e_lo"] < pairs["o_lo"]))]
    if pairs.empty:
        return none()
    gmin, gmax = gap_bounds(pairs, "", "e_", "days")
    pairs = pairs.assign(verdict=verdict((gmin > 0) & (gmax <= days), (gmax > 0) & (gmin <= days),
                                         width(pairs, "", "days") > days))
    pairs = pairs.sort_values(["_row", "e_lo", "e_seq", "e_id"], kind="stable")
    per = combine(pairs["verdict"], pairs["_row"], "any")
    episodes = pairs.groupby("_row")["e_id"].agg(list)  # small: closures with episodes after
    first = pairs.groupby("_row")[["e_lo", "e_last", "e_precision"]].first()
    f = c.set_index("_row").loc[per.index[per.ne("")]]
    if f.empty:
        return none()
    f = f.assign(verdict=per.loc[f.index], episodes=episodes.loc[f.index])
    date = day_text(f["lo"], f["last"], f["precision"])
    first = first.loc[f.index]
    text = (f["agency"] + " closed its case on " + date + "; "
            + plural(f["episodes"].str.len(), "missing episode", "missing episodes")
            + " followed within " + str(days) + " days (the first reported on "
            + day_text(first["e_lo"], first["e_last"], first["e_precision"]) + ") and "
            + f["agency"] + " did not reopen it.")
    notes = imprecision([("closure", f["precision"], date)])
    ids = [[i, *e] for i, e in zip(f["id"], f["episodes"], strict=True)]  # loop over flags
    return raw_flags(f["case_id"], f["lo"], ids, hedge(text, f["verdict"], notes,
                                                       f"{days} days"), certainty=f["verdict"])


@rule("wb.ownership-gap", pattern="ownership-gap",
      title="Repeat episode while no agency held the case", severity="high",
      settings=("lead_recent_days",))
def ownership_gap(analysis: Analysis) -> pd.DataFrame:
    """A second or later episode starting while no agency held the case: none had it
    open (opened, looked after, a plan, an allocated worker) and children's social
    care had not worked with the child recently. A chronology with no record of
    children's social care (a police export and a charity's log) cannot tell whether a
    case was held: it is not judged."""
    ev = analysis.timed
    rep = episode_times(analysis)
    judged = ev.loc[ev["sector"].eq("social-care"), "case_id"].unique() \
        if "sector" in ev.columns else ev["case_id"].unique()
    rep = rep.loc[(rep["episode"] >= 2) & rep["case_id"].isin(judged)]
    if rep.empty:
        return none()
    leads = lead_agencies(rep, analysis).groupby("_row")[["lead_early", "lead_late"]].any()
    leads = leads.reindex(rep["_row"], fill_value=False)
    none_early, none_late = ~leads["lead_early"].to_numpy(), ~leads["lead_late"].to_numpy()
    rep = rep.assign(verdict=verdict(none_early & none_late, none_early | none_late,
                                     np.zeros(len(rep), dtype=bool)))
    rep = rep.loc[rep["verdict"].ne("")]
    if rep.empty:
        return none()
    states = lead_states(analysis)  # closures: closed cases and closing decisions
    closing = states.loc[states["state"].eq("close"), ["case_id", "id"]]
    keys = pd.MultiIndex.from_frame(ev[["case_id", "id"]].astype(object))
    closures = dated(ev, keys.isin(pd.MultiIndex.from_frame(closing.astype(object))))
    g = asof(rep, renamed(closures, "c_"), left_on="lo", right_on="c_lo", by="case_id",
             forward=False, strict=True)
    date = day_text(g["lo"], g["last"], g["precision"])
    closed = day_text(g["c_lo"].fillna(g["lo"]), g["c_last"].fillna(g["last"]),
                      g["c_precision"].fillna("day"))
    text = ("Episode " + g["episode"].astype(str) + " (reported on " + date
            + ") began while no agency held the case open ("
            + np.where(g["c_id"].notna(), "the last closure: " + g["c_agency"].fillna("")
                       + " on " + closed, "no agency had opened a case") + ").")
    notes = imprecision([("report", g["precision"], date),
                         ("closure", g["c_precision"].fillna(""), closed)])
    return raw_flags(g["case_id"], g["lo"], id_lists(g["id"], g["c_id"]),
                     hedge(text, g["verdict"], notes, "the case's opening or closure"),
                     certainty=g["verdict"])


@rule("wb.education-exclusion-escalation", pattern="education-exclusion-escalation",
      title="Episodes rose after an exclusion", severity="medium",
      settings=("escalation_window_days", "escalation_minimum"))
def education_exclusion_escalation(analysis: Analysis) -> pd.DataFrame:
    """An exclusion with more episodes in the window after it than before."""
    ev, s = analysis.timed, analysis.settings
    days, minimum = int(s["escalation_window_days"]), int(s["escalation_minimum"])
    window = days * DAY
    exclusions = dated(ev, ev["kind"].eq("exclusion"))
    eps = renamed(episode_times(analysis)[["case_id", "id", "seq", "lo", "last"]], "e_")
    p = exclusions[["_row", "case_id", "lo", "last"]].merge(eps, on="case_id")
    if p.empty:
        return none()
    x_lo, x_last, e_lo, e_last = p["lo"], p["last"], p["e_lo"], p["e_last"]
    counts = pd.DataFrame({
        "_row": p["_row"],
        "after_sure": (e_lo > x_last) & (e_last <= x_lo + window),
        "after_maybe": (e_last > x_lo) & (e_lo <= x_last + window),
        "before_sure": (e_last < x_lo) & (e_lo >= x_last - window),
        "before_maybe": (e_lo < x_last) & (e_last >= x_lo - window),
        "after": (e_lo > x_lo) & (e_lo <= x_lo + window),
        "before": (e_lo < x_lo) & (e_lo >= x_lo - window),
    }).groupby("_row").sum()
    x = exclusions.set_index("_row").join(counts, how="inner")
    fail_all = (x["after_sure"] > x["before_maybe"]) & (x["after_sure"] >= minimum)
    fail_some = (x["after_maybe"] > x["before_sure"]) & (x["after_maybe"] >= minimum)
    x = x.assign(verdict=verdict(fail_all, fail_some,
                                 width(x, "", "days") > days))
    x = x.loc[x["verdict"].ne("")]
    if x.empty:
        return none()
    after = p.loc[p["_row"].isin(x.index) & (p["e_lo"] > p["lo"])
                  & (p["e_lo"] <= p["lo"] + window)].sort_values(["e_lo", "e_seq", "e_id"])
    after_ids = after.groupby("_row")["e_id"].agg(list).reindex(x.index)  # small: flagged
    date = day_text(x["lo"], x["last"], x["precision"])
    text = (x["agency"] + " recorded an exclusion on " + date + "; "
            + plural(x["after"], "episode", "episodes") + " followed in the next "
            + str(days) + " days against " + x["before"].astype(int).astype(str)
            + " in the " + str(days) + " days before (at least " + str(minimum) + " needed).")
    notes = imprecision([("exclusion", x["precision"], date)])
    ids = [[i, *(e if isinstance(e, list) else [])]
           for i, e in zip(x["id"], after_ids, strict=True)]  # loop over flags
    return raw_flags(x["case_id"], x["lo"], ids, hedge(text, x["verdict"], notes,
                                                       f"{days} days"), certainty=x["verdict"])
