"""The REST channel: Rasa's wire format, every turn through the guard, store errors as JSON."""

from __future__ import annotations

import json

from bot.channels.rest import RestInput
from bot.delivery.errors import TrackerStoreFailed, TrackerStoreUnavailable
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


async def store_down(message):
    await message.output_channel.send_response(message.sender_id, {"text": "collected"})
    raise TrackerStoreUnavailable("OperationalError")  # e.g. the save after the replies


async def store_broken(_message):
    raise TrackerStoreFailed("InvalidToken")


async def test_tracker_store_down_answers_503_with_a_json_error_not_an_empty_200():
    async with Harness(RestInput(), store_down) as h:
        r = await h.client.post("/webhooks/rest/webhook", json={"sender": "u1", "message": "halo"})
    assert r.status_code == 503 and r.headers["retry-after"] == "5"
    assert r.json()["error"] == "tracker_store_unavailable" and "collected" not in r.text


async def test_tracker_store_error_answers_500_with_a_json_error():
    async with Harness(RestInput(), store_broken) as h:
        r = await h.client.post("/webhooks/rest/webhook", json={"sender": "u1", "message": "halo"})
    assert r.status_code == 500 and r.json()["error"] == "tracker_store_failed"


async def test_a_streamed_turn_with_the_store_down_ends_with_the_apology():
    async with Harness(RestInput(), store_broken) as h:
        r = await h.client.post(
            "/webhooks/rest/webhook?stream=true", json={"sender": "u1", "message": "halo"}
        )
    lines = [json.loads(line) for line in r.text.splitlines() if line]
    assert r.status_code == 200 and len(lines) == 1 and lines[0]["buttons"]


async def test_health_answers_ok():
    async with Harness(RestInput()) as h:
        r = await h.client.get("/webhooks/rest/")
    assert r.status_code == 200 and r.json() == {"status": "ok"}
