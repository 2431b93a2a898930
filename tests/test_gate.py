"""The workshop gate: declared anonymised and passing the PII scan, or refused."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import workbench.privacy
from workbench.apps.gate import GATE_CACHE_ENV, gate_problems
from workbench.io.importer import import_chronologies

ROOT = Path(__file__).resolve().parents[1]
DECLARED = {"id": "gate", "anonymisation": {"by": "R1", "on": "2026-11-25", "method": "labels"}}


@pytest.fixture(autouse=True)
def gate_cache(tmp_path, monkeypatch):
    """Each test its own cache of gate scans, so every scan here runs (once)."""
    folder = tmp_path / "gate-cache"
    monkeypatch.setenv(GATE_CACHE_ENV, str(folder))
    return folder


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


def _no_scanner(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the scanner was built")
    monkeypatch.setattr(workbench.privacy, "build_detector", refuse)


def test_a_case_is_scanned_once_then_read_from_the_cache(tmp_path, gate_cache, monkeypatch):
    case = _case(tmp_path, "Found. Child A DOB 03/04/2011")
    first = gate_problems(case)
    assert first == ["gate: police.csv:3, summary: DATE_OF_BIRTH"]
    assert [json.loads(f.read_text()) for f in gate_cache.glob("*.json")] == [{"problems": first}]
    _no_scanner(monkeypatch)
    assert gate_problems(_case(tmp_path, "Found. Child A DOB 03/04/2011")) == first
    # a changed case is scanned afresh, never answered from another case's result
    with pytest.raises(AssertionError, match="the scanner was built"):
        gate_problems(_case(tmp_path, "Found. Child A DOB 03/04/2012"))


def test_a_damaged_cache_entry_is_scanned_again(tmp_path, gate_cache):
    case = _case(tmp_path, "Found; messaging @childa_99")
    first = gate_problems(case)
    (entry,) = gate_cache.glob("*.json")
    entry.write_text('{"problems": "not a list"')
    assert gate_problems(case) == first and first
    assert json.loads(entry.read_text()) == {"problems": first}


def test_no_cache_when_switched_off(tmp_path, gate_cache, monkeypatch):
    monkeypatch.setenv(GATE_CACHE_ENV, "off")
    assert gate_problems(_case(tmp_path, "Found")) == []
    assert not gate_cache.exists()


@pytest.mark.slow
def test_a_second_kernel_opens_a_scanned_case_without_loading_presidio(tmp_path, gate_cache):
    """What a workshop's second participant costs: the gate answered from the cache, so
    Presidio (and spaCy) never load in that kernel."""
    code = ("import sys\n"
            "from workbench.apps.gate import gate_problems\n"
            "from workbench.io.importer import import_chronologies\n"
            f"case = import_chronologies([{str(ROOT / 'casestudies' / 'county-lines')!r}])\n"
            "print(gate_problems(case), 'presidio_analyzer' in sys.modules)\n")
    env = {**os.environ, GATE_CACHE_ENV: str(gate_cache)}

    def kernel():
        return subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, check=True,
                              capture_output=True, text=True).stdout.split()

    assert kernel() == ["[]", "True"]     # the first kernel scans
    assert kernel() == ["[]", "False"]    # the next ones read the result
