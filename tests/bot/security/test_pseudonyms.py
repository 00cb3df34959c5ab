"""Keyed pseudonyms for platform users and deliveries."""

from __future__ import annotations

from bot.security.pseudonyms import delivery_key, pseudonym


def test_pseudonym_is_stable_prefixed_and_hides_the_id():
    a = pseudonym("secret", "telegram", 555000111)
    assert a == pseudonym("secret", "telegram", "555000111")
    assert a.startswith("tg_") and len(a) == 35 and "555000111" not in a
    assert pseudonym("other", "telegram", 555000111) != a
    assert pseudonym("secret", "whatsapp", "6281234").startswith("wa_")
    assert delivery_key("secret", "whatsapp", "wamid.X") != delivery_key(
        "secret", "telegram", "wamid.X"
    )
