"""Text columns in Arrow: the few steps the engine does on whole columns of text in C.

pandas' ``str`` columns (pandas 3) are Arrow arrays already; these read them as such,
with the pandas way kept for any other column (object, or with missing cells where
that matters).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["large_text", "matches", "split_names"]


def large_text(values: pd.Series) -> pa.Array | pa.ChunkedArray:
    """A text column as Arrow large strings, a missing cell as "" (any other value as its
    ``str``)."""
    if isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow":
        return pc.fill_null(pa.array(values.array).cast(pa.large_string()), "")
    return pa.array(values.astype(object).fillna("").astype(str).to_numpy(dtype=object),
                    type=pa.large_string())


def matches(text: pa.Array | pa.ChunkedArray, pattern: str) -> np.ndarray:
    """Whether each text matches the RE2 ``pattern``, as a NumPy bool array."""
    hit = pc.match_substring_regex(text, pattern)
    return np.asarray(hit.to_numpy(zero_copy_only=False) if isinstance(hit, pa.Array)
                      else hit.to_numpy(), dtype=bool)


def split_names(frame: pd.DataFrame, column: str, dtype: object
                ) -> tuple[pd.DataFrame, pd.Series] | None:
    """``frame[column].str.split("; ")`` exploded, done in Arrow: each row once per name,
    and the names (as ``dtype``, the column's own). None where the column is not Arrow
    text of that dtype, or has a missing cell."""
    names = frame[column]
    if not (isinstance(names.dtype, pd.StringDtype) and names.dtype.storage == "pyarrow"
            and dtype == names.dtype and not names.isna().any()):
        return None
    lists = pc.split_pattern(pa.array(names.array), "; ")
    rows = frame.iloc[pc.list_parent_indices(lists).to_numpy()]
    return rows, pd.Series(pd.array(pc.list_flatten(lists), dtype=dtype), index=rows.index)
