"""A cohort's event tables as the engine reads them: one Parquet file (whole cases) at
a time, then one case folder at a time, with text columns made plain ("" for missing).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd

__all__ = ["case_folder_parts", "cohort_parts", "parquet_files", "prepare_events"]


def parquet_files(folder: Path) -> list[Path]:
    """The cohort's Parquet files (``events/*.parquet``, else ``*.parquet``), sorted."""
    return sorted((folder / "events").glob("*.parquet")) or sorted(folder.glob("*.parquet"))


def case_folder_parts(folder: Path) -> Iterator[pd.DataFrame]:
    """The case folders' (``*/case.yaml``) event tables, one case at a time."""
    from workbench.io.casefile import load_case

    for path in sorted(p.parent for p in folder.glob("*/case.yaml")):
        case = load_case(path)
        yield case.events.assign(case_id=case.id)


def cohort_parts(folder: str | Path, *, columns: list[str] | None = None
                 ) -> Iterator[pd.DataFrame]:
    """The cohort's event tables, one Parquet file (whole cases) at a time, then one
    case folder (``*/case.yaml``) at a time: a generated cohort and cases added to it."""
    folder = Path(folder)
    parts = parquet_files(folder)
    if not parts and not any(folder.glob("*/case.yaml")):
        raise FileNotFoundError(f"{folder}: no events/*.parquet and no case folders")
    for part in parts:
        yield prepare_events(pd.read_parquet(part, columns=columns))
    yield from case_folder_parts(folder)


_TEXT = ("agency", "sector", "kind", "recipients", "attendees", "risk_grade", "refers_to",
         "summary", "details", "action", "outcome", "source", "precision", "when", "id")


def prepare_events(frame: pd.DataFrame) -> pd.DataFrame:
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
