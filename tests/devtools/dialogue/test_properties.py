"""Unit tests of the conversation properties (devtools/dialogue/properties.py).

Each check must catch its violation and pass a good transcript; the numbers used are real
directory channels (or real note-only numbers) so a directory edit that breaks an
assumption shows up here first.
"""

from __future__ import annotations

from devtools.dialogue import properties as p
from devtools.dialogue.properties import Turn

SAFE_Q = {"text": "Apakah Anda aman sekarang?", "buttons": [{"title": "Ya", "payload": "/affirm"}]}
HK_KJRI = "KJRI Hong Kong\n- Telepon: +852 5242 2240 tel:+85252422240 (Hotline)"
HK_KJRI_WA = "- WhatsApp: +852 6773 0466 https://wa.me/85267730466"
HK_POLICE = "Polisi Hong Kong - darurat 999\n- Telepon: 999 tel:999"
KL_EMBASSY = "KBRI Kuala Lumpur\n- Telepon: +60 3-2116 4016 tel:+60321164016"
TAWAU = "KRI Tawau\n- Telepon: +60 19-822 6800 tel:+60198226800"
RIYADH = "KBRI Riyadh\n- Telepon: +966 56 917 3990 tel:+966569173990"
KEMLU = "Hotline PWNI Kemlu\n- Telepon: +62 812 9007 0027 tel:+6281290070027"
MY_999 = "Nomor darurat Malaysia 999\n- Telepon: 999 tel:999"


def msg(text: str, **extra) -> dict:
    return {"recipient_id": "x", "text": text, **extra}


# --------------------------------------------------------------------------- basics


def test_never_silent() -> None:
    good = [Turn("halo", [msg("Halo")]), Turn("?", [msg("Maaf?")])]
    bad = [Turn("halo", [msg("Halo")]), Turn("iya saya aman", [])]
    assert p.never_silent(good) == []
    assert p.never_silent(bad) == ["turn 2: no reply to 'iya saya aman'"]


def test_at_most_six_messages() -> None:
    six = [Turn("a", [msg(f"m{i}") for i in range(6)])]
    seven = [Turn("a", [msg(f"m{i}") for i in range(7)])]
    assert p.at_most_messages(six) == []
    assert p.at_most_messages(seven) == ["turn 1: 7 messages (at most 6)"]


def test_no_duplicate_in_turn() -> None:
    sorry = msg("Maaf, saya belum paham.")
    assert p.no_duplicate_in_turn([Turn("a", [sorry, msg("Lain")])]) == []
    found = p.no_duplicate_in_turn([Turn("a", [sorry] * 10)])
    assert len(found) == 1 and "10 times" in found[0]
    # the same text with different buttons is a different message
    with_button = msg("Maaf, saya belum paham.", buttons=[{"title": "x", "payload": "/x"}])
    assert p.no_duplicate_in_turn([Turn("a", [sorry, with_button])]) == []


def test_no_question_asked_in_three_turns() -> None:
    two = [Turn("a", [SAFE_Q]), Turn("aman kak", [SAFE_Q]), Turn("ok", [msg("Baik.")])]
    three = two[:2] + [Turn("aman!!", [SAFE_Q])]
    assert p.no_question_thrice(two) == []
    found = p.no_question_thrice(three)
    assert len(found) == 1 and "[1, 2, 3]" in found[0]


def test_a_question_is_a_line_ending_with_question_mark() -> None:
    assert p.is_question(msg("Anda di mana?\nPilih negara:"))
    assert not p.is_question(msg("Bisa ditulis dengan cara lain? Atau pilih salah satu:"))
    statement = [Turn(str(i), [msg("Maaf, saya belum paham. Atau pilih:")]) for i in range(4)]
    assert p.no_question_thrice(statement) == []


