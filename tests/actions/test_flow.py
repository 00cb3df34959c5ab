"""The dialogue as plain functions: one turn at a time, free text as people type it."""

from __future__ import annotations

import re

import pytest

from actions.contacts import directory
from actions.flow import MAX_MESSAGES, respond
from actions.state import State
from actions.understanding import Message


def msg(text: str, intent: str, conf: float = 0.9, **entities: str) -> Message:
    return Message(text, intent, conf, ((intent, conf),), tuple(entities.items()))


def talk(turns: list[Message], lang: str = "id") -> tuple[State, list[list[str]]]:
    state = State(language=lang)
    replies = []
    for message in turns:
        replies.append([m["text"] for m in respond(state, message, directory())])
    return state, replies


def numbers(texts: list[str]) -> str:
    return re.sub(r"\D", "", " ".join(texts))


def first_entry(body: str) -> str:
    """The name of a message's first contact (after the neutral header, its first line)."""
    header, entries = body.split("\n\n", 1)
    assert ":" in header and not re.search(r"\d", header)
    return entries.splitlines()[0]


def test_every_turn_answers_within_limits_without_repeats():
    state, replies = talk(
        [
            msg("gaji sy blm dibayar 3 bulan", "report_unpaid_wages"),
            msg("iya saya aman", "affirm"),
            msg("???", "nlu_fallback", 0.1),
            msg("???", "nlu_fallback", 0.1),
            msg("ok", "affirm"),
        ]
    )
    for turn in replies:
        assert 1 <= len(turn) <= MAX_MESSAGES
        assert len(turn) == len(set(turn))


def test_safety_answered_with_a_place_is_not_asked_again():
    state, replies = talk(
        [
            msg("paspor sy ditahan majikan", "report_document_withheld"),
            msg("sy di penang, daerah bayan lepas", "inform", city="Bayan Lepas"),
        ]
    )
    assert state.country == "MY" and state.city == "Bayan Lepas"
    assert not any("aman sekarang" in t for t in replies[1])
    assert "KJRI Penang" in "\n".join(replies[1])


def test_a_question_is_asked_at_most_twice_then_the_national_hotlines():
    state, replies = talk(
        [msg("majikan sy jahat", "report_abuse")] + [msg("hmm", "nlu_fallback", 0.2)] * 4
    )
    asked = [t for turn in replies for t in turn if t.endswith("?")]
    assert all(asked.count(q) <= 2 for q in asked)
    assert "81290070027" in numbers(replies[-1]) or "8118080141" in numbers(
        [t for turn in replies for t in turn]
    )


def test_named_city_wins_over_the_earlier_country():
    state, replies = talk(
        [
            msg("I'm in Hong Kong, my employer hits me", "report_abuse", country="HK"),
            msg("safe now", "affirm"),
            msg("nomor kbri riyadh berapa", "ask_embassy_contact", city="Riyadh"),
        ],
        "en",
    )
    assert "Riyadh" in first_entry(replies[-1][0])


def test_kuala_lumpur_gets_the_embassy_not_tawau():
    _, replies = talk(
        [
            msg("paspor sy ditahan majikan di KL", "report_document_withheld", city="Kuala Lumpur"),
            msg("aman kak", "affirm"),
        ]
    )
    first = first_entry(replies[-1][0])
    assert first == "KBRI Kuala Lumpur"


@pytest.mark.parametrize(("city", "mission"), [("Lahad Datu", "Tawau"), ("Dammam", "Riyadh")])
def test_city_maps_to_its_mission_area(city, mission):
    _, replies = talk([msg(f"kbri dekat {city}", "ask_embassy_contact", city=city)])
    assert mission in first_entry(replies[0][0])


def test_danger_in_a_country_without_entries_gets_national_hotlines_first():
    _, replies = talk(
        [msg("they will beat us tonight, we are in Poland", "emergency", country="PL")], "en"
    )
    assert "Poland" in replies[0][0] and "+62 812 9007 0027" in replies[0][0]


def test_not_safe_in_words_gives_emergency_numbers_at_once():
    _, replies = talk(
        [
            msg("majikan sering mukul sy di hongkong", "report_abuse", country="HK"),
            msg("klo siang aman, malem dijaga", "nlu_fallback", 0.3),
        ]
    )
    assert "999" in replies[1][0]


