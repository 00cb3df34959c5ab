"""Waiting for readiness: progress lines while something loads, True once all answer."""

from __future__ import annotations

from bot.stack.readiness import PROGRESS_EVERY_SECONDS, ready_urls, wait_until_ready


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_progress_names_what_is_still_loading_then_everything_is_ready():
    clock, said = Clock(), []
    urls = ready_urls(5005, 5055, "http://127.0.0.1:8080/")
    assert urls["console"] == "http://127.0.0.1:8080/ready"

    def check(url: str) -> bool:  # actions at once, Rasa after 25 s, the console after 12 s
        if url.endswith("/webhooks/rest/ready"):
            return clock.now >= 25
        return "8080" not in url or clock.now >= 12

    assert wait_until_ready(urls, say=said.append, check=check, clock=clock, sleep=clock.sleep)
    assert said and all("waiting for" in line for line in said)
    assert "assistant (Rasa)" in said[-1] and "console" not in said[-1]
    assert "actions" not in " ".join(said)
    assert len(said) <= 25 / PROGRESS_EVERY_SECONDS + 1


def test_it_gives_up_after_the_timeout_saying_what_never_came():
    clock, said = Clock(), []
    done = wait_until_ready(
        {"actions": "http://x/ready"},
        say=said.append,
        check=lambda _url: False,
        clock=clock,
        sleep=clock.sleep,
        timeout=30,
    )
    assert done is False and said[-1].startswith("Still not ready") and "actions" in said[-1]