def test_not_reasked() -> None:
    turns = [Turn("gaji blm dibayar", [SAFE_Q]), Turn("aman kak", [SAFE_Q])]
    assert p.not_reasked(turns, 1) == [
        "turn 2: asked again right after 'aman kak': 'Apakah Anda aman sekarang?'"
    ]
    turns[1] = Turn("aman kak", [msg("Anda di negara mana?")])
    assert p.not_reasked(turns, 1) == []
    assert p.not_reasked(turns, 0) == []


def test_answered_not_reasked() -> None:
    only_again = [Turn("gaji blm dibayar", [SAFE_Q]), Turn("nomor kbri di irak ada gk?", [SAFE_Q])]
    assert p.answered_not_reasked(only_again, 1) == [
        "turn 2: only the previous question again after 'nomor kbri di irak ada gk?'"
    ]
    answered_then_again = [only_again[0], Turn("nomor kbri di irak?", [msg(KEMLU), SAFE_Q])]
    assert p.answered_not_reasked(answered_then_again, 1) == []
    assert p.not_reasked(answered_then_again, 1) != []  # the stricter check still sees it


def test_no_goodbye() -> None:
    bye = [Turn("jd sy hrs gmn dulu kak?", [msg("Sampai jumpa, semoga selalu aman.")])]
    assert len(p.no_goodbye(bye, 0)) == 1
    fine = [Turn("jd sy hrs gmn dulu kak?", [msg("Langkah pertama: hubungi KBRI.")])]
    assert p.no_goodbye(fine, 0) == []


CASEWORKER = [{"title": "Talk to a caseworker", "payload": "/request_human"}]


def test_money_help_needs_its_title_sources_and_the_caseworker_button() -> None:
    advice = msg("Sending money home\n\nSend money through a bank ...")
    sources = msg("Sources:\n• Sending money: bi.go.id (28 Aug 2025), official source")
    offer = msg("Other questions about your money?", buttons=CASEWORKER)
    good = [Turn("how do i send money home", [advice, sources, offer])]
    assert p.money_help(good, 0, "remittance") == []
    assert p.money_help(good, 0, "wages") == [
        "turn 1 ('how do i send money home'): no wages money help"
    ]
    unsourced = [Turn("how do i send money home", [advice, offer])]
    assert p.money_help(unsourced, 0, "remittance")[0].endswith("without its sources")
    no_button = [Turn("how do i send money home", [advice, sources, msg("Ask a caseworker.")])]
    assert p.money_help(no_button, 0, "remittance")[0].endswith("without the caseworker button")


def test_turn_basics_numbers_the_turn() -> None:
    assert p.turn_basics(Turn("x", []), 7) == ["turn 7: no reply to 'x'"]
    assert p.turn_basics(Turn("x", [msg("ok")]), 7) == []


# --------------------------------------------------------------------------- numbers


def test_numbers_found_in_renderings(facts) -> None:
    text = (
        "- Telepon/WhatsApp: +60 17-500 7047 tel:+60175007047 https://wa.me/60175007047\n"
        "- Telepon: 999 tel:999 (Jam: 24/7)\n- Telepon: #8008 tel:%238008\n"
        "Jam: Senin-Jumat 08.00-16.00 WIB; sejak 2016-2024; gaji RM 1.500; 3 bulan"
    )
    digits = [n.digits for n in p.shown_numbers(text, facts)]
    assert digits == [
        "60175007047",
        "60175007047",
        "60175007047",
        "999",
        "999",
        "8008",
        "8008",
    ]


def test_years_amounts_times_and_addresses_are_not_numbers(facts) -> None:
    text = (
        "Passports Act 1966. Nomor 2019; HELP pindah tahun 2022. Diplomatic Quarter, "
        "P.O. Box 94343, Riyadh 11693. Jalan Raya Bogor Km. 24 No. 47-49. "
        "Menangani 3.958 WNI. Bahasa Indonesia: ext. 4213, 4214. 11:00-19:00. 2025-11-27."
    )
    assert p.shown_numbers(text, facts) == []


