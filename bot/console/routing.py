"""The route guard: every console route is declared here, and denied unless it passes.

:func:`guarded` turns a view into a Starlette endpoint that, in this order:

1. finds the session (cookie -> ``console_sessions``); none: 303 to ``/login`` for a page,
   401 for anything else (fragments, forms, the event stream, the chart);
2. checks the role (caseworker < supervisor < admin); too low: 403;
3. on an unsafe method, checks the CSRF token (form field ``csrf_token`` or header
   ``X-CSRF-Token``) against the session's: missing or wrong: 403;
4. runs the view in a worker thread (the stores are synchronous) and turns
   :class:`Refusal` into its status (404 for another organisation's case).

Every refusal writes a ``denied`` audit row: who (``staff:<id>`` or ``anonymous``), which
action, which case, never content.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from bot.console.security import (
    CSRF_FIELD,
    CSRF_HEADER,
    SAFE_METHODS,
    SESSION_COOKIE,
    is_secure,
    read_cookie,
    tokens_match,
)
from bot.console.sessions import Principal

if TYPE_CHECKING:
    from bot.console.app import Console

ROLE_RANK = {"caseworker": 1, "supervisor": 2, "admin": 3}
PASSIVE_HEADER = "x-lentera-passive"  # live refreshes: not activity for the idle timeout


class Refusal(Exception):
    """A view refuses the request.

    Attributes:
        status: HTTP status (403, 404, 409, 422 ...).
        message: What the page says, in plain words (no content, no ids of other orgs).
        case_id: The case concerned, for the audit row.
        audit: Whether the guard writes a ``denied`` audit row (the case store already
            writes its own for the refusals it raises).
    """

    def __init__(
        self, status: int, message: str, *, case_id: int | None = None, audit: bool = True
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.case_id = case_id
        self.audit = audit


@dataclass
class Ctx:
    """What a view gets: the request, the console, who asks, and the parsed form."""

    request: Request
    console: Console
    principal: Principal
    action: str
    form: Mapping[str, Any] = field(default_factory=dict)
    secure: bool = False

    def field(self, name: str, default: str = "") -> str:
        """A text field of the form ('' when absent or not text)."""
        value = self.form.get(name, default)
        return value if isinstance(value, str) else default

    def query(self, name: str) -> str:
        """A query parameter ('' when absent)."""
        return self.request.query_params.get(name, "")

    def audit(self, action: str | None = None, *, case_id: int | None = None) -> None:
        """Write an ``ok`` audit row for this principal (views, exports)."""
        self.console.cases.audit(
            self.principal.actor,
            action or self.action,
            case_id=case_id,
            organisation_id=self.principal.organisation_id,
        )


View = Callable[[Ctx], Response]
AsyncView = Callable[[Ctx], Awaitable[Response]]


@dataclass(frozen=True)
class RouteSpec:
    """How a route is guarded.

    Attributes:
        action: Audit name of what the route does (``view_case``, ``reply`` ...).
        role: Lowest role allowed.
        page: A full page: without a session, redirect to the login page.
        passive: Never counts as activity (event stream).
    """

    action: str
    role: str = "caseworker"
    page: bool = False
    passive: bool = False


def console_of(request: Request) -> Console:
    """The :class:`~bot.console.app.Console` of the running application."""
    console: Console = request.app.state.console
    return console


def error_response(
    console: Console,
    request: Request,
    status: int,
    message: str,
    principal: Principal | None = None,
) -> Response:
    """A small HTML page (or fragment, for htmx) saying what went wrong."""
    fragment = request.headers.get("hx-request") == "true"
    html = console.templates.get_template("_error.html" if fragment else "error.html").render(
        status=status,
        message=message,
        principal=principal,
        csrf_token=principal.csrf_token if principal else "",
    )
    return HTMLResponse(html, status_code=status)


def guarded(spec: RouteSpec, view: View | None = None, *, stream: AsyncView | None = None) -> Any:
    """Wrap a synchronous ``view`` (or an async ``stream``) in the guard described above."""
    if (view is None) == (stream is None):
        raise ValueError("give exactly one of view and stream")

    async def endpoint(request: Request) -> Response:
        console = console_of(request)
        secure = is_secure(request, https_setting=console.settings.https)
        token = read_cookie(request, SESSION_COOKIE, secure=secure)
        passive = spec.passive or request.headers.get(PASSIVE_HEADER) == "1"
        principal = await run_in_threadpool(
            lambda: console.sessions.lookup(token, touch=not passive)
        )
        if principal is None:
            await run_in_threadpool(console.cases.audit, "anonymous", spec.action, outcome="denied")
            if spec.page and request.method in SAFE_METHODS:
                return RedirectResponse("/login", status_code=303)
            return error_response(console, request, 401, "Your session has ended: log in again.")

        def deny(status: int, message: str, case_id: int | None = None) -> Response:
            console.cases.audit(
                principal.actor,
                spec.action,
                case_id=case_id,
                organisation_id=principal.organisation_id,
                outcome="denied",
            )
            return error_response(console, request, status, message, principal)

        if ROLE_RANK.get(principal.role, 0) < ROLE_RANK[spec.role]:
            return await run_in_threadpool(deny, 403, f"This page is for the {spec.role} role.")
        form: FormData | dict[str, Any] = {}
        if request.method not in SAFE_METHODS:
            form = await request.form()
            given = form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)
            if not tokens_match(principal.csrf_token, given if isinstance(given, str) else None):
                return await run_in_threadpool(
                    deny, 403, "The form was out of date or not sent by this console: reload it."
                )
        ctx = Ctx(request, console, principal, spec.action, form, secure)
        try:
            if stream is not None:
                return await stream(ctx)
            assert view is not None
            return await run_in_threadpool(view, ctx)
        except Refusal as refusal:
            if not refusal.audit:
                return error_response(console, request, refusal.status, refusal.message, principal)
            return await run_in_threadpool(deny, refusal.status, refusal.message, refusal.case_id)

    endpoint.__name__ = spec.action
    endpoint.spec = spec  # type: ignore[attr-defined]
    return endpoint
