"""The tracker-vs-delivery comparison used by the e2e tests and the benchmark."""

from __future__ import annotations

from devtools.conversations import compare

LONG = "A" * 900 + "\n\n" + "B" * 300


def test_compare_accepts_split_long_utterances_and_repeats():
    uttered = [(LONG, ["/x"]), ("Aman?", ["/affirm"]), (LONG, ["/x"])]
    delivered = [
        ("A" * 900, []),
        ("B" * 300, ["/x"]),
        ("Aman?", ["/affirm"]),
        ("A" * 900, []),
        ("B" * 300, ["/x"]),
    ]
    assert compare(uttered, delivered) == (3, 0, 0)


def test_compare_counts_missing_and_foreign_messages():
    uttered = [("satu", []), ("dua", []), ("tiga", [])]
    assert compare(uttered, [("satu", []), ("tiga", [])]) == (2, 1, 0)
    assert compare(uttered, [("satu", []), ("lain", []), ("dua", []), ("tiga", [])]) == (3, 0, 1)
    assert compare(uttered, [("satu", []), ("dua", ["/wrong"]), ("tiga", [])])[2] == 1