def test_current_numbers_pass(facts) -> None:
    turns = [Turn("a", [msg(HK_KJRI), msg(HK_KJRI_WA), msg(HK_POLICE), msg(KEMLU)])]
    assert p.numbers_are_current(turns, facts) == []
    # a local way of writing a current number counts too
    local = [Turn("a", [msg("Hubungi KBRI di 03-2116 4016 atau 2116 4017.")])]
    assert p.numbers_are_current(local, facts) == []


def test_note_only_numbers_are_caught(facts) -> None:
    notes = "ℹ️ Hotline lama +852 6894 2799 dan +852 5294 4184 sudah tidak dipakai."
    found = p.numbers_are_current([Turn("a", [msg(HK_KJRI + "\n" + notes)])], facts)
    assert len(found) == 2
    assert all("only in notes of kjri-hong-kong" in v for v in found)
    riyadh_old = [Turn("a", [msg("+966 598 881 945 (2016) sudah diganti")])]
    assert "kbri-riyadh" in p.numbers_are_current(riyadh_old, facts)[0]


def test_unknown_numbers_are_caught(facts) -> None:
    made_up = [Turn("a", [msg("Call +852 1234 5678 or tel:+6599999999")])]
    assert len(p.numbers_are_current(made_up, facts)) == 2
    short = [Turn("a", [msg("- Telepon: 4321")])]
    assert p.numbers_are_current(short, facts) == [
        "turn 1: shows '4321', which is no channel of any directory entry"
    ]


# --------------------------------------------------------------------------- places


def test_contacts_for_country(facts) -> None:
    turns = [Turn("gaji", [SAFE_Q]), Turn("aman", [msg(RIYADH)])]
    assert p.contacts_for_country(turns, facts, "SA", 0, 2) == []
    found = p.contacts_for_country(turns, facts, "SA", 0, 1)
    assert found == ["turns 1-1: no contacts for SA shown"]


def test_contacts_of_another_country_are_caught(facts) -> None:
    """Issue 7: after Hong Kong, 'nomor kbri riyadh berapa' returned the Hong Kong consulate."""
    turns = [Turn("nomor kbri riyadh berapa", [msg(HK_KJRI)])]
    found = p.contacts_for_country(turns, facts, "SA", 0, 1, city="riyadh")
    assert any("not SA" in v for v in found)
    assert any("no contacts for SA" in v for v in found)
    assert p.contacts_for_country(turns, facts, "SA", 0, 1, only=False) == [
        "turns 1-1: no contacts for SA shown"
    ]


def test_shared_and_indonesian_numbers_are_not_another_country(facts) -> None:
    # 999 is also Hong Kong's; Kemlu is reachable from anywhere
    turns = [Turn("tolong", [msg(MY_999), msg(KEMLU), msg(KL_EMBASSY)])]
    assert p.contacts_for_country(turns, facts, "MY", 0, 1, city="kuala lumpur") == []


def test_first_mission_must_serve_the_city(facts) -> None:
    """Issue 7: a passport held in KL got KRI Tawau before the embassy in Kuala Lumpur."""
    wrong = [Turn("paspor ditahan di kuala lumpur", [msg(TAWAU), msg(KL_EMBASSY)])]
    found = p.contacts_for_country(wrong, facts, "MY", 0, 1, city="kuala lumpur")
    assert len(found) == 1 and "first mission shown is kri-tawau" in found[0]
    right = [Turn("paspor ditahan di kl", [msg(KL_EMBASSY), msg(TAWAU)])]
    assert p.contacts_for_country(right, facts, "MY", 0, 1, city="KL") == []
    none = [Turn("paspor ditahan di kl", [msg(MY_999)])]
    assert p.contacts_for_country(none, facts, "MY", 0, 1, city="kuala lumpur") == [
        "turns 1-1: no contact of the mission serving kuala lumpur shown"
    ]


