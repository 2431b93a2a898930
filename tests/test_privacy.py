"""Privacy: the scan finds planted identifiers; pseudonymise leaves none of them behind.

A corpus of more than 1,000 identifiers of every type is generated from a seed and
planted in realistic chronology text (a CSV return, an XLSX workbook with a hidden
and a very hidden sheet, a hidden row and column, comments and document
properties, a case folder and JSON/HTML exports). The scan's recall is measured
per type; its output must never hold a planted value; after pseudonymisation a
re-scan finds nothing and no planted value survives in any byte of the output.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import html
import io
import json
import logging
import random
import socket
import time
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import phonenumbers
import pytest
from openpyxl.comments import Comment

from workbench.errors import CaseValidationError, Reason
from workbench.privacy import build_detector, pseudonymise, read_key_table, scan_paths
from workbench.privacy.pseudonymise import normalise

SEED = 20261125
FIRST = ["Jayden", "Kayleigh", "Tyler", "Amelia", "Callum", "Ffion", "Rhys", "Megan", "Ethan",
         "Seren", "Dylan", "Carys", "Owen", "Alys", "Mason", "Nia", "Liam", "Tegan", "Kian",
         "Lowri", "Brandon", "Cerys", "Jordan", "Elin", "Reece", "Bethan", "Connor", "Sian"]
LAST = ["Pritchard", "Llewellyn", "O'Brien", "Harries", "Vaughan", "Prosser", "McAllister",
        "Whitcombe", "Abernethy", "Rowlands", "Griffiths", "Kowalczyk", "Okonkwo", "Baptiste"]
OUTWARD = ["CF10", "CF24", "NP20", "NP44", "SA1", "LL57", "SW1A", "M1", "M14", "B33", "LS6",
           "EH1", "G2", "BS8", "L1", "NE1", "EC1A", "W1A", "TN2", "HU5", "DE22", "CV1"]
INWARD = "ABDEFGHJLNPQRSTUWXYZ"
DOMAINS = ["example.co.uk", "mail.example.com", "school.example.org.uk", "example.net"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
AGE_WORDS = ["twelve", "thirteen", "fourteen", "fifteen", "sixteen"]
ENTITY_TYPES = ["DENY_LIST", "UK_NHS", "UK_NINO", "UK_POSTCODE", "PHONE_NUMBER",
                "UK_DRIVING_LICENCE", "UK_PASSPORT", "UK_VEHICLE_REGISTRATION",
                "EMAIL_ADDRESS", "DATE_OF_BIRTH", "DIGIT_RUN", "SOCIAL_MEDIA_HANDLE", "AGE"]


@dataclass(frozen=True)
class Plant:
    file: str
    where: str  # "line N" / "Sheet!B7" / "(properties):author"
    entity: str
    value: str
    column: int | None = None


class Ids:
    """Unique identifiers of each type, drawn from a seeded generator."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.used: set[str] = set()

    def _unique(self, make) -> str:
        while True:
            value = make()
            if value not in self.used and all(value not in u and u not in value
                                              for u in self.used if len(u) > 5):
                self.used.add(value)
                return value

    def nhs(self) -> str:
        def make():
            while True:
                digits = [self.rng.randint(0, 9) for _ in range(9)]
                digits[0] = self.rng.randint(4, 9)
                check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
                check = 0 if check == 11 else check
                if check != 10:
                    s = "".join(map(str, digits)) + str(check)
                    return self.rng.choice([f"{s[:3]} {s[3:6]} {s[6:]}", s,
                                            f"{s[:3]}-{s[3:6]}-{s[6:]}"])
        return self._unique(make)

    def nino(self) -> str:
        def make():
            while True:
                a = self.rng.choice("ABCEGHJKLMNOPRSTWXYZ")
                b = self.rng.choice("ABCEGHJKLMNPRSTWXYZ")
                if a + b not in ("BG", "GB", "NK", "KN", "NT", "TN", "ZZ"):
                    break
            d = [f"{self.rng.randint(0, 99):02d}" for _ in range(3)]
            s = self.rng.choice("ABCD")
            return self.rng.choice([f"{a}{b}{''.join(d)}{s}", f"{a}{b} {d[0]} {d[1]} {d[2]} {s}"])
        return self._unique(make)

    def postcode(self) -> str:
        return self._unique(lambda: f"{self.rng.choice(OUTWARD)} {self.rng.randint(0, 9)}"
                            f"{self.rng.choice(INWARD)}{self.rng.choice(INWARD)}")

    def phone(self) -> str:
        def make():
            while True:
                if self.rng.random() < 0.6:
                    national = "07" + self.rng.choice("4579") + "".join(
                        str(self.rng.randint(0, 9)) for _ in range(8))
                else:
                    national = self.rng.choice(["029", "0161", "01633", "0117", "020"])
                    national += "".join(str(self.rng.randint(0, 9))
                                        for _ in range(11 - len(national)))
                number = phonenumbers.parse(national, "GB")
                if not phonenumbers.is_valid_number(number):
                    continue
                style = self.rng.choice([phonenumbers.PhoneNumberFormat.NATIONAL,
                                         phonenumbers.PhoneNumberFormat.INTERNATIONAL])
                text = phonenumbers.format_number(number, style)
                return text.replace(" ", "") if self.rng.random() < 0.2 else text
        return self._unique(make)

    def licence(self) -> str:
        def make():
            surname = "".join(c for c in self.rng.choice(LAST).upper() if c.isalpha())[:5]
            surname = surname.ljust(5, "9")
            year = self.rng.randint(1960, 2005)
            month = self.rng.randint(1, 12) + (50 if self.rng.random() < 0.5 else 0)
            day = self.rng.randint(1, 28)
            initials = self.rng.choice(FIRST)[0] + self.rng.choice("ABCDEFGHJKLMNPRSTW9")
            tail = self.rng.choice("ABCDEFGHIJKLMNPRSTUVWXYZ") + self.rng.choice(
                "ABCDEFGHIJKLMNPRSTUVWXYZ")
            core = f"{surname}{str(year)[2]}{month:02d}{day:02d}{str(year)[3]}"
            rest = f"{initials}9{tail}"
            return f"{core}{rest}" if self.rng.random() < 0.6 else f"{surname} {core[5:]} {rest}"
        return self._unique(make)

    def passport(self) -> str:
        def make():
            if self.rng.random() < 0.6:
                return ("".join(self.rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(2))
                        + "".join(str(self.rng.randint(0, 9)) for _ in range(7)))
            return str(self.rng.randint(100_000_000, 999_999_999))
        return self._unique(make)

    def vehicle(self) -> str:
        letters = "ABCDEFGHJKLMNOPRSTUVWXY"
        return self._unique(lambda: "".join(self.rng.choice(letters) for _ in range(2))
                            + f"{self.rng.choice([*range(2, 30), *range(51, 80)]):02d} "
                            + "".join(self.rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ")
                                      for _ in range(3)))

    def email(self) -> str:
        return self._unique(lambda: f"{self.rng.choice(FIRST).lower()}."
                            f"{self.rng.choice(LAST).lower().replace(chr(39), '')}"
                            f"{self.rng.randint(1, 999)}@{self.rng.choice(DOMAINS)}")

    def dob(self) -> tuple[str, dt.date]:
        day = dt.date(2006, 1, 1) + dt.timedelta(days=self.rng.randint(0, 365 * 8))
        forms = [day.strftime("%d/%m/%Y"), f"{day.day}/{day.month}/{day.year}",
                 f"{day.day} {MONTHS[day.month - 1]} {day.year}", day.isoformat(),
                 f"{day.day}th {MONTHS[day.month - 1][:3]} {day.year}",
                 day.strftime("%d.%m.%y")]
        return self._unique(lambda: self.rng.choice(forms)), day

    def digits(self) -> str:
        def make():
            while True:
                s = str(self.rng.randint(1, 9)) + "".join(str(self.rng.randint(0, 9))
                                                         for _ in range(9))
                total = sum(int(c) * w for c, w in zip(s, range(10, 0, -1), strict=True))
                if total % 11:  # not a valid NHS number: a plain run of ten digits
                    return s if self.rng.random() < 0.7 else f"{s[:3]} {s[3:6]} {s[6:]}"
        return self._unique(make)

    def handle(self) -> str:
        return self._unique(lambda: f"{self.rng.choice(FIRST).lower()}"
                            f"{self.rng.choice(['_', '.', '', 'x'])}"
                            f"{self.rng.randint(1, 2014)}")


