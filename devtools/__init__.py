"""Development tools: the stack runner and fake Telegram/WhatsApp platforms.

Used by ``make demo``, the benchmarks and the tests; production code never needs them (and
nothing here imports ``tests``).
"""
