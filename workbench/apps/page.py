"""The page the dashboards are served in: a Voilà template that fetches nothing from
elsewhere, and a helper widget for what the page itself must do.

Voilà's own page links icon-font stylesheets on a CDN; the ``workbench`` template
(``workbench/apps/jupyter/voila/templates/workbench``) is that page without them, with
the project's page CSS and icon served locally. :func:`voila_page_settings` gives the
command-line arguments and environment that make Voilà use it (``workbench serve``
adds them to its command).

Examples
--------
>>> args, env = voila_page_settings({"JUPYTER_PATH": "/opt/jupyter"})
>>> args
['--template=workbench']
>>> env["JUPYTER_PATH"].split(os.pathsep)[-1]
'/opt/jupyter'
>>> (template_folder() / "index.html.j2").is_file()
True
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path

import anywidget
import ipywidgets as w
import traitlets

__all__ = ["TEMPLATE", "PageHelper", "page_widgets", "template_folder", "voila_page_settings"]

#: the template's name (its folder under ``voila/templates``)
TEMPLATE = "workbench"
_DATA = Path(__file__).resolve().parent / "jupyter"


def template_folder() -> Path:
    """The folder of the ``workbench`` Voilà template."""
    return _DATA / "voila" / "templates" / TEMPLATE


def _voila_data_root() -> str | None:
    """The Jupyter data folder holding Voilà's own themes and schemas (its first
    ``voila`` folder), which must stay first on the path."""
    try:
        from voila.utils import get_data_dir
    except ImportError:  # pragma: no cover - voila is a dependency
        return None
    return str(Path(get_data_dir()).parent)


def voila_page_settings(environ: Mapping[str, str]) -> tuple[list[str], dict[str, str]]:
    """The Voilà arguments and environment (a copy of ``environ``) that serve the
    dashboards in the ``workbench`` template.

    The template's folder joins ``JUPYTER_PATH`` after Voilà's own data folder: Voilà
    takes its themes from the first ``voila`` folder on that path.
    """
    env = dict(environ)
    parts = [p for p in (_voila_data_root(), str(_DATA)) if p]
    parts += [p for p in env.get("JUPYTER_PATH", "").split(os.pathsep) if p and p not in parts]
    env["JUPYTER_PATH"] = os.pathsep.join(parts)
    return [f"--template={TEMPLATE}"], env


# -- in the page: names, live regions, keys, title, what a reload keeps ---------------------

_PAGE_ESM = r"""
function apply(root, aria) {
  for (const [sel, attrs] of Object.entries(aria || {})) {
    for (const e of root.querySelectorAll(sel)) {
      for (const [k, v] of Object.entries(attrs)) {
        if (v === null) { if (e.hasAttribute(k)) e.removeAttribute(k); }
        else if (e.getAttribute(k) !== String(v)) e.setAttribute(k, String(v));
      }
    }
  }
}
function typing(t) {
  return t && t.closest && t.closest("input, textarea, select, [contenteditable], [role=slider]");
}
export default {
  render({ model, el }) {
    el.setAttribute("hidden", "");
    const root = el.closest(".wb-app") || document.body;
    let queued = false;
    const run = () => {
      queued = false;
      apply(root, model.get("aria"));
      if (model.get("title")) document.title = model.get("title");
    };
    const schedule = () => { if (!queued) { queued = true; requestAnimationFrame(run); } };
    const observer = new MutationObserver(schedule);
    observer.observe(root, { childList: true, subtree: true });
    model.on("change:aria", schedule);
    model.on("change:title", schedule);
    schedule();
    const onKey = (ev) => {
      if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.defaultPrevented || typing(ev.target)) return;
      const sel = (model.get("shortcuts") || {})[ev.key];
      const target = sel && root.querySelector(sel);
      if (!target || target.disabled) return;
      ev.preventDefault();
      target.click();
    };
    document.addEventListener("keydown", onKey);
    const key = model.get("storage_key");
    const query = Object.fromEntries(new URLSearchParams(location.search));
    delete query.token;
    let stored = {};
    try { stored = JSON.parse(localStorage.getItem(key) || "{}") || {}; } catch (e) { stored = {}; }
    model.send({ event: "page", query, stored, width: root.clientWidth, screen: window.innerWidth });
    model.on("change:_remember", () => {
      const r = model.get("_remember") || {};
      stored = { ...stored, ...(r.stored || {}) };
      try { localStorage.setItem(key, JSON.stringify(stored)); } catch (e) { /* private mode */ }
      const url = new URL(location.href);
      for (const [k, v] of Object.entries(r.query || {})) {
        if (v === null || v === "") url.searchParams.delete(k); else url.searchParams.set(k, v);
      }
      history.replaceState(history.state, "", url);
    });
    return () => { observer.disconnect(); document.removeEventListener("keydown", onKey); };
  }
};
"""


class PageHelper(anywidget.AnyWidget):
    """What a dashboard asks of the page it is shown in (one per app, invisible).

    - ``aria``: CSS selector (within the app) -> attributes to set, kept set when the
      widgets re-render (names for lists and slider handles, live regions, figure roles);
    - ``shortcuts``: key (``KeyboardEvent.key``) -> selector of the button it presses
      (never while typing in a field);
    - ``title``: the page's title;
    - what survives a reload: :meth:`remember` writes values to the browser's local
      storage (under ``storage_key``) and to the page's URL query; :meth:`on_page`
      callbacks receive what the page had when it opened (``query``, ``stored``).

    ``root`` is the app's widget. Once the page has opened, the state of every widget in
    it (:func:`page_widgets`) is sent again: a change the kernel made while the page was
    still creating its widgets (the review store polled as the page loads: a chair taken,
    a note, a reveal) reached no widget on the page and would otherwise never show.
    """

    _esm = _PAGE_ESM
    aria = traitlets.Dict().tag(sync=True)
    shortcuts = traitlets.Dict().tag(sync=True)
    title = traitlets.Unicode("").tag(sync=True)
    storage_key = traitlets.Unicode("workbench").tag(sync=True)
    _remember = traitlets.Dict().tag(sync=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._callbacks: list[Callable[[dict, dict], None]] = []
        self._serial = 0
        self._kept: dict = {}
        self.page: dict | None = None
        self.root: w.Widget | None = None
        self.on_msg(self._on_msg)

    def on_page(self, callback: Callable[[dict, dict], None]) -> None:
        """Call ``callback(query, stored)`` when a page has opened (and now, if one has)."""
        self._callbacks.append(callback)
        if self.page is not None:
            callback(self.page["query"], self.page["stored"])

    def remember(self, *, stored: Mapping[str, object] | None = None,
                 query: Mapping[str, str | None] | None = None) -> None:
        """Keep ``stored`` in the browser's storage and ``query`` in the page's URL."""
        self._serial += 1
        self._kept.update(stored or {})
        self._remember = {"stored": dict(stored or {}), "query": dict(query or {}),
                          "serial": self._serial}

    @property
    def remembered(self) -> dict:
        """What the browser keeps from :meth:`remember` (``stored``: every value asked,
        the latest of each, as the page merges them) and the query last asked."""
        return {"stored": dict(self._kept),
                "query": dict(self._remember.get("query", {}))}

    def opened(self, query: Mapping[str, object], stored: Mapping[str, object], *,
               width: int | None = None, screen: int | None = None) -> None:
        """A page opened with this URL query and these kept values (what the browser
        sends; tests call it to stand for a reload)."""
        q = {str(k): str(v) for k, v in (query or {}).items()}
        kept = dict(stored or {})
        self.page = {"query": q, "stored": kept, "width": width, "screen": screen}
        for callback in tuple(self._callbacks):
            callback(q, kept)
        if self.root is not None:
            for widget in page_widgets(self.root):
                widget.send_state()

    def _on_msg(self, _widget, content, _buffers) -> None:
        if content.get("event") == "page":
            self.opened(content.get("query") or {}, content.get("stored") or {},
                        width=content.get("width"), screen=content.get("screen"))


def page_widgets(root: w.Widget) -> list[w.Widget]:
    """``root`` and every widget its synced traits hold, at any depth (children, layouts,
    styles), without the page's own widgets (figures and helpers: anywidgets, whose state
    is large or is the page's to send).

    >>> box = w.VBox([w.HTML("a"), w.HBox([w.Button()])])
    >>> sorted({type(x).__name__ for x in page_widgets(box)})
    ['Button', 'ButtonStyle', 'HBox', 'HTML', 'HTMLStyle', 'Layout', 'VBox']
    """
    found: dict[int, w.Widget] = {}
    todo = [root]
    while todo:
        widget = todo.pop()
        if id(widget) in found or isinstance(widget, anywidget.AnyWidget):
            continue
        found[id(widget)] = widget
        for key in widget.keys:
            value = getattr(widget, key, None)
            todo.extend(v for v in (value if isinstance(value, (list, tuple)) else [value])
                        if isinstance(v, w.Widget))
    return list(found.values())
