"""The review's reflection panel: write a note on an event or a hand-off, see everyone's
notes, and edit or withdraw one's own.

:class:`NotesPanel` owns the form, the list of everyone's notes and the list of one's
own; it talks to the review store and nothing else. A browser keeps one participant per
review session (its id is remembered by the page), so after a reload one's notes are
still one's own. A save that fails says "Not saved: <reason>" and keeps the typed text
and the draft id (a retry saves once).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

import ipywidgets as w

from workbench.apps._html import esc
from workbench.apps._layout import button, fill, panel, panels, row
from workbench.apps.review_case import ReviewCase
from workbench.apps.review_html import KPE_TAG, notes_html
from workbench.errors import StoreError
from workbench.store import TAGS, Note, NotesStore, Participant, Session

__all__ = ["DISCIPLINES", "NOT_AN_AGENCY", "NotesPanel"]

#: disciplines offered (any other may be typed)
DISCIPLINES = ("social work", "policing", "education", "health", "youth justice",
               "return interviews", "third sector", "independent reviewer", "other")
NOT_AN_AGENCY = "(not an agency)"
_SAVE, _SAVE_EDIT = "Save note", "Save changes"


def _problem(text: str) -> str:
    return f'<span class="wb-problem">{text}</span>'


class NotesPanel:
    """The form, everyone's notes and one's own notes (edit, withdraw).

    ``on_change()`` is called when the notes shown change (the app redraws the event
    card); ``remember(values)`` keeps values in the browser (name, agency, discipline,
    this browser's participant per session).
    """

    def __init__(self, store: NotesStore, *, on_change: Callable[[], None],
                 remember: Callable[[dict], None]):
        self.store, self.on_change, self.remember = store, on_change, remember
        self.session: Session | None = None
        self.participant: Participant | None = None
        self.notes: list[Note] = []
        self.editing: str | None = None           # id of the note being edited
        self._key: tuple | None = None
        self._rc: ReviewCase | None = None
        self._here: str | None = None
        self._draft_id = str(uuid.uuid4())
        self._known: dict[str, str] = {}          # session id -> this browser's participant
        self._build()

    def _build(self) -> None:
        L = w.Layout
        self.name_input = fill(w.Text(description="You", placeholder="name or initials"),
                               basis="200px", css="wb-name")
        self.agency_input = fill(w.Dropdown(options=[NOT_AN_AGENCY], description="Agency"),
                                 basis="240px", css="wb-agency")
        self.discipline_input = fill(w.Combobox(options=list(DISCIPLINES),
                                                description="Discipline",
                                                placeholder="e.g. social work",
                                                ensure_option=False), css="wb-discipline")
        self.target = fill(w.Dropdown(options=[], description="About"), css="wb-target")
        self.tag_buttons = {t: button(w.ToggleButton(description=t),
                                      css="wb-tag-" + t.replace(" ", "-")) for t in TAGS}
        self.note_input = fill(w.Textarea(placeholder="Your reflection on this event or "
                                          "hand-off", rows=4), css="wb-note-text")
        self.save_button = button(w.Button(description=_SAVE, button_style="success"),
                                  css="wb-save")
        self.save_button.on_click(lambda _: self.save())
        self.cancel_button = button(w.Button(description="Cancel the edit",
                                             layout=L(display="none")), css="wb-cancel-edit")
        self.cancel_button.on_click(lambda _: self.cancel_edit())
        self.note_status = w.HTML()
        self.note_status.add_class("wb-note-status")
        self.mine = fill(w.Select(options=[], rows=3), css="wb-my-notes")
        self.edit_button = button(w.Button(description="Edit", disabled=True),
                                  css="wb-edit-note")
        self.edit_button.on_click(lambda _: self.start_edit())
        self.withdraw_button = button(w.Button(description="Withdraw", disabled=True,
                                               button_style="danger"), css="wb-withdraw-note")
        self.withdraw_button.on_click(lambda _: self.withdraw())
        self.mine.observe(lambda c: self._enable(), "value")
        self.mine_box = w.VBox([w.HTML("<h3 id='wb-my-notes-heading'>Your notes (edit or "
                                       "withdraw)</h3>"), self.mine,
                                row([self.edit_button, self.withdraw_button])],
                               layout=L(width="100%", display="none"))
        form = panel([w.HTML("<h3>Reflection</h3>"),
                      row([self.name_input, self.agency_input]), self.discipline_input,
                      self.target, row(list(self.tag_buttons.values()), css="wb-tags"),
                      self.note_input,
                      row([self.save_button, self.cancel_button, self.note_status]),
                      self.mine_box], basis="420px", css="wb-form")
        self.notes_panel = w.HTML(layout=L(width="100%", max_height="420px", overflow="auto"))
        self.notes_panel.add_class("wb-notes")
        self.widget = panels([form, panel([w.HTML("<h3>Everyone's notes</h3>"),
                                           self.notes_panel], basis="420px")],
                             basis=["420px", "420px"], css="wb-reflection")

    # -- what the panel stands on ---------------------------------------------------------
    @property
    def draft_id(self) -> str:
        """The id the note being written will be saved under (kept across a failed save)."""
        return self._draft_id

    @property
    def kpe_events(self) -> frozenset[str]:
        """Events a note tags as a key practice episode."""
        return frozenset(n.event_id for n in self.notes if KPE_TAG in n.tags and n.event_id)

    def own_notes(self) -> list[Note]:
        p = self.participant
        return [n for n in self.notes if p is not None and n.participant_id == p.id]

    def set_session(self, session: Session, rc: ReviewCase) -> None:
        """Notes of this review session, on this case (its agencies offered)."""
        if self.session is None or self.session.id != session.id:
            self.participant = None
            self.cancel_edit()
        self.session, self._rc = session, rc
        agencies = [a.name for a in rc.case.agencies]
        keep = self.agency_input.value
        self.agency_input.options = [*agencies, NOT_AN_AGENCY]
        self.agency_input.value = keep if keep in self.agency_input.options else NOT_AN_AGENCY
        self._key = None
        self.refresh()

    def set_here(self, event_id: str) -> None:
        """The event shown: notes are about it or one of its hand-offs."""
        rc = self._rc
        self._here = event_id
        if rc is None:  # no case open yet
            return
        h = rc.analysis.handoffs
        mine = h.loc[h["event_id"] == event_id]
        options = [(f"this event: {rc.labels.get(event_id, event_id)}", ("event", event_id))]
        options += [(f"hand-off {r.sender} → {r.recipient} ({r.status})",
                     ("handoff", r.handoff_id)) for r in mine.itertuples()]
        self.target.options = options
        self.target.value = options[0][1]
        self.notes_panel.value = notes_html(self.notes, rc, event_id)

    def take_up(self, stored: dict) -> None:
        """What the browser kept: name, agency, discipline, its participants."""
        for widget, key in ((self.name_input, "name"), (self.discipline_input, "discipline")):
            if not widget.value and isinstance(stored.get(key), str):
                widget.value = stored[key]
        if stored.get("agency") in self.agency_input.options:
            self.agency_input.value = stored["agency"]
        if isinstance(stored.get("participants"), dict):
            self._known.update({str(k): str(v) for k, v in stored["participants"].items()})
            self._key = None
            self.refresh()

    # -- who is writing ---------------------------------------------------------------------
    def me(self) -> Participant | None:
        """The participant this browser writes as (joined on first need), or None (and
        the status says why) when no name is given."""
        name = self.name_input.value.strip()
        if self.session is None:
            return None
        if not name:
            self.note_status.value = _problem("Give your name or initials.")
            return None
        agency = self.agency_input.value or ""
        discipline = self.discipline_input.value.strip() or "not given"
        p = self.participant
        if p is None or (p.name, p.agency, p.discipline) != (name, agency, discipline):
            self.participant = self.store.join(
                self.session.id, name=name, agency=agency, discipline=discipline,
                participant_id=self._known.get(self.session.id))
            self._known[self.session.id] = self.participant.id
            self.remember({"name": name, "agency": agency,
                           "discipline": self.discipline_input.value.strip(),
                           "participants": dict(self._known)})
        return self.participant

    # -- writing, editing, withdrawing ---------------------------------------------------------
    def save(self) -> Note | None:
        """Save the note written (or the changes to the note being edited)."""
        if self.session is None or self._here is None:
            return None
        text = self.note_input.value.strip()
        if not self.name_input.value.strip():
            self.note_status.value = _problem("Give your name or initials.")
            return None
        if not text:
            self.note_status.value = _problem("Write a note first.")
            return None
        tags = [t for t, b in self.tag_buttons.items() if b.value]
        what, target = self.target.value
        try:
            me = self.me()
            if me is None:  # no name given (the status says so)
                return None
            if self.editing is not None:
                note = self.store.edit_note(self.editing, participant=me, text=text, tags=tags)
            else:
                note = self.store.add_note(
                    self.session.id, participant=me, text=text,
                    event_id=target if what == "event" else self._here,
                    handoff_id=target if what == "handoff" else None, tags=tags,
                    note_id=self._draft_id)
        except (StoreError, PermissionError, KeyError) as exc:  # keep the text, the draft id
            self.note_status.value = _problem("Not saved: " + esc(_reason(exc)))
            return None
        edited = self.editing is not None
        if not edited:
            self._draft_id = str(uuid.uuid4())
        self._clear_form()
        self.note_status.value = ("Saved: your changes are on every screen." if edited else
                                  "Saved: everyone reviewing this case sees it.")
        self.refresh()
        return note

    def start_edit(self, note_id: str | None = None) -> bool:
        """Put one's own note (the one chosen in "Your notes" by default) in the form."""
        note_id = note_id or self.mine.value
        note = next((n for n in self.own_notes() if n.id == note_id), None)
        if note is None:
            self.note_status.value = _problem("Choose one of your notes.")
            return False
        self.editing = note.id
        self.note_input.value = note.text
        for t, b in self.tag_buttons.items():
            b.value = t in note.tags
        self.save_button.description = _SAVE_EDIT
        self.cancel_button.layout.display = ""
        self.note_status.value = "Editing your note: save the changes or cancel."
        return True

    def cancel_edit(self) -> None:
        if self.editing is not None:
            self._clear_form()
            self.note_status.value = ""

    def withdraw(self, note_id: str | None = None) -> bool:
        """Withdraw one's own note: its text leaves every screen."""
        note_id = note_id or self.mine.value
        me = self.participant
        if note_id is None or me is None:
            self.note_status.value = _problem("Choose one of your notes.")
            return False
        try:
            self.store.withdraw_note(note_id, participant=me)
        except (StoreError, PermissionError, KeyError) as exc:
            self.note_status.value = _problem("Not withdrawn: " + esc(_reason(exc)))
            return False
        if self.editing == note_id:
            self._clear_form()
        self.note_status.value = "Withdrawn: the note is gone from every screen."
        self.refresh()
        return True

    def _clear_form(self) -> None:
        self.editing = None
        self.note_input.value = ""
        for tag in self.tag_buttons.values():
            tag.value = False
        self.save_button.description = _SAVE
        self.cancel_button.layout.display = "none"

    def _enable(self) -> None:
        chosen = self.mine.value is not None
        self.edit_button.disabled = self.withdraw_button.disabled = not chosen

    # -- following the store -----------------------------------------------------------------
    def refresh(self) -> bool:
        """Show the notes in the store (other participants' too); True when they changed."""
        if self.session is None:
            return False
        notes = self.store.notes(self.session.id)
        key = tuple((n.id, n.edited_at) for n in notes)
        if key == self._key:
            return False
        self._key, self.notes = key, notes
        if self.participant is None and self.session.id in self._known:
            pid = self._known[self.session.id]
            self.participant = next((p for p in self.store.participants(self.session.id)
                                     if p.id == pid), None)
        self.notes_panel.value = notes_html(notes, self._rc, self._here)
        own = self.own_notes()
        keep = self.mine.value
        self.mine.options = [(f"{(n.text[:60] + '…') if len(n.text) > 60 else n.text}", n.id)
                             for n in reversed(own)]
        self.mine.value = keep if keep in {n.id for n in own} else None
        self.mine_box.layout.display = "flex" if own else "none"
        if self.editing is not None and self.editing not in {n.id for n in own}:
            self._clear_form()
        self._enable()
        self.on_change()
        return True


def _reason(exc: Exception) -> str:
    return str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
