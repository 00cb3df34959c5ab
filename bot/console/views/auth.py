"""Logging in and out, and the health check (the only routes without a session)."""

from __future__ import annotations

import sqlalchemy as sa
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from bot.console.routing import Ctx, console_of
from bot.console.security import (
    CSRF_FIELD,
    LOGIN_COOKIE,
    SESSION_COOKIE,
    clear_cookie,
    is_secure,
    new_token,
    read_cookie,
    set_cookie,
    tokens_match,
)
from bot.console.staff import LOCK_SECONDS

MAX_FIELD = 1024
WRONG = "The e-mail or the password is wrong."
LOCKED = (
    "Too many wrong passwords: this account is locked for {minutes} minutes. "
    "Wait, or ask your organisation's admin."
)
STALE = "The login form was out of date: please try again."


def _login_page(
    request: Request, *, message: str = "", email: str = "", status: int = 200
) -> Response:
    console = console_of(request)
    secure = is_secure(request, https_setting=console.settings.https)
    token = new_token()
    html = console.templates.get_template("login.html").render(
        csrf_token=token, message=message, email=email, principal=None
    )
    response = HTMLResponse(html, status_code=status)
    set_cookie(response, LOGIN_COOKIE, token, secure=secure)
    return response


async def login_form(request: Request) -> Response:
    """``GET /login``: the form (with a fresh double-submit token), or on to the queue."""
    console = console_of(request)
    secure = is_secure(request, https_setting=console.settings.https)
    token = read_cookie(request, SESSION_COOKIE, secure=secure)
    principal = await run_in_threadpool(lambda: console.sessions.lookup(token, touch=False))
    if principal is not None:
        return RedirectResponse("/cases", status_code=303)
    return _login_page(request)


async def login(request: Request) -> Response:
    """``POST /login``: 303 to ``/cases`` with a new session cookie, or the form again."""
    console = console_of(request)
    secure = is_secure(request, https_setting=console.settings.https)
    form = await request.form()
    email, password, given = (form.get(k, "") for k in ("email", "password", CSRF_FIELD))
    email = email if isinstance(email, str) else ""
    password = password if isinstance(password, str) else ""
    expected = read_cookie(request, LOGIN_COOKIE, secure=secure)
    if not tokens_match(expected, given if isinstance(given, str) else None):
        await run_in_threadpool(console.cases.audit, "anonymous", "login", outcome="denied")
        return _login_page(request, message=STALE, email=email[:MAX_FIELD], status=403)
    if len(email) > MAX_FIELD or len(password) > MAX_FIELD:
        await run_in_threadpool(console.cases.audit, "anonymous", "login", outcome="denied")
        return _login_page(request, message=WRONG, status=401)
    result = await run_in_threadpool(console.staff.login, email, password)
    member = result.staff
    if member is None:
        actor = f"staff:{result.known_staff_id}" if result.known_staff_id else "anonymous"
        action = "login_locked" if result.locked_now else "login"
        org_id = None
        if result.known_staff_id:
            known = await run_in_threadpool(console.staff.get, result.known_staff_id)
            org_id = known.organisation_id if known else None
        await run_in_threadpool(
            console.cases.audit, actor, action, organisation_id=org_id, outcome="denied"
        )
        if result.reason == "locked" or result.locked_now:
            message = LOCKED.format(minutes=LOCK_SECONDS // 60)
            return _login_page(request, message=message, email=email, status=429)
        return _login_page(request, message=WRONG, email=email, status=401)
    old = read_cookie(request, SESSION_COOKIE, secure=secure)
    if old:
        previous = await run_in_threadpool(lambda: console.sessions.lookup(old, touch=False))
        if previous is not None:
            await run_in_threadpool(console.sessions.revoke, previous.session_id)
    token = await run_in_threadpool(console.sessions.create, member.id)
    await run_in_threadpool(
        console.cases.audit, f"staff:{member.id}", "login", organisation_id=member.organisation_id
    )
    response = RedirectResponse("/cases", status_code=303)
    set_cookie(response, SESSION_COOKIE, token, secure=secure)
    clear_cookie(response, LOGIN_COOKIE, secure=secure)
    return response


def logout(ctx: Ctx) -> Response:
    """``POST /logout``: revoke the session server-side, drop the cookie, back to login."""
    ctx.console.sessions.revoke(ctx.principal.session_id)
    ctx.audit("logout")
    response = RedirectResponse("/login", status_code=303)
    clear_cookie(response, SESSION_COOKIE, secure=ctx.secure)
    return response


async def health(request: Request) -> Response:
    """``GET /health``: 200 when the database answers, 503 otherwise."""
    console = console_of(request)

    def ping() -> bool:
        try:
            with console.engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
        except Exception:  # noqa: BLE001 - any failure means "not healthy"
            return False
        return True

    if await run_in_threadpool(ping):
        return JSONResponse({"status": "ok", "database": "ok"})
    return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