def test_whatsapp_follow_up_answers_from_the_contacts_shown():
    state, replies = talk(
        [
            msg("kbri riyadh", "ask_embassy_contact", city="Riyadh"),
            msg("hp sy mau abis batre, ada nmr wa yg bs sy chat aja?", "ask_embassy_contact"),
        ]
    )
    assert "WhatsApp" in replies[1][0] and "wa.me" in replies[1][0]


def test_long_story_is_never_goodbye():
    story = "sy kerja di rumah majikan sudah lama. " * 80
    _, replies = talk([msg(story, "goodbye", 0.5), msg("jd sy hrs gmn dulu kak?", "goodbye", 0.4)])
    assert "membaca seluruh cerita" in replies[0][0]
    assert not any("Sampai jumpa" in t for turn in replies for t in turn)


@pytest.mark.parametrize(
    "question, intent",
    [
        ("jd sy hrs gmn dulu kak?", "goodbye"),
        ("trs sy hrs apa dulu kak", "goodbye"),
        ("ok thanks, what should i do now", "thank"),
        ("jd sy hrs gmn dulu kak?", "nlu_fallback"),
        ("what next?", "out_of_scope"),
        ("who can help me get the money?", "nlu_fallback"),
    ],
)
def test_what_now_after_the_contacts_gets_the_first_step_and_a_caseworker(question, intent):
    state, replies = talk(
        [
            msg("gaji sy ga dibayar 3 bulan", "report_unpaid_wages", country="HK"),
            msg("aman", "affirm"),
            msg(question, intent, 0.97),
        ]
    )
    assert state.done
    last = " ".join(replies[-1])
    assert not any(w in last for w in ("Sampai jumpa", "Goodbye", "Sama-sama"))
    assert "Langkah pertama" in last or "First step" in last


def test_what_now_instead_of_answering_the_safety_question_gets_the_contacts():
    state, replies = talk(
        [
            msg("majikan sy suka teriak2, sy di taiwan", "report_abuse", country="TW"),
            msg("so what i do now?", "nlu_fallback", 0.4),
        ]
    )
    asked = [t for turn in replies for t in turn if "aman" in t.lower() and "?" in t]
    assert len(asked) <= 1 and state.done
    assert "1955" in numbers(replies[1]) or "Taipei" in " ".join(replies[1])


def test_a_question_as_the_first_message_is_no_goodbye():
    _, replies = talk([msg("sy hrs gmn kak?", "goodbye", 0.9)])
    assert replies[0] and not any("Sampai jumpa" in t for t in replies[0])


def test_a_money_question_inside_a_wage_case_is_about_the_case_unless_it_says_send():
    wage = msg("I have not received my salary for 4 months", "report_unpaid_wages", country="TW")
    safe = msg("I'm ok for now", "affirm")
    _, replies = talk([wage, safe, msg("who can help me get the money?", "ask_send_money_home")])
    assert "Taiwan" in " ".join(replies[-1]) or "1955" in numbers(replies[-1])
    _, replies = talk([wage, safe, msg("how do i send money home?", "ask_send_money_home")])
    assert "Bank Indonesia" in " ".join(replies[-1])


def test_a_problem_in_plain_words_is_heard_when_the_classifier_read_a_place():
    _, replies = talk(
        [msg("kerja di ladang sawit di tawau, majikan ga bayar", "inform", city="Tawau")]
    )
    assert "gaji" in replies[0][0].lower()  # the wages acknowledgement, not "place noted"


def test_asking_to_be_fetched_in_danger_gets_the_emergency_numbers():
    _, replies = talk(
        [
            msg(
                "kami dijual agen ke tempat karaoke, ga boleh keluar",
                "report_trafficking",
                country="MY",
            ),
            msg("ada yg bs jemput kami gk?", "nlu_fallback", 0.4),
        ]
    )
    assert "999" in numbers(replies[1]) and not any("belum paham" in t for t in replies[1])


def test_a_question_read_as_a_language_switch_keeps_the_language():
    state, replies = talk([msg("Can I change employer?", "choose_language")], lang="en")
    assert state.language == "en" and not any("Bahasa Indonesia" in t for t in replies[0])


def test_a_broker_fee_read_as_another_report_still_gets_the_fee_check():
    _, replies = talk(
        [
            msg(
                "my broker takes NT$1,800 every month, this is my third year",
                "report_missing_person",
                country="TW",
            )
        ],
        lang="en",
    )
    assert "1,800" in " ".join(replies[0]) and "broker" in " ".join(replies[0]).lower()


