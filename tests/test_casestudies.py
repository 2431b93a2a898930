"""The bundled case studies: clean import, exact round trip, the planted flags."""

from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from workbench.analysis.rules import find_flags
from workbench.io.casefile import load_case, write_case
from workbench.io.importer import import_chronologies
from workbench.outputs.batch import build_all, case_study_folders

ROOT = Path(__file__).resolve().parents[1]
STUDIES = case_study_folders(ROOT / "casestudies")

#: the failures each README plants, by pattern (the README tables cite file:line)
PLANTED = {
    "hub-model": {"return-interview-missing": 1, "meeting-missing-agency": 1},
    "looked-after-out-of-area": {"placement-not-notified": 1, "unanswered-referral": 1,
                                 "return-interview-missing": 1, "meeting-missing-agency": 1},
    "county-lines": {"risk-disagreement": 2, "victim-blaming-language": 2,
                     "repeat-episodes-no-strategy": 1, "child-voice-not-acted-on": 3,
                     "return-interview-not-shared": 1, "information-not-shared": 2},
    "missing-from-home-exclusion": {"education-exclusion-escalation": 2,
                                    "closed-while-active": 1, "ownership-gap": 3,
                                    "unanswered-referral": 1, "meeting-missing-agency": 1},
    "good-practice": {},
}


def test_there_are_five_case_studies_with_readmes():
    assert sorted(p.name for p in STUDIES) == sorted(PLANTED)
    for study in STUDIES:
        readme = (study / "README.md").read_text()
        assert "workbench import" in readme
        assert all(pattern in readme for pattern in PLANTED[study.name])


@pytest.mark.parametrize("study", STUDIES, ids=lambda p: p.name)
def test_case_study_imports_cleanly_and_round_trips(study, tmp_path):
    case = import_chronologies([study])
    assert case.problems == ()
    assert case.anonymisation and {"by", "on", "method"} <= set(case.anonymisation)
    assert 40 <= len(case.events) <= 150
    fallback = case.events["kind_basis"].str.startswith("fallback")
    assert fallback.mean() < 0.15, case.events.loc[fallback, "summary"].tolist()
    loaded = load_case(write_case(case, tmp_path / study.name))
    pd.testing.assert_frame_equal(loaded.events, case.events)
    assert (loaded.id, loaded.title, loaded.child) == (case.id, case.title, case.child)


@pytest.mark.parametrize("study", STUDIES, ids=lambda p: p.name)
def test_case_study_raises_exactly_its_planted_failures(study):
    flags = find_flags(import_chronologies([study]))
    assert Counter(f.pattern for f in flags) == Counter(PLANTED[study.name])
    events = import_chronologies([study]).events
    for flag in flags:
        assert {e.id for e in flag.events} <= set(events["id"])
        assert all(e.source for e in flag.events)


def test_good_practice_case_raises_nothing_of_medium_severity_or_above():
    study = next(s for s in STUDIES if s.name == "good-practice")
    assert [f for f in find_flags(import_chronologies([study]))
            if f.severity in ("medium", "high")] == []


def test_main_job_writes_every_case_and_a_summary(tmp_path):
    lines = list(build_all(ROOT / "casestudies", tmp_path))
    assert lines[-1].startswith("Summary:")
    for study in STUDIES:
        assert (tmp_path / study.name / "case" / "case.yaml").is_file()
        assert (tmp_path / study.name / "flags.json").is_file()
    assert "| county-lines | 102 |" in (tmp_path / "summary.md").read_text()
