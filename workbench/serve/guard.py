"""The guard around Voilà (``python -m workbench.serve``, which ``workbench serve`` runs):
a request for another host is refused, ``/logout`` answers, and no log line holds the
token."""

from __future__ import annotations

import re

__all__ = ["LOGGED_OUT", "guarded_voila", "main", "redact"]

_TOKEN_IN_URI = re.compile(r"(?i)(token=)[^&\s#]*")
LOGGED_OUT = ("<!doctype html><html lang='en'><meta charset='utf-8'><title>Signed out</title>"
              "<p>Signed out of the workbench dashboards. Open the link that "
              "<code>workbench serve</code> printed to come back.</p></html>")


def redact(text: str) -> str:
    """``text`` with every ``token=…`` value replaced by ``[secret]`` (for logs).

    >>> redact("GET /voila/render/review.ipynb?token=s3cret&x=1 (127.0.0.1)")
    'GET /voila/render/review.ipynb?token=[secret]&x=1 (127.0.0.1)'
    """
    return _TOKEN_IN_URI.sub(r"\1[secret]", text)


def guarded_voila(hosts: tuple[str, ...]):  # noqa: C901 (to split)
    """Voilà's application class with the workbench's guard: a request whose ``Host``
    is not one of ``hosts`` gets 403 (all routes, kernel websockets included);
    ``/logout`` clears the login cookie and says so; access-log lines never hold the
    token."""
    import logging

    import tornado.web
    from jupyter_server.auth.decorator import allow_unauthenticated
    from jupyter_server.auth.logout import LogoutHandler
    from jupyter_server.utils import url_path_join
    from tornado.routing import Matcher, PathMatches, Rule
    from voila.app import Voila
    from voila.handler import VoilaHandler

    allowed = {h.strip("[]").lower() for h in hosts}
    access = logging.getLogger("tornado.access")

    class WrongHost(Matcher):
        def match(self, request):
            host = (request.host_name or "").strip("[]").lower()
            return None if host in allowed else {}

    class Refuse(tornado.web.RequestHandler):
        def prepare(self) -> None:
            self.set_status(403)
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish("Host not allowed: open the address that workbench serve printed.\n")

    class Logout(LogoutHandler):
        @allow_unauthenticated
        def get(self) -> None:
            self.identity_provider.clear_login_cookie(self)
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(LOGGED_OUT)

    class Redact(logging.Filter):
        """Every log record through a handler, with ``token=…`` values hidden."""

        def filter(self, record: logging.LogRecord) -> bool:
            message = record.getMessage()
            if "token=" in message.lower():
                record.msg, record.args = redact(message), ()
            return True

    summary = tornado.web.RequestHandler._request_summary

    def request_summary(self) -> str:
        """The "GET /path?query (address)" of error log lines, without the token."""
        return redact(summary(self))

    tornado.web.RequestHandler._request_summary = request_summary  # type: ignore[method-assign]

    def with_xsrf_cookie(page_class: type) -> type:
        """The dashboard page's handler, also setting the ``_xsrf`` cookie.

        When its page closes, Voilà's page script posts ``/voila/api/shutdown/<kernel>``
        with the ``_xsrf`` cookie's value as the form's ``_xsrf`` field; Jupyter Server
        checks the two match. Tornado sets that cookie only for a handler that reads
        ``xsrf_token``, which Voilà's page handler never does (its page is rendered by
        nbconvert, not by ``render_template``), so every shutdown was refused with 403
        "'_xsrf' argument missing from POST" (voila-dashboards/voila#1458) and each closed
        page's kernel lived on until culled. Reading it here sets the cookie with the page.
        """

        class PageWithXsrfCookie(page_class):
            async def prepare(self, *args, **kwargs):
                result = await super().prepare(*args, **kwargs)
                if self.current_user is not None and not self._finished:
                    self.xsrf_token  # noqa: B018 (read for its effect: the cookie)
                return result

        PageWithXsrfCookie.__name__ = page_class.__name__
        return PageWithXsrfCookie

    def hide_tokens_in_every_log() -> None:
        loggers = [logging.getLogger(), *(v for v in logging.root.manager.loggerDict.values()
                                          if isinstance(v, logging.Logger))]
        for logger in loggers:
            for handler in logger.handlers:
                if not any(isinstance(f, Redact) for f in handler.filters):
                    handler.addFilter(Redact())

    def log_request(handler) -> None:
        status = handler.get_status()
        log = access.info if status < 400 else access.warning if status < 500 else access.error
        request = handler.request
        log("%d %s %s (%s) %.2fms", status, request.method, redact(request.uri or ""),
            request.remote_ip, 1000.0 * request.request_time())

    class GuardedVoila(Voila):
        def listen(self) -> None:
            hide_tokens_in_every_log()
            self.app.settings["log_function"] = log_request
            routers = [self.app.default_router]           # and the routers within it
            while routers:
                for rule in routers.pop().rules:
                    if isinstance(rule.target, type) and issubclass(rule.target, VoilaHandler):
                        rule.target = with_xsrf_cookie(rule.target)
                    elif hasattr(rule.target, "rules"):
                        routers.append(rule.target)
            router = self.app.default_router
            logout = url_path_join(self.server_url or self.base_url or "/", "logout")
            router.rules[0:0] = [router.process_rule(Rule(WrongHost(), [(r".*", Refuse)])),
                                 router.process_rule(Rule(PathMatches(logout), Logout))]
            super().listen()

    return GuardedVoila


def main(argv: list[str]) -> None:
    """Run Voilà with the guard; ``--hosts=A,B`` (first) names the allowed hosts."""
    from workbench.serve import LOOPBACK

    hosts: tuple[str, ...] = (LOOPBACK, "localhost")
    if argv and argv[0].startswith("--hosts="):
        hosts = tuple(h for h in argv[0].split("=", 1)[1].split(",") if h)
        argv = argv[1:]
    guarded_voila(hosts).launch_instance(argv=argv)
