"""Security headers of every answer and the origin check of staff requests, as one ASGI middleware.

- Headers: a Content-Security-Policy per kind of page; no page may be framed (frame-ancestors
  'none', X-Frame-Options DENY) except the customer chat page, which partner sites embed
  (bot/static/widget.js) and which may be framed by DALEEL_CHAT_FRAME_ANCESTORS; HSTS in production.
- Origin check: a state-changing request to a staff route (the ambassadors' page, the dashboard,
  their sign-ins and the staff APIs) must come from one of the app's own origins (Origin, else
  Referer). The session cookies are SameSite=Strict already; this also refuses sibling sites
  (same site, other origin) and login forgery. Bearer-token calls without our cookies are exempt:
  a browser cannot attach that header cross-site.
"""

from __future__ import annotations

import json
import logging
import re
from urllib.parse import urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request

from bot.api.sessions import AGENT_COOKIE, MANAGER_COOKIE, STAFF_COOKIE, is_production
from bot.api.templating import TEMPLATES, page_language
from bot.api.v1 import PREFIX
from bot.settings import Settings

logger = logging.getLogger(__name__)

CHAT_PAGE = "/chat"
DOCS = ("/docs", "/redoc")
DASHBOARD = "/dashboard"
AGENT = "/agent"
STAFF_ROUTES = ("/ambassador", AGENT, DASHBOARD, f"{PREFIX}/ambassador", f"{PREFIX}/agent", f"{PREFIX}/metrics")
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
HSTS = "max-age=31536000; includeSubDomains"
# A CSP source expression: *, a scheme ("https:"), a keyword, or a host with optional scheme and port.
_SOURCE = re.compile(
    r"^(\*|'self'|'none'|[a-z][a-z0-9+.-]*:|([a-z][a-z0-9+.-]*://)?(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:(\d{1,5}|\*))?)$",
    re.IGNORECASE,
)


def content_policy(frame_ancestors: str, inline_styles: bool = False) -> str:
    """Scripts, styles and images only from this app; who may frame the page."""
    styles = "'self' 'unsafe-inline'" if inline_styles else "'self'"
    return (
        f"default-src 'self'; img-src 'self' data:; style-src {styles}; script-src 'self'; "
        f"connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors {frame_ancestors}"
    )


def frame_ancestors(sources: list[str]) -> str:
    """The chat page's frame-ancestors value; a malformed source stops the app at start-up."""
    cleaned = [s.strip() for s in sources if s.strip()]
    bad = [s for s in cleaned if not _SOURCE.match(s)]
    if bad or not cleaned:
        raise ValueError(f"DALEEL_CHAT_FRAME_ANCESTORS: not CSP frame-ancestors sources: {bad or sources!r}")
    return " ".join(cleaned)


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + "/")


def is_staff_route(path: str) -> bool:
    return any(_under(path, prefix) for prefix in STAFF_ROUTES)


def request_origin(headers: Headers) -> str | None:
    """scheme://host[:port] the browser says the request comes from (Origin, else Referer), lower case."""
    origin = headers.get("origin")
    if origin is None:
        referer = urlsplit(headers.get("referer", ""))
        origin = f"{referer.scheme}://{referer.netloc}" if referer.scheme and referer.netloc else None
    if origin is None or origin.strip().lower() == "null":
        return None
    return origin.strip().rstrip("/").lower()


class SecurityMiddleware:
    def __init__(self, app, settings: Settings):
        self.app = app
        self.production = is_production(settings)
        self.origins = frozenset(o.strip().rstrip("/").lower() for o in settings.app_origins if o.strip())
        self.chat_policy = content_policy(frame_ancestors(settings.chat_frame_ancestors))

    def headers_for(self, path: str) -> dict[str, str]:
        headers = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}
        if path == CHAT_PAGE:
            headers["Content-Security-Policy"] = self.chat_policy
        else:
            headers["X-Frame-Options"] = "DENY"
            if any(_under(path, prefix) for prefix in DOCS):  # Swagger UI and ReDoc load from a CDN
                headers["Content-Security-Policy"] = "frame-ancestors 'none'"
            else:  # Plotly.js sets inline styles on the dashboard's charts
                headers["Content-Security-Policy"] = content_policy("'none'", inline_styles=_under(path, DASHBOARD))
        if self.production:
            headers["Strict-Transport-Security"] = HSTS
        return headers

    def allowed(self, request: Request) -> bool:
        """A safe method, not a staff route, a bearer call without our cookies, or one of our origins."""
        if request.method not in UNSAFE_METHODS or not is_staff_route(request.url.path):
            return True
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if (
            scheme.lower() == "bearer"
            and token.strip()
            and not ({STAFF_COOKIE, AGENT_COOKIE, MANAGER_COOKIE} & request.cookies.keys())
        ):
            return True
        origin = request_origin(request.headers)
        if origin is None:
            return False
        if self.origins:
            return origin in self.origins
        return urlsplit(origin).netloc == request.headers.get("host", "").lower()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        extra = self.headers_for(scope["path"])

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in extra.items():
                    headers[name] = value
            await send(message)

        request = Request(scope)
        if not self.allowed(request):
            logger.info("cross-origin staff request refused: %s %s", request.method, request.url.path)
            return await _refuse(request, send_with_headers)
        await self.app(scope, receive, send_with_headers)


async def _refuse(request: Request, send) -> None:
    """403: a page for a browser's form post, JSON for anything else."""
    if "text/html" in request.headers.get("accept", ""):
        lang = page_language(request, request.query_params.get("lang"))
        home = next(
            (f"{page}/sign-in" for page in (DASHBOARD, AGENT) if _under(request.url.path, page)), "/ambassador/sign-in"
        )
        page = TEMPLATES.get_template("refused.html").render(lang=lang, home=home)
        body, kind = page.encode(), b"text/html; charset=utf-8"
    else:
        detail = "cross-origin request refused: staff forms and APIs only accept requests from the app's own pages"
        body, kind = json.dumps({"detail": detail}).encode(), b"application/json"
    await send(
        {
            "type": "http.response.start",
            "status": 403,
            "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