# Sentences as a return would write them; {X} marks where an identifier goes.
TEMPLATES = {
    "UK_NHS": ["GP confirmed NHS number {X} on file.", "Health visitor record NHS No. {X}.",
               "A&E attendance, NHS {X}, discharged to Address 2."],
    "UK_NINO": ["Mother's NI number {X} given for benefits check.",
                "National Insurance number {X} quoted by DWP."],
    "UK_POSTCODE": ["Found at a flat near {X} by officers.", "Placement moved to {X}.",
                    "Seen at bus station, postcode {X}."],
    "PHONE_NUMBER": ["Mother's mobile {X} rang out.", "Called the number {X} found in phone.",
                     "Contact via landline {X}; no answer."],
    "UK_DRIVING_LICENCE": ["Adult male produced driving licence {X} at the scene.",
                           "DVLA check on licence {X}."],
    "UK_PASSPORT": ["Passport {X} held by carer.", "Passport number {X} seized."],
    "UK_VEHICLE_REGISTRATION": ["Seen getting into a silver car {X}.",
                                "ANPR hit on vehicle {X} in Town B.", "Taxi {X} dropped off."],
    "EMAIL_ADDRESS": ["Referral emailed to {X}.", "Child A used the address {X}."],
    "DATE_OF_BIRTH": ["Child A, DOB {X}, reported missing.", "Date of birth {X} confirmed.",
                      "Born {X}; lives with mother.", "D.O.B.: {X}."],
    "DIGIT_RUN": ["Crime reference {X} created.", "Log {X} opened by control room.",
                  "Case number {X} on the system."],
    "SOCIAL_MEDIA_HANDLE": ["Messages from @{X} on Snapchat.", "Instagram: {X} followed her.",
                            "Contacted by @{X} asking to meet."],
    "AGE": ["Child A, aged {X}, not seen since 08:00.", "Adult Male 1 (age {X}) present.",
            "She is aged {X} and in Year 9."],
    "DENY_LIST": ["{X} reported missing by mother.", "{X} seen with an older male.",
                  "Return interview offered to {X}; declined.", "{X}'s phone was off."],
}
CLEAN = [
    "Reported missing by mother - risk graded medium", "Found by officers at Address 2",
    "Child A returned home at 02:10; safe and well check by PC 1",
    "Strategy meeting (S47) held; CSC, Police and Health attended",
    "Referral to Children's Social Care (MASH): possible criminal exploitation",
    "Return interview offered by RI Worker 1 within 72 hours; Child A declined",
    "Seen in Town A with two teenagers; words of advice", "Fixed-term exclusion 3 days",
    "S47 CSC enquiry completed; no further action", "Attended NHS 111 A&E at 23:40",
    "Year 9 reduced timetable agreed with parent", "Third episode in 30 days: flag raised",
    "Child A, 16, not seen since leaving home at 08:00; phone off",
    "Found in City B at Address 6 with two phones and £640 cash",
    "Counselling session 4 of 6 with Counsellor 2", "Hub meeting: Police, CSC, School, Health",
    "Case closed to Early Help on 05/02/2025", "Placement move to Residential Home 1, Town C",
    "Risk assessment reviewed: high; CSE flag added", "Log 123 of 05/02/2025 refers",
    "Intelligence submitted (5x5x5) by DC 3", "SW 2 visited at 16:30; Child A in room",
    "Missing 22:10 05/02/2025 to 09:00 06/02/2025", "Section 20 accommodation agreed",
    "School nurse: Year 7 health questionnaire", "Room 101 at Hub, 10:00-11:30",
    "Bus route 56 to Town D; CCTV requested", "Age-appropriate safety plan reviewed",
    "Mother said he was 'with mates' in the park", "Debrief by Llamau worker on 07/02/2025",
    "ICPC held; child protection plan (neglect)", "PCSO 4 saw Child A at Address 3 at 21:00",
    "Phone call from Foster Carer 1 at 19:45", "Attendance 74% this term; EWO involved",
    "Police vehicle took Child A home", "Flat 2, Address 7 searched: nothing found",
    "Reported absent (no apparent risk) by Residential Home 1", "Born in Town A (per file)",
    "Date of birth confirmed with school records", "Aged out of CAMHS at 18; transition",
    "Snapchat messages from an unknown adult shown to PC 1", "Email sent to MASH inbox",
]