def test_the_written_currency_says_where_the_person_is():
    state, replies = talk(
        [
            msg(
                "gaji sy 4.500 HKD, udh 3 bulan blm dibayar, kontrak Oktober 2025",
                "report_unpaid_wages",
            )
        ]
    )
    assert state.country == "HK"
    text = " ".join(replies[0])
    assert "13.500" in text and ("MECAB" in text or "Minor Employment" in text)


def test_whatsapp_asked_after_the_emergency_numbers_gets_a_written_channel():
    _, replies = talk(
        [
            msg(
                "majikan ngancam pake pisau, sy ngumpet di kamar mandi",
                "emergency",
                city="Riyadh",
                country="SA",
            ),
            msg("hp sy mau abis batre, ada nmr wa yg bs sy chat aja?", "ask_embassy_contact"),
        ]
    )
    assert "wa.me" in " ".join(replies[1])


def test_language_switch_inside_a_flow_resumes_the_question():
    state, replies = talk(
        [
            msg("gaji sy blm dibayar", "report_unpaid_wages"),
            msg("can you answer in English from now?", "choose_language", language="en"),
        ]
    )
    assert replies[1][-1] == "Are you safe right now?"


def test_delete_asks_then_restarts():
    state, replies = talk([msg("hapus data saya", "delete_my_data"), msg("/affirm", "affirm")])
    assert state.pending == "deleted"


def test_relative_is_asked_about_the_relative():
    _, replies = talk([msg("adik sy dipukul majikannya", "report_abuse")])
    assert "dia aman" in replies[0][-1]  # the question comes last, after the storage notice


def test_missing_person_is_not_asked_if_safe():
    state, replies = talk(
        [msg("adik sy di malaysia ga ada kabar", "report_missing_person", country="MY")]
    )
    assert not any("aman" in t for t in replies[0][1:])
    assert state.done


def test_not_safe_after_the_contacts_still_gets_emergency_numbers():
    _, replies = talk(
        [
            msg("paspor sy ditahan di KL", "report_document_withheld", city="Kuala Lumpur"),
            msg("aman kak", "affirm"),
            msg("skrg ga aman, dia marah2", "deny"),
        ]
    )
    assert "999" in replies[2][0]


def test_asking_for_a_safe_place_is_not_an_answer_about_safety():
    state, _ = talk(
        [msg("gaji sy blm dibayar", "report_unpaid_wages"), msg("ada rumah aman?", "ask_shelter")]
    )
    assert state.is_safe_now is None


def test_emergency_without_a_place_then_the_place_gives_local_numbers():
    state, replies = talk(
        [
            msg("I'm locked in and he is hitting me right now", "emergency"),
            msg("Riyadh", "inform", city="Riyadh"),
        ],
        "en",
    )
    assert "+62 812 9007 0027" in replies[0][0] and replies[0][-1].startswith("Which country")
    assert "911" in replies[1][0] or "999" in replies[1][0]
    assert state.is_safe_now is False


def test_the_last_named_country_is_where_the_person_is():
    state, _ = talk(
        [msg("dulu sy di malaysia, skrg di singapura", "report_document_withheld", country="SG")]
    )
    assert state.country == "SG"


def test_a_place_answers_the_pending_request_first():
    _, replies = talk(
        [
            msg("My boss keeps my passport", "report_document_withheld"),
            msg("can embassy help renew my permit?", "ask_embassy_contact"),
            msg("I'm in Kuala Lumpur", "inform", city="Kuala Lumpur"),
        ],
        "en",
    )
    assert "Kuala Lumpur" in first_entry(replies[2][0])


def test_local_contacts_come_before_national_hotlines():
    _, replies = talk(
        [
            msg("kerja di sawit di tawau, gaji ga dibayar", "report_unpaid_wages", city="Tawau"),
            msg("aman aja kak", "affirm"),
        ]
    )
    assert "Tawau" in first_entry(replies[1][0])


def test_abuse_report_carries_the_local_emergency_number():
    _, replies = talk([msg("majikan sy di hongkong suka mukul", "report_abuse", country="HK")])
    assert any("999" in t for t in replies[0])


def test_a_long_story_is_read_for_the_report_it_carries():
    story = "Maaf panjang. " * 40 + "jadi gaji sy blm dibayar"
    message = Message(
        story,
        "ask_safe_migration",
        0.4,
        (("ask_safe_migration", 0.4), ("report_unpaid_wages", 0.3), ("greet", 0.1)),
        (),
    )
    state = State()
    respond(state, message, directory())
    assert state.problem == "unpaid_wages"


