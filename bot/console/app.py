"""The console application: :class:`Console` (what the views use) and :func:`create_app`.

Every route is listed in :func:`routes`; all but ``/login``, ``/health``, ``/ready`` and
``/static`` go through :func:`bot.console.routing.guarded`
(``tests/bot/console/test_authorisation.py`` checks that the list and its matrix agree).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from bot.cases import CaseStore
from bot.console import events, watchdog
from bot.console.routing import RouteSpec, guarded
from bot.console.security import BodyTooLarge, SecurityMiddleware
from bot.console.sessions import SessionStore
from bot.console.staff import StaffStore
from bot.console.views import admin, auth, cases, supervisor
from bot.privacy import retention
from bot.security.encryption import Cipher
from bot.settings import ConsoleSettings
from bot.storage.engine import create_engine
from knowledge_base.directory import Directory, safe_directory

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"


def _when(value: float | None) -> str:
    if value is None:
        return ""
    return dt.datetime.fromtimestamp(value, dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    minutes = max(0, int(seconds // 60))
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min"
    return f"{hours // 24} days"


def make_templates() -> Environment:
    """Jinja2 with autoescaping on for every template (``.html`` and ``.svg``)."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(("html", "svg"), default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = _when
    env.filters["duration"] = _duration
    return env


@dataclass
class Console:
    """Everything a console view needs, built once per process.

    Attributes:
        settings: The console settings.
        engine: Lentera's database.
        cases: The case store (cases, audit, change feed).
        staff: Accounts and canned replies.
        sessions: Server-side sessions.
        clock: Time source (tests move it).
        directory: Loads the referral directory (cached by ``safe_directory``).
        poll_seconds: How often the event stream polls the change feed (at most 0.5 s).
        tracker_engine: Rasa's SQL tracker store, erased by retention (None: skipped).
        stream_seconds: How long one event stream lasts before the browser reconnects.
    """

    settings: ConsoleSettings
    engine: Engine
    cases: CaseStore
    staff: StaffStore
    sessions: SessionStore
    clock: Callable[[], float] = time.time
    directory: Callable[[], Directory] = safe_directory
    poll_seconds: float = 0.5
    stream_seconds: float = 300.0
    tracker_engine: Engine | None = None  # Rasa's tracker store, for retention
    templates: Environment = field(default_factory=make_templates)


def build_console(settings: ConsoleSettings) -> Console:
    """The console of a real process: engine (migrated to head), cipher, stores.

    Raises:
        bot.settings.SettingsError: If ``LENTERA_ENCRYPTION_KEYS`` is missing or malformed.
    """
    engine = create_engine(settings.database_url)
    cipher = Cipher(settings.encryption_keys)
    return Console(
        settings=settings,
        engine=engine,
        cases=CaseStore(engine, cipher),
        staff=StaffStore(engine),
        sessions=SessionStore(engine),
        tracker_engine=retention.tracker_engine_from_env(),
    )


def _page(action: str, role: str = "caseworker") -> RouteSpec:
    return RouteSpec(action=action, role=role, page=True)


def _post(action: str, role: str = "caseworker") -> RouteSpec:
    return RouteSpec(action=action, role=role)


def routes() -> list[BaseRoute]:
    """Every route of the console."""
    get, post = ["GET"], ["POST"]
    return [
        Route("/", lambda _request: RedirectResponse("/cases", status_code=303), methods=get),
        Route("/health", auth.health, methods=get),
        Route("/ready", auth.health, methods=get),  # ready = the database answers
        Route("/login", auth.login_form, methods=get),
        Route("/login", auth.login, methods=post),
        Route("/logout", guarded(_post("logout"), auth.logout), methods=post),
        Route("/cases", guarded(_page("view_queue"), cases.queue), methods=get),
        Route("/cases/{ref}", guarded(_page("view_case"), cases.case_page), methods=get),
        Route(
            "/cases/{ref}/live",
            guarded(RouteSpec("view_case_live"), cases.case_live),
            methods=get,
        ),
        Route("/cases/{ref}/claim", guarded(_post("claim"), cases.claim), methods=post),
        Route("/cases/{ref}/release", guarded(_post("release"), cases.release), methods=post),
        Route("/cases/{ref}/reply", guarded(_post("reply"), cases.reply), methods=post),
        Route("/cases/{ref}/notes", guarded(_post("note"), cases.note), methods=post),
        Route("/cases/{ref}/referral", guarded(_post("referral"), cases.referral), methods=post),
        Route("/cases/{ref}/canned", guarded(_post("insert_canned"), cases.canned), methods=post),
        Route("/cases/{ref}/close", guarded(_post("close"), cases.close), methods=post),
        Route(
            "/cases/{ref}/return",
            guarded(_post("return_to_assistant"), cases.give_back),
            methods=post,
        ),
        Route(
            "/cases/{ref}/reassign",
            guarded(_post("reassign", "supervisor"), supervisor.reassign),
            methods=post,
        ),
        Route(
            "/events",
            guarded(RouteSpec("events", passive=True), stream=events.stream),
            methods=get,
        ),
        Route(
            "/dashboard",
            guarded(_page("view_dashboard", "supervisor"), supervisor.dashboard),
            methods=get,
        ),
        Route(
            "/dashboard/chart.svg",
            guarded(RouteSpec("view_chart", "supervisor"), supervisor.chart),
            methods=get,
        ),
        Route(
            "/dashboard/export.csv",
            guarded(RouteSpec("export", "supervisor"), supervisor.export),
            methods=get,
        ),
        Route("/admin/staff", guarded(_page("view_staff", "admin"), admin.staff_page), methods=get),
        Route(
            "/admin/staff",
            guarded(_post("create_staff", "admin"), admin.create_staff),
            methods=post,
        ),
        Route(
            "/admin/staff/{staff_id:int}",
            guarded(_post("change_staff", "admin"), admin.change_staff),
            methods=post,
        ),
        Route(
            "/admin/canned", guarded(_page("view_canned", "admin"), admin.canned_page), methods=get
        ),
        Route(
            "/admin/canned",
            guarded(_post("create_canned", "admin"), admin.create_canned),
            methods=post,
        ),
        Route(
            "/admin/canned/{canned_id:int}/delete",
            guarded(_post("delete_canned", "admin"), admin.delete_canned),
            methods=post,
        ),
        Mount("/static", app=StaticFiles(directory=str(STATIC)), name="static"),
    ]


async def _too_large(_request: Request, _exc: Exception) -> Response:
    return PlainTextResponse("The request is too large.", status_code=413)


def create_app(console: Console) -> SecurityMiddleware:
    """The ASGI application: the routes inside :class:`SecurityMiddleware`."""

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        tasks = [
            asyncio.create_task(
                watchdog.run(console.cases, console.settings.claim_timeout_minutes)
            ),
            asyncio.create_task(
                retention.run(
                    console.cases,
                    console.engine,
                    console.tracker_engine,
                    retention.Retention.from_env(),
                    console.clock,
                )
            ),
        ]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()

    app = Starlette(
        routes=routes(), exception_handlers={BodyTooLarge: _too_large}, lifespan=lifespan
    )
    app.state.console = console
    return SecurityMiddleware(app)
