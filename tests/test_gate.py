"""The workshop gate: declared anonymised and passing the PII scan, or refused."""

from pathlib import Path

import pytest

from workbench.apps.gate import gate_problems
from workbench.io.importer import import_chronologies

ROOT = Path(__file__).resolve().parents[1]
DECLARED = {"id": "gate", "anonymisation": {"by": "R1", "on": "2026-11-25", "method": "labels"}}


def _case(tmp_path, text, meta=DECLARED):
    path = tmp_path / "police.csv"
    path.write_text(f"Date,Agency,Event\n05/02/2025,Police,Reported missing\n06/02/2025,Police,{text}\n")
    return import_chronologies([path], meta=meta)


@pytest.mark.parametrize("text", ["Found; contact email mum.of.a@mail.test",
                                  "Found. Child A DOB 03/04/2011", "Found; messaging @childa_99",
                                  "Found with a man aged 24"])
def test_a_case_with_planted_identifiers_is_refused_naming_the_place_not_the_value(tmp_path, text):
    problems = gate_problems(_case(tmp_path, text))
    assert problems and all("police.csv:3, summary" in p for p in problems)
    assert not any(value in p for p in problems for value in ("mail.test", "2011", "childa", "24"))


def test_an_undeclared_case_is_refused(tmp_path):
    problems = gate_problems(_case(tmp_path, "Found at Address 2", meta={"id": "gate"}))
    assert problems == ["gate: no anonymisation declaration (give anonymisation: by, on, "
                        "method in the case file)"]


@pytest.mark.parametrize("study", sorted(p.parent for p in (ROOT / "casestudies").glob("*/meta.yaml")),
                         ids=lambda p: p.name)
def test_every_case_study_passes_the_gate(study):
    assert gate_problems(import_chronologies([study])) == []


def test_every_field_that_reaches_participants_is_scanned():
    import pandas as pd

    from workbench.case import Case

    events = pd.DataFrame({"summary": ["Reported missing", "Found"],
                           "when": ["05/02/2025", "the day after DOB 03/04/2011"],
                           "recipients": [(), ("Social worker on 07911 123456",)],
                           "attendees": [(), ()], "source": ["police.csv:2", "police.csv:3"]})
    case = Case(id="gate", events=events, title="Child A (NHS 943.476.5919)",
                child={"label": "Child A b. 03/03/2011", "looked_after": False},
                anonymisation=DECLARED["anonymisation"])
    problems = gate_problems(case)
    assert problems == ["gate: case file, title: UK_NHS",
                        "gate: case file, child label: DATE_OF_BIRTH",
                        "gate: police.csv:3, when: DATE_OF_BIRTH",
                        "gate: police.csv:3, recipients: PHONE_NUMBER"]