def _csv_line(cells: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(cells)
    return buffer.getvalue()


def _cell(template: str, value: str) -> str:
    return template.replace("{X}", value)


def _plant_value(rng: random.Random, ids: Ids, entity: str, names: list[str]) -> tuple[str, str]:
    """(text to insert, the identifier inside it that must be found)."""
    if entity == "UK_NHS":
        v = ids.nhs()
    elif entity == "UK_NINO":
        v = ids.nino()
    elif entity == "UK_POSTCODE":
        v = ids.postcode()
    elif entity == "PHONE_NUMBER":
        v = ids.phone()
    elif entity == "UK_DRIVING_LICENCE":
        v = ids.licence()
    elif entity == "UK_PASSPORT":
        v = ids.passport()
    elif entity == "UK_VEHICLE_REGISTRATION":
        v = ids.vehicle()
    elif entity == "EMAIL_ADDRESS":
        v = ids.email()
    elif entity == "DATE_OF_BIRTH":
        v = ids.dob()[0]
    elif entity == "DIGIT_RUN":
        v = ids.digits()
    elif entity == "SOCIAL_MEDIA_HANDLE":
        v = ids.handle()
    elif entity == "AGE":
        v = rng.choice([str(rng.randint(10, 17)), rng.choice(AGE_WORDS)])
    else:
        name = rng.choice(names)
        v = rng.choice([name, name.upper(), name.replace("'", "’")])
    return v, v


def _sentence(rng: random.Random, ids: Ids, entity: str, names: list[str]) -> tuple[str, str]:
    template = rng.choice(TEMPLATES[entity])
    if entity == "UK_PASSPORT":
        template = "Passport {X} held by carer."  # a 9-digit number needs the word
    v, found = _plant_value(rng, ids, entity, names)
    if entity == "SOCIAL_MEDIA_HANDLE" and "@{X}" not in template and not any(
            c in v for c in "0123456789_."):
        v = found = v + "_1"
    if "@{X}" in template:
        found = "@" + v
    return _cell(template, v), found


def make_key(folder: Path, rng: random.Random) -> tuple[Path, dict[str, str]]:
    labels: dict[str, str] = {}
    roles = ["Child A", "Mother", "Father", "Adult Male 1", "Adult Male 2", "PC 1", "PC 2",
             "SW 1", "SW 2", "Teacher 1", "Foster Carer 1", "Friend 1", "Friend 2"]
    for i, role in enumerate(roles):
        first, last = FIRST[i * 2 % len(FIRST)], LAST[i % len(LAST)]
        labels[f"{first} {last}"] = role
        if i < 4:
            labels[first] = role
    key = folder / "key.yaml"
    key.write_text("".join(f"{json.dumps(k)}: {json.dumps(v)}\n" for k, v in labels.items()))
    return key, labels


def make_corpus(folder: Path, seed: int = SEED) -> tuple[list[Plant], Path, dict[str, str]]:
    """Plant identifiers of every type in a case's files; return where each one is."""
    rng = random.Random(seed)
    ids = Ids(seed)
    keys = folder / "keys"
    keys.mkdir()
    key, labels = make_key(keys, rng)
    names = list(labels)
    case = folder / "case"
    case.mkdir()
    plants: list[Plant] = []
    entities = ENTITY_TYPES

    # 1. a CSV return: 360 rows, one or two identifiers each
    lines = ["Date,Time,Agency,Event,Details,Action taken"]
    for row in range(360):
        day = dt.date(2025, 1, 1) + dt.timedelta(days=row // 3)
        planted = [entities[(row + k * 5) % len(entities)] for k in range(1 + row % 2)]
        event = rng.choice(CLEAN)
        found_values = []
        texts = []
        for entity in planted:
            text, v = _sentence(rng, ids, entity, names)
            texts.append(text)
            found_values.append((entity, v))
        details = " ".join(texts)
        cells = [day.strftime("%d/%m/%Y"), f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}",
                 "Police", event, details, rng.choice(["Circulated", "Words of advice", ""])]
        line = _csv_line(cells)
        lines.append(line)
        cursor = line.index(details) if details else 0
        for entity, v in found_values:
            at = line.index(v, cursor)
            plants.append(Plant("police.csv", f"line {len(lines)}", entity, v, at + 1))
            cursor = at + len(v)
    (case / "police.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")

    # 2. a workbook: visible, hidden and very hidden sheets, hidden row and column,
    #    comments, a DOB column of real dates, and document properties
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Health"
    ws.append(["Date", "Event", "Details", "DOB"])
    for row in range(2, 182):
        entity = entities[row % len(entities)]
        text, v = _sentence(rng, ids, entity, names)
        ws.append([dt.datetime(2025, 2, 1) + dt.timedelta(days=row), rng.choice(CLEAN), text])
        plants.append(Plant("health.xlsx", f"Health!C{row}", entity, v))
        if row % 6 == 0:
            dob_text, day = ids.dob()
            ws[f"D{row}"] = dt.datetime(day.year, day.month, day.day)
            plants.append(Plant("health.xlsx", f"Health!D{row}", "DATE_OF_BIRTH",
                                day.isoformat()))
        if row % 9 == 0:
            text, v = _sentence(rng, ids, entities[(row + 3) % len(entities)], names)
            ws[f"B{row}"].comment = Comment(text, "workbench")
            plants.append(Plant("health.xlsx", f"Health!B{row}:comment",
                                entities[(row + 3) % len(entities)], v))
    ws.row_dimensions[5].hidden = True
    ws.column_dimensions["F"].hidden = True
    for row in range(2, 40):
        entity = entities[(row + 7) % len(entities)]
        text, v = _sentence(rng, ids, entity, names)
        ws[f"F{row}"] = text
        plants.append(Plant("health.xlsx", f"Health!F{row}", entity, v))
    for title, state, count in (("Notes", "hidden", 70), ("Old", "veryHidden", 40)):
        sheet = book.create_sheet(title)
        sheet.sheet_state = state
        sheet.append(["Date", "Note"])
        for row in range(2, 2 + count):
            entity = entities[(row + len(title)) % len(entities)]
            text, v = _sentence(rng, ids, entity, names)
            sheet.append(["05/02/2025", text])
            plants.append(Plant("health.xlsx", f"{title}!B{row}", entity, v))
    author, editor = names[0], names[5]
    book.properties.creator, book.properties.lastModifiedBy = author, editor
    plants += [Plant("health.xlsx", "(properties):author", "DENY_LIST", author),
               Plant("health.xlsx", "(properties):lastModifiedBy", "DENY_LIST", editor)]
    for prop, entity in (("title", "DENY_LIST"), ("subject", "UK_NHS"),
                         ("keywords", "UK_POSTCODE"), ("description", "PHONE_NUMBER")):
        text, v = _sentence(rng, ids, entity, names)
        setattr(book.properties, prop, text)
        plants.append(Plant("health.xlsx", f"(properties):{prop}", entity, v))
    book.save(case / "health.xlsx")

    # 3. case.yaml and events.csv of a case folder
    born = ids.dob()[1]
    nhs = ids.nhs()
    meta = (f"format: workbench-case/1\nid: case-x\ntitle: Review of {names[0]}\n"
            f"child:\n  label: Child A\n  born: {born.isoformat()}\n  nhs: '{nhs}'\n"
            f"protocol: england-2014\nsources:\n- police.csv\n- health.xlsx\n")
    (case / "case.yaml").write_text(meta, encoding="utf-8")
    plants += [Plant("case.yaml", "line 3", "DENY_LIST", names[0]),
               Plant("case.yaml", "line 6", "DATE_OF_BIRTH", born.isoformat()),
               Plant("case.yaml", "line 7", "UK_NHS", nhs)]
    events = ["id,seq,agency,when,summary,details,author"]
    for n in range(1, 121):
        entity = entities[(n * 7) % len(entities)]
        text, v = _sentence(rng, ids, entity, names)
        line = _csv_line([f"police-{n}", str(n), "Police", f"{n % 28 + 1:02d}/02/2025",
                          rng.choice(CLEAN), text, "PC 1"])
        events.append(line)
        plants.append(Plant("events.csv", f"line {len(events)}", entity, v,
                            line.index(v, line.index(text)) + 1))
    (case / "events.csv").write_text("\n".join(events) + "\n", encoding="utf-8")

    # 4. exports: JSON (non-ASCII escaped, e.g. \u2019) and HTML (entities, e.g. &#x27;)
    records, expected = [], []
    for n in range(60):
        entity = entities[n % len(entities)]
        text, v = _sentence(rng, ids, entity, names)
        records.append({"id": f"e{n}", "summary": text})
        expected.append((entity, v))
    written = json.dumps(records, indent=1)
    (case / "export.json").write_text(written, encoding="utf-8")
    summary_lines = [i for i, line in enumerate(written.splitlines(), 1) if '"summary"' in line]
    plants += [Plant("export.json", f"line {line}", entity, v)
               for line, (entity, v) in zip(summary_lines, expected, strict=True)]
    rows = []
    for n in range(60):
        entity = entities[(n + 4) % len(entities)]
        text, v = _sentence(rng, ids, entity, names)
        rows.append(f'<tr><td title="Event {n}">{html.escape(text, quote=True)}</td></tr>')
        plants.append(Plant("report.html", f"line {n + 2}", entity, v))
    page = "<html><body><table>\n" + "\n".join(rows) + "\n</table></body></html>\n"
    (case / "report.html").write_text(page, encoding="utf-8")
    return plants, key, labels


# ---------------------------------------------------------------------------- fixtures


def _block_network(monkeypatch) -> list[str]:
    """Every socket connection or name lookup raises and is recorded."""
    attempts: list[str] = []

    def refuse(*args, **kwargs):
        attempts.append(repr(args[:2]))
        raise OSError("network blocked by the test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pii")
    plants, key, labels = make_corpus(folder)
    return folder, plants, key, labels


@pytest.fixture(scope="module")
def scanned(corpus):
    folder, plants, key, labels = corpus
    with pytest.MonkeyPatch.context() as mp:
        attempts = _block_network(mp)
        findings = scan_paths([folder / "case"], key_file=key)
    assert attempts == []
    return findings


def _where(finding) -> tuple[str, str]:
    p = finding.place
    name = Path(p.file).name
    if p.sheet is not None:
        return name, finding.location.split("!", 1)[1]
    if p.part is not None:
        return name, f"{p.part}:{p.name}"
    return name, f"line {p.line}"


def _recall(plants, findings) -> dict[str, tuple[int, int]]:
    available = defaultdict(list)
    for f in findings:
        available[(*_where(f), f.entity)].append(f)
    per_type: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for plant in plants:
        key = (plant.file, plant.where, plant.entity)
        candidates = available[key]
        if plant.column is not None:
            match = next((f for f in candidates if f.place.column == plant.column), None)
        else:
            match = candidates[0] if candidates else None
        per_type[plant.entity][1] += 1
        if match is not None:
            candidates.remove(match)
            per_type[plant.entity][0] += 1
    return {k: (v[0], v[1]) for k, v in per_type.items()}


# ---------------------------------------------------------------------------- the scan


def test_corpus_has_over_a_thousand_identifiers_of_every_type(corpus):
    _, plants, _, _ = corpus
    counts = Counter(p.entity for p in plants)
    assert len(plants) >= 1000
    assert set(counts) == set(ENTITY_TYPES)
    assert min(counts.values()) >= 50, counts
    files = {p.file for p in plants}
    assert files == {"police.csv", "health.xlsx", "case.yaml", "events.csv", "export.json",
                     "report.html"}
    assert any(p.where.startswith(("Notes!", "Old!")) for p in plants)  # hidden sheets


def test_scan_finds_planted_identifiers_per_type(corpus, scanned):
    _, plants, _, _ = corpus
    recall = _recall(plants, scanned)
    print("\nrecall per type (found / planted):")
    for entity in ENTITY_TYPES:
        found, total = recall[entity]
        print(f"  {entity:26} {found:4} / {total:4} = {found / total:.3f}")
    total_found = sum(f for f, _ in recall.values())
    print(f"  {'all':26} {total_found:4} / {len(plants):4}")
    assert recall["DENY_LIST"][0] == recall["DENY_LIST"][1]
    for entity, (found, total) in recall.items():
        assert found / total >= 0.95, (entity, found, total)


@pytest.mark.parametrize("where", ["Notes!", "Old!", "Health!F", "(properties):author",
                                   "(properties):lastModifiedBy", ":comment", "Health!D"])
def test_scan_reads_hidden_and_metadata_places(corpus, scanned, where):
    _, plants, _, _ = corpus
    planted = [p for p in plants if p.file == "health.xlsx" and where in p.where]
    found = [f for f in scanned if Path(f.file).name == "health.xlsx"
             and where in _where(f)[1]]
    assert planted and len(found) >= len(planted) * 0.95


def test_scan_output_never_holds_a_planted_value(corpus, scanned, caplog):
    _, plants, key, _ = corpus
    rendered = "\n".join([str(f) for f in scanned] + [json.dumps(f.as_dict()) for f in scanned]
                         + [str(f.as_problem()) for f in scanned])
    values = {p.value for p in plants if len(p.value) >= 4}
    assert values and not [v for v in values if v in rendered]
    names = read_key_table(key).names
    assert not [n for n in names if n.casefold() in rendered.casefold()]
    with caplog.at_level(logging.DEBUG):
        scan_paths([Path(scanned[0].file).parent / "police.csv"], key_file=key)
    assert not [v for v in values if v in caplog.text]


@pytest.mark.parametrize("text", CLEAN)
def test_clean_case_study_text_has_no_findings(text):
    assert DETECTOR.find(text) == []


def test_false_positives_on_clean_rows(tmp_path):
    rng = random.Random(SEED + 1)
    lines = ["Date,Time,Agency,Event,Details,Action taken,Outcome"]
    for n in range(400):
        day = dt.date(2024, 9, 1) + dt.timedelta(days=n)
        lines.append(",".join([day.strftime("%d/%m/%Y"), f"{n % 24:02d}:{n % 60:02d}",
                               rng.choice(["Police", "CSC", "School", "Health", "RIS"]),
                               f'"{rng.choice(CLEAN)}"', f'"{rng.choice(CLEAN)}"',
                               f'"{rng.choice(CLEAN)}"', rng.choice(["", "Closed", "NFA"])]))
    lines.append("age 11,,School,Transition to secondary school,,,")  # a relative date
    (tmp_path / "clean.csv").write_text("\n".join(lines) + "\n")
    book = openpyxl.Workbook()
    book.active.append(["Date", "Event"])
    for line in lines[1:100]:
        book.active.append([dt.datetime(2025, 2, 5), line.split(",", 3)[3]])
    book.save(tmp_path / "clean.xlsx")
    findings = scan_paths([tmp_path])
    print(f"\nfalse positives on {len(lines) - 1 + 99} clean rows: {len(findings)}")
    assert [str(f) for f in findings] == []


def test_dates_are_not_dates_of_birth():
    text = "Reported missing 05/02/2025; found 6 February 2025; seen 2025-02-07 at 22:10"
    assert DETECTOR.find(text) == []
    assert [s.entity for s in DETECTOR.find("Child A (DOB 05/02/2011) reported missing")] == [
        "DATE_OF_BIRTH"]


@pytest.mark.parametrize(("text", "entity"), [
    ("NHS 943 476 5919", "UK_NHS"), ("NHS 943 476 5918", "DIGIT_RUN"),  # bad checksum
    ("mobile 07911 123456", "PHONE_NUMBER"), ("NI AB 12 34 56 C", "UK_NINO"),
    ("at CF10 1AA", "UK_POSTCODE"), ("car AB51 ABC", "UK_VEHICLE_REGISTRATION"),
    ("car reg A123 BCD", "UK_VEHICLE_REGISTRATION"), ("passport 123456789", "UK_PASSPORT"),
    ("licence MORGA753116SM9IJ", "UK_DRIVING_LICENCE"), ("@lil_jay2010", "SOCIAL_MEDIA_HANDLE"),
    ("mail a.b@example.co.uk", "EMAIL_ADDRESS"), ("aged 14", "AGE"), ("age 13", "AGE"),
    ("born 3 April 2011", "DATE_OF_BIRTH"), ("ref 4512309876", "DIGIT_RUN"),
])
def test_each_recogniser(text, entity):
    assert [s.entity for s in DETECTOR.find(text)] == [entity]


@pytest.mark.parametrize("text", ["S47 CSC strategy", "NHS 111 A&E", "PC 1 and SW 2",
                                  "Address 2, Town A", "at 22:10 on 05/02/2025",
                                  "email me at 10", "@ 22:00", "Year 9 and Year 10"])
def test_near_misses_are_not_findings(text):
    assert DETECTOR.find(text) == []


def test_deny_list_names_match_any_case_apostrophe_and_spacing():
    detector = build_detector(deny_list=["Kayleigh O'Brien"])
    for text in ["KAYLEIGH O’BRIEN", "kayleigh  o'brien", "Kayleigh\nO'Brien's"]:
        assert [s.entity for s in detector.find(text)] == ["DENY_LIST"], text
    assert detector.find("Kayleighs O'Briens") == []


def test_unreadable_file_is_a_finding_not_a_pass(tmp_path):
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.4\0\0binary")
    (tmp_path / "bad.xlsx").write_bytes(b"not a zip")
    findings = scan_paths([tmp_path])
    assert sorted(f.entity for f in findings) == ["UNSCANNED", "UNSCANNED"]


def test_workbook_author_is_a_finding(tmp_path):
    book = openpyxl.Workbook()
    book.properties.creator = "Dave Jones"
    book.save(tmp_path / "a.xlsx")
    findings = scan_paths([tmp_path])
    assert [(f.entity, f.location) for f in findings] == [
        ("DOCUMENT_AUTHOR", f"{tmp_path / 'a.xlsx'}!(properties):author")]
    book.properties.creator = "PC 1"
    book.save(tmp_path / "a.xlsx")
    assert scan_paths([tmp_path]) == []


def test_finding_as_problem_has_reason_and_no_value(tmp_path):
    (tmp_path / "a.csv").write_text("Date,Event\n05/02/2025,call 07911 123456\n")
    (problem,) = [f.as_problem() for f in scan_paths([tmp_path])]
    assert problem.reason is Reason.PII_FOUND and problem.line == 2 and problem.value is None
    assert "07911" not in str(problem)


# ---------------------------------------------------------------------------- key files


def test_key_file_inside_the_case_is_refused(tmp_path):
    (tmp_path / "case").mkdir()
    (tmp_path / "case" / "key.yaml").write_text("Jayden Smith: Child A\n")
    with pytest.raises(CaseValidationError) as info:
        scan_paths([tmp_path / "case"], key_file=tmp_path / "case" / "key.yaml")
    assert info.value.problems[0].reason is Reason.UNSAFE_KEY_LOCATION
    assert "Jayden" not in str(info.value)


def test_key_file_inside_a_repository_is_refused(tmp_path):
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "keys").mkdir()
    key = tmp_path / "repo" / "keys" / "key.csv"
    key.write_text("real,label\nJayden Smith,Child A\n")
    (tmp_path / "case").mkdir()
    with pytest.raises(CaseValidationError) as info:
        pseudonymise([tmp_path / "case"], key_file=key, out=tmp_path / "out")
    assert info.value.problems[0].reason is Reason.UNSAFE_KEY_LOCATION


