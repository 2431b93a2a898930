"""A generated cohort's flags, analysed together, are each case's flags analysed alone.

The engine is vectorised over the whole event table (the cohort path), so a rule that
let one case's events reach another's (a join or an as-of match without the case in
its key, a shared table keyed wrongly) would show here: the same generated cases are
flagged once as one cohort frame, once per Parquet part through ``cohort_report``, and
once case by case.
"""

from __future__ import annotations

import pandas as pd
import pytest

from workbench.analysis.cohort import cohort_report
from workbench.analysis.cohort_parts import prepare_events
from workbench.analysis.rules import flag_table
from workbench.generate import generate_cohort

_COMPARED = ["case_id", "rule", "pattern", "severity", "certainty", "explanation", "at",
             "event_ids", "sources"]


def _rows(table: pd.DataFrame) -> list[tuple]:
    return sorted(table[_COMPARED].astype({"at": str}).itertuples(index=False, name=None))


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("cohort") / "c"
    generate_cohort(out, cases=14, seed=15, chunk_events=2500)  # several Parquet parts
    parts = sorted((out / "events").glob("*.parquet"))
    events = prepare_events(pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True))
    return out, events, len(parts)


@pytest.fixture(scope="module")
def alone(generated):
    """The flags of each generated case analysed alone (the reference both tests use)."""
    _, events, _ = generated
    return pd.concat([flag_table(events.loc[events["case_id"].eq(c)].reset_index(drop=True))
                      for c in events["case_id"].unique()], ignore_index=True)


def test_cohort_flags_are_the_flags_of_each_case_alone(generated, alone):
    _, events, _ = generated
    together = flag_table(events)
    assert len(together) > 0 and together["case_id"].nunique() > 1  # the comparison has teeth
    assert together["pattern"].nunique() > 3
    assert _rows(together) == _rows(alone)


def test_cohort_report_keeps_the_flags_of_each_case_alone(generated, alone):
    folder, _, parts = generated
    assert parts > 1
    report = cohort_report(folder, keep_flags=True, workers=1)
    assert report.totals["flags"] == len(alone)
    assert _rows(report.flag_table) == _rows(alone)