def test_a_relative_writing_from_home_keeps_the_place_abroad():
    state, _ = talk(
        [
            msg(
                "adik sy kerja di malaysia ga bisa dihubungi", "report_missing_person", country="MY"
            ),
            msg("sy kakaknya, sy di lombok", "inform", city="Mataram"),
        ]
    )
    assert state.country == "MY"


def test_indonesia_named_in_a_story_is_not_where_the_person_is():
    message = Message(
        "I came from Indonesia, now in Saudi, my passport is held",
        "report_document_withheld",
        0.9,
        (("report_document_withheld", 0.9),),
        (("country", "ID"), ("country", "SA")),
    )
    state = State()
    respond(state, message, directory())
    assert state.country == "SA"


def test_a_contact_is_shown_once_per_turn_even_when_two_answers_name_it():
    # Found by the 300-walk fuzz (seed 1): a rights question with no country after a
    # report showed KP2MI in the answer and again in the resumed national hotlines.
    state, replies = talk(
        [
            msg("gaji sy blm dibayar", "report_unpaid_wages"),
            msg("iya aman", "affirm"),
            msg("apa hak sy sbg pekerja?", "ask_rights"),
            msg("hak sy apa aja?", "ask_rights"),
            msg("kalau hak cuti gmn", "ask_rights"),
        ]
    )
    for turn in replies:
        assert 1 <= len(turn) <= MAX_MESSAGES
        whole = "\n\n".join(turn)
        for block in (b for b in whole.split("\n\n") if re.search(r"\d{3}", b)):
            assert whole.count(block) == 1, block


def test_the_agency_at_home_does_not_move_a_worker_abroad_home():
    state, replies = talk(
        [
            msg("gaji sy blm dibayar 4 bulan, sy di riyadh", "report_unpaid_wages", city="Riyadh"),
            msg("sy berangkat lewat PT di malang, mereka gk mau bantu", "inform", city="Malang"),
        ]
    )
    assert state.country == "SA" and state.city == "Riyadh"


def test_a_worker_who_came_home_is_at_home():
    state, _ = talk(
        [
            msg("gaji sy blm dibayar, sy di riyadh", "report_unpaid_wages", city="Riyadh"),
            msg("sy sdh pulang, skrg di malang", "inform", city="Malang"),
        ]
    )
    assert state.country == "ID" and state.city == "Malang"


# -- the storage notice ------------------------------------------------------------------


def notices(turn: list[str]) -> int:
    return sum("privasi" in t.lower() or "privacy" in t.lower() for t in turn)


def test_the_storage_notice_comes_once_at_first_contact_and_a_typed_yes_answers_it():
    state, replies = talk(
        [msg("halo kak", "greet"), msg("boleh simpan", "affirm"), msg("halo", "greet")]
    )
    assert notices(replies[0]) == 1 and "30" in replies[0][-1]
    assert state.storage_consent is True and state.privacy_told
    assert notices(replies[1]) == 0 and "simpan terenkripsi" in replies[1][0]
    assert notices(replies[2]) == 0


def test_a_bare_yes_answers_the_notice_only_when_it_is_the_open_question():
    state, _ = talk([msg("hi", "greet"), msg("yes", "affirm")], lang="en")
    assert state.storage_consent is True
    state, _ = talk(
        [msg("gaji sy blm dibayar 3 bulan", "report_unpaid_wages"), msg("iya", "affirm")]
    )
    assert state.storage_consent is None and state.is_safe_now is True  # "iya" answered "aman?"


def test_with_another_question_open_the_notice_comes_before_it_without_buttons():
    state = State()
    turn = respond(state, msg("paspor sy ditahan majikan", "report_document_withheld"), directory())
    assert notices([turn[-2]["text"]]) == 1 and turn[-2]["buttons"] == []
    assert "aman" in turn[-1]["text"] and state.pending == "safety"


def test_emergency_numbers_come_alone_and_the_notice_waits_for_the_next_turn():
    state, replies = talk(
        [
            msg("tolong sy mau dibunuh majikan di riyadh", "emergency", city="Riyadh"),
            msg("ok", "affirm"),
        ]
    )
    assert notices(replies[0]) == 0
    assert "911" in numbers(replies[0]) or "999" in numbers(replies[0])
    assert notices(replies[1]) == 1