def test_hmac_secret_must_be_long_and_outside(tmp_path):
    (tmp_path / "case").mkdir()
    (tmp_path / "case" / "a.csv").write_text("Date,Event\n05/02/2025,x\n")
    (tmp_path / "key.yaml").write_text("Jayden Smith: Child A\n")
    (tmp_path / "short.key").write_text("too short")
    with pytest.raises(CaseValidationError) as info:
        pseudonymise([tmp_path / "case"], key_file=tmp_path / "key.yaml", out=tmp_path / "o",
                     method="hmac", hmac_key_file=tmp_path / "short.key")
    assert info.value.problems[0].reason is Reason.WEAK_KEY
    (tmp_path / "case" / "secret.key").write_text("x" * 64)
    with pytest.raises(CaseValidationError) as info:
        pseudonymise([tmp_path / "case"], key_file=tmp_path / "key.yaml", out=tmp_path / "o",
                     method="hmac", hmac_key_file=tmp_path / "case" / "secret.key")
    assert info.value.problems[0].reason is Reason.UNSAFE_KEY_LOCATION


def test_output_inside_the_input_is_refused(tmp_path):
    (tmp_path / "case").mkdir()
    (tmp_path / "key.yaml").write_text("Jayden Smith: Child A\n")
    with pytest.raises(CaseValidationError) as info:
        pseudonymise([tmp_path / "case"], key_file=tmp_path / "key.yaml",
                     out=tmp_path / "case" / "anon")
    assert info.value.problems[0].reason is Reason.OUTPUT_INSIDE_INPUT


