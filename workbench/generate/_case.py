"""One case: the steps put together, and a case built from its seed."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from workbench.generate._assemble import _AssembleStep
from workbench.generate._plan import _PlanStep
from workbench.generate._plant import _PlantStep
from workbench.generate._skeleton import _SkeletonStep
from workbench.generate._tools import _CaseTools
from workbench.generate._vocab import AGENCIES, CSC


class _Case(_CaseTools, _PlanStep, _SkeletonStep, _PlantStep, _AssembleStep):
    """Builds one child's chronology: plan, skeleton, planted failures, background."""


def _build_case(index: int, seed: np.random.SeedSequence, good_share: float,
                starts: tuple[int, int] | None = None):
    case = _Case(f"G{index + 1:06d}", seed, good_share)
    case.starts = starts          # days since 1970 the review period may start in
    case.plan()
    case.skeleton()
    case.plant()
    case.optional()
    bg = int(case.rng.lognormal(math.log(430), 0.5))
    target = min(990, max(130, len(case.t) + bg))
    cols, key, info = case.assemble(target)
    row = {"case_id": case.id, "good_practice": case.good, "n_agencies": info["n_agencies"],
           "n_events": info["n_events"], "n_episodes": info["n_episodes"],
           "born": (dt.date(1970, 1, 1) + dt.timedelta(days=case.born_day)).strftime("%Y-%m"),
           "lead_agency": AGENCIES[CSC], "looked_after": case.looked_after,
           "n_planted": len(key)}
    return case.id, cols, key, row
