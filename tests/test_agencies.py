"""Agencies as written: known aliases, new agencies with a sector from their words,
bracketed details, meetings, role labels, alias lines and the alias file."""

from __future__ import annotations

import json

import pytest
import yaml

from workbench.agencies import SECTORS, alias_lines, load_aliases
from workbench.cli import main
from workbench.io.aliasfile import add_aliases

TABLE = load_aliases()


@pytest.mark.parametrize(("name", "sector", "word"), [
    ("Anyshire Constabulary", "police", "constabulary"),
    ("British Transport Police", "police", "police"),
    ("Northby Force Control", "police", "force"),
    ("Duty officer", "police", "officer"),
    ("PC Smith", "police", "pc"),
    ("Anyshire Social Services", "social-care", "social services"),
    ("Northby Social Care", "social-care", "social care"),
    ("Anyshire MASH", "social-care", "mash"),
    ("Anyshire Local Authority", "social-care", "local authority"),
    ("Early Help Hub", "social-care", "early help"),
    ("EDT", "social-care", "edt"),
    ("Southby Academy", "education", "academy"),
    ("Northby Primary School", "education", "school"),
    ("Anyshire College", "education", "college"),
    ("Anyshire PRU", "education", "pru"),
    ("Anyshire Education Service", "education", "education"),
    ("EWO", "education", "ewo"),
    ("Dr Patel GP practice", "health", "gp"),
    ("Northby General Hospital", "health", "hospital"),
    ("Northby ED", "health", "ed"),
    ("Northby A&E", "health", "a and e"),
    ("Anyshire CAMHS", "health", "camhs"),
    ("Practice nurse", "health", "nurse"),
    ("Health visitor team", "health", "health visitor"),
    ("Community midwife", "health", "midwife"),
    ("Breakaway Project", "third-sector", "project"),
    ("Breakaway debrief worker", "third-sector", "debrief"),
    ("Anyshire Children's Charity", "third-sector", "charity"),
    ("Service for young people", "third-sector", "young people"),
    ("St Giles Trust", "third-sector", "st giles"),
    ("Mother's partner", "family", "mother"),
    ("Father", "family", "father"),
    ("Kinship carer", "family", "kinship carer"),
    ("Northby Family Court", "other", "court"),
    ("Duty solicitor", "other", "solicitor"),
    ("Anyshire Housing Options", "other", "housing"),
    ("Housing officer", "other", "housing"),
    ("Anyshire NHS Foundation Trust", "health", "nhs"),
    ("Agency 9", "other", ""),
])
def test_the_sector_of_a_new_name_comes_from_its_words(name, sector, word):
    assert TABLE.infer_sector(name) == (sector, word)


@pytest.mark.parametrize(("written", "name", "detail", "known"), [
    ("School (primary)", "School", "primary", True),
    ("Social Care (front door)", "Children's Social Care", "front door", True),
    ("Health (school nurse)", "Health", "school nurse", True),
    ("Family (grandmother)", "Family", "grandmother", True),
    ("Police [response team]", "Police", "response team", True),
    ("Southby Academy (Year 9 team)", "Southby Academy", "Year 9 team", False),
    ("SW 1 (CSC)", "Children's Social Care", "SW 1", True),  # the bracket names the agency
])
def test_a_bracketed_qualifier_is_the_detail_and_the_rest_is_matched(written, name, detail,
                                                                      known):
    r = TABLE.resolve(written)
    assert (r.name, r.detail, r.known, r.meeting, r.written) == (name, detail, known, False,
                                                                  written)


@pytest.mark.parametrize("name", ["Multi agency panel", "Strategy meeting", "Exploitation panel",
                                  "Daily missing hub", "Strategy discussion", "MACE",
                                  "Team around the child", "Core group (CSC)"])
def test_meetings_are_not_agencies(name):
    r = TABLE.resolve(name)
    assert r.meeting and not r.known


@pytest.mark.parametrize("name", ["Missing hub", "Missing Children Hub", "MASH", "Hub"])
def test_known_hubs_stay_agencies(name):
    r = TABLE.resolve(name)
    assert r.known and not r.meeting


@pytest.mark.parametrize(("written", "name"), [
    ("PC 1", "Police"), ("DS 2", "Police"), ("SW 2", "Children's Social Care"),
    ("Teacher 1", "School"), ("Nurse 3", "Health"), ("RI Worker 1", "Return Interview Service"),
    ("Foster Carer 3", "Foster Carer"), ("School Nurse 1", "School Nursing"),
    ("Mother of Child A", "Family"), ("Grandmother", "Family"), ("Mum", "Family"),
])
def test_role_labels_and_family_members_are_their_agency(written, name):
    r = TABLE.resolve(written)
    assert (r.name, r.known) == (name, True)


@pytest.mark.parametrize(("written", "name"), [
    ("CSC front door", "Children's Social Care"), ("CSC duty", "Children's Social Care"),
    ("Police CE team", "Police"), ("MASH screening", "Children's Social Care"),
    ("WC MP coordinator", "Police"),  # a known post after a force's short name
])
def test_a_known_agency_followed_by_one_of_its_teams_is_that_agency(written, name):
    r = TABLE.resolve(written)
    assert (r.name, r.known, r.detail) == (name, True, written)


