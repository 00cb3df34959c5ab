"""`make bench`: every benchmark, one after the other (results under var/bench/)."""

from __future__ import annotations

import subprocess
import sys

BENCHMARKS = [
    "bench.assistant",
    "bench.search.run",
    "bench.money.run",
    "bench.channels",
    "bench.channels.flood",
    "bench.handoff",
    "bench.fuzz",
    "bench.stock",
    "bench.scale",
    "bench.profile",
]


def main() -> int:
    """Run each benchmark module; stop at the first failure."""
    for module in BENCHMARKS:
        print(f"\n## {module}\n", flush=True)
        code = subprocess.call([sys.executable, "-m", module])
        if code:
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main())
