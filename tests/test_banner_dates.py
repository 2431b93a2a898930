"""A log whose entries give only a day name and a time is dated by the banner row that
heads each block ("SHIFT: Fri 07.02.25 1700 - Mon 10.02.25 0845"), and a message
tracking export is read by its Sent date, its sender's organisation and its subject."""

from __future__ import annotations

from openpyxl import Workbook

from tests.casebuilder import write_csv
from workbench.errors import Reason
from workbench.io.chronology import read_chronology
from workbench.io.importer import import_report

LOG = [
    ["Shift", "Day", "Time", "Caller / agency", "Information received", "Action"],
    ["SHIFT: Fri 07.02.25 1700 - Mon 10.02.25 0845 (weekend). Duty SW: P Lorne.",
     "", "", "", "", ""],
    ["WE-1", "Fri", "1840", "Northshire Police", "Child Q at home alone after mother "
     "arrested.", "Manager consulted."],
    ["WE-1", "Sun", "1100", "Duty team", "Child Q seen alone at carers.", "Move agreed."],
    ["WE-1", "Mon", "0845", "Duty team", "", "Handover to the day team by phone."],
    ["SHIFT: Wed 02.07.25 1700 - Thu 03.07.25 0845", "", "", "", "", ""],
    ["WE-2", "Thu", "0030", "Northshire Police", "Child Q reported missing by carer.", ""],
]


def _csv(tmp_path, rows, name="duty_log.csv"):
    return write_csv(tmp_path / name, rows)


def test_entries_are_dated_by_their_day_within_the_banner_above(tmp_path):
    report = import_report([_csv(tmp_path, LOG)])
    ev = report.case.events.sort_values("source_line", kind="stable")
    local = ev["start"].dt.tz_convert("Europe/London").dt.strftime("%a %d/%m/%Y %H:%M")
    assert dict(zip(ev["source_line"], local, strict=True)) == {
        2: "Fri 07/02/2025 00:00", 3: "Fri 07/02/2025 18:40", 4: "Sun 09/02/2025 11:00",
        5: "Mon 10/02/2025 08:45", 6: "Wed 02/07/2025 00:00", 7: "Thu 03/07/2025 00:30"}
    # the banner stays a row of its own, with its text
    assert "Duty SW: P Lorne" in ev.loc[ev["source_line"].eq(2), "summary"].iloc[0]
    (banner,) = [p for p in report.problems if p.reason is Reason.BANNER_DATE]
    assert banner.line == 1 and "by it and by its day column 'Day'" in banner.message
    assert "2 banner row(s)" in banner.message


def test_a_log_with_a_date_column_is_read_as_written(tmp_path):
    rows = [["Date", *LOG[0][1:]], ["07/02/2025", *LOG[2][1:]], ["09/02/2025", *LOG[3][1:]]]
    _, problems = read_chronology(_csv(tmp_path, rows))
    assert not any(p.reason is Reason.BANNER_DATE for p in problems)


def test_a_sheet_dated_by_banners_keeps_its_columns_letters(tmp_path):
    book = Workbook()
    for row in LOG:
        book.active.append(row)
    path = tmp_path / "duty_log.xlsx"
    book.save(path)
    (table,), problems = read_chronology(path)
    assert table.letters["details"] == "E" and table.letters["at"] == ""
    assert len(table.rows) == len(LOG) - 1
    assert any(p.reason is Reason.BANNER_DATE for p in problems)


def test_a_message_tracking_export_is_read_by_sent_sender_organisation_and_subject(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "Tracking"
    sheet.append(["Northshire Council secure email - message tracking report"])
    sheet.append(["Msg ID", "Sent", "From", "From organisation", "To organisation", "Subject",
                  "Read"])
    sheet.append(["SM-1", "07/02/2025 21:50", "P Lorne", "Northshire Council (EDT)",
                  "Otherborough Council (EDT)", "Out of area placement notification - Child Q",
                  "08/02/2025 09:31"])
    sheet.append(["SM-2", "08/02/2025 23:00", "P Lorne", "Northshire Council (EDT)",
                  "Otherborough Police", "MISSING - Child Q - photo and risk information",
                  "08/02/2025 23:03"])
    path = tmp_path / "securemail_tracking.xlsx"
    book.save(path)
    (table,), _ = read_chronology(path)
    assert {f: table.columns[f] for f in ("at", "agency", "shared_with", "summary")} == {
        "at": "Sent", "agency": "From organisation", "shared_with": "To organisation",
        "summary": "Subject"}
    ev = import_report([path]).case.events
    assert ev["recipients"].tolist()[1] == "Otherborough Police"
    assert ev["summary"].str.startswith(("Out of area", "MISSING")).all()
