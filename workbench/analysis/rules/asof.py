"""As-of joins of event frames on integer keys: for each left row, the right row of
the same group (case, agency …) just before or after it in time.

What ``pandas.merge_asof`` computes, found with one ``searchsorted`` over (group code,
time rank) keys instead of its sort and key factorising per call; the rules make a few
thousand of these joins on a cohort. Inputs the integer version does not take
(missing times, names on both sides) go to ``merge_asof`` itself.

>>> import pandas as pd
>>> t = pd.to_datetime(["2025-02-03 10:00", "2025-02-05 10:00"], utc=True)
>>> left = pd.DataFrame({"case_id": ["c", "c"], "lo": t})
>>> right = pd.DataFrame({"case_id": ["c"], "b_last": [t[0] + pd.Timedelta(days=1)],
...                       "b_id": ["e2"]})
>>> asof(left, right, left_on="lo", right_on="b_last", by="case_id", forward=True)["b_id"].tolist()
['e2', nan]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["asof"]


def asof(left: pd.DataFrame, right: pd.DataFrame, *, left_on: str, right_on: str,
         by: str | list[str], forward: bool, strict: bool = False) -> pd.DataFrame:
    """``merge_asof`` of two event frames, each sorted here (deterministically).

    ``right_on`` is a prefixed column (``b_last``); ties in it are broken by the
    right frame's ``seq`` and ``id`` under the same prefix. The result is
    ``pandas.merge_asof``'s (rows in ``left_on`` order, the right frame's columns but
    the ``by`` keys added), found here with one ``searchsorted`` on integer keys.
    """
    prefix = right_on.split("_")[0] + "_"
    ties = [c for c in (prefix + "seq", prefix + "id") if c in right.columns]
    keys = [by] if isinstance(by, str) else list(by)
    # a key's integer codes (``<key>_code``), when both sides carry them, go with the
    # key: joined on, and kept from the left only
    coded = [c for c in _codes(keys) if c in left.columns and c in right.columns]
    lt, rt = left[left_on], right[right_on]
    if (lt.dtype != rt.dtype or lt.dtype.kind != "M" or lt.isna().any() or rt.isna().any()
            or set(left.columns) & set(right.columns) - set(keys) - set(coded)
            or any(right[c].isna().any() for c in ties)):
        return _merge_asof(left, right.drop(columns=coded), left_on=left_on,
                           right_on=right_on, by=by,
                           forward=forward, strict=strict, ties=ties)
    for key in keys:  # as merge_asof's inputs: Arrow and object text made to agree
        if left[key].dtype != right[key].dtype:
            left = left.astype({key: object})
    l_ns, r_ns = _ns(lt), _ns(rt)
    l_order = None if lt.is_monotonic_increasing else np.argsort(l_ns, kind="stable")
    l_group, r_group = _group_codes(left, right, keys)
    # only the right rows of a group the left has can match (often a small share)
    rows = np.flatnonzero(np.isin(r_group, l_group))
    if rt.is_monotonic_increasing:  # else in (time, seq, id) order
        r_order = rows
    else:
        r_order = rows[np.lexsort([_ranks(right[c].to_numpy()[rows]) for c in reversed(ties)]
                                  + [r_ns[rows]])]
    found = _asof_index(l_group, l_ns, r_group[r_order], r_ns[r_order],
                        forward=forward, strict=strict)
    if len(r_order):
        found = np.where(found >= 0, r_order[np.maximum(found, 0)], -1)
    if l_order is not None:
        left, found = left.iloc[l_order], found[l_order]
    others = right.take([i for i, c in enumerate(right.columns)
                         if c not in keys and c not in coded], axis=1)
    others = others.set_axis(pd.RangeIndex(len(right))).reindex(found)  # -1: no match
    return pd.concat([left.reset_index(drop=True), others.reset_index(drop=True)], axis=1)


def _merge_asof(left: pd.DataFrame, right: pd.DataFrame, *, left_on: str, right_on: str,
                by: str | list[str], forward: bool, strict: bool, ties: list[str]
                ) -> pd.DataFrame:
    """:func:`asof` by ``pandas.merge_asof`` (what it computes, for the rare inputs the
    integer version leaves: missing times, names on both sides)."""
    for key in [by] if isinstance(by, str) else by:  # Arrow and object text must agree
        if left[key].dtype != right[key].dtype:
            left, right = left.astype({key: object}), right.astype({key: object})
    if not left[left_on].is_monotonic_increasing:
        left = left.sort_values(left_on, kind="stable")
    if not right[right_on].is_monotonic_increasing:  # else already in (time, seq, id) order
        right = right.sort_values([right_on, *ties], kind="stable")
    return pd.merge_asof(left, right, left_on=left_on, right_on=right_on, by=by,
                         direction="forward" if forward else "backward",
                         allow_exact_matches=not strict)


def _ns(times: pd.Series) -> np.ndarray:
    return times.to_numpy(dtype="datetime64[ns]").view(np.int64)


def _ranks(values: np.ndarray) -> np.ndarray:
    """Each value's rank in sort order (numbers as they are, text as Python compares it)."""
    if values.dtype.kind in "iufMm":
        return values
    return pd.factorize(values, sort=True)[0]


