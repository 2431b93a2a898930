"""Synthetic cohorts: many children's merged chronologies with planted failures.

:func:`generate_cohort` writes a folder that the cohort tools (and benchmarks) read::

    OUT/
    ├── events/part-00000.parquet …   the event table of every case (``case_id`` column),
    │                                 whole cases per file, about ``chunk_events`` rows each
    ├── cases.parquet                 one row per child
    ├── answer_key.csv                one row per planted failure (pattern, evidence ids)
    └── README.md                     what the files are, the seed and the command

The shape follows the domain notes (section 5): 5–18 agencies and 100–1,000 events
per child, mostly background contacts, assessments and answered hand-offs; about
two thirds of missing episodes are repeats, with a heavy tail of children who go
missing very often. About ``good_share`` of the children are *good-practice* cases:
by the operational definitions of ``docs/patterns.md`` (England 2014 profile) they
raise no flag at all. Every other case carries 1–4 planted failures drawn from all
13 patterns; a planted situation that by the definitions implies several patterns
(a return-interview disclosure nobody shares is also ``child-voice-not-acted-on``
and ``information-not-shared``) has one answer-key row per pattern, so that a
correct rule engine's flags match the key exactly. Each row's ``events`` are the
flag's evidence (``docs/patterns.md``), the anchor (the event at fault) first:

================================  ===========================================================
pattern                           events
================================  ===========================================================
unanswered-referral               referral (never answered) or referral; late answer
return-interview-missing          found (; the late interview), or refusal; found
return-interview-not-shared       disclosure; return interview
risk-disagreement                 police grading; the other agency's concern
repeat-episodes-no-strategy       third report; first report; second report
information-not-shared            the disclosure, exclusion or concern
closed-while-active               closure; each report within 90 days before reopening
child-voice-not-acted-on          disclosure (; the first protective action, however late)
victim-blaming-language           the event
education-exclusion-escalation    exclusion; each report in the 60 days after
placement-not-notified            the placement move
meeting-missing-agency            meeting; the absent agency's latest earlier event
ownership-gap                     report (; the last closure)
================================  ===========================================================

Planted windows keep clear of every reading of the definitions that the rules could
take: answers come within 2 working days and late ones after 9; clusters of episodes
are isolated by 33 days; meetings follow every third episode within 30 days; no
protective action (or no event at all, for an unanswered referral) falls in a
planted failure's window, counted generously in working days of Europe/London.

Event columns written: ``case_id``, ``id``, ``seq`` (int32), ``agency``,
``agency_as_written`` (the canonical name), ``sector``, ``kind``, ``kind_basis``
(``column``), ``kind_confidence`` (1.0), ``start``, ``end`` (timestamp[us, UTC]),
``precision`` (``minute``; a few ``day``), ``approximate`` (false), ``summary``,
``recipients``, ``attendees``, ``risk_grade``, ``refers_to``, ``source_file``,
``source_line`` (int32), ``source``. ``agency``, ``agency_as_written``, ``sector``,
``kind`` and ``kind_basis`` are dictionary-encoded. Empty ``recipients``,
``attendees``, ``risk_grade`` and ``refers_to`` are null. The columns ``when``,
``details``, ``action``, ``outcome``, ``author`` and ``source_sheet`` are omitted.

The generator streams: one case at a time, flushed to Parquet every
``chunk_events`` rows (a second thread writes a part while the next cases are made),
so memory does not grow with the cohort. A case is made in steps, plain functions over
an explicit plan and draft (``_state.py`` describes them): ``plan_case``,
``draw_skeleton``, ``plant_failures``, ``add_clean_items``, ``assemble_case``. Each case draws from
its own random generator (``SeedSequence(seed).spawn``), so the same seed gives the
same bytes whatever the chunk size changes in file boundaries, and the first *n*
cases of a larger cohort are the *n* cases of a smaller one.

Examples
--------
>>> import tempfile
>>> with tempfile.TemporaryDirectory() as tmp:
...     summary = generate_cohort(f"{tmp}/cohort", cases=3, seed=7)
...     files = sorted(p.name for p in summary.path.iterdir())
>>> summary.cases, summary.events > 300, files
(3, True, ['README.md', 'answer_key.csv', 'cases.parquet', 'events'])
"""

from __future__ import annotations

from workbench.generate._cohort import CohortSummary, generate_cohort
from workbench.generate._vocab import (  # noqa: F401 (re-exported: the module's former public names)
    ABSENCE,
    AGENCIES,
    ASSESSMENT,
    CAMHS,
    CLOSED,
    CONTACT,
    COUNS,
    COUNSELLING,
    CSC,
    DISCLOSURE,
    ED,
    EDUC,
    EXCLUSION,
    FAMILY,
    FOSTER,
    FOUND,
    GP,
    HEALTH,
    HOST,
    HOUSING,
    HUB,
    KINDS,
    MAM,
    MISSING,
    NOTIFICATION,
    OPENED,
    PLACEMENT,
    POLICE,
    REFERRAL,
    RESID,
    RI_DECLINED,
    RI_DONE,
    RI_OFFERED,
    RIS,
    RISK,
    SAFETY,
    SCHOOL,
    SEXH,
    SHARED,
    SNURSE,
    STRATEGY,
    YJS,
    YOUTH,
)
from workbench.generate._write import CASES_SCHEMA, EVENT_SCHEMA  # noqa: F401 (re-exported)

__all__ = ["CohortSummary", "generate_cohort"]
