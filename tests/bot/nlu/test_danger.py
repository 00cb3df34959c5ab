import pytest

from bot.nlu.danger import is_danger


@pytest.mark.parametrize(
    "text",
    [
        "tolong sy mau dibunuh majikan",
        "TOLONGGG SAYA DALAM BAHAYA",
        "dia lagi mukulin saya",
        "aku pengen bunuh diri",
        "panggilin polisi sekarang",
        "I'm locked in and he is hitting me right now",
        "he is going to kill me",
        "I want to kill myself",
        "please call the police",
        "he has a knife",
    ],
)
def test_danger_phrases_are_found(text):
    assert is_danger(text)


@pytest.mark.parametrize(
    "text",
    [
        "majikan sering mukul saya",
        "my employer hit me last week",
        "gaji belum dibayar",
        "I was scolded every day by madam",
        "boleh ga majikan nahan paspor?",
    ],
)
def test_reports_are_not_danger(text):
    assert not is_danger(text)