# ---------------------------------------------------------------------------- pseudonymise


def _all_bytes(folder: Path) -> dict[str, bytes]:
    """Every output file's bytes, and every member of every zip (XLSX) inflated."""
    out = {}
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            out[str(path)] = data
            if zipfile.is_zipfile(path):
                with zipfile.ZipFile(path) as archive:
                    for member in archive.namelist():
                        out[f"{path}!{member}"] = archive.read(member)
    return out


def _forms(value: str) -> set[bytes]:
    forms = {value, html.escape(value, quote=True), html.escape(value, quote=False),
             json.dumps(value)[1:-1]}
    return {f.encode() for f in forms}


@pytest.fixture(scope="module", params=["table", "hmac"])
def pseudonymised(request, corpus, tmp_path_factory):
    folder, plants, key, labels = corpus
    out = tmp_path_factory.mktemp(f"out-{request.param}")
    secret = folder / "keys" / "secret.key"
    secret.write_text("9f2c" * 16)
    before = {p: p.read_bytes() for p in (folder / "case").iterdir()}
    report = pseudonymise([folder / "case"], key_file=key, out=out / "case",
                          method=request.param,
                          hmac_key_file=secret if request.param == "hmac" else None,
                          declared_by="Reviewer 1")
    assert {p: p.read_bytes() for p in (folder / "case").iterdir()} == before  # input unchanged
    return report, out / "case"