def test_country_without_entries_needs_national_hotlines(facts) -> None:
    turns = [Turn("Is there an Indonesian embassy in Poland?", [msg(KEMLU)])]
    assert p.contacts_for_country(turns, facts, "PL", 0, 1) == []
    nothing = [Turn("Is there an Indonesian embassy in Poland?", [SAFE_Q])]
    assert p.contacts_for_country(nothing, facts, "PL", 0, 1) == [
        "turns 1-1: no national hotlines (no local entry) for PL shown"
    ]


def test_whatsapp_for_country(facts) -> None:
    shown = [Turn("ada wa?", [msg(HK_KJRI_WA)])]
    assert p.whatsapp_for_country(shown, facts, "HK", 0, 1) == []
    phone_only = [Turn("ada wa?", [msg(HK_KJRI)])]
    assert p.whatsapp_for_country(phone_only, facts, "HK", 0, 1) == [
        "turns 1-1: no WhatsApp number for HK shown"
    ]
    kp2mi = [Turn("ada wa?", [msg("KP2MI WhatsApp: https://wa.me/628118080141")])]
    assert p.whatsapp_for_country(kp2mi, facts, "SA", 0, 1) == []


def test_danger_first_reply(facts) -> None:
    local = [Turn("majikan mau bunuh sy, di kl", [msg(MY_999)])]
    assert p.danger_first_reply(local, facts, 0, "MY") == []
    mission_only = [Turn("majikan mau bunuh sy, di kl", [msg(KL_EMBASSY)])]
    assert "local emergency number of MY" in p.danger_first_reply(mission_only, facts, 0, "MY")[0]
    question = [Turn("tolong sy mau dibunuh", [msg("Anda di mana?")])]
    assert "national hotline" in p.danger_first_reply(question, facts, 0, None)[0]
    assert p.danger_first_reply([Turn("tolong", [msg(KEMLU)])], facts, 0, None) == []


def test_danger_without_directory_entry_needs_a_national_hotline(facts) -> None:
    text = "Help, the boss's men are outside... We are in Poland"
    fallback = [Turn(text, [msg("Sorry, I did not understand.")])]
    assert p.danger_first_reply(fallback, facts, 0, "PL") == [
        f"turn 1: first reply to danger ({text!r}) has no national hotline"
    ]
    assert p.danger_first_reply([Turn(text, [msg(KEMLU)])], facts, 0, "PL") == []


# --------------------------------------------------------------------------- language

FIRST_CONTACT = msg(
    "Halo, saya Lentera, asisten untuk pekerja migran Indonesia dan keluarganya. Saya bukan "
    "layanan darurat: kalau dalam bahaya, hubungi polisi setempat.\n\nHello, I am Lentera, an "
    "assistant for Indonesian migrant workers and their families. I am not an emergency service.",
    buttons=[{"title": "English", "payload": '/choose_language{"language": "en"}'}],
)
ID_REPLY = msg("Gaji adalah hak Anda. Mari kita cari siapa yang bisa membantu menagihnya.")
EN_REPLY = msg("Your wages are yours by right. Let us find who can help you claim them.")


def test_detect_language() -> None:
    assert p.detect_language(ID_REPLY["text"]) == "id"
    assert p.detect_language(EN_REPLY["text"]) == "en"
    assert p.detect_language("OK") is None
    assert p.detect_language(FIRST_CONTACT["text"]) is None  # bilingual


def test_language_follows_the_person() -> None:
    turns = [Turn("gaji sy blm dibayar", [FIRST_CONTACT, ID_REPLY])]
    assert p.language_follows(turns, ["id"]) == []
    assert len(p.language_follows(turns, ["en"])) == 1
    switched = turns + [Turn("can you answer in English from now?", [ID_REPLY])]
    found = p.language_follows(switched, ["id", "en"])
    assert len(found) == 1 and found[0].startswith("turn 2: reply in id, person writes en")
    assert p.language_follows(switched, ["id", None]) == []
