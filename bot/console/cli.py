"""``python -m bot.console``: serve the console, create organisations and staff, seed a demo.

The command line of ``../shared/spec/console.md``::

    python -m bot.console serve
    python -m bot.console org create NAME --countries HK,TW [--languages id,en] [--default]
    python -m bot.console user create EMAIL --org NAME --role ROLE --password-stdin
    python -m bot.console user disable EMAIL
    python -m bot.console seed-demo

Exit 0 on success, 2 on bad arguments, 1 on any other failure, with one line on stderr.
"""

from __future__ import annotations

import argparse
import ipaddress
import secrets
import sys
from collections.abc import Mapping, Sequence
from typing import NoReturn, TextIO

from bot.cases import CaseStore, OrganisationExists
from bot.console.passwords import WeakPassword
from bot.console.sessions import SessionStore
from bot.console.staff import StaffError, StaffStore
from bot.console.tables import ROLES
from bot.security.encryption import Cipher
from bot.settings import ConsoleSettings, SettingsError, load_console_settings
from bot.stack.secrets import SECRETS_FILE, read_env_file, remembered_secret
from bot.storage.engine import create_engine

DEMO_ORGANISATION = "Lentera demo"
DEMO_ADMIN = "admin@lentera.local"
ADMIN_PASSWORD_VARIABLE = "LENTERA_CONSOLE_ADMIN_PASSWORD"  # noqa: S105 - a name, not a value


class BadArguments(Exception):
    """Exit 2: the command line is wrong."""