def test_declining_keeps_the_same_help_and_a_later_no_withdraws():
    yes, helped_yes = talk(
        [
            msg("hi", "greet"),
            msg("keep it", "affirm"),
            msg("Indonesian embassy in Doha?", "ask_embassy_contact", country="QA"),
        ],
        lang="en",
    )
    no, helped_no = talk(
        [
            msg("hi", "greet"),
            msg("don't keep it", "deny"),
            msg("Indonesian embassy in Doha?", "ask_embassy_contact", country="QA"),
        ],
        lang="en",
    )
    assert yes.storage_consent is True and no.storage_consent is False
    assert numbers(helped_yes[2]) == numbers(helped_no[2]) != ""
    later = respond(yes, msg("please don't keep my messages", "delete_my_data"), directory())
    assert yes.storage_consent is False and "erased" in later[0]["text"]
    assert yes.pending != "delete"  # withdrawing is not "delete my data"


def test_a_withdrawal_that_carries_a_request_answers_both():
    state, replies = talk(
        [msg("jangan simpan chat saya ya, gaji sy blm dibayar", "report_unpaid_wages")]
    )
    assert state.storage_consent is False and state.problem == "unpaid_wages"
    assert notices(replies[0]) == 0  # answered already: never asked


# -- money help (actions/money.py) -------------------------------------------------------


def test_wage_figures_get_the_sums_the_route_and_the_safety_question_last():
    state, replies = talk(
        [
            msg(
                "gaji sy 4.500 HKD, udh 3 bulan blm dibayar, kontrak Oktober 2025",
                "report_unpaid_wages",
                country="HK",
            ),
            msg("aman kak", "affirm"),
        ]
    )
    first = "\n".join(replies[0])
    assert "13.500" in first and "5.100" in first  # owed, and the sourced floor
    assert "Sumber" in first  # always sourced
    assert "aman sekarang" in replies[0][-1]  # safety still asked, last
    assert len(replies[0]) <= MAX_MESSAGES
    assert state.problem == "unpaid_wages" and state.is_safe_now is True
    assert "13,500" in (state.money_summary or "")  # for the caseworker's case summary
    assert not any("Departemen Tenaga Kerja" in t for t in replies[1])  # not listed twice


def test_a_fee_over_the_cap_is_said_plainly_in_english():
    state = State(language="en", country="TW", is_safe_now=True)
    turn = [
        m["text"]
        for m in respond(
            state,
            msg(
                "my broker takes NT$1,800 every month, this is my third year",
                "report_recruitment_fraud",
            ),
            directory(),
        )
    ]
    joined = "\n".join(turn)
    assert "1,500" in joined and "1955" in numbers(turn)  # the third-year cap, the hotline


def test_money_help_ends_with_the_caseworker_button_even_with_the_safety_question():
    state = State(country="HK")  # safety not known yet: asked last, the offer kept
    turn = respond(
        state,
        msg(
            "gaji sy 4.500 HKD, udh 3 bulan blm dibayar, kontrak Oktober 2025",
            "report_unpaid_wages",
        ),
        directory(),
    )
    offer = [m for m in turn if m["buttons"] and m["buttons"][0]["payload"] == "/request_human"]
    assert len(offer) == 1 and turn.index(offer[0]) == len(turn) - 2
    assert "aman sekarang" in turn[-1]["text"] and len(turn) <= MAX_MESSAGES
    joined = "\n".join(m["text"] for m in turn)
    assert "Sumber" in joined and "Departemen Tenaga Kerja" in joined  # nothing dropped


@pytest.mark.parametrize(
    ("lang", "words"),
    [("id", "kirim uang ke keluarga yg aman gmn kak"), ("en", "how do i send money home safely")],
)
def test_sending_money_home_gets_licensed_channels_sources_and_a_caseworker(lang, words):
    state = State(language=lang, country="HK", is_safe_now=True, privacy_told=True)
    turn = respond(state, msg(words, "ask_send_money_home"), directory())
    joined = "\n".join(m["text"] for m in turn)
    assert "JariPMI" in joined and "Bank Indonesia" in joined
    assert ("Sumber" if lang == "id" else "Sources") in joined
    assert turn[-1]["buttons"][0]["payload"] == "/request_human"
    assert "Tenaga Kerja" not in joined and "Labour Department" not in joined  # no wage claim
    assert "KP2MI" in joined  # where to complain when money sent never arrives


