"""The review report: every section, no unescaped user text, offline, printable, PDF."""

import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from plotly.offline import get_plotlyjs

from tests.casebuilder import events
from workbench.agencies import load_aliases
from workbench.analysis.rules import find_flags
from workbench.case import case_from_events
from workbench.errors import MissingToolError
from workbench.io.importer import import_chronologies
from workbench.outputs.report import SECTIONS, build_report, html_to_pdf, write_report
from workbench.review_record import (
    Action,
    ContributoryFactor,
    Finding,
    KeyPracticeEpisode,
    Recommendation,
    flag_key,
)
from workbench.store import NotesStore

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
LINK = '<a href="javascript:alert(1)">click me</a>'
JS = "javascript:alert(1)"
EVIL = f"{SCRIPT} {IMG} {LINK} {JS}"
EVIL_AGENCY = f"{IMG} Team"


class _Page(HTMLParser):
    """Every tag, attribute, text and script body of a page, as a browser would parse it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.text: list[str] = []
        self._script: dict[str, str | None] | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._script = dict(attrs)
            self.scripts.append((self._script, ""))

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            attrs, body = self.scripts[-1]
            self.scripts[-1] = (attrs, body + data)
        else:
            self.text.append(data)


def _page(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    return page


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def evil_case():
    rows = [
        ("05/02/2025 22:00", "Police", "missing_report",
         {"summary": f"Reported missing {EVIL}", "details": EVIL, "author": EVIL,
          "risk_grade": "low"}),
        ("06/02/2025 09:00", "Police", "found", {"recipients": [EVIL_AGENCY]}),
        ("07/02/2025 10:00", EVIL_AGENCY, "disclosure",
         {"summary": f"Child said {EVIL}", "action": EVIL, "outcome": EVIL}),
        ("08/02/2025 10:00", "School", "referral",
         {"recipients": "Children's Social Care", "summary": f"Referral {EVIL}"}),
        ("20/02/2025 23:00", "Police", "missing_report",
         {"summary": "Lifestyle choice, streetwise", "risk_grade": "low"}),
        ("21/02/2025 08:00", "Police", "found"),
    ]
    return case_from_events(events(*rows), id="evil",
                            meta={"title": f"Evil {EVIL}", "child": {"label": f"Child {SCRIPT}"}},
                            sources=("test.csv",), aliases=load_aliases())


def _evil_store(path):
    """The evil case, and a store whose every piece of text is hostile too."""
    case = evil_case()
    store = NotesStore(path)
    session = store.open_session(case.id, title=f"Session {EVIL}")
    me = store.join(session.id, name=f"SW {IMG}", agency="Children's Social Care",
                    discipline=f"social work {SCRIPT}")
    store.add_note(session.id, participant=me, text=f"Note {EVIL}", event_id="e3",
                   tags=["missed opportunity"])
    store.answer(session.id, participant=me, decision=f"Decision {SCRIPT}", text=f"Do {EVIL}",
                 agency_to_act=EVIL)
    flags = find_flags(case)
    kpe = store.save(KeyPracticeEpisode(case_id=case.id, title=f"KPE {EVIL}", first_event="e1",
                                        last_event="e3", description=EVIL))
    finding = store.save(Finding(
        case_id=case.id, title=f"Finding {EVIL}", text=EVIL, episodes=[kpe.id],
        flags=[flag_key(f) for f in flags[:2]], events=["e3"],
        factors=[ContributoryFactor(level, f"{level} {EVIL}")
                 for level in ("frontline", "local-strategic", "national")]))
    rec = store.save(Recommendation(case_id=case.id, text=f"Recommend {EVIL}",
                                    findings=[finding.id], addressed_to=EVIL))
    store.save(Action(case_id=case.id, text=f"Act {EVIL}", owner=EVIL, due="2025-01-31",
                      recommendation=rec.id, progress=EVIL))
    return case, store, session.id


@pytest.fixture(scope="module")
def evil_store(tmp_path_factory):
    case, store, session_id = _evil_store(tmp_path_factory.mktemp("evil") / "review.sqlite")
    yield case, store, session_id
    store.close()


@pytest.fixture(scope="module")
def evil_html(evil_store):
    case, store, session_id = evil_store
    return build_report(case, session_id=session_id, store=store, today=dt.date(2026, 1, 1))


def test_every_section_is_in_the_report(evil_html):
    page = _page(evil_html)
    ids = {attrs.get("id") for tag, attrs in page.tags if tag == "section"}
    assert ids == set(SECTIONS)
    headings = "".join(page.text)
    for heading in SECTIONS.values():
        assert heading in headings, heading


def test_no_user_text_is_markup_in_the_page(evil_html):
    page = _page(evil_html)
    tags = {tag for tag, _ in page.tags}
    assert not tags & {"img", "iframe", "object", "embed", "link", "form", "base"}
    for tag, attrs in page.tags:
        assert not [a for a in attrs if a.lower().startswith("on")], (tag, attrs)
        for name in ("href", "src", "action", "formaction"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value.startswith("javascript:"), (tag, attrs)
        if tag == "a":
            assert attrs["href"].startswith("#")  # only links within the report
    # the scripts are ours: plotly.js, two figure data blocks, the code that draws them
    kinds = sorted((attrs.get("type") or "", attrs.get("id") or "") for attrs, _ in page.scripts)
    assert kinds == [("", ""), ("", ""), ("application/json", "network-data"),
                     ("application/json", "timeline-data")]
    assert all("src" not in attrs for attrs, _ in page.scripts)
    # ... and the user text is shown, as text
    text = " ".join(page.text)
    for piece in (SCRIPT, IMG, LINK, JS, EVIL_AGENCY):
        assert piece in text
    assert text.count(EVIL) >= 10  # note, answer, finding, factors, recommendation, action …


def test_outside_plotly_js_the_raw_markup_never_appears(evil_html):
    plotly_js = get_plotlyjs()
    assert evil_html.count(plotly_js) == 1  # inlined once for both figures
    rest = evil_html.replace(plotly_js, "")
    for raw in (SCRIPT, IMG, "<a href=\"javascript", "<img"):
        assert raw not in rest
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rest


def test_figure_json_is_escaped_for_the_page_and_for_plotly(evil_html):
    page = _page(evil_html)
    blocks = [body for attrs, body in page.scripts if attrs.get("type") == "application/json"]
    assert len(blocks) == 2
    seen = []
    for body in blocks:
        assert "<" not in body and ">" not in body and "&" not in body  # \u-escaped
        figure = json.loads(body)
        assert figure["data"] and figure["layout"]
        for s in _strings(figure):
            if "alert(1)" in s:
                seen.append(s)
                lowered = s.lower()
                assert "<script" not in lowered and "<img" not in lowered \
                    and "<a " not in lowered, s  # HTML-escaped: plotly shows it as text
    assert any("&lt;script&gt;alert(1)&lt;/script&gt;" in s for s in seen)
    assert any("&lt;img src=x onerror=alert(1)&gt;" in s for s in seen)  # the agency's lane


def test_the_record_is_reported_with_factors_overdue_actions_and_reflections(evil_html):
    text = " ".join(_page(evil_html).text)
    for level in ("frontline", "local strategic", "national"):
        assert level in text.lower()
    assert "(overdue)" in text
    assert f"Note {EVIL}" in text and f"Do {EVIL}" in text
    assert "Decision point: Decision" in text
    assert f"KPE {EVIL}" in text and "Finding 1: Finding" in text


def test_print_css_puts_the_briefing_on_a_page_of_its_own(evil_html):
    css = re.search(r"<style>(.*?)</style>", evil_html, re.S).group(1)
    assert "@media print" in css and "@page" in css
    briefing = re.search(r"\.briefing \{([^}]*)\}", css.split("@media print")[1]).group(1)
    assert "break-before: page" in briefing
    assert evil_html.rfind('id="briefing"') > evil_html.rfind('id="action-plan"')


def test_dangling_references_are_reported_not_hidden(tmp_path):
    case, store, _ = _evil_store(tmp_path / "review.sqlite")
    store.save(Action(case_id=case.id, text="Orphan", owner="Police", due="2030-01-01",
                      recommendation="no-such-recommendation"))
    text = " ".join(_page(build_report(case, store=store)).text)
    assert "references that lead nowhere" in text and "no-such-recommendation" in text
    store.close()


def test_a_case_study_report_has_every_section_and_every_flag(tmp_path):
    from workbench.analysis.rules import flag_table

    case = import_chronologies([ROOT / "casestudies" / "county-lines"])
    path = write_report(case, tmp_path / "report.html")
    html = path.read_text("utf-8")
    page = _page(html)
    assert {a.get("id") for t, a in page.tags if t == "section"} == set(SECTIONS)
    cards = [a for t, a in page.tags if t == "div" and "card sev-" in (a.get("class") or "")]
    assert len(cards) == len(flag_table(case)) > 0
    assert "No session was chosen" in " ".join(page.text)


def test_session_needs_its_store():
    with pytest.raises(ValueError, match="needs the store"):
        build_report(evil_case(), session_id="x")


def test_a_report_is_html_or_pdf(tmp_path):
    with pytest.raises(ValueError, match="as .html or .pdf"):
        write_report(evil_case(), tmp_path / "report.docx")


def test_pdf_without_chromium_says_what_to_install(tmp_path, monkeypatch):
    import workbench.outputs.report as report

    monkeypatch.setattr(report.shutil, "which", lambda name: None)
    with pytest.raises(MissingToolError, match="apt-get install chromium"):
        html_to_pdf("<p>x</p>", tmp_path / "r.pdf")
    with pytest.raises(MissingToolError):
        html_to_pdf("<p>x</p>", tmp_path / "r.pdf", browser=tmp_path / "no-chromium")
    assert not (tmp_path / "r.pdf").exists()


@pytest.mark.browser
def test_pdf_through_chromium(evil_store, tmp_path):
    case, store, session_id = evil_store
    path = write_report(case, tmp_path / "report.pdf", store=store, session_id=session_id)
    data = path.read_bytes()
    assert data.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page[^s]", data)) >= 8  # sections start pages