@pytest.mark.parametrize(("written", "sector"), [
    ("Hospital social worker", "social-care"),  # the rest says another sector
    ("Police Scotland", "police"),  # not a team: a force of its own
])
def test_a_known_name_followed_by_other_words_stays_a_name_of_its_own(written, sector):
    r = TABLE.resolve(written)
    assert (r.name, r.sector, r.known) == (written, sector, False)


def test_a_new_name_keeps_its_spelling_and_suggests_a_merge():
    r = TABLE.resolve("  Anyshire   Constabulary ")
    assert (r.name, r.sector, r.known) == ("Anyshire Constabulary", "police", False)
    assert TABLE.closest(r.name, r.sector) == "Police"
    assert TABLE.closest("Polce", "other") == "Police"  # a close spelling wins
    assert TABLE.closest("Breakaway Project", "third-sector") is None


def test_alias_lines_are_valid_yaml_that_merges_the_name():
    lines = alias_lines(["Anyshire Constabulary", "Anyshire Police: Response"], "Police")
    data = yaml.safe_load("agencies:\n" + lines)
    assert data == {"agencies": [{"name": "Police", "aliases": [
        "Anyshire Constabulary", "Anyshire Police: Response"]}]}


def test_a_local_file_adds_sector_words_and_meeting_words(tmp_path):
    path = tmp_path / "local.yaml"
    path.write_text("sector_words:\n  - sector: third-sector\n    words: [breakaway]\n"
                    "meeting_words: [huddle]\n")
    table = load_aliases(path)
    assert table.resolve("Breakaway").sector == "third-sector"
    assert table.resolve("Morning huddle").meeting
    assert table.names == TABLE.names


def test_the_bundled_sector_words_name_only_known_sectors():
    assert {sector for sector, _ in TABLE.sector_words} <= set(SECTORS)
    assert set(TABLE.sector_agencies.values()) <= set(TABLE.names)


# --- the alias file and `workbench agencies` ----------------------------------------

def test_add_aliases_appends_keeping_comments(tmp_path):
    path = tmp_path / "aliases.yaml"
    path.write_text("# aliases of case A (kept)\nagencies:\n  - name: School\n"
                    "    aliases: [Southby Academy]\n")
    add_aliases(path, {"Anyshire Constabulary": "Police"})
    text = path.read_text()
    assert text.startswith("# aliases of case A (kept)\n")
    table = load_aliases(path)
    assert (table.normalise("Southby Academy"), table.normalise("Anyshire Constabulary")) == (
        "School", "Police")


@pytest.mark.parametrize(("text", "says"), [
    ("agencies:\n  - name: School\nother: 1\n", "last key"),
    ("- just a list\n", "not an alias file"),
])
def test_add_aliases_refuses_a_file_it_cannot_add_to(tmp_path, text, says):
    path = tmp_path / "aliases.yaml"
    path.write_text(text)
    with pytest.raises(ValueError, match=says):
        add_aliases(path, {"Anyshire Constabulary": "Police"})
    assert path.read_text() == text
    with pytest.raises(ValueError, match="sector 'council'"):
        add_aliases(tmp_path / "new.yaml", {"X": "Y"}, sectors={"Y": "council"})


def test_cli_agencies_prints_the_table(capsys):
    assert main(["agencies"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[:2] == ["Police", "police"]
    assert any(line.startswith("Children's Social Care") for line in out)


def test_cli_agencies_adds_aliases_to_a_case_alias_file(tmp_path, capsys):
    path = tmp_path / "aliases.yaml"
    assert main(["agencies", "--aliases", str(path), "--add", "Anyshire Constabulary=Police",
                 "--add", "Breakaway=Breakaway Project",
                 "--sector", "Breakaway Project=third-sector"]) == 0
    assert "'Anyshire Constabulary' is read as Police" in capsys.readouterr().out
    assert main(["agencies", "--aliases", str(path), "--json"]) == 0
    table = {a["name"]: a for a in json.loads(capsys.readouterr().out)}
    assert "Anyshire Constabulary" in table["Police"]["aliases"]
    assert table["Breakaway Project"] == {"name": "Breakaway Project",
                                          "sector": "third-sector", "aliases": ["Breakaway"]}


@pytest.mark.parametrize("argv", [
    ["agencies", "--add", "Anyshire Constabulary=Police"],  # no alias file named
    ["agencies", "--aliases", "x.yaml", "--add", "Anyshire Constabulary"],  # not NAME=AGENCY
])
def test_cli_agencies_misuse_is_exit_2(argv, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    assert capsys.readouterr().err.startswith("workbench: ")
    assert not (tmp_path / "x.yaml").exists()


def test_cli_a_bad_alias_file_is_a_clean_message(tmp_path, capsys):
    path = tmp_path / "aliases.yaml"
    path.write_text("agencies:\n  - sector: police\n")
    assert main(["validate", str(tmp_path), "--aliases", str(path)]) == 2
    assert "every agency needs a 'name'" in capsys.readouterr().err
