"""The running system for end-to-end tests (see `bot.stack.processes`)."""

from bot.stack.processes import TEST_SECRETS, RasaStack, free_port, running_stack

__all__ = ["TEST_SECRETS", "RasaStack", "free_port", "running_stack"]
