"""The assistant through its real interfaces: the REST channel and the HTTP API."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest

from devtools.stack import RasaStack

pytestmark = pytest.mark.stack
KEMLU_HOTLINE = "+62 812 9007 0027"


def texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def new_sender() -> str:
    return uuid.uuid4().hex


def test_indonesian_message_gets_indonesian_reply(rasa_stack: RasaStack) -> None:
    sender = new_sender()
    reply = texts(rasa_stack.rest(sender, "gaji sy blm dibayar 3 bulan"))
    assert "Gaji adalah hak Anda" in reply
    assert "Apakah Anda aman sekarang?" in reply
    assert rasa_stack.tracker(sender)["slots"]["language"] == "id"


def test_english_message_gets_english_reply(rasa_stack: RasaStack) -> None:
    sender = new_sender()
    reply = texts(rasa_stack.rest(sender, "my boss keeps my passport"))
    assert "Your passport and documents belong to you" in reply
    assert "Are you safe right now?" in reply
    assert rasa_stack.tracker(sender)["slots"]["language"] == "en"


def _loads_torch(pid: int) -> bool:
    maps = Path(f"/proc/{pid}/maps").read_text()
    return "libtorch" in maps


def test_neither_server_loads_torch(rasa_stack: RasaStack) -> None:
    """torch is only for building the index; loaded by spaCy's thinc it cost Rasa ~450 MB."""
    rasa_stack.rest(new_sender(), "paspor sy ditahan majikan di kuala lumpur")
    assert not _loads_torch(rasa_stack.rasa_pid)
    assert not _loads_torch(rasa_stack.actions_pid)


def test_language_switch_with_a_button(rasa_stack: RasaStack) -> None:
    sender = new_sender()
    rasa_stack.rest(sender, "halo")
    reply = texts(rasa_stack.rest(sender, '/choose_language{"language": "en"}'))
    assert "I will write in English" in reply
    assert "Are you safe right now?" in texts(rasa_stack.rest(sender, "/want_to_go_home"))


def test_emergency_in_the_middle_of_a_form_gets_contacts_first(rasa_stack: RasaStack) -> None:
    sender = new_sender()
    rasa_stack.rest(sender, "saya kerja di malaysia, paspor sy ditahan agen")
    first = rasa_stack.rest(sender, "tolong dia lagi mukulin saya sekarang")[0]["text"]
    assert "999" in first  # Malaysia's emergency number, in the very first reply
    tracker = rasa_stack.tracker(sender)
    assert tracker["active_loop"] in ({}, None, {"name": None}) or not tracker["active_loop"].get(
        "name"
    )


def test_emergency_without_place_gives_national_hotline_then_asks(rasa_stack: RasaStack) -> None:
    sender = new_sender()
    replies = rasa_stack.rest(sender, "I'm locked in and he is hitting me right now")
    assert KEMLU_HOTLINE in replies[0]["text"]
    assert "Which country" in replies[-1]["text"]
    local = texts(rasa_stack.rest(sender, "Riyadh"))
    assert "911" in local or "999" in local or "112" in local


def test_full_report_path_shows_directory_entries(rasa_stack: RasaStack) -> None:
    sender = new_sender()
    rasa_stack.rest(sender, "gaji sy blm dibayar 3 bulan")
    rasa_stack.rest(sender, "/affirm")
    replies = rasa_stack.rest(sender, "saya di hong kong")
    last = replies[-1]
    assert "tel:" in last["text"] or "https://" in last["text"]
    assert "/request_human" in [b["payload"] for b in last["buttons"]]
    assert rasa_stack.tracker(sender)["slots"]["country"] == "HK"


@pytest.mark.parametrize(
    "message",
    [
        "",
        "😭😭😭🙏",
        "tolong " * 1700,  # about 10,000 characters
        "Kumusta, saan ang pinakamalapit na simbahan?",  # Tagalog
        "ﺍﻟﺴﻼﻡ ﻋﻠﻴﻜﻢ ﻛﻴﻒ ﺣﺎﻟﻚ",  # Arabic, right to left
        "\x00\x01\x7f\u200b\ufffd\x1b[31m",  # control characters and replacement chars
    ],
)
def test_bad_input_gets_a_sensible_reply(rasa_stack: RasaStack, message: str) -> None:
    replies = rasa_stack.rest(new_sender(), message)
    assert replies, "silence"
    assert all(r.get("text") or r.get("buttons") for r in replies)


def test_unparseable_body_is_a_client_error(rasa_stack: RasaStack) -> None:
    response = httpx.post(
        f"{rasa_stack.rasa_url}/webhooks/rest/webhook",
        content=bytes(range(256)),
        headers={"Content-Type": "application/json"},
    )
    assert 400 <= response.status_code < 500


def test_http_api_needs_the_token(rasa_stack: RasaStack) -> None:
    response = httpx.post(f"{rasa_stack.rasa_url}/model/parse", json={"text": "halo"})
    assert response.status_code == 401


def test_a_hung_action_server_gets_the_hotlines_within_ten_seconds_then_recovers(
    rasa_stack: RasaStack,
) -> None:
    import os
    import signal
    import time

    sender = new_sender()
    assert rasa_stack.rest(new_sender(), "halo")  # a warm process, as in service
    os.kill(rasa_stack.actions_pid, signal.SIGSTOP)  # alive but answering nothing
    try:
        started = time.monotonic()
        reply = texts(rasa_stack.rest(sender, "gaji sy blm dibayar 3 bulan", timeout=60))
        waited = time.monotonic() - started
    finally:
        os.kill(rasa_stack.actions_pid, signal.SIGCONT)
    assert waited < 10, f"waited {waited:.1f} s"
    assert KEMLU_HOTLINE in reply  # a neutral apology with the national hotlines
    assert "Gaji adalah hak Anda" in texts(rasa_stack.rest(sender, "gaji sy blm dibayar 3 bulan"))


def test_ready_says_what_a_turn_needs_and_names_what_fails(rasa_stack: RasaStack) -> None:
    import os
    import signal

    ready = f"{rasa_stack.rasa_url}/webhooks/rest/ready"
    answer = httpx.get(ready, timeout=30)
    assert answer.status_code == 200, answer.text
    assert set(answer.json()["checks"]) == {"model", "tracker_store", "lock_store", "action_server"}
    assert httpx.get(f"{rasa_stack.actions_url}/ready", timeout=10).status_code == 200
    os.kill(rasa_stack.actions_pid, signal.SIGSTOP)
    try:
        answer = httpx.get(ready, timeout=30)
    finally:
        os.kill(rasa_stack.actions_pid, signal.SIGCONT)
    assert answer.status_code == 503 and answer.json()["checks"]["action_server"] != "ok"


def test_wage_figures_typed_as_people_write_get_the_sourced_sums(rasa_stack: RasaStack) -> None:
    sender = new_sender()
    reply = texts(
        rasa_stack.rest(sender, "gaji sy 4500 HKD udh 3 bulan blm dibayar, sy di hong kong")
    )
    assert "13.500" in reply  # HK$4,500 x 3, in the person's language's number format
    assert "Sumber" in reply and "aman sekarang" in reply
    summary = rasa_stack.tracker(sender)["slots"]["money_summary"]
    assert "13,500" in summary and "MECAB" in summary
