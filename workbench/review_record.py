"""The review record: what a learning review concludes, as frozen values.

After SCIE's *Learning Together* systems model, a review works through **key
practice episodes** (a named span of the composite chronology), reaches
**findings** (each evidenced by flags and events, with the **contributory factors**
behind it at frontline, local-strategic and national level), makes
**recommendations**, and turns them into an **action plan** (owning agency, due
date, status).

Every item is a frozen dataclass with a client-made ``id`` (a retried save never
duplicates it) and the ``case_id`` it belongs to. The review store
(:class:`workbench.store.NotesStore`) saves and reads them: ``store.save(item)``,
``store.review_record(case_id)``.

Examples
--------
>>> kpe = KeyPracticeEpisode(case_id="c1", title="The first referral",
...                          first_event="school-3", last_event="csc-4")
>>> finding = Finding(case_id="c1", title="Referrals were not chased",
...                   episodes=[kpe.id], flags=["unanswered-referral:school-3"],
...                   factors=[ContributoryFactor("frontline", "No prompt to follow up")])
>>> action = Action(case_id="c1", text="Add a 5-day follow-up prompt", owner="School",
...                 due="2026-03-31")
>>> finding.factors[0].level, action.due.isoformat(), action.status
('frontline', '2026-03-31', 'not-started')
>>> Action(case_id="c1", text="x", owner="School", due="2026-03-31", status="finished")
Traceback (most recent call last):
...
ValueError: status 'finished' is not allowed (allowed: not-started, in-progress, ...)
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, cast

__all__ = ["ACTION_STATUSES", "FACTOR_LEVELS", "Action", "ContributoryFactor", "Finding",
           "KeyPracticeEpisode", "Recommendation", "ReviewRecord", "flag_key"]

#: Levels of contributory factors (SCIE, Learning Together).
FACTOR_LEVELS = ("frontline", "local-strategic", "national")
#: The states of an action; an action past its due date and not complete is *overdue*.
ACTION_STATUSES = ("not-started", "in-progress", "complete", "withdrawn")


def new_id() -> str:
    """A fresh client-made id (a UUID4 string)."""
    return str(uuid.uuid4())


def flag_key(flag: object) -> str:
    """The stable key a finding uses to cite a flag: ``rule:event+event…``.

    Accepts a :class:`workbench.analysis.rules.Flag` or a row of ``flag_table`` (anything with
    ``rule`` and ``events`` or ``event_ids``).
    """
    rule = getattr(flag, "rule", None)
    ids = getattr(flag, "event_ids", None)
    if ids is None:
        ids = tuple(getattr(e, "id", e) for e in getattr(flag, "events", ()))
    if isinstance(flag, Mapping):
        rule = flag["rule"]
        ids = flag.get("event_ids") or flag.get("events") or ()
    return f"{rule}:{'+'.join(str(i) for i in ids)}"


def _allowed(name: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ValueError(f"{name} {value!r} is not allowed (allowed: {', '.join(allowed)})")


def _text(value: object, name: str, *, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be text, not {type(value).__name__}")
    if required and not value.strip():
        raise ValueError(f"{name} must not be empty")
    return value.strip()


def _ids(value: Iterable[str] | str | None, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        raise TypeError(f"{name} must be a list of ids, not a single string")
    return tuple(dict.fromkeys(str(v) for v in value))


class _Item:
    """Shared behaviour: normalise fields after init, and convert to and from dicts."""

    _ID_LISTS: tuple[str, ...] = ()
    _REQUIRED: tuple[str, ...] = ()

    def _set(self, name: str, value: object) -> None:
        object.__setattr__(self, name, value)

    def __post_init__(self) -> None:
        for f in fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if f.name in self._ID_LISTS:
                self._set(f.name, _ids(value, f.name))
            elif f.type in ("str", "str | None") and not (value is None and "None" in f.type):
                self._set(f.name, _text(value, f.name, required=f.name in self._REQUIRED))

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values (tuples as lists, dates as ISO text)."""
        out: dict[str, Any] = {}
        for f in fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if isinstance(value, tuple):
                value = [v.to_dict() if hasattr(v, "to_dict") else v for v in value]
            elif isinstance(value, dt.date):
                value = value.isoformat()
            out[f.name] = value
        return out


@dataclass(frozen=True, kw_only=True)
class KeyPracticeEpisode(_Item):
    """A named span of the composite chronology the review looks at closely.

    The span runs from ``first_event`` to ``last_event`` in composite order.
    """

    case_id: str
    title: str
    first_event: str
    last_event: str
    description: str = ""
    id: str = field(default_factory=new_id)
    session_id: str | None = None
    _REQUIRED = ("case_id", "title", "first_event", "last_event", "id")


@dataclass(frozen=True)
class ContributoryFactor:
    """Why something happened, at one level of the system (Learning Together)."""

    level: str
    text: str

    def __post_init__(self) -> None:
        _allowed("level", self.level, FACTOR_LEVELS)
        object.__setattr__(self, "text", _text(self.text, "text", required=True))

    def to_dict(self) -> dict[str, str]:
        return {"level": self.level, "text": self.text}


def _factors(value: Iterable[object] | None) -> tuple[ContributoryFactor, ...]:
    out = []
    for item in value or ():
        if isinstance(item, ContributoryFactor):
            out.append(item)
        elif isinstance(item, Mapping):
            out.append(ContributoryFactor(str(item["level"]), str(item["text"])))
        else:
            level, text = cast("Iterable[object]", item)  # a (level, text) pair
            out.append(ContributoryFactor(str(level), str(text)))
    return tuple(out)


