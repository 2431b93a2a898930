"""Tests for :mod:`workbench.protocols` and working days: profiles speak of roles and
nations, never of agency names; working days skip the nation's bank holidays."""

from __future__ import annotations

import pandas as pd
import pytest

from workbench.errors import UnknownProtocolError
from workbench.protocols import PROTOCOLS, ROLES, load_protocol
from workbench.timeutil import bank_holidays, working_calendar, working_days_between


@pytest.mark.parametrize(("name", "nation"), [("england-2014", "england-and-wales"),
                                              ("wales-2021", "england-and-wales"),
                                              ("scotland-framework", "scotland")])
def test_each_profile_names_its_nation_and_roles_not_agencies(name, nation):
    p = load_protocol(name)
    assert p["bank_holidays"] == nation
    assert set(p["share_targets"]) | set(p["notify_on_placement"]) <= set(ROLES)
    assert "return_interview_agency" not in p.settings
    assert int(p["lead_recent_days"]) > 0


def test_every_bundled_profile_loads():
    assert [load_protocol(n).name for n in PROTOCOLS] == list(PROTOCOLS)


@pytest.mark.parametrize(("settings", "words"), [
    ("share_targets: [Police, Children's Social Care]", "not roles"),
    ("notify_on_placement: [police, Host Authority]", "'Host Authority'"),
    ("bank_holidays: wales", "bank_holidays 'wales'"),
    ("share_targets: police", "a list of roles, not 'police'"),  # one word, not a list
])
def test_a_local_profile_naming_agencies_or_an_unknown_nation_is_refused(tmp_path, settings,
                                                                         words):
    path = tmp_path / "local.yaml"
    path.write_text(f"name: local\nextends: england-2014\nsettings:\n  {settings}\n")
    with pytest.raises(UnknownProtocolError, match=words):
        load_protocol(path)


def test_a_local_profile_changes_only_what_differs(tmp_path):
    path = tmp_path / "ni.yaml"
    path.write_text("name: ni\nextends: england-2014\nsettings:\n"
                    "  bank_holidays: northern-ireland\n  lead_recent_days: 30\n")
    p = load_protocol(path)
    assert (p["bank_holidays"], p["lead_recent_days"], p["repeat_count"]) == (
        "northern-ireland", 30, 3)


def _days(a: str, b: str, nation: str) -> float:
    start = pd.Series([pd.Timestamp(a, tz="Europe/London")])
    end = pd.Series([pd.Timestamp(b, tz="Europe/London")])
    return working_days_between(start, end, calendar=working_calendar(nation)).iloc[0]


@pytest.mark.parametrize(("a", "b", "nation", "days"), [
    ("2025-12-24 10:00", "2025-12-29 10:00", "england-and-wales", 1),  # Christmas, Boxing Day
    ("2025-12-24 10:00", "2025-12-29 10:00", "none", 3),
    ("2025-04-17 10:00", "2025-04-22 10:00", "england-and-wales", 1),  # Good Friday, Easter Mon
    ("2025-04-17 10:00", "2025-04-22 10:00", "scotland", 2),           # no Easter Monday
    ("2025-03-14 10:00", "2025-03-18 10:00", "northern-ireland", 1),   # St Patrick's Day
    ("2025-03-14 10:00", "2025-03-18 10:00", "england-and-wales", 2),
    ("2020-12-24 10:00", "2020-12-29 10:00", "england-and-wales", 1),  # Boxing Day observed
])
def test_working_days_skip_christmas_easter_and_the_nations_own_holidays(a, b, nation, days):
    assert _days(a, b, nation) == days


def test_bank_holidays_come_from_the_holidays_package_by_nation():
    england = {str(d) for d in bank_holidays("england-and-wales")}
    scotland = {str(d) for d in bank_holidays("scotland")}
    assert {"2025-12-25", "2025-04-21"} <= england and "2025-04-21" not in scotland
    assert "2025-08-04" in scotland and "2025-08-25" in england
    assert bank_holidays("none") == ()
    with pytest.raises(ValueError, match="not known"):
        bank_holidays("atlantis")
