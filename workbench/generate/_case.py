"""One case from its seed: the steps in order, and its row of ``cases.parquet``."""

from __future__ import annotations

import datetime as dt
import math
import random
from typing import Any

import numpy as np

from workbench.generate._assemble import assemble_case
from workbench.generate._plan import plan_case
from workbench.generate._plant import add_clean_items, plant_failures
from workbench.generate._skeleton import draw_skeleton
from workbench.generate._state import CaseEvents, CasePlan
from workbench.generate._texts import TextTable
from workbench.generate._vocab import AGENCIES, CSC


def build_case(index: int, seed: np.random.SeedSequence, texts: TextTable, *,
               good_share: float, starts: tuple[int, int] | None = None,
               ) -> tuple[CaseEvents, dict[str, Any]]:
    """Case ``index`` of a cohort (``G000001`` is index 0) and its row of ``cases.parquet``.

    Its text columns are codes into the cohort's ``texts``. ``starts`` bounds (days
    since 1970) the day the review period starts on.
    """
    rng = np.random.default_rng(seed)
    rand = random.Random(int(rng.integers(2**62)))
    plan = plan_case(f"G{index + 1:06d}", rand, rng, good_share=good_share, starts=starts)
    draft = draw_skeleton(plan, rand)
    draft = plant_failures(plan, draft, rand)
    draft = add_clean_items(plan, draft, rand)
    n_background = int(rng.lognormal(math.log(430), 0.5))
    n_events = min(990, max(130, len(draft.events) + n_background))
    case = assemble_case(plan, draft, rng, n_events, texts)
    return case, case_row(plan, case)


def case_row(plan: CasePlan, case: CaseEvents) -> dict[str, Any]:
    """The case's row of ``cases.parquet`` (see ``CASES_SCHEMA``)."""
    born = dt.date(1970, 1, 1) + dt.timedelta(days=plan.born_day)
    return {"case_id": plan.case_id, "good_practice": plan.good_practice,
            "n_agencies": case.n_agencies, "n_events": len(case), "n_episodes": case.n_episodes,
            "born": f"{born.year:04d}-{born.month:02d}", "lead_agency": AGENCIES[CSC],
            "looked_after": plan.looked_after, "n_planted": len(case.key)}
