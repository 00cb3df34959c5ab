"""Dated sections of docs/benchmarks.md: a new run goes first, earlier days stay as history."""

from __future__ import annotations


def replace_section(document: str, new_section: str, mark: str) -> str:
    """Put ``new_section`` first among the dated sections.

    A section of the same benchmark (its heading holds ``mark``) from the same day is replaced;
    earlier days are kept, so ratios can be compared across runs.
    """
    day = new_section.lstrip().splitlines()[0][:13]  # "## 2026-12-03"
    kept: list[str] = []
    skipping = False
    for line in document.splitlines(keepends=True):
        if line.startswith("## "):
            skipping = mark in line and line.startswith(day)
        if not skipping:
            kept.append(line)
    body = "".join(kept)
    first = body.find("\n## ")
    head, rest = (body, "") if first < 0 else (body[: first + 1], body[first + 1 :])
    return head.rstrip("\n") + "\n\n" + new_section.rstrip("\n") + "\n\n" + rest.lstrip("\n")
