"""What every request passes before a route sees it, and the headers every answer gets.

One ASGI middleware, so that no route can forget a check:

* **Host**: bound to a loopback address without a token, only requests for
  ``localhost``, ``127.0.0.1`` or ``[::1]`` are answered, so a hostile site
  whose DNS name points at 127.0.0.1 (DNS rebinding) gets nothing.
* **Token**: with ``--token``, every request (pages, API, assets, OpenAPI)
  needs it, as ``Authorization: Bearer TOKEN``, or the ``pressdiff_token``
  cookie that opening any page with ``?token=TOKEN`` sets.
* **Cross-site writes**: a POST or DELETE that a browser says comes from
  another site (``Sec-Fetch-Site``, or an ``Origin`` that is not this
  server) is refused, forms and API alike; the forms also carry a CSRF token
  (double-submit cookie, :func:`csrf_token` / :func:`csrf_ok`).
* **Size**: a request body larger than the limit gets a 413 before it is
  read (``Content-Length``) or as soon as it passes the limit (chunked).
* **Headers**: a Content-Security-Policy that runs only the app's own
  script files (no inline script, no ``on*=`` attribute, no ``javascript:``
  URL), loads nothing from elsewhere and posts forms only to the app.
"""

from __future__ import annotations

import hmac
import json
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
"""Scripts only from the app's own files; styles may be inline (the report's analysis
sections carry their own), which runs no code."""

SECURITY_HEADERS = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
)

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
TOKEN_COOKIE = "pressdiff_token"
CSRF_COOKIE = "pressdiff_csrf"
CSRF_FIELD = "csrf"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class RequestLimits:
    """How much one request may send (uploads, pasted text, JSON)."""

    max_body_bytes: int = 50 * 1024 * 1024
    max_files: int = 100
    max_articles: int = 1000
    max_urls: int = 50


def _same(given: str, secret: str) -> bool:
    """Constant-time comparison that also takes non-ASCII input (which str comparison refuses)."""
    return hmac.compare_digest(given.encode("utf-8"), secret.encode("utf-8"))


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


def _host_name(host: str) -> str:
    """``example.org:8000`` -> ``example.org``; ``[::1]:8000`` -> ``[::1]``."""
    if host.startswith("["):
        return host[: host.find("]") + 1]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class Guard:
    """The middleware: host, token, cross-site writes, body size, security headers."""

    def __init__(
        self, app: ASGIApp, *, token: str | None, loopback_only: bool, limits: RequestLimits
    ) -> None:
        self.app = app
        self.token = token
        self.loopback_only = loopback_only and token is None
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        host = headers.get("host", "")

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        if self.token is not None and scope["method"] == "GET":
            query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
            if _same(query.get("token", ""), self.token):
                await self._set_token_cookie(scope, query)(scope, receive, send_secured)
                return
        refusal = self._refusal(scope, headers, host)
        if refusal is not None:
            await refusal(scope, receive, send_secured)
            return

        received = 0

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limits.max_body_bytes:
                    # Raised inside the route that reads the body, so the app's own
                    # exception handling answers it, before anything is stored.
                    raise HTTPException(413, self._too_large_detail())
            return message

        await self.app(scope, counted_receive, send_secured)

    def _refusal(self, scope: Scope, headers: dict[str, str], host: str) -> ASGIApp | None:
        api = scope["path"].startswith("/api/")
        if self.loopback_only and _host_name(host).lower() not in LOOPBACK_HOSTS:
            return _error(400, f"unknown host {host!r}: this server answers for localhost", api)
        if self.token is not None and not self._has_token(headers):
            return _error(
                401,
                "a token is required: send 'Authorization: Bearer TOKEN', "
                "or open the page once with ?token=TOKEN",
                api,
            )
        if scope["method"] not in _SAFE_METHODS:
            site = headers.get("sec-fetch-site", "")
            origin = headers.get("origin")
            own = f"{scope.get('scheme', 'http')}://{host}"
            # Browsers send Sec-Fetch-Site; Origin is the fallback for those that do not
            # (it can be "null" for a same-origin form under some referrer policies).
            foreign = site in ("cross-site", "same-site") if site else origin not in (None, own)
            if foreign:
                return _error(403, "cross-site request refused", api)
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > self.limits.max_body_bytes:
            return self._too_large()
        return None

    def _has_token(self, headers: dict[str, str]) -> bool:
        assert self.token is not None
        bearer = headers.get("authorization", "")
        if bearer.lower().startswith("bearer ") and _same(bearer[7:], self.token):
            return True
        cookie = SimpleCookie()
        cookie.load(headers.get("cookie", ""))
        morsel = cookie.get(TOKEN_COOKIE)
        return morsel is not None and _same(morsel.value, self.token)

    def _set_token_cookie(self, scope: Scope, query: dict[str, str]) -> ASGIApp:
        """Answer ``?token=`` with the cookie and a redirect to the same page without it,
        so the token leaves the address bar and the history."""
        rest = urlencode({k: v for k, v in query.items() if k != "token"})
        response = Response(
            status_code=303, headers={"location": scope["path"] + (f"?{rest}" if rest else "")}
        )
        assert self.token is not None
        response.set_cookie(TOKEN_COOKIE, self.token, httponly=True, samesite="strict")
        return response

    def _too_large_detail(self) -> str:
        return f"request too large: the limit is {self.limits.max_body_bytes} bytes"

    def _too_large(self) -> ASGIApp:
        return _error(413, self._too_large_detail(), True)


def _error(status: int, detail: str, as_json: bool) -> Response:
    if as_json:
        body = json.dumps({"detail": detail}).encode()
        return Response(body, status_code=status, media_type="application/json")
    return Response(detail + "\n", status_code=status, media_type="text/plain")


def csrf_token(request: Request) -> tuple[str, bool]:
    """The CSRF token for this browser, and whether it is new (then set it as a cookie)."""
    existing = request.cookies.get(CSRF_COOKIE, "")
    if len(existing) >= 32:
        return existing, False
    return secrets.token_urlsafe(32), True


def set_csrf_cookie(response: Response, token: str) -> None:
    response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict")


def csrf_ok(request: Request, submitted: object) -> bool:
    """Whether a form's CSRF field matches this browser's cookie (double submit)."""
    cookie = request.cookies.get(CSRF_COOKIE, "")
    return isinstance(submitted, str) and len(cookie) >= 32 and _same(submitted, cookie)
