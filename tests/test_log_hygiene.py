"""No personal data in any log line of any process, through a whole conversation.

The real system (trained model, Rasa with both connectors, the action server, the console as
its own process) at the production log level, as ``python -m bot.stack run`` starts it:
Rasa's default ``LOG_LEVEL`` (INFO) and ``LOG_LEVEL_LIBRARIES`` (ERROR), the action server's
and the console's own INFO setup, stdout and stderr of each process in one file. On
Telegram (after agreeing that the chat may be kept) and on WhatsApp (never answering the
storage notice), a person tells a story with a phone number, a passport number, an
employer's name and an address, asks for a person, consents; the case opens; a caseworker
claims it, replies and writes a note through the console; the person writes during the
handoff; the caseworker gives the person back to the assistant; the person asks to delete
their data and confirms. Then, with every process stopped (so every buffer is written), no
log line may hold any of those strings, the digits of the phone number, the Telegram chat id
or the WhatsApp number: sender ids in logs are pseudonyms only (``tg_…``/``wa_…``). Nor may
it hold a credential: the bot token, webhook and app secrets, Lentera's keys, a password.

A few INFO lines every run must write are looked for too, so the scan cannot pass on empty or
misplaced logs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.privacy.consent import Consents
from bot.stack.__main__ import procfile
from devtools.console import ConsoleClient
from devtools.conversations import sender_id, wait_quiet
from tests.helpers.handoff import (
    CASEWORKER,
    ORGANISATION,
    handoff_stack,
    texts_to,
    tg_say,
    wa_say,
    wait_until,
    whatsapp_texts,
)

# Fake data only: a Hong Kong number in the 5555 range, an invented passport and address.
PHONE = "+852 5555 0199"
PASSPORT = "C1234567"
EMPLOYER = "Mrs Wong Siu Ming"
ADDRESS = "Flat 12B, 88 Example Road, Tsuen Wan"
TG_CHAT = 5730190426  # the Telegram chat id (a private chat's id is the user's id)
WA_ID = "6281377041296"  # the WhatsApp number of the person, as the Cloud API sends it

# Rasa's defaults, which the Procfile of `python -m bot.stack run` leaves alone; set here so
# that a LOG_LEVEL in the developer's environment cannot lower them. Unbuffered output, so a
# process stopped the hard way has still written every line.
PRODUCTION_LOGGING = {"LOG_LEVEL": "INFO", "LOG_LEVEL_LIBRARIES": "ERROR", "PYTHONUNBUFFERED": "1"}
LOGS = ("rasa.log", "actions.log", "console.log")  # Rasa + connectors, actions, console
# Secrets the processes hold (OWASP ASVS 7.1.1: never logged). A Bot API URL holds the token.
CREDENTIALS = (
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_WEBHOOK_SECRET",
    "WHATSAPP_ACCESS_TOKEN",
    "WHATSAPP_APP_SECRET",
    "WHATSAPP_VERIFY_TOKEN",
    "LENTERA_SECRET_KEY",
    "LENTERA_ENCRYPTION_KEYS",
    "LENTERA_API_TOKEN",
)

# A conversation on each channel, in its language.
SCRIPTS = {
    "telegram": {
        "keep": "boleh simpan chat saya",  # agreed to storage first: the words are kept
        "story": f"kak tolong, majikan sy {EMPLOYER} suka mukul sy, paspor sy {PASSPORT} "
        f"ditahan. sy tinggal di {ADDRESS}, hong kong. no hp sy {PHONE}",
        "request": "sy mau ngomong sama petugas aja",
        "consent": "iya boleh",
        "waiting": f"kak ini no hp sy {PHONE}, majikan sy namanya {EMPLOYER}",
        "claimed": f"alamat sy {ADDRESS}, paspor sy {PASSPORT} masih sama dia",
        "delete": "tolong hapus data saya",
        "confirm": "iya hapus",
    },
    "whatsapp": {
        # never answers the storage notice: nothing agreed, no words kept
        "story": f"my employer {EMPLOYER} hits me and keeps my passport {PASSPORT}. "
        f"I live at {ADDRESS} in Hong Kong, my number is {PHONE}",
        "request": "can I talk to a real person please",
        "consent": "yes",
        "waiting": f"my phone is {PHONE} and my employer is {EMPLOYER}",
        "claimed": f"I am still at {ADDRESS} and she has passport {PASSPORT}",
        "delete": "please delete my data",
        "confirm": "yes",
    },
}
REPLY = f"Halo, saya Rina. Apakah {EMPLOYER} masih memegang paspor {PASSPORT}?"
NOTE = f"Alamat {ADDRESS}; hp {PHONE}; paspor {PASSPORT}"


def needles(credentials: Mapping[str, str] | None = None) -> dict[str, re.Pattern[str]]:
    """What no log line may contain, by name (case-insensitive); ``credentials`` by name too."""
    words = {
        **(credentials or {}),
        "phone number": PHONE,
        "phone number, digits only": re.sub(r"\D", "", PHONE),
        "passport number": PASSPORT,
        "employer's name": "Wong Siu Ming",
        "address": "Flat 12B",
        "street": "Example Road",
        "district": "Tsuen Wan",
        "Telegram chat id": str(TG_CHAT),
        "WhatsApp number": WA_ID,
        "caseworker's reply": REPLY,
        "caseworker's note": NOTE,
    }
    words.update(
        {
            f"{channel} {step} message": text
            for channel in SCRIPTS
            for step, text in SCRIPTS[channel].items()
            if len(text) > 12
        }
    )
    found = {name: re.compile(re.escape(text), re.IGNORECASE) for name, text in words.items()}
    # The local number with any separator (or none): 5555 0199, 5555-0199, 55550199.
    found["phone number, local part"] = re.compile(r"5555\D{0,3}0199")
    return found


def leaks(workdir: Path, credentials: Mapping[str, str] | None = None) -> list[str]:
    """``file:line: what`` for every log line that holds personal data or a credential."""
    patterns = needles(credentials)
    found = []
    for log in sorted(workdir.glob("*.log")):
        for number, line in enumerate(log.read_text(errors="replace").splitlines(), 1):
            for name, pattern in patterns.items():
                if pattern.search(line):
                    found.append(f"{log.name}:{number}: {name}: {line[:200]}")
    return found


@dataclass
class Chat:
    """One person on one channel: what they type, and what their phone received."""

    channel: str
    user_id: str | int
    say: Callable[[str], None]
    received: Callable[[], list[str]]

    def turn(self, text: str, timeout: float = 30.0) -> list[str]:
        """Send ``text``; the messages of the reply (until the chat is quiet for 2 s)."""
        before = len(self.received())
        self.say(text)
        wait_until(lambda: len(self.received()) > before, timeout, f"a reply on {self.channel}")
        wait_quiet(lambda: len(self.received()), quiet=2.0, timeout=timeout)
        return self.received()[before:]


def agreed_to_storage(workdir: Path, sender: str) -> bool:
    """True once Lentera's database records that ``sender`` agreed to storage."""
    engine = sa.create_engine(f"sqlite:///{workdir / 'lentera.db'}")
    try:
        answer = Consents(engine).get(sender)
    finally:
        engine.dispose()
    return answer is not None and answer[0]