def test_pseudonymised_case_rescans_clean(corpus, pseudonymised):
    _, _, key, _ = corpus
    report, out = pseudonymised
    print(f"\n{report.method}: {sum(report.replaced.values())} replacements, "
          f"{report.distinct} distinct values, residual {len(report.residual)}")
    assert report.ok, [str(f) for f in report.residual]
    assert scan_paths([out], key_file=key) == []


def test_no_planted_value_survives_in_any_output_byte(corpus, pseudonymised):
    _, plants, key, labels = corpus
    _, out = pseudonymised
    blobs = _all_bytes(out)
    survivors = []
    for plant in plants:
        if plant.entity == "AGE":  # a bare number: look for the phrase instead
            needles = {f"aged {plant.value}".encode(), f"age {plant.value})".encode()}
        else:
            needles = _forms(plant.value)
        for where, data in blobs.items():
            if any(n in data for n in needles):
                survivors.append((plant.entity, where))
    for real in labels:
        for where, data in blobs.items():
            if any(f.lower() in data.lower() for f in _forms(real)):
                survivors.append(("key", where))
    assert survivors == []


def test_labels_are_consistent_across_files(corpus, pseudonymised):
    report, out = pseudonymised
    meta = (out / "case.yaml").read_text()
    title = next(line for line in meta.splitlines() if line.startswith("title:"))
    if report.method == "table":
        assert title == "title: Review of Child A"
        assert "anonymisation:" in meta and "by: Reviewer 1" in meta
    book = openpyxl.load_workbook(out / "health.xlsx")
    assert book.properties.creator == "workbench" and not book.properties.lastModifiedBy
    assert [ws.sheet_state for ws in book.worksheets] == ["visible", "hidden", "veryHidden"]