@dataclass(frozen=True, kw_only=True)
class Finding(_Item):
    """What the review found, its evidence and the factors that contributed.

    ``flags`` are flag keys (:func:`flag_key`), ``events`` event ids, ``episodes`` ids
    of key practice episodes; ``factors`` are :class:`ContributoryFactor` values (or
    ``(level, text)`` pairs, or mappings with ``level`` and ``text``).
    """

    case_id: str
    title: str
    text: str = ""
    flags: tuple[str, ...] = ()
    events: tuple[str, ...] = ()
    episodes: tuple[str, ...] = ()
    factors: tuple[ContributoryFactor, ...] = ()
    id: str = field(default_factory=new_id)
    session_id: str | None = None
    _ID_LISTS = ("flags", "events", "episodes")
    _REQUIRED = ("case_id", "title", "id")

    def __post_init__(self) -> None:
        super().__post_init__()
        self._set("factors", _factors(self.factors))

    def factors_at(self, level: str) -> tuple[ContributoryFactor, ...]:
        """The contributory factors at one level."""
        _allowed("level", level, FACTOR_LEVELS)
        return tuple(f for f in self.factors if f.level == level)


@dataclass(frozen=True, kw_only=True)
class Recommendation(_Item):
    """What the review asks agencies or the partnership to change."""

    case_id: str
    text: str
    findings: tuple[str, ...] = ()
    addressed_to: str = ""
    id: str = field(default_factory=new_id)
    session_id: str | None = None
    _ID_LISTS = ("findings",)
    _REQUIRED = ("case_id", "text", "id")


def _date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"due date {value!r} is not a date (write YYYY-MM-DD)") from None
    raise TypeError(f"due must be a date or YYYY-MM-DD text, not {type(value).__name__}")


@dataclass(frozen=True, kw_only=True)
class Action(_Item):
    """One line of the action plan: what, which agency owns it, by when, and its status."""

    case_id: str
    text: str
    owner: str
    due: dt.date
    status: str = "not-started"
    recommendation: str | None = None
    progress: str = ""
    id: str = field(default_factory=new_id)
    session_id: str | None = None
    _REQUIRED = ("case_id", "text", "owner", "id")

    def __post_init__(self) -> None:
        super().__post_init__()
        self._set("due", _date(self.due))
        _allowed("status", self.status, ACTION_STATUSES)

    def overdue(self, today: dt.date | None = None) -> bool:
        """Past its due date and neither complete nor withdrawn."""
        today = today or dt.date.today()
        return self.status in ("not-started", "in-progress") and self.due < today


#: item class -> the store's table name and kind word
KINDS: Mapping[type, str] = {KeyPracticeEpisode: "episode", Finding: "finding",
                             Recommendation: "recommendation", Action: "action"}


@dataclass(frozen=True)
class ReviewRecord:
    """Everything a review concluded about one case, in the order it was recorded."""

    case_id: str
    episodes: tuple[KeyPracticeEpisode, ...] = ()
    findings: tuple[Finding, ...] = ()
    recommendations: tuple[Recommendation, ...] = ()
    actions: tuple[Action, ...] = ()

    def __len__(self) -> int:
        return (len(self.episodes) + len(self.findings) + len(self.recommendations)
                + len(self.actions))

    def _repr_html_(self) -> str:
        from workbench.html_summary import record_html

        return record_html(self)

    def item(self, item_id: str) -> KeyPracticeEpisode | Finding | Recommendation | Action:
        """Any item by id (KeyError when there is none)."""
        for group in (self.episodes, self.findings, self.recommendations, self.actions):
            for it in group:
                if it.id == item_id:
                    return it
        raise KeyError(item_id)

    def actions_for(self, recommendation_id: str) -> tuple[Action, ...]:
        return tuple(a for a in self.actions if a.recommendation == recommendation_id)

    def problems(self, *, event_ids: Iterable[str] | None = None,
                 flag_keys: Iterable[str] | None = None) -> list[str]:
        """Every reference that leads nowhere, as sentences (empty when all resolve).

        With ``event_ids`` (a case's event ids) and ``flag_keys`` (its flags' keys),
        references to events and flags are checked too.
        """
        out: list[str] = []
        episodes = {e.id for e in self.episodes}
        findings = {f.id for f in self.findings}
        recommendations = {r.id for r in self.recommendations}
        events = set(event_ids) if event_ids is not None else None
        flags = set(flag_keys) if flag_keys is not None else None
        for e in self.episodes:
            for end in (e.first_event, e.last_event):
                if events is not None and end not in events:
                    out.append(f"key practice episode {e.title!r}: event {end!r} is not in "
                               "the case")
        for f in self.findings:
            out += [f"finding {f.title!r}: key practice episode {i!r} is not recorded"
                    for i in f.episodes if i not in episodes]
            if events is not None:
                out += [f"finding {f.title!r}: event {i!r} is not in the case"
                        for i in f.events if i not in events]
            if flags is not None:
                out += [f"finding {f.title!r}: flag {k!r} is not raised for the case"
                        for k in f.flags if k not in flags]
        for r in self.recommendations:
            out += [f"recommendation {r.text[:40]!r}: finding {i!r} is not recorded"
                    for i in r.findings if i not in findings]
        for a in self.actions:
            if a.recommendation and a.recommendation not in recommendations:
                out.append(f"action {a.text[:40]!r}: recommendation {a.recommendation!r} is "
                           "not recorded")
        return out