def tracker_events(workdir: Path, sender: str) -> int:
    """How many events Rasa's SQL tracker store holds for ``sender``."""
    engine = sa.create_engine(f"sqlite:///{workdir / 'tracker.db'}")
    try:
        with engine.connect() as conn:
            return int(
                conn.execute(
                    sa.text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": sender}
                ).scalar()
            )
    finally:
        engine.dispose()


def converse(chat: Chat, console: ConsoleClient, workdir: Path, sender: str) -> None:
    """The whole conversation of :data:`SCRIPTS` on ``chat``, the caseworker in the console."""
    script = SCRIPTS[chat.channel]
    if "keep" in script:
        chat.turn(script["keep"])
        wait_until(lambda: agreed_to_storage(workdir, sender), 10, "the consent to storage")
    chat.turn(script["story"])
    asked = "\n".join(chat.turn(script["request"]))
    assert ORGANISATION in asked, asked  # the consent question names the organisation
    before = console.refs()
    chat.turn(script["consent"])
    opened = wait_until(lambda: console.refs() - before, 10, f"the {chat.channel} case")
    [ref] = opened  # type: ignore[misc]

    chat.say(script["waiting"])  # while the case waits: into the case, no reply
    wait_until(lambda: script["waiting"] in console.page(f"/cases/{ref}"), 10, "the message")
    assert console.post(f"/cases/{ref}/claim").status_code in (200, 303)
    console.page(f"/cases/{ref}")
    replied = console.post(f"/cases/{ref}/reply", text=REPLY, client_token=chat.channel)
    assert replied.status_code in (200, 303)
    wait_until(lambda: REPLY in chat.received(), 15, "the caseworker's reply")
    console.page(f"/cases/{ref}")
    assert console.post(f"/cases/{ref}/notes", text=NOTE).status_code in (200, 303)
    chat.say(script["claimed"])  # while the caseworker holds it
    wait_until(lambda: script["claimed"] in console.page(f"/cases/{ref}"), 10, "the message")

    count = len(chat.received())
    console.page(f"/cases/{ref}")
    assert console.post(f"/cases/{ref}/return").status_code in (200, 303)
    wait_until(lambda: len(chat.received()) > count, 15, "the assistant back")
    chat.turn(script["delete"])
    chat.turn(script["confirm"])
    wait_until(lambda: tracker_events(workdir, sender) == 0, 15, "the erasure")