def test_same_value_gets_same_label_everywhere(tmp_path):
    (tmp_path / "case").mkdir()
    (tmp_path / "case" / "a.csv").write_text(
        "Date,Event\n05/02/2025,NHS 943 476 5919 for Jayden Smith; mum 07911 123456\n")
    book = openpyxl.Workbook()
    book.active.append(["Date", "Event"])
    book.active.append(["06/02/2025", "NHS 9434765919 (JAYDEN SMITH), tel +44 7911 123456"])
    book.save(tmp_path / "case" / "b.xlsx")
    (tmp_path / "case" / "case.yaml").write_text(
        "id: x\nchild:\n  nhs: 943-476-5919\n  born: 03/04/2011\nnotes: DOB 3 April 2011\n")
    (tmp_path / "key.yaml").write_text("Jayden Smith: Child A\n")
    pseudonymise([tmp_path / "case"], key_file=tmp_path / "key.yaml", out=tmp_path / "out")
    csv_text = (tmp_path / "out" / "a.csv").read_text()
    cell = openpyxl.load_workbook(tmp_path / "out" / "b.xlsx").active["B2"].value
    meta = (tmp_path / "out" / "case.yaml").read_text()
    assert "NHS [NHS number 1] for Child A; mum [phone 1]" in csv_text
    assert cell == "NHS [NHS number 1] (Child A), tel [phone 1]"
    assert "nhs: '[NHS number 1]'" in meta
    assert "born: '[date of birth 1]'" in meta and "DOB [date of birth 1]" in meta


def test_hmac_pseudonyms_are_stable_and_keyed(tmp_path):
    (tmp_path / "case").mkdir()
    (tmp_path / "case" / "a.csv").write_text("Date,Event\n05/02/2025,Jayden Smith 07911 123456\n")
    (tmp_path / "key.yaml").write_text("Jayden Smith: Child A\n")
    outs = []
    for n, secret in enumerate(["a" * 40, "a" * 40, "b" * 40]):
        (tmp_path / f"s{n}.key").write_text(secret)
        pseudonymise([tmp_path / "case"], key_file=tmp_path / "key.yaml",
                      out=tmp_path / f"out{n}", method="hmac", hmac_key_file=tmp_path / f"s{n}.key")
        outs.append((tmp_path / f"out{n}" / "a.csv").read_text())
    assert outs[0] == outs[1] != outs[2]
    assert "[person " in outs[0] and "[phone " in outs[0] and "07911" not in outs[0]


def test_a_plain_hash_of_a_date_of_birth_is_reversed_in_under_a_second():
    """Why pseudonyms are keyed: every date in a child's century, hashed, in < 1 s."""
    secret_dob = "2011-04-03"
    target = hashlib.sha256(secret_dob.encode()).hexdigest()
    start = time.perf_counter()
    day, found = dt.date(1925, 1, 1), None
    while day <= dt.date(2025, 12, 31):
        if hashlib.sha256(day.isoformat().encode()).hexdigest() == target:
            found = day.isoformat()
            break
        day += dt.timedelta(days=1)
    assert found == secret_dob and time.perf_counter() - start < 1.0


@pytest.mark.parametrize(("entity", "a", "b"), [
    ("UK_NHS", "943 476 5919", "9434765919"), ("PHONE_NUMBER", "07911 123456", "+447911123456"),
    ("DATE_OF_BIRTH", "03/04/2011", "3 April 2011"), ("DENY_LIST", "O’Brien", "o'brien"),
    ("SOCIAL_MEDIA_HANDLE", "@Jay_1", "jay_1"), ("AGE", "fourteen", "14"),
    ("UK_POSTCODE", "CF10 1AA", "cf101aa"),
])
def test_normalise_gives_one_spelling(entity, a, b):
    assert normalise(entity, a) == normalise(entity, b)


DETECTOR = build_detector()


# ---------------------------------------------------------------------------- exports


@pytest.mark.slow
def test_no_planted_value_survives_into_any_export(tmp_path):
    """Import a return with identifiers, pseudonymise the case folder, export it in
    every format: no planted value reaches any export; the raw case's exports are
    caught by the scan (OCEL SQLite included)."""
    from workbench.io.casefile import load_case, write_case
    from workbench.io.importer import import_chronologies
    from workbench.outputs.exports import FORMATS, export_case

    rng, ids = random.Random(SEED + 2), Ids(SEED + 2)
    (tmp_path / "keys").mkdir()
    key, labels = make_key(tmp_path / "keys", rng)
    rows, planted = [["Date", "Time", "Agency", "Event", "Details"]], []
    for n in range(120):
        entity = ENTITY_TYPES[n % len(ENTITY_TYPES)]
        text, v = _sentence(rng, ids, entity, list(labels))
        texts = [text, rng.choice(CLEAN)] if n % 3 == 0 else [rng.choice(CLEAN), text]
        rows.append([f"{n % 28 + 1:02d}/02/2025", "10:00", "Police", *texts])
        planted.append((entity, v))
    (tmp_path / "police.csv").write_text("\n".join(_csv_line(r) for r in rows) + "\n")
    case = write_case(import_chronologies([tmp_path / "police.csv"]), tmp_path / "case")
    raw_exports = tmp_path / "raw-exports"
    for fmt in FORMATS:
        export_case(load_case(case), fmt, raw_exports / f"case.{fmt}")
    found = scan_paths([raw_exports], key_file=key)
    assert {Path(f.file).suffix for f in found} >= {".ocel-json", ".ocel-sqlite", ".xes",
                                                   ".xlsx", ".csv"}
    report = pseudonymise([case], key_file=key, out=tmp_path / "anon")
    assert report.ok, [str(f) for f in report.residual]
    exports = tmp_path / "exports"
    for fmt in FORMATS:
        export_case(load_case(tmp_path / "anon"), fmt, exports / f"case.{fmt}")
    assert scan_paths([exports], key_file=key) == []
    blobs = _all_bytes(exports)
    survivors = [(entity, where) for entity, v in planted if entity != "AGE"
                 for where, data in blobs.items() if any(f in data for f in _forms(v))]
    assert survivors == []


@pytest.mark.parametrize(("text", "require_labels"), [
    ("Jayden Smith: Child A\njayden  smith: Child B\n", False),  # two labels for one name
    ("Jayden Smith:\n", True),  # the table method needs a label
    ("real,label\n,Child A\n", False),
])
def test_invalid_key_file_names_a_line_not_a_name(tmp_path, text, require_labels):
    key = tmp_path / ("key.csv" if text.startswith("real") else "key.yaml")
    key.write_text(text)
    with pytest.raises(CaseValidationError) as info:
        read_key_table(key, require_labels=require_labels)
    assert info.value.problems[0].reason is Reason.INVALID_KEY_FILE
    assert "Jayden" not in str(info.value) and "jayden" not in str(info.value)


