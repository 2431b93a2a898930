"""What the export modules share: plain values, clean XML text, the analysis."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pandas as pd

from workbench.analysis.analyse import Analysis, analyse
from workbench.case import Case

if TYPE_CHECKING:
    from workbench.protocols import Protocol

_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def iso(ts: pd.Timestamp) -> str:
    return ts.tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%SZ")


def clean(text: object) -> str:
    """Text an XML file can hold (characters XML 1.0 forbids become U+FFFD)."""
    return _XML_ILLEGAL.sub("\ufffd", str(text))


def plain(value: object) -> Any:
    """A JSON/XML-ready Python value (None for missing)."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else iso(value)
    if isinstance(value, float) and value != value:
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        return value.item()  # numpy scalar
    return value


def split_names(cell: str) -> list[str]:
    return [p for p in str(cell or "").split("; ") if p]


def analysis_of(data: Case | Analysis, protocol: Protocol | str | None) -> Analysis:
    return analyse(data, protocol=protocol)


def case_id_of(analysis: Analysis) -> str:
    if analysis.case is not None:
        return analysis.case.id
    ids = analysis.events["case_id"].unique()
    return str(ids[0]) if len(ids) == 1 else "cohort"
