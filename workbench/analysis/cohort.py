"""Cohort analytics: the same engine over many cases, streamed from Parquet.

A cohort folder holds ``events/*.parquet`` (the event table with a ``case_id``
column, whole cases per file: the generator's output) or case folders. Each file is
analysed on its own (episodes, hand-offs, every rule) and only small aggregates are
kept, so memory stays bounded by the largest file, not the cohort. DuckDB or a
cluster engine is not needed at this scale (10–20 million events on one machine).

Examples
--------
>>> from workbench.generate import generate_cohort  # doctest: +SKIP
>>> import tempfile
>>> out = generate_cohort(tempfile.mkdtemp() + "/c", cases=6, seed=2)   # doctest: +SKIP
>>> report = cohort_report(out.path)                                    # doctest: +SKIP
>>> report.totals["cases"]                                              # doctest: +SKIP
6
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from workbench.analysis.analyse import analyse
from workbench.analysis.cohort_parts import (
    case_folder_parts,
    cohort_parts,
    parquet_files,
    prepare_events,
)
from workbench.analysis.rules import Rule, flag_table
from workbench.protocols import Protocol, load_protocol

__all__ = ["CohortReport", "cohort_parts", "cohort_report"]


@dataclass(frozen=True)
class CohortReport:
    """Aggregates over a cohort (all tables are small: per pattern, agency, month)."""

    totals: dict[str, int]
    flags: pd.DataFrame = field(repr=False)          # pattern × agency → flags
    return_interviews: pd.DataFrame = field(repr=False)  # month → found, on time, median hours
    handoffs: pd.DataFrame = field(repr=False)       # sender, recipient → counts, latency
    trends: pd.DataFrame = field(repr=False)         # month → episodes, flags, answered share
    flag_table: pd.DataFrame | None = field(default=None, repr=False)  # every flag (if kept)
    #: one row per hand-off (if kept): month sent, sender, recipient, status, latency_hours
    handoff_rows: pd.DataFrame | None = field(default=None, repr=False)
    #: one row per return (if kept): month found, offered, on_time, ri_hours
    ri_rows: pd.DataFrame | None = field(default=None, repr=False)
    #: one row per missing episode (if kept): month it began, case_id
    episode_rows: pd.DataFrame | None = field(default=None, repr=False)

    def children(self) -> dict[str, int]:
        """Children who went missing (``missing``) and those who went missing more than
        once (``repeat``) in this report's months (needs the kept episode rows).

        >>> eps = pd.DataFrame({"month": ["2025-01", "2025-02", "2025-02"],
        ...                     "case_id": ["a", "a", "b"]})
        >>> r = CohortReport(totals={}, flags=pd.DataFrame(), return_interviews=pd.DataFrame(),
        ...                  handoffs=pd.DataFrame(), trends=pd.DataFrame(), episode_rows=eps)
        >>> r.children(), r.within("2025-02").children()
        ({'missing': 2, 'repeat': 1}, {'missing': 2, 'repeat': 0})
        """
        if self.episode_rows is None or self.episode_rows.empty:
            return {"missing": 0, "repeat": 0}
        per_child = self.episode_rows["case_id"].value_counts()
        return {"missing": int(len(per_child)), "repeat": int((per_child > 1).sum())}

    @property
    def months(self) -> list[str]:
        """Every month (``YYYY-MM``, UK time) with an episode, flag, hand-off or return."""
        ri = self.return_interviews.drop(index="all", errors="ignore").index
        return sorted({*map(str, self.trends.index), *map(str, ri)})

    def busiest(self, months: int = 12) -> tuple[str, str] | None:
        """The ``months`` consecutive calendar months with the most missing episodes
        (the latest such run on a tie), as (first, last) ``YYYY-MM``; None without months.

        >>> trends = pd.DataFrame({"episodes": [9, 1, 0, 5, 6]},
        ...     index=["2024-01", "2024-02", "2024-05", "2024-06", "2024-07"])
        >>> r = CohortReport(totals={}, flags=pd.DataFrame(), return_interviews=pd.DataFrame(),
        ...                  handoffs=pd.DataFrame(), trends=trends)
        >>> r.busiest(2), r.busiest(3), r.busiest(12)
        (('2024-06', '2024-07'), ('2024-05', '2024-07'), ('2023-08', '2024-07'))
        """
        if not len(self.trends):
            return None
        index = pd.PeriodIndex(list(map(str, self.trends.index)), freq="M")
        per_month = pd.Series(self.trends["episodes"].to_numpy(), index=index)
        every = pd.period_range(index.min(), index.max(), freq="M")
        counts = per_month.groupby(level=0).sum().reindex(every, fill_value=0)
        if len(counts) <= months:
            last = counts.index[-1]
        else:
            sums = counts.rolling(months).sum().iloc[months - 1:]
            last = sums.index[len(sums) - 1 - int(np.argmax(sums.to_numpy()[::-1]))]
        return str(last - (months - 1)), str(last)

    def within(self, first: str | None = None, last: str | None = None) -> CohortReport:
        """The report of the months ``first`` to ``last`` (``YYYY-MM``, both included;
        None: open), from the rows ``cohort_report(..., keep_flags=True)`` keeps (a
        report without them keeps its whole-cohort tables). ``totals["cases"]`` stays
        the cohort's; episodes, hand-offs and flags are counted in the window.

        >>> ri = pd.DataFrame({"month": ["2025-01", "2025-02", "2025-02"],
        ...                    "offered": [True, True, False], "on_time": [False, True, False],
        ...                    "ri_hours": [80.0, 10.0, float("nan")]})
        >>> trends = pd.DataFrame({"episodes": [1, 2], "flags": [0, 0], "handoffs": [0, 0],
        ...                        "answered": [0, 0]}, index=["2025-01", "2025-02"])
        >>> r = CohortReport(totals={"cases": 2}, flags=pd.DataFrame(),
        ...                  return_interviews=_ri_rows_table(ri), handoffs=pd.DataFrame(),
        ...                  trends=trends, ri_rows=ri)
        >>> r.return_interviews.loc["all", ["found", "on_time"]].tolist()
        [3, 1]
        >>> w = r.within("2025-02")
        >>> list(w.trends.index), w.return_interviews.loc["all", ["found", "on_time"]].tolist()
        (['2025-02'], [2, 1])
        """
        trends = self.trends.loc[_in(self.trends.index, first, last)] \
            if len(self.trends) else self.trends
        ri, ri_rows = self.return_interviews, self.ri_rows
        if ri_rows is not None:
            ri_rows = ri_rows.loc[_in(ri_rows["month"], first, last)]
            ri = _ri_rows_table(ri_rows)
        flags, flag_rows = self.flags, self.flag_table
        if flag_rows is not None and "agency" in flag_rows:
            month = _month(pd.to_datetime(flag_rows["at"], utc=True)).fillna("")
            flag_rows = flag_rows.loc[_in(month, first, last) & month.ne("").to_numpy()]
            flags = _flag_matrix([flag_rows.groupby(["pattern", "agency"]).size()]
                                 if len(flag_rows) else [])
        handoffs, h_rows = self.handoffs, self.handoff_rows
        if h_rows is not None:
            h_rows = h_rows.loc[_in(h_rows["month"], first, last)]
            handoffs = _handoff_rows_table(h_rows)
        ep_rows = self.episode_rows
        if ep_rows is not None:
            ep_rows = ep_rows.loc[_in(ep_rows["month"], first, last)]
        counted = {name: int(trends[name].sum()) if name in trends else 0
                   for name in ("episodes", "flags", "handoffs")}
        return replace(self, totals={**self.totals, **counted}, flags=flags,
                       return_interviews=ri, handoffs=handoffs, trends=trends,
                       flag_table=flag_rows, handoff_rows=h_rows, ri_rows=ri_rows,
                       episode_rows=ep_rows)


def _in(months: Iterable[object], first: str | None, last: str | None) -> np.ndarray:
    """Which of ``months`` (``YYYY-MM``) lie from ``first`` to ``last`` (both included)."""
    m = pd.Series([str(x) for x in months], dtype=object)
    ok = pd.Series(True, index=m.index)
    if first:
        ok &= m >= first
    if last:
        ok &= m <= last
    return ok.to_numpy(dtype=bool)


def _month(times: pd.Series) -> pd.Series:
    return times.dt.tz_convert("Europe/London").dt.strftime("%Y-%m")


def _by_month(times: pd.Series, **columns: pd.Series | int) -> pd.DataFrame:
    """Sums per local month (months formatted once per distinct month, not per row)."""
    frame = pd.DataFrame({"_m": times.dt.tz_convert("Europe/London").dt.tz_localize(None).dt.to_period("M"),
                          **columns})
    out = frame.groupby("_m").sum()
    out.index = out.index.strftime("%Y-%m")
    out.index.name = "month"
    return out


def _summarise(events: pd.DataFrame, profile: Protocol, rules: list[Rule] | None,
               keep_flags: bool) -> dict[str, Any]:
    """Small aggregates of one part of the cohort (whole cases)."""
    hours = float(profile.settings["return_interview_hours"])
    analysis = analyse(events, protocol=profile)
    flags = flag_table(analysis, rules=rules)
    ep, h = analysis.episodes, analysis.handoffs
    out: dict[str, Any] = {
        "totals": {"cases": int(events["case_id"].nunique()), "events": len(events),
                   "episodes": len(ep), "handoffs": len(h), "flags": len(flags)},
        "flags": flags if keep_flags else None,
    }
    if len(flags):
        anchor = pd.MultiIndex.from_arrays([flags["case_id"],
                                            flags["event_ids"].map(lambda ids: ids[0])])
        agency = events.set_index(["case_id", "id"])["agency"].reindex(anchor).to_numpy()
        flags = flags.assign(agency=agency)
        out["flags"] = flags if keep_flags else None
        out["flag_counts"] = flags.groupby(["pattern", "agency"]).size()
        dated = flags["at"].notna()
        out["flag_months"] = _by_month(flags.loc[dated, "at"], flags=1)
    found = ep.loc[ep["found_at"].notna()]
    if keep_flags:
        out["ri_rows"] = pd.DataFrame({
            "month": _month(found["found_at"]),
            "offered": found["ri_first_kind"].isin(("return_interview_offered",
                                                    "return_interview_completed")),
            "on_time": found["ri_hours"] <= hours, "ri_hours": found["ri_hours"]})
        out["episode_rows"] = pd.DataFrame({"month": _month(ep["start"]),
                                            "case_id": ep["case_id"].astype(str)})
        out["handoff_rows"] = pd.DataFrame({
            "month": _month(h["sent"]), "sender": h["sender"], "recipient": h["recipient"],
            "status": h["status"], "latency_hours": h["latency_hours"]})
    out["ri"] = _by_month(
        found["found_at"], found=1,
        offered=found["ri_first_kind"].isin(("return_interview_offered",
                                             "return_interview_completed")).astype(int),
        on_time=(found["ri_hours"] <= hours).astype(int))
    out["ri_hours"] = found.assign(month=_month(found["found_at"]))[["month", "ri_hours"]]
    out["episode_months"] = _by_month(ep["start"], episodes=1)
    out["handoff_months"] = _by_month(
        h["sent"], handoffs=1, answered=h["status"].isin(("answered", "late")).astype(int))
    out["edges"] = pd.crosstab([h["sender"], h["recipient"]], h["status"])
    out["latencies"] = {key: values.dropna().to_numpy() for key, values in
                        h.groupby(["sender", "recipient"])["latency_hours"]}
    return out


def _summarise_file(path: Path, profile: Protocol, keep_flags: bool,
                    share: tuple[int, int] = (0, 1)) -> dict[str, Any]:
    """The summary of one Parquet part, or of its ``share`` (k, n): the k-th of n runs of
    its cases (in case order), so that a few parts keep every worker busy."""
    frame = pd.read_parquet(path)
    k, n = share
    if n > 1:
        ids = np.sort(frame["case_id"].unique().astype(object))
        mine = ids[k * len(ids) // n:(k + 1) * len(ids) // n]
        frame = frame.loc[frame["case_id"].isin(mine).to_numpy()].reset_index(drop=True)
    return _summarise(prepare_events(frame), profile, None, keep_flags)


def _shares(files: list[Path], workers: int) -> list[tuple[Path, tuple[int, int]]]:
    """The tasks for ``workers`` processes: whole parts when they share out evenly, else
    each part in ``workers`` runs of whole cases (3 parts on 2 workers: 6 tasks, not a
    second worker idle while the first analyses its second part)."""
    n = 1 if len(files) % workers == 0 else workers
    return [(path, (k, n)) for path in files for k in range(n)]


def cohort_report(folder: str | Path, *, protocol: Protocol | str | None = None,
                  rules: list[Rule] | None = None, keep_flags: bool = False,
                  workers: int | None = None, progress: bool = False) -> CohortReport:
    """Flags per pattern and agency, return-interview timeliness, hand-off answer
    rates and latencies, and monthly trends, over a whole cohort.

    Parquet parts are analysed in ``workers`` processes (default: one per core), each
    part in runs of whole cases when the parts do not share out evenly among them;
    with local ``rules`` (which may not be importable by a worker) or a cohort of
    case folders, parts are analysed in this process. Case folders beside the Parquet
    parts (cases added to a generated cohort) are part of the cohort. ``keep_flags``
    also keeps one row per hand-off and per return, which :meth:`CohortReport.within`
    needs to show a window of months.
    """
    import os
    from concurrent.futures import ProcessPoolExecutor
    from itertools import chain

    profile = load_protocol(protocol)
    folder = Path(folder)
    files = parquet_files(folder)
    workers = workers or os.cpu_count() or 1
    parts: Iterable[dict[str, Any]]
    tasks: list[tuple[Path, tuple[int, int]]] = []
    if files and rules is None and workers > 1:
        tasks = _shares(files, workers)
        pool = ProcessPoolExecutor(max_workers=min(workers, len(tasks)))
        parts = chain(pool.map(_summarise_file, [path for path, _ in tasks],
                               [profile] * len(tasks), [keep_flags] * len(tasks),
                               [share for _, share in tasks]),
                      (_summarise(events, profile, rules, keep_flags)
                       for events in case_folder_parts(folder)))
    else:
        pool = None
        parts = (_summarise(events, profile, rules, keep_flags)
                 for events in cohort_parts(folder))
    if progress:
        from tqdm import tqdm

        parts = tqdm(parts, total=(len(tasks) if pool is not None else len(files)) or None,
                     unit="part", desc="cohort")
    summaries = []
    try:
        summaries = list(parts)
    finally:
        if pool is not None:
            pool.shutdown()
    totals = {"cases": 0, "events": 0, "episodes": 0, "handoffs": 0, "flags": 0}
    latencies: dict[tuple[str, str], list[np.ndarray]] = {}
    for part in summaries:
        for key, value in part["totals"].items():
            totals[key] += value
        for key, values in part["latencies"].items():
            latencies.setdefault(key, []).append(values)
    def gather(name: str) -> list[Any]:
        return [p[name] for p in summaries if name in p]

    kept = [p["flags"] for p in summaries if p["flags"] is not None]
    rows = {name: pd.concat(gather(name), ignore_index=True) if gather(name) else None
            for name in ("handoff_rows", "ri_rows", "episode_rows")}
    return CohortReport(
        totals=totals,
        flags=_flag_matrix(gather("flag_counts")),
        return_interviews=_ri_table(gather("ri"), gather("ri_hours")),
        handoffs=_edge_summary(gather("edges"), latencies),
        trends=_trends([*gather("episode_months"), *gather("flag_months"),
                        *gather("handoff_months")]),
        flag_table=pd.concat(kept, ignore_index=True) if kept else None,
        **rows,
    )


def _ri_rows_table(rows: pd.DataFrame) -> pd.DataFrame:
    """The return-interview table (month → found, offered, on_time, median_hours,
    on_time_share, and an ``all`` row) of kept return rows."""
    per_month = rows.assign(found=1).groupby("month")[["found", "offered", "on_time"]].sum()
    return _ri_table([per_month.astype(int)] if len(rows) else [], [rows[["month", "ri_hours"]]])


def _handoff_rows_table(rows: pd.DataFrame) -> pd.DataFrame:
    """The per-pair hand-off table of kept hand-off rows (as :func:`cohort_report`)."""
    if rows.empty:
        return pd.DataFrame()
    edges = pd.crosstab([rows["sender"], rows["recipient"]], rows["status"])
    latencies = {key: [values.dropna().to_numpy()] for key, values in
                 rows.groupby(["sender", "recipient"])["latency_hours"]}
    return _edge_summary([edges], latencies)


def _flag_matrix(parts: list[pd.Series]) -> pd.DataFrame:
    if not parts:
        return pd.DataFrame()
    counts = pd.concat(parts).groupby(level=[0, 1]).sum()
    return counts.unstack(fill_value=0).astype(int)


def _ri_table(parts: list[pd.DataFrame], hours: list[pd.DataFrame]) -> pd.DataFrame:
    columns = ["found", "offered", "on_time"]
    table = (pd.concat(parts).groupby(level=0).sum() if parts
             else pd.DataFrame(columns=columns, dtype=int))
    h = pd.concat(hours, ignore_index=True) if hours else pd.DataFrame(
        {"month": [], "ri_hours": []})
    table["median_hours"] = h.groupby("month")["ri_hours"].median()
    table.loc["all"] = [table["found"].sum(), table["offered"].sum(), table["on_time"].sum(),
                        h["ri_hours"].median()]
    table["on_time_share"] = table["on_time"] / table["found"].where(table["found"] > 0)
    return table


def _edge_summary(parts: list[pd.DataFrame],
                  latencies: dict[tuple[str, str], list[np.ndarray]]) -> pd.DataFrame:
    if not parts:
        return pd.DataFrame()
    counts = pd.concat(parts).fillna(0).groupby(level=[0, 1]).sum().astype(int)
    for status in ("answered", "late", "unanswered", "open"):
        if status not in counts:
            counts[status] = 0
    counts["count"] = counts[["answered", "late", "unanswered", "open"]].sum(axis=1)
    decided = (counts["count"] - counts["open"]).where(lambda s: s > 0)
    counts["answer_rate"] = (counts["answered"] + counts["late"]) / decided
    medians = {k: float(np.median(np.concatenate(v))) if sum(map(len, v)) else np.nan
               for k, v in latencies.items()}
    counts["latency_median_hours"] = [medians.get(k, np.nan) for k in counts.index]
    return counts.sort_values("count", ascending=False)


def _trends(parts: list[pd.DataFrame]) -> pd.DataFrame:
    if not parts:
        return pd.DataFrame()
    table = pd.concat(parts).groupby(level=0).sum(min_count=1).fillna(0)
    for column in ("episodes", "flags", "handoffs", "answered"):
        if column not in table:
            table[column] = 0
    table["answer_rate"] = table["answered"] / table["handoffs"].where(table["handoffs"] > 0)
    return table.astype({"episodes": int, "flags": int, "handoffs": int, "answered": int})
