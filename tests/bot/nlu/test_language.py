import pytest

from bot.nlu.language import detect_language, requested_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("gaji sy blm dibayar 3 bulan", "id"),
        ("tolonggg majikan mukul aku", "id"),
        ("my boss keeps my passport", "en"),
        (
            "majikan ga bayar my salary 3 months",
            None,
        ),  # code-mixed evenly: keep the current language
        ("i want to go home please", "en"),
        ("ok", None),
        ("😭😭", None),
        ("riyadh", None),
        ("", None),
    ],
)
def test_detect_language(text, expected):
    assert detect_language(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pakai bahasa inggris aja", "en"),
        ("can you speak indonesian", "id"),
        ("english please", "en"),
        ("bhs indo aja kak", "id"),
        ("ganti bahasa", "id"),
        ("switch language", None),
    ],
)
def test_requested_language(text, expected):
    assert requested_language(text) == expected