# -- hardening (issue 14) ------------------------------------------------------------------

@pytest.mark.parametrize(("text", "entity", "value"), [
    ("NHS 943.476.5919 on file", "UK_NHS", "943.476.5919"),
    ("NHS: 943 - 476 - 5919.", "UK_NHS", "943 - 476 - 5919"),
    ("NHS 9434 765 919", "UK_NHS", "9434 765 919"),
    ("Child A was born on the 3rd of March 2011.", "DATE_OF_BIRTH", "3rd of March 2011"),
    ("Child A, b. 03/03/2011, lives with mother", "DATE_OF_BIRTH", "03/03/2011"),
    ("moved to sw1a 1aa last week", "UK_POSTCODE", "sw1a 1aa"),
    ("placement at cf10 1ab", "UK_POSTCODE", "cf10 1ab"),
    ("seen getting into ab51 abc", "UK_VEHICLE_REGISTRATION", "ab51 abc"),
    ("Jay\u200bden was seen", "INVISIBLE_CHARACTER", "\u200b"),
    ("Smith\u2060 and \u00ad", "INVISIBLE_CHARACTER", "\u2060"),
])
def test_recognisers_for_the_forms_the_scan_missed(text, entity, value):
    found = [(s.entity, text[s.start:s.end]) for s in DETECTOR.find(text)]
    assert (entity, value) in found


@pytest.mark.parametrize("text", ["NHS 943.476.5918 (bad check digit)", "first offer 07/05/2024 10:00",
                                  "on 07.05.2024 10:00", "ref 123.456.7890", "in year 10 2024"])
def test_near_misses_of_the_new_forms_are_not_findings(text):
    assert [s.entity for s in DETECTOR.find(text)] == []


def _outside_secret(tmp_path: Path) -> Path:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "secret.csv").write_text("Date,Event\n05/02/2025,mum on 07911 123456\n")
    return elsewhere


def test_scan_follows_no_link_out_of_the_input_and_reads_a_loop_once(tmp_path):
    elsewhere = _outside_secret(tmp_path)
    case = tmp_path / "case"
    (case / "returns").mkdir(parents=True)
    (case / "returns" / "police.csv").write_text("Date,Event\n05/02/2025,call 07912 345678\n")
    (case / "stolen.csv").symlink_to(elsewhere / "secret.csv")
    (case / "outside").symlink_to(elsewhere)
    (case / "returns" / "loop").symlink_to(case)
    findings = scan_paths([case], detector=DETECTOR)
    phones = [f for f in findings if f.entity == "PHONE_NUMBER"]
    assert [Path(f.file).name for f in phones] == ["police.csv"]  # once, and not the secret
    followed = sorted((Path(f.file).name, f.place.name) for f in findings
                      if f.entity == "NOT_FOLLOWED")
    assert followed == [("loop", "a folder already read (a link loop): not read again"),
                        ("outside", "a symbolic link leading outside the input: not followed"),
                        ("stolen.csv", "a symbolic link leading outside the input: not followed")]


def test_pseudonymise_copies_nothing_from_outside_the_input(tmp_path):
    elsewhere = _outside_secret(tmp_path)
    case = tmp_path / "case"
    case.mkdir()
    (case / "police.csv").write_text("Date,Event\n05/02/2025,Jayden Smith missing\n")
    (case / "stolen.csv").symlink_to(elsewhere / "secret.csv")
    (case / "loop").symlink_to(case)
    key = tmp_path / "key.yaml"
    key.write_text("Jayden Smith: Child A\n")
    report = pseudonymise([case], key_file=key, out=tmp_path / "out", detector=DETECTOR_JS)
    assert sorted(p.name for p in (tmp_path / "out").rglob("*")) == ["police.csv"]
    assert len(report.skipped) == 2 and not report.ok


DETECTOR_JS = build_detector(deny_list=["Jayden Smith"])


def test_invisible_characters_are_reported_and_stripped(tmp_path):
    case = tmp_path / "case"
    case.mkdir()
    (case / "police.csv").write_text("Date,Event\n05/02/2025,Jay\u200bden Smi\u2060th missing\n")
    found = scan_paths([case], detector=DETECTOR_JS)
    assert [(f.entity, f.location.rsplit("/", 1)[-1]) for f in found] == [
        ("INVISIBLE_CHARACTER", "police.csv:2:15"), ("INVISIBLE_CHARACTER", "police.csv:2:23")]
    key = tmp_path / "key.yaml"
    key.write_text("Jayden Smith: Child A\n")
    report = pseudonymise([case], key_file=key, out=tmp_path / "out", detector=DETECTOR_JS)
    assert (tmp_path / "out" / "police.csv").read_text() == \
        "Date,Event\n05/02/2025,Child A missing\n"
    assert report.ok and report.replaced == {"INVISIBLE_CHARACTER": 2, "DENY_LIST": 1}


def _declarable(tmp_path: Path, extra: str = "") -> tuple[Path, Path]:
    case = tmp_path / "case"
    case.mkdir()
    (case / "meta.yaml").write_text("id: case-a\ntitle: Learning event\n")
    (case / "police.csv").write_text("Date,Event\n05/02/2025,Jayden Smith missing\n" + extra)
    key = tmp_path / "key.yaml"
    key.write_text("Jayden Smith: Child A\n")
    return case, key


def test_the_declaration_is_written_only_when_the_rescan_is_clean(tmp_path):
    case, key = _declarable(tmp_path)
    report = pseudonymise([case], key_file=key, out=tmp_path / "out", detector=DETECTOR_JS,
                          declared_by="Reviewer 1")
    assert report.ok and report.declared == (tmp_path / "out" / "meta.yaml",)
    meta = (tmp_path / "out" / "meta.yaml").read_text()
    assert "anonymisation:" in meta and "by: Reviewer 1" in meta


def test_the_declaration_is_refused_while_the_rescan_finds_anything(tmp_path):
    case, key = _declarable(tmp_path)
    (case / "scan.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0")  # cannot be rewritten
    report = pseudonymise([case], key_file=key, out=tmp_path / "out", detector=DETECTOR_JS,
                          declared_by="Reviewer 1")
    assert not report.ok and report.declared == ()
    assert "remove them, then declare" in report.declaration_refused
    assert "anonymisation" not in (tmp_path / "out" / "meta.yaml").read_text()