def test_the_production_procfile_sets_no_log_level_of_its_own() -> None:
    # What this module runs stands for production only while production uses the defaults.
    commands = procfile(demo=False)
    assert not re.search(r"LOG_LEVEL|--debug|--verbose|--quiet|--log-file|\s-v+\b", commands)


def test_the_scan_finds_each_form_and_passes_pseudonyms(tmp_path: Path) -> None:
    pseudonymous = "INFO bot.channels.erasure - tg_3f9a0c1d2e3f4a5b6c7d8e9f0a1b2c3d erased\n"
    (tmp_path / "rasa.log").write_text(pseudonymous * 3)
    assert leaks(tmp_path) == []
    for line in ("to 85255550199", "hp 5555-0199", f"chat {TG_CHAT}", "MRS WONG SIU MING"):
        (tmp_path / "actions.log").write_text(line + "\n")
        assert len(leaks(tmp_path)) >= 1, line
    (tmp_path / "actions.log").write_text("POST https://api.telegram.org/bot1:T0KEN/sendMessage\n")
    assert leaks(tmp_path) == []
    assert len(leaks(tmp_path, {"TELEGRAM_BOT_TOKEN": "1:T0KEN"})) == 1


@pytest.mark.stack
def test_no_personal_data_in_any_log_line_of_any_process(tmp_path: Path) -> None:
    with handoff_stack(tmp_path, PRODUCTION_LOGGING) as (rasa, telegram, whatsapp, console):
        chats = [
            Chat(
                "telegram",
                TG_CHAT,
                lambda text: tg_say(rasa, TG_CHAT, text),
                lambda: texts_to(telegram, TG_CHAT),
            ),
            Chat(
                "whatsapp",
                WA_ID,
                lambda text: wa_say(rasa, WA_ID, text),
                lambda: whatsapp_texts(whatsapp, WA_ID),
            ),
        ]
        for chat in chats:
            sender = sender_id(rasa.env, chat.channel, chat.user_id)
            converse(chat, console, tmp_path, sender)
        credentials = {name: rasa.env[name] for name in CREDENTIALS}
        credentials["caseworker's password"] = CASEWORKER[1]
    # Every process has stopped: its log is complete.

    logs = {name: (tmp_path / name).read_text(errors="replace") for name in LOGS}
    assert logs["rasa.log"].count("A conversation was erased at the person's request") == 2
    assert logs["actions.log"].count("Case opened for a handoff") == 2
    assert "Lentera console on" in logs["console.log"]
    found = leaks(tmp_path, credentials)
    assert not found, "personal data or credentials in the logs:\n" + "\n".join(found)
