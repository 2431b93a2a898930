"""A sheet that stands for another table, read as that table: a record exported in long
form (:mod:`workbench.io.long_form`), a log dated by its banner rows
(:mod:`workbench.io.banners`)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from workbench.errors import Problem, Where
from workbench.io.banners import banner_dates, date_by_banners
from workbench.io.csvtext import Record
from workbench.io.long_form import long_form, widen

__all__ = ["reshaped_csv", "reshaped_sheet", "stands_for_a_table"]


def stands_for_a_table(records: Sequence[tuple[int, Sequence[str]]],
                       mapping: Mapping[str, str]) -> bool:
    """Whether records with no date column stand for a table that has one."""
    return long_form(records, mapping) is not None or banner_dates(records, mapping) is not None


def reshaped_csv(first: list[Record], rest: Iterator[Record], mapping: Mapping[str, str],
                 where: Where, problems: list[Problem],
                 ) -> tuple[list[Record], Iterator[Record], bool]:
    """A CSV table's first records and the rest as the table they stand for (then all
    read at once: such exports are small), and whether it was widened from long form."""
    head = [(r.line, r.cells) for r in first[:200]]
    if form := long_form(head, mapping):
        whole = [(r.line, r.cells) for r in [*first, *rest]]
        return [Record(line, cells, line + n - 1)
                for line, n, cells in widen(whole, form, where, problems)], iter(()), True
    if dated := banner_dates(head, mapping):
        every = [*first, *rest]
        dates = date_by_banners([(r.line, r.cells) for r in every], dated, where, problems)
        return [Record(r.line, cells, r.last, r.raw)
                for r, (_, cells) in zip(every, dates, strict=True)], iter(()), False
    return first, rest, False


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
