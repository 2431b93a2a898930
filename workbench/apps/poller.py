"""Views that follow the review store: a poll about twice a second in the kernel.

Each Voilà kernel has its own connection to the store; other kernels' notes, answers
and reveals show up when :meth:`NotesStore.version` changes. :class:`StorePoller`
checks it from an asyncio task on the kernel's running loop and calls its
subscribers; :meth:`StorePoller.poll` does one check by hand (tests need no loop).

Examples
--------
>>> import tempfile, os
>>> from workbench.store import NotesStore
>>> store = NotesStore(os.path.join(tempfile.mkdtemp(), "r.sqlite"))
>>> seen = []
>>> poller = StorePoller(store)
>>> poller.subscribe(lambda: seen.append(1))
>>> poller.poll(), poller.poll()
(True, False)
>>> _ = store.open_session("case-a")
>>> poller.poll(), len(seen)
(True, 2)
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from workbench.store import NotesStore

__all__ = ["POLL_INTERVAL_S", "StorePoller"]

#: seconds between two looks at the store
POLL_INTERVAL_S = 0.5
_log = logging.getLogger("workbench.apps")


class StorePoller:
    """Calls its subscribers whenever the store has changed since the last look."""

    def __init__(self, store: NotesStore, *, interval: float = POLL_INTERVAL_S):
        self.store = store
        self.interval = interval
        self._subscribers: list[Callable[[], None]] = []
        self._seen: int | None = None
        self._task: asyncio.Task | None = None

    def subscribe(self, callback: Callable[[], None]) -> None:
        """Call ``callback()`` (no arguments) after each change."""
        self._subscribers.append(callback)

    def poll(self) -> bool:
        """Look once; True (and subscribers called) when the store changed."""
        version = self.store.version()
        if version == self._seen:
            return False
        self._seen = version
        for callback in tuple(self._subscribers):
            try:
                callback()
            except Exception:  # one broken view must not stop the others following
                _log.exception("a view failed to refresh from the review store")
        return True

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> StorePoller:
        """Poll from a task on the running event loop (the kernel's); idempotent."""
        if not self.running:
            self._task = asyncio.get_event_loop().create_task(self._run())
        return self

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None

    async def _run(self) -> None:
        while True:
            try:
                self.poll()
            except Exception:  # the store briefly unavailable: try again next time
                _log.exception("could not read the review store")
            await asyncio.sleep(self.interval)
