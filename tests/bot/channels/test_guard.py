import asyncio

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.channels.guard import MAX_MESSAGES, never_silent


def run_turn(handler, *, reraise=False, text="halo kak"):
    collector = CollectingOutputChannel()
    message = UserMessage(text, collector, "pseudonym-1")
    asyncio.run(never_silent(handler, reraise=reraise)(message))
    return collector.messages


def test_repeats_and_runaway_tails_are_dropped():
    async def runaway(message):
        for i in range(10):
            await message.output_channel.send_response(message.sender_id, {"text": "Maaf"})
            await message.output_channel.send_response(message.sender_id, {"text": f"m{i}"})

    sent = run_turn(runaway)
    texts = [m["text"] for m in sent]
    assert len(texts) == MAX_MESSAGES and texts.count("Maaf") == 1


@pytest.mark.parametrize("text", ["halo kak", "hello there, can you help me"])
def test_an_empty_turn_gets_the_apology_with_hotlines(text):
    async def silent(_message):
        return None

    sent = run_turn(silent, text=text)
    assert len(sent) == 1 and "+62 812 9007 0027" in sent[0]["text"]
    assert sent[0]["buttons"][0]["payload"] == "/request_human"


def test_an_error_answers_on_rest_and_is_raised_for_a_retrying_worker():
    async def broken(_message):
        raise RuntimeError("tracker store down")

    assert len(run_turn(broken)) == 1
    with pytest.raises(RuntimeError):
        run_turn(broken, reraise=True)


def test_a_failed_send_is_raised_for_the_worker_to_retry():
    class Down(CollectingOutputChannel):
        async def send_response(self, recipient_id, message):
            raise ConnectionError("platform down")

    async def turn(message):
        await message.output_channel.send_response(message.sender_id, {"text": "halo"})

    message = UserMessage("halo", Down(), "pseudonym-2")
    with pytest.raises(ConnectionError):
        asyncio.run(never_silent(turn, reraise=True)(message))


def test_rasa_waits_for_the_action_server_at_most_the_configured_time(monkeypatch):
    import rasa.core.actions.action as rasa_action
    import rasa.utils.endpoints as rasa_endpoints

    from bot.channels.guard import DEFAULT_ACTION_TIMEOUT_SECONDS, limit_action_timeout

    monkeypatch.setattr(rasa_action, "DEFAULT_REQUEST_TIMEOUT", rasa_action.DEFAULT_REQUEST_TIMEOUT)
    monkeypatch.setattr(
        rasa_endpoints, "DEFAULT_REQUEST_TIMEOUT", rasa_endpoints.DEFAULT_REQUEST_TIMEOUT
    )
    monkeypatch.delenv("LENTERA_ACTION_TIMEOUT_SECONDS", raising=False)
    assert limit_action_timeout() == DEFAULT_ACTION_TIMEOUT_SECONDS < 10
    assert rasa_action.DEFAULT_REQUEST_TIMEOUT == DEFAULT_ACTION_TIMEOUT_SECONDS
    assert rasa_endpoints.DEFAULT_REQUEST_TIMEOUT == DEFAULT_ACTION_TIMEOUT_SECONDS
    monkeypatch.setenv("LENTERA_ACTION_TIMEOUT_SECONDS", "4")
    assert limit_action_timeout() == 4.0
    monkeypatch.setenv("LENTERA_ACTION_TIMEOUT_SECONDS", "soon")
    assert limit_action_timeout() == DEFAULT_ACTION_TIMEOUT_SECONDS


def test_a_tracker_store_error_is_raised_for_rest_even_after_replies():
    from bot.delivery.errors import TrackerStoreUnavailable

    async def saved_nowhere(message):
        await message.output_channel.send_response(message.sender_id, {"text": "halo"})
        raise TrackerStoreUnavailable("OperationalError")

    collector = CollectingOutputChannel()
    turn = never_silent(saved_nowhere, store_errors_raise=True)
    with pytest.raises(TrackerStoreUnavailable):
        asyncio.run(turn(UserMessage("halo", collector, "pseudonym-3")))
    # a webhook cannot take back what it sent: no retry, no repeat
    assert [m["text"] for m in run_turn(saved_nowhere, reraise=True)] == ["halo"]