class Failure(Exception):
    """Exit 1: the command could not be done (the message is the one line on stderr)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise BadArguments(message)


def parser() -> argparse.ArgumentParser:
    """The argument parser (bad arguments raise :class:`BadArguments`)."""
    top = _Parser(prog="python -m bot.console", description="Lentera's caseworker console")
    commands = top.add_subparsers(dest="command", required=True, parser_class=_Parser)
    serve = commands.add_parser("serve", help="run the console (uvicorn)")
    serve.add_argument("--host", help="address to bind (default LENTERA_CONSOLE_HOST)")
    serve.add_argument("--port", type=int, help="port (default LENTERA_CONSOLE_PORT)")
    org = commands.add_parser("org", help="organisations").add_subparsers(
        dest="action", required=True, parser_class=_Parser
    )
    create_org = org.add_parser("create", help="create an organisation")
    create_org.add_argument("name")
    create_org.add_argument("--countries", required=True, help="ISO2 codes, e.g. HK,TW")
    create_org.add_argument("--languages", default="id,en", help="default id,en")
    create_org.add_argument("--default", action="store_true", help="make it the default")
    user = commands.add_parser("user", help="staff accounts").add_subparsers(
        dest="action", required=True, parser_class=_Parser
    )
    create_user = user.add_parser("create", help="create an account")
    create_user.add_argument("email")
    create_user.add_argument("--org", required=True, help="organisation name")
    create_user.add_argument("--role", required=True, choices=ROLES)
    create_user.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    disable = user.add_parser("disable", help="disable an account and end its sessions")
    disable.add_argument("email")
    commands.add_parser("seed-demo", help="demo organisation and admin on an empty database")
    return top


def _keys(settings: ConsoleSettings) -> tuple[str, ...]:
    if settings.encryption_keys:
        return settings.encryption_keys
    stored = read_env_file(SECRETS_FILE).get("LENTERA_ENCRYPTION_KEYS", "")
    keys = tuple(k.strip() for k in stored.split(",") if k.strip())
    if not keys:
        raise Failure("LENTERA_ENCRYPTION_KEYS is not set (make run writes it to var/secrets.env)")
    return keys


def _stores(settings: ConsoleSettings) -> tuple[CaseStore, StaffStore, SessionStore]:
    engine = create_engine(settings.database_url)
    return CaseStore(engine, Cipher(_keys(settings))), StaffStore(engine), SessionStore(engine)


def _read_password(stdin: TextIO) -> str:
    line = stdin.readline()
    return line[:-1] if line.endswith("\n") else line


def org_create(args: argparse.Namespace, settings: ConsoleSettings, out: TextIO) -> None:
    """``org create``."""
    cases, _, _ = _stores(settings)
    try:
        organisation = cases.create_organisation(
            args.name, args.countries, args.languages, default=args.default
        )
    except OrganisationExists as exc:
        raise Failure(str(exc)) from None
    except ValueError as exc:
        raise BadArguments(str(exc)) from None
    default = " (default)" if organisation.is_default else ""
    print(f"organisation {organisation.id}: {organisation.name}{default}", file=out)


def user_create(
    args: argparse.Namespace, settings: ConsoleSettings, out: TextIO, stdin: TextIO
) -> None:
    """``user create``."""
    if not args.password_stdin:
        raise BadArguments("give the password on standard input with --password-stdin")
    password = _read_password(stdin)
    cases, staff, _ = _stores(settings)
    organisation = next((o for o in cases.organisations() if o.name == args.org), None)
    if organisation is None:
        raise Failure(f"no organisation named {args.org!r}")
    try:
        member = staff.create(args.email, organisation.id, args.role, password)
    except WeakPassword as exc:
        raise BadArguments(str(exc)) from None
    except StaffError as exc:
        raise Failure(str(exc)) from None
    cases.audit("system", "create_staff", organisation_id=organisation.id)
    print(f"user {member.id}: {member.email} ({member.role}, {organisation.name})", file=out)


def user_disable(args: argparse.Namespace, settings: ConsoleSettings, out: TextIO) -> None:
    """``user disable``: the account can no longer log in; its sessions end now."""
    cases, staff, sessions = _stores(settings)
    member = staff.by_email(args.email)
    if member is None:
        raise Failure(f"no account with the e-mail {args.email!r}")
    staff.set_disabled(member.id, True)
    ended = sessions.revoke_all(member.id)
    cases.audit("system", "staff_disabled", organisation_id=member.organisation_id)
    print(f"user {member.id} disabled, {ended} session(s) ended", file=out)


def seed_demo(settings: ConsoleSettings, out: TextIO) -> None:
    """Demo organisation (default, no countries) on an empty database, and the demo admin.

    The admin's password is ``LENTERA_CONSOLE_ADMIN_PASSWORD``, else the one kept in
    ``var/secrets.env``, else a new one written there and printed this once.
    """
    cases, staff, _ = _stores(settings)
    organisations = cases.organisations()
    if not organisations:
        organisation = cases.create_organisation(DEMO_ORGANISATION, (), default=True)
        print(f"organisation {organisation.id}: {organisation.name} (default)", file=out)
    else:
        organisation = next((o for o in organisations if o.is_default), organisations[0])
    if staff.by_email(DEMO_ADMIN) is not None:
        print(f"console admin: {DEMO_ADMIN} (exists)", file=out)
        return
    if settings.admin_password:
        password, made = settings.admin_password, False
    else:
        password, made = remembered_secret(
            ADMIN_PASSWORD_VARIABLE, lambda: secrets.token_urlsafe(15), SECRETS_FILE
        )
    try:
        staff.create(DEMO_ADMIN, organisation.id, "admin", password)
    except WeakPassword as exc:
        raise Failure(f"{ADMIN_PASSWORD_VARIABLE}: {exc}") from None
    cases.audit("system", "create_staff", organisation_id=organisation.id)
    shown = f"password {password} (kept in var/secrets.env)" if made else "password as configured"
    print(f"console admin: {DEMO_ADMIN}, {shown}", file=out)


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def serve(args: argparse.Namespace, settings: ConsoleSettings) -> None:
    """Run the console under uvicorn until interrupted."""
    import uvicorn

    from bot.console.app import build_console, create_app

    host = args.host or settings.host
    port = args.port or settings.port
    if not _loopback(host) and not settings.https:
        raise Failure(
            f"refusing to serve plain HTTP on {host}: put the console behind HTTPS and set "
            "LENTERA_CONSOLE_HTTPS=1, or bind 127.0.0.1"
        )
    _keys(settings)
    app = create_app(build_console(settings))
    print(f"Lentera console on http://{host}:{port}/", flush=True)
    # No access log: paths name cases, and the audit log already records who saw what.
    # ws="none": no websockets (Rasa pins an older websockets that uvicorn cannot drive).
    uvicorn.run(
        app,
        host=host,
        port=port,
        access_log=False,
        proxy_headers=settings.https,
        ws="none",
        server_header=False,
    )


def main(
    argv: Sequence[str] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    stdin: TextIO | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Run one command; return the exit status (0 ok, 2 bad arguments, 1 failure)."""
    stdin, out, err = stdin or sys.stdin, out or sys.stdout, err or sys.stderr
    try:
        args = parser().parse_args(argv)
        settings = load_console_settings(env)
        if args.command == "serve":
            serve(args, settings)
        elif args.command == "org":
            org_create(args, settings, out)
        elif args.command == "user" and args.action == "create":
            user_create(args, settings, out, stdin)
        elif args.command == "user":
            user_disable(args, settings, out)
        else:
            seed_demo(settings, out)
    except BadArguments as exc:
        print(f"error: {exc}", file=err)
        return 2
    except (Failure, SettingsError) as exc:
        print(f"error: {exc}", file=err)
        return 1
    except Exception as exc:  # noqa: BLE001 - the contract: one line, exit 1
        print(
            f"error: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}", file=err
        )
        return 1
    return 0
