"""What every response and every request of the console goes through.

- :class:`SecurityMiddleware` (pure ASGI, outermost): the headers of every response (CSP
  without inline script or style, ``Cache-Control: no-store``, nosniff, no referrer, no
  framing), a cap on request bodies, and the Fetch-Metadata check: an unsafe method sent
  with ``Sec-Fetch-Site: cross-site`` is refused with 403 before any route runs.
- Cookies: ``__Host-lentera_session`` (``Secure``, ``Path=/``, no ``Domain``) when the
  console is reached over HTTPS; over plain HTTP, which the console only serves on the
  loopback address for local use and the demo, ``lentera_session``: the ``__Host-`` prefix
  requires ``Secure``, and a ``Secure`` cookie set over plain HTTP is dropped by clients that
  do not treat 127.0.0.1 as a secure origin. Both are ``HttpOnly`` and ``SameSite=Strict``.
- CSRF: a synchronizer token per session (OWASP), sent back in the hidden field
  ``csrf_token`` or the ``X-CSRF-Token`` header (htmx ``hx-headers``); checked by the route
  guard in :mod:`bot.console.routing` on every unsafe request. The login form, which has no
  session yet, uses a double-submit token in its own ``SameSite=Strict`` cookie.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterable

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
RESPONSE_HEADERS: tuple[tuple[str, str], ...] = (
    ("content-security-policy", CSP),
    ("cache-control", "no-store"),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("x-frame-options", "DENY"),
    ("cross-origin-opener-policy", "same-origin"),
    ("cross-origin-resource-policy", "same-origin"),
    ("permissions-policy", "camera=(), microphone=(), geolocation=()"),
)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MAX_BODY_BYTES = 64 * 1024  # a 2000-character reply in UTF-8 plus the form is far below
SESSION_COOKIE = "lentera_session"
LOGIN_COOKIE = "lentera_login"
HOST_PREFIX = "__Host-"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


class BodyTooLarge(Exception):
    """The request body passed :data:`MAX_BODY_BYTES`."""


class SecurityMiddleware:
    """Headers on every response, a body cap, and no cross-site unsafe requests."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int = MAX_BODY_BYTES) -> None:
        """Wrap ``app``."""
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run one request."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        unsafe = scope["method"] not in SAFE_METHODS
        send = _with_headers(send, RESPONSE_HEADERS)
        if unsafe and headers.get("sec-fetch-site", "").lower() == "cross-site":
            await _refuse(403, "Cross-site requests are refused.", scope, receive, send)
            return
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body_bytes):
            await _refuse(413, "The request is too large.", scope, receive, send)
            return
        await self.app(scope, _capped(receive, self.max_body_bytes), send)


def _with_headers(send: Send, extra: Iterable[tuple[str, str]]) -> Send:
    encoded = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in extra]
    names = {k for k, _ in encoded}

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
            message = {**message, "headers": kept + encoded}
        await send(message)

    return wrapped


def _capped(receive: Receive, limit: int) -> Receive:
    seen = 0

    async def wrapped() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge()
        return message

    return wrapped


async def _refuse(status: int, text: str, scope: Scope, receive: Receive, send: Send) -> None:
    await PlainTextResponse(text, status_code=status)(scope, receive, send)


def is_secure(request: Request, *, https_setting: bool) -> bool:
    """Whether this request reached the console over HTTPS (or a TLS proxy says so)."""
    return https_setting or request.url.scheme == "https"


def cookie_name(base: str, *, secure: bool) -> str:
    """``__Host-<base>`` over HTTPS, ``<base>`` over plain HTTP on the loopback address."""
    return HOST_PREFIX + base if secure else base


def set_cookie(response: Response, base: str, value: str, *, secure: bool) -> None:
    """Set a console cookie: HttpOnly, SameSite=Strict, Path=/, no Domain, no Max-Age.

    A browser session cookie: it goes when the browser closes, and the server ends the
    session anyway after 30 idle minutes or 12 hours.
    """
    response.set_cookie(
        cookie_name(base, secure=secure),
        value,
        path="/",
        secure=secure,
        httponly=True,
        samesite="strict",
    )


def clear_cookie(response: Response, base: str, *, secure: bool) -> None:
    """Remove a console cookie (same attributes, so the browser matches it)."""
    response.delete_cookie(
        cookie_name(base, secure=secure),
        path="/",
        secure=secure,
        httponly=True,
        samesite="strict",
    )


def read_cookie(request: Request, base: str, *, secure: bool) -> str | None:
    """The cookie's value under the name for this transport, if sent."""
    return request.cookies.get(cookie_name(base, secure=secure)) or None


def new_token() -> str:
    """A random 256-bit token, URL-safe."""
    return secrets.token_urlsafe(32)


def tokens_match(expected: str | None, given: str | None) -> bool:
    """Constant-time comparison; a missing value never matches."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8"))
