import pytest

from actions.understanding import (
    Message,
    asks_rescue,
    asks_something,
    followup_kind,
    is_long,
    names_language,
    problem_in_words,
    refuses_going_home,
    safety_answer,
    writes_for_relative,
)


@pytest.mark.parametrize(
    "text",
    [
        "aman kak",
        "iya saya aman",
        "safe kok kak, cuma stress",
        "I'm safe, I'm staying with a friend",
        "amannn",
        "alhamdulillah aman",
        "im ok",
        "baik2 aja kak",
    ],
)
def test_safe_in_words(text):
    assert safety_answer(text) is True


@pytest.mark.parametrize(
    "text",
    [
        "ga aman",
        "blm aman kak",
        "not safe at night",
        "aman, tp ga boleh keluar rumah",
        "klo siang aman, malem dijaga mandor",
        "pintunya dikunci dari luar",
        "I'm not ok",
        "takut bgt kak",
        "mboten aman",
    ],
)
def test_unsafe_wins_over_safe(text):
    assert safety_answer(text) is False


@pytest.mark.parametrize("text", ["sy di penang, daerah bayan lepas", "ada yg bs jemput kami gk?"])
def test_no_safety_answer(text):
    assert safety_answer(text) is None


@pytest.mark.parametrize(
    ("text", "relative"),
    [
        ("adik sy di malaysia ga ada kabar", True),
        ("my sister's employer hits her", True),
        ("ibuku blm digaji", True),
        ("gaji sy blm dibayar", False),
        ("my employer hits me", False),
    ],
)
def test_writing_for_a_relative(text, relative):
    assert writes_for_relative(text) is relative


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Is there also a WhatsApp number? My credit is almost finished", "whatsapp"),
        ("hp sy mau abis batre, ada nmr wa yg bs sy chat aja?", "whatsapp"),
        ("can I text, I can't talk", "whatsapp"),
        ("yg 24 jam yg mana?", "hours"),
        ("nomor itu bener gak?", "verify"),
        ("gaji sy blm dibayar", None),
    ],
)
def test_followup_questions(text, kind):
    assert followup_kind(text) == kind


def test_long_and_button_messages():
    assert is_long("x" * 3000) and not is_long("halo")
    parse = {
        "text": "/affirm",
        "intent": {"name": "affirm", "confidence": 1.0},
        "entities": [{"entity": "city", "value": "Riyadh"}],
    }
    message = Message.from_parse(parse)
    assert message.is_button and message.entity("city") == "Riyadh"
    assert Message.from_parse(None).intent is None


def test_guesses_and_bounds_are_hedged_plain_figures_are_not():
    from actions.understanding import is_hedged

    for clause in ("gaji sy di bawah 5000", "4500 atau 4800", "around 4k", "gajian tiap tgl 7"):
        assert is_hedged(clause), clause
    for clause in ("gaji sy 4500", "salary HK$4,990", "gaji NTD 20,000 blm dibayar sejak bln 9"):
        assert not is_hedged(clause), clause


@pytest.mark.parametrize(
    "text, expected",
    [
        ("jd sy hrs gmn dulu kak?", True),
        ("trs sy hrs apa", True),
        ("what should i do now", True),
        ("makasih kak", False),
        ("udah dulu ya kak", False),
        ("ok bye, thanks a lot", False),
    ],
)
def test_a_question_is_told_from_a_closing(text, expected):
    assert asks_something(text) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("kerja di ladang sawit di tawau, majikan ga bayar dr bulan puasa", "report_unpaid_wages"),
        ("I have not received my salary for 2 months", "report_unpaid_wages"),
        ("sy butuh bantuan, majikan galak bgt", "report_abuse"),
        ("my boss yells at me every day", "report_abuse"),
        ("paspor sy diambil agen", "report_document_withheld"),
        ("sy pengen pulang kak", "want_to_go_home"),
        ("majikan ga kasih sy makan", "report_overwork"),
        ("udah 8 bulan ga dikasih libur", "report_overwork"),
        ("kerja 18 jam tiap hari", "report_overwork"),
        ("no day off since i arrived", "report_overwork"),
        ("sy ga ada masalah kok", None),
        ("aman kok kak", None),
        ("sy di taiwan", None),
        ("makasih ya", None),
    ],
)
def test_plain_words_name_the_problem_the_classifier_missed(text, expected):
    assert problem_in_words(text) == expected


def test_rescue_and_language_cues():
    assert asks_rescue("ada yg bs jemput kami gk?") and asks_rescue("can someone pick us up")
    assert not asks_rescue("sy di jakarta")
    assert names_language("bisa pakai bahasa indonesia aja?") and names_language("English pls")
    assert not names_language("Can I change employer?")


def test_a_caregiver_naming_her_patient_writes_for_herself():
    assert not writes_for_relative("i work as caregiver in taichung, my grandma patient is ok")
    assert writes_for_relative("adik sy kerja di malaysia ga bisa dihubungi")
    assert writes_for_relative("my sister works in dubai, her boss took her phone")


def test_not_wanting_to_go_home_is_no_going_home_request():
    assert refuses_going_home("i dont want to go home yet because i still have debt")
    assert refuses_going_home("sy blm mau pulang kak")
    assert not refuses_going_home("sy mau pulang kak")
