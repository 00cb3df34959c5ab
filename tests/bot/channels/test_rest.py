"""The REST channel: Rasa's wire format, every turn through the guard."""

from __future__ import annotations

from bot.channels.rest import RestInput
from tests.bot.channels.harness import Harness


async def rest(h: Harness, text: str) -> list[dict]:
    r = await h.client.post("/webhooks/rest/webhook", json={"sender": "u1", "message": text})
    assert r.status_code == 200
    return r.json()


async def test_a_turn_answers_in_rasas_rest_format():
    async with Harness(RestInput()) as h:
        [answer] = await rest(h, "halo")
    assert answer["recipient_id"] == "u1" and answer["text"] == "echo: halo"
    assert [b["payload"] for b in answer["buttons"]] == ["/affirm", "/deny"]
    assert [m.text for m in h.messages] == ["halo"]


async def test_a_silent_turn_still_gets_an_answer():
    async with Harness(RestInput(), None) as h:
        answers = await rest(h, "halo")
    assert answers and all(a["recipient_id"] == "u1" and a.get("text") for a in answers)