def test_sending_money_home_inside_the_safety_question_comes_back_to_it():
    state, replies = talk(
        [
            msg("gaji sy blm dibayar 3 bulan", "report_unpaid_wages", country="MY"),
            msg("btw kirim uang ke rumah yg aman lwt apa", "ask_send_money_home"),
        ]
    )
    assert "JariPMI" in "\n".join(replies[1])
    assert "aman sekarang" in replies[1][-1] and state.pending == "safety"


def test_an_unsure_reading_with_figures_is_still_the_money_report():
    state = State(language="en")
    unsure = Message(
        "I'm in Hong Kong, my salary is HK$4,500 and they haven't paid me for 3 months, "
        "contract signed October 2025",
        "nlu_fallback",
        0.45,
        (("nlu_fallback", 0.45), ("report_unpaid_wages", 0.49), ("report_recruitment_fraud", 0.46)),
        (("country", "HK"),),
    )
    joined = "\n".join(m["text"] for m in respond(state, unsure, directory()))
    assert "13,500" in joined and state.problem == "unpaid_wages"


def test_a_wage_report_that_names_a_broker_fee_gets_the_fee_check():
    state = State(country="TW", is_safe_now=True)
    turn = respond(
        state,
        msg("broker potong NT$1.800 tiap bulan, ini tahun ketiga sy", "report_unpaid_wages"),
        directory(),
    )
    joined = "\n".join(m["text"] for m in turn)
    assert "1.500" in joined and "1955" in numbers([joined])  # the third-year cap, the hotline


def test_a_report_without_figures_takes_the_usual_path():
    state, replies = talk([msg("gaji sy blm dibayar 3 bulan", "report_unpaid_wages")])
    assert state.money_summary is None and "Gaji adalah hak Anda" in replies[0][0]


@pytest.mark.parametrize(
    "text",
    [
        "gaji sy blm dibayar, kerja 24 jam",
        "gaji sy di bawah 5000 blm dibayar",
        "gaji 4500 atau 4800 lupa",
        "my salary is around 4k",
    ],
)
def test_no_sums_from_hours_guesses_or_bounds(text):
    state = State(country="HK", is_safe_now=True)
    respond(state, msg(text, "report_unpaid_wages"), directory())
    assert state.money_summary is None


def test_a_bare_wage_and_informal_spelling_still_get_the_sums():
    state = State(country="HK", is_safe_now=True)
    turn = respond(state, msg("gji sy 4800 blm dibyr 2 bulan", "report_unpaid_wages"), directory())
    assert "9.600" in "\n".join(m["text"] for m in turn)


def test_not_safe_right_after_the_notice_answers_safety_not_storage():
    state, replies = talk(
        [
            msg("I'm a domestic worker in Penang", "inform", city="Penang"),
            msg("I'm not safe at home", "deny"),
        ],
        lang="en",
    )
    assert "privacy" in replies[0][-1].lower()  # the notice was the open question
    assert state.storage_consent is None and state.is_safe_now is False
    assert "999" in numbers(replies[1])  # Malaysia's emergency number


def test_a_money_reply_stays_within_six_bubbles_even_split_by_paragraph():
    state = State(country="HK", privacy_told=True)
    turn = respond(
        state,
        msg("sy udh bayar 15 juta tp ga jd berangkat", "report_recruitment_fraud"),
        directory(),
    )
    assert sum(len(m["text"].strip().split("\n\n")) for m in turn) <= 6


def test_safety_told_in_a_sentence_after_the_contacts_is_understood():
    state, replies = talk(
        [
            msg("my employer took my passport", "report_document_withheld"),
            msg("I'm in Kuala Lumpur", "inform", city="Kuala Lumpur"),
            msg("I'm safe, staying with a friend", "affirm"),
        ],
        lang="en",
    )
    assert state.is_safe_now is True
    assert not replies[2][0].startswith("Sorry, I did not understand")
    assert "?" not in replies[2][-1]  # nothing more is asked


def test_yes_thanks_after_the_contacts_is_a_thanks():
    _, replies = talk(
        [
            msg("paspor sy ditahan majikan", "report_document_withheld"),
            msg("sy di kuala lumpur", "inform", city="Kuala Lumpur"),
            msg("sy aman kok kak", "affirm"),
            msg("iya makasih", "nlu_fallback", 0.3),
        ]
    )
    assert replies[3] and not replies[3][0].startswith("Maaf, saya belum paham")
    assert "Sama-sama" in replies[3][0]
