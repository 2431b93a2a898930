"""Walk a case together: a review session has a chair; participants follow the chair's
step, or step freely and rejoin with one click; the chair sees who is following.

The chair's step travels through the review store (:meth:`NotesStore.set_step`), which
every kernel already polls for notes (:class:`~workbench.apps.poller.StorePoller`, about
twice a second): a follower's screen moves to the chair's event at its next look.
:class:`FollowPanel` holds the buttons and the line saying who leads and who follows;
it knows nothing of the timeline (it calls ``go_to(event_id)``).
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w

from workbench.apps._html import esc
from workbench.apps._layout import button, row
from workbench.errors import StoreError
from workbench.store import NotesStore, Participant, Session

__all__ = ["FollowPanel"]


class FollowPanel:
    """Chair, follow, rejoin.

    ``me()`` gives this browser's participant (or None: a name is needed first);
    ``go_to(event_id)`` moves this screen; ``has_event(event_id)`` says whether the
    case shown has that event.
    """

    def __init__(self, store: NotesStore, *, me: Callable[[], Participant | None],
                 go_to: Callable[[str], None], has_event: Callable[[str], bool],
                 known: Callable[[], Participant | None] = lambda: None):
        self.store, self.me, self.go_to, self.has_event = store, me, go_to, has_event
        self.known = known
        self.session: Session | None = None
        self.participant: Participant | None = None
        self.following = False
        self._seen: tuple | None = None
        self.chair_button = button(w.Button(description="Chair this walk-through",
                                            tooltip="everyone who follows sees your step"),
                                   css="wb-take-chair")
        self.chair_button.on_click(lambda _: self.take_chair())
        self.follow_button = button(w.Button(description="Follow the chair",
                                             button_style="info"), css="wb-follow")
        self.follow_button.on_click(lambda _: self.follow())
        self.free_button = button(w.Button(description="Step on my own",
                                           layout=w.Layout(display="none")), css="wb-free")
        self.free_button.on_click(lambda _: self.step_freely())
        self.status = w.HTML()
        self.status.add_class("wb-follow-status")
        self.widget = row([self.status, self.chair_button, self.follow_button,
                           self.free_button], css="wb-together")

    @property
    def chairing(self) -> bool:
        s, p = self.session, self.participant
        return s is not None and p is not None and s.chair_id == p.id

    def set_session(self, session: Session) -> None:
        """A case opened: its review session (not following anyone yet)."""
        if self.session is None or self.session.id != session.id:
            self.following = False
            self.participant = None
        self.session = session
        self._seen = None
        self.refresh()

    def _who(self) -> Participant | None:
        p = self.me()
        if p is None:
            self.status.value = ('<span class="wb-problem">Give your name or initials (in '
                                 "Reflection, below) to chair or follow.</span>")
        self.participant = p or self.participant
        return p

    def take_chair(self) -> bool:
        """Chair the walk-through: from now on this screen's step is the room's."""
        p = self._who()
        if p is None or self.session is None:
            return False
        try:
            self.participant = self.store.set_following(p, False)
            self.session = self.store.take_chair(self.session.id, participant=p)
        except StoreError as exc:
            self.status.value = f'<span class="wb-problem">Not saved: {esc(str(exc))}</span>'
            return False
        self.following = False
        self._seen = None
        self.refresh()
        return True

    def follow(self) -> bool:
        """Follow the chair (and go to the chair's step now): the rejoin button too."""
        p = self._who()
        if p is None or self.session is None:
            return False
        self.participant = self.store.set_following(p, True)
        self.following = True
        self._seen = None
        self.refresh()
        return True

    def step_freely(self) -> None:
        """Stop following (the chair sees it); rejoin with one click."""
        if self.following and self.participant is not None:
            self.participant = self.store.set_following(self.participant, False)
        self.following = False
        self._seen = None
        self.refresh()

    def stepped(self, event_id: str) -> None:
        """A step taken by hand on this screen: a chair's step goes to the room; a follower
        who steps by hand steps freely from now on."""
        if self.session is None:
            return
        if self.chairing and self.participant is not None:
            self.store.set_step(self.session.id, event_id, participant=self.participant)
        elif self.following:
            self.step_freely()

    def refresh(self) -> None:
        """Follow the store: go to the chair's step; say who chairs and who follows."""
        if self.session is None:
            return
        self.session = s = self.store.session(self.session.id)
        people = self.store.participants(s.id)
        if self.participant is None:        # a reload: this browser's participant, if any
            kept = self.known()
            mine = next((p for p in people if kept is not None and p.id == kept.id), None)
            if mine is not None:
                self.participant, self.following = mine, mine.following
        chair = next((p for p in people if p.id == s.chair_id), None)
        followers = [p.name for p in people if p.following and p.id != s.chair_id]
        if self.following and s.step_event and self.has_event(s.step_event):
            self.go_to(s.step_event)
        seen = (s.chair_id, tuple(followers), self.following,
                self.participant.id if self.participant else None)
        if seen == self._seen:
            return
        self._seen = seen
        self.chair_button.layout.display = "none" if self.chairing else ""
        self.follow_button.layout.display = "" if chair is not None and not self.chairing \
            and not self.following else "none"
        self.follow_button.description = "Rejoin the chair" if self.participant and \
            not self.following and chair is not None else "Follow the chair"
        self.free_button.layout.display = "" if self.following else "none"
        if self.chairing:
            self.status.value = (f"<b>You chair this walk-through.</b> Following you "
                                 f"({len(followers)}): "
                                 + (esc(", ".join(followers)) if followers else "nobody yet"))
        elif chair is None:
            self.status.value = ("<span class='wb-muted'>Nobody chairs this case yet: chair "
                                 "it to lead the room's screens.</span>")
        elif self.following:
            self.status.value = f"Following <b>{esc(chair.name)}</b> (the chair)."
        elif self.participant is None:
            self.status.value = (f"<b>{esc(chair.name)}</b> chairs this walk-through: follow "
                                 "to step with them.")
        else:
            self.status.value = (f"<b>{esc(chair.name)}</b> chairs; you are stepping on your "
                                 "own.")
