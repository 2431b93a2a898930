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

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from workbench.analysis.analyse import analyse
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


def cohort_parts(folder: str | Path, *, columns: list[str] | None = None
                 ) -> Iterator[pd.DataFrame]:
    """The cohort's event tables, one Parquet file (whole cases) at a time."""
    folder = Path(folder)
    parts = sorted((folder / "events").glob("*.parquet")) or sorted(folder.glob("*.parquet"))
    if parts:
        for part in parts:
            yield _prepare(pd.read_parquet(part, columns=columns))
        return
    from workbench.io.casefile import load_case

    cases = sorted(p.parent for p in folder.glob("*/case.yaml"))
    if not cases:
        raise FileNotFoundError(f"{folder}: no events/*.parquet and no case folders")
    for path in cases:
        case = load_case(path)
        yield case.events.assign(case_id=case.id)


_TEXT = ("agency", "sector", "kind", "recipients", "attendees", "risk_grade", "refers_to",
         "summary", "details", "action", "outcome", "source", "precision", "when", "id")


def _prepare(frame: pd.DataFrame) -> pd.DataFrame:
    """Parquet columns as the engine expects them: plain text with "" for missing."""
    for column in _TEXT:
        if column in frame:
            frame[column] = frame[column].astype(str).where(frame[column].notna(), "")
        elif column not in ("id",):
            frame[column] = ""
    for column in ("start", "end"):
        if column in frame:
            frame[column] = pd.to_datetime(frame[column], utc=True)
    if "seq" not in frame:
        frame["seq"] = frame.groupby("case_id").cumcount() + 1
    return frame


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
               keep_flags: bool) -> dict[str, object]:
    """Small aggregates of one part of the cohort (whole cases)."""
    hours = float(profile.settings["return_interview_hours"])
    analysis = analyse(events, protocol=profile)
    flags = flag_table(analysis, rules=rules)
    ep, h = analysis.episodes, analysis.handoffs
    out: dict[str, object] = {
        "totals": {"cases": int(events["case_id"].nunique()), "events": len(events),
                   "episodes": len(ep), "handoffs": len(h), "flags": len(flags)},
        "flags": flags if keep_flags else None,
    }
    if len(flags):
        anchor = pd.MultiIndex.from_arrays([flags["case_id"],
                                            flags["event_ids"].map(lambda ids: ids[0])])
        agency = events.set_index(["case_id", "id"])["agency"].reindex(anchor).to_numpy()
        out["flag_counts"] = flags.assign(agency=agency).groupby(["pattern", "agency"]).size()
        dated = flags["at"].notna()
        out["flag_months"] = _by_month(flags.loc[dated, "at"], flags=1)
    found = ep.loc[ep["found_at"].notna()]
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


def _summarise_file(path: Path, profile: Protocol, keep_flags: bool) -> dict[str, object]:
    return _summarise(_prepare(pd.read_parquet(path)), profile, None, keep_flags)


def cohort_report(folder: str | Path, *, protocol: Protocol | str | None = None,
                  rules: list[Rule] | None = None, keep_flags: bool = False,
                  workers: int | None = None, progress: bool = False) -> CohortReport:
    """Flags per pattern and agency, return-interview timeliness, hand-off answer
    rates and latencies, and monthly trends, over a whole cohort.

    Parquet parts are analysed in ``workers`` processes (default: one per core);
    with local ``rules`` (which may not be importable by a worker) or a cohort of
    case folders, parts are analysed in this process.
    """
    import os
    from concurrent.futures import ProcessPoolExecutor

    profile = load_protocol(protocol)
    folder = Path(folder)
    files = sorted((folder / "events").glob("*.parquet")) or sorted(folder.glob("*.parquet"))
    workers = workers or os.cpu_count() or 1
    if files and rules is None and workers > 1 and len(files) > 1:
        pool = ProcessPoolExecutor(max_workers=min(workers, len(files)))
        parts = pool.map(_summarise_file, files, [profile] * len(files),
                         [keep_flags] * len(files))
    else:
        pool = None
        parts = (_summarise(events, profile, rules, keep_flags)
                 for events in cohort_parts(folder))
    if progress:
        from tqdm import tqdm

        parts = tqdm(parts, total=len(files) or None, unit="part", desc="cohort")
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
    def gather(name: str) -> list:
        return [p[name] for p in summaries if name in p]

    kept = [p["flags"] for p in summaries if p["flags"] is not None]
    return CohortReport(
        totals=totals,
        flags=_flag_matrix(gather("flag_counts")),
        return_interviews=_ri_table(gather("ri"), gather("ri_hours")),
        handoffs=_edge_summary(gather("edges"), latencies),
        trends=_trends([*gather("episode_months"), *gather("flag_months"),
                        *gather("handoff_months")]),
        flag_table=pd.concat(kept, ignore_index=True) if kept else None,
    )


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
