"""``python -m bot.console``: exit 0 / 2 bad arguments / 1 other failure, one line on stderr."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from bot.cases import CaseStore
from bot.console import cli
from bot.console.staff import StaffStore
from bot.security.encryption import Cipher
from bot.storage.engine import create_engine

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def env(database, tmp_path, monkeypatch) -> dict[str, str]:
    monkeypatch.setattr(cli, "SECRETS_FILE", tmp_path / "secrets.env")
    monkeypatch.delenv("LENTERA_CONSOLE_ADMIN_PASSWORD", raising=False)
    url = database.url
    if database.schema:
        create_engine(url, schema=database.schema).dispose()  # migrate inside the schema
        url += f"?options=-csearch_path%3D{database.schema}"
    return {"LENTERA_DATABASE_URL": url, "LENTERA_ENCRYPTION_KEYS": Fernet.generate_key().decode()}


def run(env: dict[str, str], *argv: str, stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(argv), env=env, stdin=io.StringIO(stdin), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def stores(env: dict[str, str]) -> tuple[CaseStore, StaffStore]:
    engine = create_engine(env["LENTERA_DATABASE_URL"])
    return CaseStore(engine, Cipher([env["LENTERA_ENCRYPTION_KEYS"]])), StaffStore(engine)


def test_org_create_and_default_moves(env) -> None:
    assert run(env, "org", "create", "Migrant Care HK", "--countries", "HK,TW")[0] == 0
    code, out, _ = run(env, "org", "create", "Lentera ID", "--countries", "", "--default")
    assert code == 0 and "(default)" in out
    cases, _ = stores(env)
    orgs = {o.name: o for o in cases.organisations()}
    assert (
        orgs["Migrant Care HK"].countries == ("HK", "TW") and not orgs["Migrant Care HK"].is_default
    )
    assert orgs["Lentera ID"].is_default
    assert cases.organisation_for("HK").name == "Migrant Care HK"
    assert cases.organisation_for("SA").name == "Lentera ID"


def test_org_create_twice_is_a_failure(env) -> None:
    run(env, "org", "create", "A", "--countries", "HK")
    code, _, err = run(env, "org", "create", "A", "--countries", "HK")
    assert code == 1 and err.count("\n") == 1 and err.startswith("error: ")


@pytest.mark.parametrize(
    "argv",
    [
        (),
        ("org",),
        ("org", "create", "NoCountries"),
        ("org", "create", "Bad", "--countries", "HKG"),
        ("user", "create", "a@b.test", "--org", "A", "--role", "boss", "--password-stdin"),
        ("user", "create", "a@b.test", "--org", "A", "--role", "admin"),
        ("user",),
        ("nonsense",),
    ],
)
def test_bad_arguments_exit_2_with_one_line(env, argv) -> None:
    run(env, "org", "create", "A", "--countries", "HK")
    code, _, err = run(env, *argv, stdin="x" * 20 + "\n")
    assert code == 2, err
    assert err.count("\n") == 1 and err.startswith("error: ")


def test_user_create_reads_the_password_from_stdin_and_can_log_in(env) -> None:
    run(env, "org", "create", "A", "--countries", "HK")
    code, out, err = run(
        env,
        "user",
        "create",
        "Sari@NGO.test",
        "--org",
        "A",
        "--role",
        "caseworker",
        "--password-stdin",
        stdin="a long enough passphrase\n",
    )
    assert (code, err) == (0, "") and "sari@ngo.test" in out
    _, staff = stores(env)
    assert staff.login("sari@ngo.test", "a long enough passphrase").reason is None


def test_user_create_failures(env) -> None:
    run(env, "org", "create", "A", "--countries", "HK")
    args = ("user", "create", "s@ngo.test", "--role", "caseworker", "--password-stdin")
    assert run(env, *args, "--org", "Nope", stdin="a long enough passphrase\n")[0] == 1
    assert run(env, *args, "--org", "A", stdin="short\n")[0] == 2
    assert run(env, *args, "--org", "A", stdin="a long enough passphrase\n")[0] == 0
    code, _, err = run(env, *args, "--org", "A", stdin="a long enough passphrase\n")
    assert code == 1 and "exists" in err and err.count("\n") == 1


def test_user_disable_ends_sessions(env) -> None:
    from bot.console.sessions import SessionStore

    run(env, "org", "create", "A", "--countries", "HK")
    run(
        env,
        "user",
        "create",
        "s@ngo.test",
        "--org",
        "A",
        "--role",
        "admin",
        "--password-stdin",
        stdin="a long enough passphrase\n",
    )
    engine = create_engine(env["LENTERA_DATABASE_URL"])
    sessions, staff = SessionStore(engine), StaffStore(engine)
    token = sessions.create(staff.by_email("s@ngo.test").id)  # type: ignore[union-attr]
    code, out, _ = run(env, "user", "disable", "s@ngo.test")
    assert code == 0 and "1 session(s) ended" in out
    assert sessions.lookup(token) is None
    assert run(env, "user", "disable", "ghost@ngo.test")[0] == 1


def test_seed_demo_creates_the_default_org_and_prints_a_generated_password_once(env) -> None:
    code, out, _ = run(env, "seed-demo")
    assert code == 0 and "admin@lentera.local" in out
    password = out.split("password ")[1].split(" ")[0]
    cases, staff = stores(env)
    [org] = cases.organisations()
    assert org.is_default and org.countries == ()
    assert staff.login("admin@lentera.local", password).reason is None
    assert f"LENTERA_CONSOLE_ADMIN_PASSWORD={password}" in cli.SECRETS_FILE.read_text()
    again = run(env, "seed-demo")
    assert again[0] == 0 and password not in again[1] and len(cases.organisations()) == 1


def test_seed_demo_uses_the_password_from_the_environment(env) -> None:
    env = {**env, "LENTERA_CONSOLE_ADMIN_PASSWORD": "from the environment!"}
    code, out, _ = run(env, "seed-demo")
    assert code == 0 and "from the environment!" not in out
    assert stores(env)[1].login("admin@lentera.local", "from the environment!").reason is None


def test_seed_demo_keeps_an_existing_default(env) -> None:
    run(env, "org", "create", "Real NGO", "--countries", "HK")
    assert run(env, "seed-demo")[0] == 0
    cases, staff = stores(env)
    assert [o.name for o in cases.organisations()] == ["Real NGO"]
    assert staff.by_email("admin@lentera.local").organisation_id == cases.organisations()[0].id  # type: ignore[union-attr]


def test_missing_keys_are_a_one_line_failure(env) -> None:
    code, _, err = run({"LENTERA_DATABASE_URL": env["LENTERA_DATABASE_URL"]}, "seed-demo")
    assert code == 1 and "LENTERA_ENCRYPTION_KEYS" in err and err.count("\n") == 1


def test_serve_refuses_plain_http_beyond_loopback(env) -> None:
    code, _, err = run({**env, "LENTERA_CONSOLE_HOST": "0.0.0.0"}, "serve")  # noqa: S104
    assert code == 1 and "HTTPS" in err


def test_the_real_command_line_exits_2_on_bad_arguments(sqlite_db) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.console", "user", "create"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(ROOT),
            "LENTERA_DATABASE_URL": sqlite_db.url,
        },
        timeout=60,
        check=False,
    )
    assert result.returncode == 2 and result.stderr.count("\n") == 1


def test_make_run_and_make_demo_start_the_console() -> None:
    from bot.stack.__main__ import procfile

    for demo in (False, True):
        processes = dict(line.split(": ", 1) for line in procfile(demo=demo).splitlines())
        assert processes["console"] == "$LENTERA_BIN/python -m bot.console serve"