def _codes(keys: list[str]) -> list[str]:
    """The columns that hold the ``keys`` as integer codes (``Analysis.codes``)."""
    return [key + "_code" for key in keys]


def _group_codes(left: pd.DataFrame, right: pd.DataFrame, keys: list[str]
                 ) -> tuple[np.ndarray, np.ndarray]:
    """One integer per distinct combination of the ``keys`` over both frames (missing
    values equal to each other, as ``merge_asof`` matches them). A key whose codes
    both frames carry (``<key>_code``: equal codes for equal values) is not hashed
    again."""
    n = len(left)
    codes = np.zeros(n + len(right), dtype=np.int64)
    for key, code in zip(keys, _codes(keys), strict=True):
        if code in left.columns and code in right.columns:
            one = np.concatenate([left[code].to_numpy(), right[code].to_numpy()]) + 1
            codes = codes * np.int64(one.max(initial=0) + 1) + one
            if len(keys) > 1:
                codes = pd.factorize(codes)[0].astype(np.int64)
            continue
        a, b = left[key].to_numpy(), right[key].to_numpy()
        if a.dtype != b.dtype:
            a, b = a.astype(object), b.astype(object)
        one, uniques = pd.factorize(np.concatenate([a, b]), use_na_sentinel=False)
        codes = codes * np.int64(len(uniques) + 1) + one
        if len(keys) > 1:
            codes = pd.factorize(codes)[0].astype(np.int64)
    return codes[:n], codes[n:]


def _asof_index(l_group: np.ndarray, l_at: np.ndarray, r_group: np.ndarray, r_at: np.ndarray,
                *, forward: bool, strict: bool) -> np.ndarray:
    """For each left row, the position in the right rows (sorted by time, ties in their
    order) of the ``merge_asof`` match in the same group, or -1: forward the first at or
    after (after, ``strict``), backward the last at or before (before)."""
    if not len(r_at) or not len(l_at):
        return np.full(len(l_at), -1, dtype=np.int64)
    _, ranks = np.unique(np.concatenate([r_at, l_at]), return_inverse=True)
    width = np.int64(ranks.max() + 2)
    r_key = r_group * width + ranks[:len(r_at)]
    key = l_group * width + ranks[len(r_at):]
    order = np.argsort(r_group, kind="stable")  # by group, each in time order
    r_key, r_group = r_key[order], r_group[order]
    if forward:
        pos = np.searchsorted(r_key, key, side="right" if strict else "left")
    else:
        pos = np.searchsorted(r_key, key, side="left" if strict else "right") - 1
    ok = (pos >= 0) & (pos < len(r_key))
    ok[ok] = r_group[pos[ok]] == l_group[ok]
    return np.where(ok, order[np.clip(pos, 0, len(order) - 1)], -1)
