"""A turn run again after a crash does not send the replies the platform already accepted."""

from __future__ import annotations

from rasa.core.channels.channel import CollectingOutputChannel

from bot.channels.once import OnceOutput
from tests.bot.storage.helpers import accept, stores

REPLIES = [{"text": "satu"}, {"text": "dua"}, {"text": "tiga"}]


async def test_replies_delivered_before_a_crash_are_skipped_when_the_turn_runs_again(sqlite_db):
    _, inbox, _ = stores(sqlite_db)
    row_id = accept(inbox, "k1", owner="host:999999:dead")
    (first_run,) = inbox.claim_due(
        channel="telegram", owner="host:1:a", lease_seconds=60, dead_owners=["host:999999:dead"]
    )
    platform = CollectingOutputChannel()
    once = OnceOutput(platform, inbox, first_run)
    for reply in REPLIES[:2]:  # the process dies after two replies went out
        await once.send_response("tg_a", reply)
    (again,) = inbox.claim_due(
        channel="telegram", owner="host:2:b", lease_seconds=60, dead_owners=["host:1:a"]
    )
    assert again.id == row_id and again.replies_sent == 2
    rerun = OnceOutput(platform, inbox, again)
    for reply in REPLIES:
        await rerun.send_response("tg_a", reply)
    assert [m["text"] for m in platform.messages] == ["satu", "dua", "tiga"]
