"""A sheet that stands for another table, read as that table: a record exported in long
form (:mod:`workbench.io.long_form`), a log dated by its banner rows
(:mod:`workbench.io.banners`)."""

from __future__ import annotations

from collections.abc import Mapping

from workbench.errors import Problem, Where
from workbench.io.banners import banner_dates, date_by_banners
from workbench.io.long_form import long_form, widen

__all__ = ["reshaped_sheet"]


def reshaped_sheet(records: list[tuple[int, list[str]]], letters: list[str],
                   mapping: Mapping[str, str], where: Where, problems: list[Problem],
                   ) -> tuple[list[tuple[int, list[str]]], list[str] | None]:
    """A sheet's records and column letters as the table they stand for: widened from
    long form (its cells then no longer where they were: no letters), or with a column
    of the dates its banner rows give (a letter past the last); else as they were."""
    if form := long_form(records, mapping):
        return [(n, c) for n, _, c in widen(records, form, where, problems)], None
    if dated := banner_dates(records, mapping):
        return date_by_banners(records, dated, where, problems), [*letters, ""]
    return records, letters
