import pytest

from bot.nlu.gazetteer import gazetteer


def places(text):
    return [(m.entity, m.value) for m in gazetteer().find(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("saya di riyadh sekarang", [("city", "Riyadh")]),
        ("majikan di Arab Saudi jahat", [("country", "SA")]),
        ("im in hongkong", [("country", "HK")]),
        ("kerja di M'sia", [("country", "MY")]),
        ("di malysia", [("country", "MY")]),  # typo
        ("i work in singapur", [("country", "SG")]),  # typo
        ("kerja di kk", [("city", "Kota Kinabalu")]),
        ("KL", [("city", "Kuala Lumpur")]),  # the whole answer is the place
        ("johor bahru", [("city", "Johor Bahru")]),
        ("dubai", [("city", "Dubai")]),
        ("korsel", [("country", "KR")]),
    ],
)
def test_find_normalises_places(text, expected):
    assert places(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "kk tolong aku",  # "kk" = kakak, not Kota Kinabalu
        "mau pulang ke indonesia",  # destination, not where the person is
        "pakai bahasa indonesia",  # a language
        "gaji saya belum dibayar",
    ],
)
def test_find_ignores_ordinary_words(text):
    assert places(text) == []


def test_normalise_and_city_country():
    g = gazetteer()
    assert g.normalise("country", "Malaysia") == "MY"
    assert g.normalise("country", "sa") == "SA"
    assert g.normalise("country", "Narnia") is None
    assert g.normalise("city", "kl") == "Kuala Lumpur"
    assert g.country_of_city("Jeddah") == "SA"
    assert g.country_of_city("Atlantis") is None


@pytest.mark.parametrize(
    "text",
    [
        "kena tipu tawaran kerja di jepang",  # "tawaran" is an offer, not Taiwan
        "nomor kedutaan indonesia",  # the embassy of Indonesia, not a place
    ],
)
def test_no_false_places(text):
    assert ("country", "TW") not in places(text) and ("country", "ID") not in places(text)


def test_capital_abbreviations_are_cities_anywhere():
    assert places("teman ditahan di depo imigresen KL") == [("city", "Kuala Lumpur")]


def test_indonesian_the_language_is_not_a_place():
    assert places("i want to chat in indonesian") == []
