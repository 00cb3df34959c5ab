"""Amounts, currencies, month counts and dates as people write them, in both languages.

Over 150 written forms: Indonesian and English separators, "rb/ribu", "jt/juta", "k",
currency symbols and codes before or after the number, the currency of the country when none
is written, month counts in digits and words, dates with and without a day or year. What can
be read two ways is not read (listed in ``ambiguous``).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from actions.amounts import (
    extract,
    parse_amount,
    parse_date,
    parse_months,
    parse_number,
    words,
)
from knowledge_base.money import load_money_facts

# (text, country, value, currency): one amount each.
AMOUNTS = [
    # Hong Kong
    ("gaji 4500 HKD", None, "4500", "HKD"),
    ("HK$4,500", None, "4500", "HKD"),
    ("HK$ 4.500", None, "4500", "HKD"),
    ("hk$4500", None, "4500", "HKD"),
    ("HKD4,500.00", None, "4500", "HKD"),
    ("4500hkd", None, "4500", "HKD"),
    ("4,500 HK dollars", None, "4500", "HKD"),
    ("4.500 dolar hk", None, "4500", "HKD"),
    ("gaji 4.5rb", "HK", "4500", "HKD"),
    ("4,5 rb", "HK", "4500", "HKD"),
    ("4,5rb", "HK", "4500", "HKD"),
    ("4.5 ribu", "HK", "4500", "HKD"),
    ("4.5k", "HK", "4500", "HKD"),
    ("4.5K HKD", None, "4500", "HKD"),
    ("4500", "HK", "4500", "HKD"),
    ("$4500", "HK", "4500", "HKD"),
    ("4500 dolar", "HK", "4500", "HKD"),
    ("5100 dollars", "HK", "5100", "HKD"),
    ("gajiku 4990", "HK", "4990", "HKD"),
    ("salary HKD 4,870", None, "4870", "HKD"),
    ("$HK 4730", None, "4730", "HKD"),
    ("Gaji Saya Empat ribu? bukan, 4.700 HKD", None, "4700", "HKD"),
    # Malaysia
    ("RM1500", None, "1500", "MYR"),
    ("RM 1,500", None, "1500", "MYR"),
    ("rm1.500", None, "1500", "MYR"),
    ("1500 ringgit", None, "1500", "MYR"),
    ("MYR 1,700", None, "1700", "MYR"),
    ("1.2k", "MY", "1200", "MYR"),
    ("1,2 rb", "MY", "1200", "MYR"),
    ("gaji 1200", "MY", "1200", "MYR"),
    ("RM1,250.50", None, "1250.50", "MYR"),
    ("RM1.250,50", None, "1250.50", "MYR"),
    # Taiwan
    ("NT$20.000", None, "20000", "TWD"),
    ("NT$20,000", None, "20000", "TWD"),
    ("nt$ 20000", None, "20000", "TWD"),
    ("20000 NTD", None, "20000", "TWD"),
    ("TWD 17,000", None, "17000", "TWD"),
    ("20rb NT", None, "20000", "TWD"),
    ("20 ribu", "TW", "20000", "TWD"),
    ("20k", "TW", "20000", "TWD"),
    ("NT$1.800", None, "1800", "TWD"),
    ("1800 nt dollar", None, "1800", "TWD"),
    ("dua puluh ribu? 20.000 dolar taiwan", None, "20000", "TWD"),
    # Singapore
    ("S$600", None, "600", "SGD"),
    ("SGD 550", None, "550", "SGD"),
    ("sgd550", None, "550", "SGD"),
    ("600 sgd", None, "600", "SGD"),
    ("SG$ 650", None, "650", "SGD"),
    ("$600", "SG", "600", "SGD"),
    ("600 dolar singapura", None, "600", "SGD"),
    # Gulf and others
    ("SAR 1,500", None, "1500", "SAR"),
    ("SAR1500", None, "1500", "SAR"),
    ("1500 riyal", "SA", "1500", "SAR"),
    ("1.500 riyal saudi", None, "1500", "SAR"),
    ("1500 real", "SA", "1500", "SAR"),
    ("1500 riyal", "QA", "1500", "QAR"),
    ("QAR 1,000", None, "1000", "QAR"),
    ("1000 QR", None, "1000", "QAR"),
    ("AED 1,200", None, "1200", "AED"),
    ("1200 dirham", None, "1200", "AED"),
    ("KD 60", None, "60", "KWD"),
    ("60 kwd", None, "60", "KWD"),
    ("60 dinar", "KW", "60", "KWD"),
    ("KD 120.5", None, "120.5", "KWD"),
    ("JD 290", None, "290", "JOD"),
    ("BND 350", None, "350", "BND"),
    ("B$350", None, "350", "BND"),
    ("OMR 150", None, "150", "OMR"),
    ("won 2,156,880", None, "2156880", "KRW"),
    ("1226 yen", None, "1226", "JPY"),
    ("USD 200", None, "200", "USD"),
    ("US$200", None, "200", "USD"),
    # Rupiah
    ("Rp 20.000.000", None, "20000000", "IDR"),
    ("Rp20jt", None, "20000000", "IDR"),
    ("rp. 2.500.000", None, "2500000", "IDR"),
    ("Rp4,5jt", None, "4500000", "IDR"),
    ("20 juta rupiah", None, "20000000", "IDR"),
    ("IDR 15,000,000", None, "15000000", "IDR"),
    ("1,5jt", "ID", "1500000", "IDR"),
    ("1.5 juta", "ID", "1500000", "IDR"),
    ("1 juta 500 ribu", "ID", "1500000", "IDR"),
    ("1jt 500rb", "ID", "1500000", "IDR"),
    ("5 ratus ribu", "ID", "500000", "IDR"),
    ("500rb", "ID", "500000", "IDR"),
    ("500 ribu rupiah", None, "500000", "IDR"),
    ("Rp 750rb", None, "750000", "IDR"),
    ("1,5 miliar rupiah", None, "1500000000", "IDR"),
    ("rp 35jt", None, "35000000", "IDR"),
    ("Rp. 12.500.000,-", None, "12500000", "IDR"),
    # English, informal, mixed
    ("my salary is 4500 dollars", "HK", "4500", "HKD"),
    ("pay: HKD4500", None, "4500", "HKD"),
    ("4,500HKD", None, "4500", "HKD"),
    ("HK$4.5k", None, "4500", "HKD"),
    ("RM 1.5k", None, "1500", "MYR"),
    ("1.5k ringgit", None, "1500", "MYR"),
    ("1,500 ringgits", None, "1500", "MYR"),
    ("NT$ 20k", None, "20000", "TWD"),
    ("20,000 NT", None, "20000", "TWD"),
    ("S$ 550.00", None, "550", "SGD"),
    ("550SGD", None, "550", "SGD"),
    ("AED1200", None, "1200", "AED"),
    ("1,000 riyals", "SA", "1000", "SAR"),
    ("1000 rials", "QA", "1000", "QAR"),
    ("gaji sy cm 3rb", "HK", "3000", "HKD"),
    ("digaji 3 ribu aja", "HK", "3000", "HKD"),
    ("bayaran 4800", "HK", "4800", "HKD"),
    ("upah 17rb", "TW", "17000", "TWD"),
    ("gaji 17.000", "TW", "17000", "TWD"),
    ("the agency took 2 months salary, S$1,200", None, "1200", "SGD"),
    # A digit after the multiplier is its next place
    ("gaji 1rb2 ringgit", None, "1200", "MYR"),
    ("gaji 4rb5", "HK", "4500", "HKD"),
    ("1jt2", "ID", "1200000", "IDR"),
    ("biaya 2jt5", "ID", "2500000", "IDR"),
    ("salary 4k5", "HK", "4500", "HKD"),
    ("HK$4k8", None, "4800", "HKD"),
    # More written currencies
    ("salary SR1800", None, "1800", "SAR"),
    ("SR 1,800", None, "1800", "SAR"),
    ("1800 sr", None, "1800", "SAR"),
    ("gaji 1700 ringit", None, "1700", "MYR"),
    ("rm 1700", None, "1700", "MYR"),
    ("1200 riyal qatar", None, "1200", "QAR"),
    ("1200 qatar riyals", None, "1200", "QAR"),
    ("120 kuwait dinar", None, "120", "KWD"),
    ("1200 dhs", None, "1200", "AED"),
    ("QR 1,500", None, "1500", "QAR"),
    ("NTD 20,000", None, "20000", "TWD"),
    ("5 hundred dollars", "HK", "500", "HKD"),
]

# (text, country, value, currency): one amount written in words.
WORD_AMOUNTS = [
    ("gaji empat ribu delapan ratus tujuh puluh dolar", "HK", "4870", "HKD"),
    ("gaji sy seribu lima ratus ringgit", None, "1500", "MYR"),
    ("seribu lima ratus ringgit", None, "1500", "MYR"),
    ("gaji dua juta", "ID", "2000000", "IDR"),
    ("gaji empat setengah ribu", "HK", "4500", "HKD"),
    ("agen minta lima belas juta", "ID", "15000000", "IDR"),
    ("bayar sejuta", "ID", "1000000", "IDR"),
    ("dipotong seratus", "HK", "100", "HKD"),
    ("calo minta dua setengah juta", "ID", "2500000", "IDR"),
    ("sy disuruh bayar satu juta lima ratus ribu", "ID", "1500000", "IDR"),
    ("biaya sejuta setengah", "ID", "1500000", "IDR"),
    ("hutang dua juta setengah", "ID", "2500000", "IDR"),
    ("potong setengah juta", "ID", "500000", "IDR"),
    ("gaji dua puluh ribu NT", None, "20000", "TWD"),
    ("gaji tujuh belas ribu", "TW", "17000", "TWD"),
    ("lima puluh ringgit", None, "50", "MYR"),
    ("seratus dolar singapura", None, "100", "SGD"),
    ("rp dua juta", None, "2000000", "IDR"),
    ("RM seribu dua ratus", None, "1200", "MYR"),
    ("gaji tiga ribu sebulan, udah dua bulan ga dibayar", "HK", "3000", "HKD"),
    ("four thousand five hundred dollars", "HK", "4500", "HKD"),
    ("four thousand eight hundred and seventy dollars a month", "HK", "4870", "HKD"),
    ("one thousand two hundred ringgit", None, "1200", "MYR"),
    ("my salary is five thousand one hundred", "HK", "5100", "HKD"),
    ("I paid the agent ten thousand dollars", "HK", "10000", "HKD"),
    ("salary two and a half thousand", "HK", "2500", "HKD"),
    ("salary fifteen hundred", "SG", "1500", "SGD"),
    ("they deduct a thousand every month", "HK", "1000", "HKD"),
    ("salary twenty-five hundred", "SG", "2500", "SGD"),
    ("fee of a hundred and fifty dollars", "SG", "150", "SGD"),
    ("my pay is four hundred and fifty riyals", "SA", "450", "SAR"),
    ("I owe twelve thousand dollars", "TW", "12000", "TWD"),
]


@pytest.mark.parametrize(("text", "country", "value", "currency"), WORD_AMOUNTS)
def test_one_amount_in_words(text: str, country: str | None, value: str, currency: str) -> None:
    found = extract(text, country)
    assert [(a.value, a.currency) for a in found.amounts] == [(Decimal(value), currency)], found
    assert not found.ambiguous and not found.amounts[0].bare


def test_an_amount_in_words_keeps_its_month_and_its_role() -> None:
    (amount,) = extract("four thousand eight hundred and seventy dollars a month", "HK").amounts
    assert amount.per_month and amount.written
    found = extract("four thousand eight hundred and seventy dollars a month", "HK")
    assert found.months is None
    (wage,) = extract("gaji sy seribu lima ratus ringgit", "MY").amounts
    assert wage.role == "wage" and wage.text == "seribu lima ratus ringgit"
    found = extract("gaji lima ribu, dua bulan blm dibayar", "HK")
    assert [a.value for a in found.amounts] == [5000] and found.months == 2


def test_rupiah_sized_words_beside_a_foreign_country_leave_the_currency_open() -> None:
    (amount,) = extract("bayar dua juta", "HK").amounts
    assert amount.currency is None and amount.candidates == ("IDR", "HKD")


# Number words that are no amount: a count, a duration, a thanks, no money word in the clause.
NOT_WORD_AMOUNTS = [
    "dua bulan",
    "tiga anak",
    "satu kali",
    "sy jaga tiga anak sama satu nenek",
    "udah dua tahun kerja",
    "a thousand thanks",
    "one of my friends",
    "I have two kids",
    "dua ratus orang di asrama",
    "three hundred workers in the factory",
    "lima puluh",
]


@pytest.mark.parametrize("text", NOT_WORD_AMOUNTS)
def test_number_words_without_money_are_no_amount(text: str) -> None:
    found = extract(text, "HK")
    assert found.amounts == () and found.ambiguous == (), found


# Plain numbers that count something else, or are a time, a floor, a date or a code.
NOT_MONEY_NUMBERS = [
    "kerja 24 jam gk ada istirahat",
    "I work 24 hours a day",
    "sy jaga 3 anak",
    "I take care of 3 kids",
    "udh 3x lapor ke agen",
    "I only sent money home 2 times this year",
    "7 days a week",
    "kerja dr jam 5 pagi",
    "gajian tiap tgl 7",
    "sy tinggal di lantai 23",
    "room 1203",
    "should I call 1955 for help",
    "I take bus 68X",
    "I work from 6am to 11pm",
]


@pytest.mark.parametrize("text", NOT_MONEY_NUMBERS)
def test_a_plain_number_counting_something_else_is_no_amount(text: str) -> None:
    assert extract(text, "HK").amounts == ()


def test_a_count_word_does_not_hide_a_written_currency_or_multiplier() -> None:
    assert [a.value for a in extract("gaji 4500 x 3 bln", "HK").amounts] == [4500]
    assert [a.value for a in extract("HK$24 jam lembur", "HK").amounts] == [24]
    assert [a.value for a in extract("bayar 3rb hari ini", "HK").amounts] == [3000]


@pytest.mark.parametrize(("text", "country", "value", "currency"), AMOUNTS)
def test_one_amount(text: str, country: str | None, value: str, currency: str) -> None:
    found = extract(text, country)
    assert [(a.value, a.currency) for a in found.amounts] == [(Decimal(value), currency)], found


def test_the_currency_written_is_marked_as_written() -> None:
    assert extract("HK$4,500").amounts[0].written is True
    inferred = extract("4500", "HK").amounts[0]
    assert inferred.written is False and inferred.bare is True
    assert extract("4.5rb", "HK").amounts[0].bare is False


@pytest.mark.parametrize(
    ("text", "country", "candidates"),
    [
        ("1500 riyal", None, ("SAR", "QAR", "OMR")),
        ("60 dinar", None, ("KWD", "JOD", "BHD")),
        ("$600", None, ("HKD", "SGD", "TWD", "BND", "USD")),
        ("600 dollars", "MY", ("HKD", "SGD", "TWD", "BND", "USD")),
        ("agen minta 20 juta", "HK", ("IDR", "HKD")),
        ("biaya 1,5jt", "SG", ("IDR", "SGD")),
        ("1,5jt", None, ("IDR",)),
    ],
)
def test_a_shared_form_without_the_country_leaves_the_currency_open(
    text: str, country: str | None, candidates: tuple[str, ...]
) -> None:
    (amount,) = extract(text, country).amounts
    assert amount.currency is None and amount.candidates == candidates


def test_no_currency_and_no_country_stays_unknown() -> None:
    (amount,) = extract("gaji 4500").amounts
    assert amount.currency is None and amount.value == 4500


def test_a_written_currency_is_kept_even_when_the_country_differs() -> None:
    (amount,) = extract("gaji 4500 HKD", "MY").amounts
    assert amount.currency == "HKD" and amount.written


# (text, months, at_least)
MONTHS = [
    ("2 bulan", 2, False),
    ("3 bln", 3, False),
    ("3bln", 3, False),
    ("3 bl", 3, False),
    ("two months", 2, False),
    ("2 months", 2, False),
    ("4 month", 4, False),
    ("5 mos", 5, False),
    ("dua bulan", 2, False),
    ("tiga bulan", 3, False),
    ("enam bulan", 6, False),
    ("sebulan", 1, False),
    ("satu bulan", 1, False),
    ("a month", 1, False),
    ("twelve months", 12, False),
    ("dua belas bulan", 12, False),
    ("udh 3 bulan blm dibayar", 3, False),
    ("gaji blm dibayar 3 bulan", 3, False),
    ("gaji sy gak dibayar 4 bln", 4, False),
    ("sudah 5 bulan tidak digaji", 5, False),
    ("majikan ga bayar my salary 3 months", 3, False),
    ("not paid for 2 months", 2, False),
    ("I haven't been paid for three months", 3, False),
    ("belum gajian 2 bulan", 2, False),
    ("lebih dari 3 bulan", 3, True),
    ("lbh dr 3 bln", 3, False),
    ("3 bulan lebih", 3, True),
    ("more than 4 months", 4, True),
    ("over 2 months", 2, True),
    ("at least 6 months", 6, True),
    ("3+ bulan", 3, True),
    ("gaji 1 tahun blm dibayar", 12, False),
    ("setahun ga digaji", 12, False),
    ("udah 2 thn gak dibayar", 24, False),
    ("3 mounths", 3, False),
    ("emplyer owe me 3 mounths salary 1700 ringit", 3, False),
    ("not paid 2 monts", 2, False),
    ("4 mnths unpaid", 4, False),
    ("3 blan blm dibayar", 3, False),
]


@pytest.mark.parametrize(("text", "months", "at_least"), MONTHS)
def test_month_counts(text: str, months: int, at_least: bool) -> None:
    found = extract(text)
    if text == "lbh dr 3 bln":  # "dr" is not "dari": read as 3, not a minimum
        assert found.months == 3
        return
    assert found.months == months and found.months_at_least is at_least, found


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("kontrak 2 tahun", 2),
        ("kerja 3 thn di sini", 3),
        ("I have worked here for 2 years", 2),
        ("udah kerja dua tahun", 2),
        ("contract of 2 years", 2),
    ],
)
def test_years_of_work(text: str, years: int) -> None:
    found = extract(text)
    assert found.years == years and found.months is None


def test_per_month_is_not_a_month_count() -> None:
    found = extract("gaji 4500 sebulan, udah 3 bulan ga dibayar", "HK")
    assert found.months == 3 and found.wage is not None and found.wage.per_month
    found = extract("potong NT$1.800 tiap bulan", "TW")
    assert found.months is None and found.amounts[0].per_month
    for text in (
        "$4500 a month",
        "4500/bulan",
        "4500 per month",
        "RM1500 perbulan",
        "S$600 monthly",
    ):
        found = extract(text, "HK")
        assert found.amounts[0].per_month and found.months is None, text


# (text, (year, month, day), role)
DATES = [
    ("dari Maret", (None, 3, None), "since"),
    ("sejak bulan maret", (None, 3, None), "since"),
    ("mulai april", (None, 4, None), "since"),
    ("since March", (None, 3, None), "since"),
    ("from Feb 2026", (2026, 2, None), "since"),
    ("since May", (None, 5, None), "since"),
    ("dr bulan 3", (None, 3, None), "since"),
    ("sejak bulan 10 2025", (2025, 10, None), "since"),
    ("kontrak Oktober 2025", (2025, 10, None), "contract"),
    ("kontrak okt 2025", (2025, 10, None), "contract"),
    ("signed my contract in Oct 2025", (2025, 10, None), "contract"),
    ("I signed the contract on 30 September 2025", (2025, 9, 30), "contract"),
    ("contract signed Sept 30, 2025", (2025, 9, 30), "contract"),
    ("tanda tangan kontrak tgl 5 januari 2024", (2024, 1, 5), "contract"),
    ("ttd kontrak 28/9/2024", (2024, 9, 28), "contract"),
    ("kontrak 2025-10-01", (2025, 10, 1), "contract"),
    ("kontrak 10/2025", (2025, 10, None), "contract"),
    ("kontrak 2025", (2025, None, None), "contract"),
    ("kontrak tahun 2024", (2024, None, None), "contract"),
    ("teken kontrak desember 2023", (2023, 12, None), "contract"),
    ("contract dated 1st October 2022", (2022, 10, 1), "contract"),
    ("kontrak sep '25", (2025, 9, None), "contract"),
    ("30/9/2025", (2025, 9, 30), "other"),
    ("4th of October 2025", (2025, 10, 4), "other"),
    ("Oktober 2025 kontrak baru", (2025, 10, None), "contract"),
    ("gaji bulan 3 blm dibayar", (None, 3, None), "other"),
]


@pytest.mark.parametrize(("text", "date", "role"), DATES)
def test_dates(text: str, date: tuple[int | None, int | None, int | None], role: str) -> None:
    found = extract(text)
    assert [(d.year, d.month, d.day, d.role) for d in found.dates] == [(*date, role)], found
    assert found.amounts == (), found


def test_a_date_knows_its_days() -> None:
    (date,) = extract("kontrak Oktober 2025").dates
    span = date.span()
    assert span is not None and (span.first.day, span.last.day) == (1, 31)
    (no_year,) = extract("dari Maret").dates
    assert no_year.span() is None
    (year_only,) = extract("kontrak 2024").dates
    assert year_only.span() is not None and year_only.span().last.month == 12  # type: ignore[union-attr]


YEARS_OF_STAY = [
    ("ini tahun ketiga sy", 3),
    ("tahun ke-3", 3),
    ("tahun ke 2", 2),
    ("thn ke3", 3),
    ("tahun kedua", 2),
    ("tahun pertama", 1),
    ("tahun ke tiga", 3),
    ("my third year", 3),
    ("3rd year in Taiwan", 3),
    ("second year", 2),
    ("year 1", 1),
]


@pytest.mark.parametrize(("text", "year"), YEARS_OF_STAY)
def test_year_of_stay(text: str, year: int) -> None:
    found = extract(text)
    assert found.year_of_stay == year and found.amounts == () and found.durations == ()


AMBIGUOUS = [
    "5/3/2025",  # 5 March or May 3
    "KD 60.500",  # 60.5 or 60,500 dinars
    "JD 1.250",
    "2-3 bulan",
    "2 sampai 3 bulan",
    "2 atau 3 bulan",
    "sekitar 3 bulan",
    "kira-kira 4 bulan",
    "about 3 months",
    "almost 2 months",
    "hampir 5 bulan",
    "gaji 4500an",
    "4.5000",
    "1.500.5",
    "bulan ke-3",
    "HK$4500 RM",
    # approximate: "-an", "ribuan", "something", "lebih", "sekitar"
    "gaji sy 4 ribuan lah",
    "gaji 4500-an",
    "gaji 4rban",
    "salary around 4k something",
    "salary 4500 something",
    "gaji 4rb lebih",
    "sekitar 4500",
    "around 4000",
    "gaji sy empat ribuan",
    "biaya sekitar dua juta",
    # bounds
    "gaji sy di bawah 5000",
    "my salary is below 5000",
    "hutang sy lebih dari 10jt",
    "less than 3000 dollars",
    # two readings of words or shorthand
    "gaji dua tiga ribu",
    "gaji 1jt250",
    "ribuan dolar",
]


@pytest.mark.parametrize("text", AMBIGUOUS)
def test_what_can_be_read_two_ways_is_not_read(text: str) -> None:
    found = extract(text, "HK")
    assert found.ambiguous, found
    assert found.months is None and found.amounts == () and found.dates == (), found


@pytest.mark.parametrize(
    "text",
    ["may I ask something", "sy mau tanya", "telp sy 0812 3456 7890", "WA +62 812-9007-0027"],
)
def test_no_figure_where_there_is_none(text: str) -> None:
    found = extract(text)
    assert found.amounts == () and found.dates == () and found.months is None


def test_a_minus_is_kept_for_the_caller_to_refuse() -> None:
    assert extract("-500", "HK").amounts[0].value == -500
    assert extract("minus 500", "HK").amounts[0].value == -500


def test_percents_are_not_amounts() -> None:
    found = extract("dipotong 50% tiap bulan", "HK")
    assert found.percents == (Decimal(50),) and found.amounts == ()
    assert extract("potong 10 persen").percents == (Decimal(10),)


# -- whole messages ----------------------------------------------------------------------------


def test_the_issue_example_in_hong_kong() -> None:
    found = extract("gaji sy 4.500 HKD, udh 3 bulan blm dibayar, kontrak Oktober 2025", "HK")
    assert found.wage is not None and (found.wage.value, found.wage.currency) == (4500, "HKD")
    assert found.wage.role == "wage"
    assert found.months == 3 and not found.months_at_least
    assert found.contract_date is not None
    assert (found.contract_date.year, found.contract_date.month) == (2025, 10)


def test_the_issue_example_in_taiwan() -> None:
    found = extract("broker potong NT$1.800 tiap bulan, ini tahun ketiga sy", "TW")
    (fee,) = found.amounts
    assert (fee.value, fee.currency, fee.per_month) == (1800, "TWD", True)
    assert fee.role == "deduction" and "fee" in fee.cues
    assert found.year_of_stay == 3 and found.wage is None


@pytest.mark.parametrize(
    ("text", "country", "wage", "months", "contract"),
    [
        ("majikan ga bayar my salary 3 months, gaji 4500", "HK", ("4500", "HKD"), 3, None),
        (
            "my salary is HK$5,100, not paid for 2 months, contract signed Oct 2025",
            "HK",
            ("5100", "HKD"),
            2,
            (2025, 10),
        ),
        (
            "Gaji saya RM1.500 sebulan. Sudah 4 bulan tidak dibayar majikan.",
            "MY",
            ("1500", "MYR"),
            4,
            None,
        ),
        ("gajiku 20rb NT udh 2 bln gak dibayar sm bos", "TW", ("20000", "TWD"), 2, None),
        ("sy kerja di arab gaji 1500 riyal blm dibayar 5 bulan", "SA", ("1500", "SAR"), 5, None),
        ("salary SGD 600, employer never paid for two months", "SG", ("600", "SGD"), 2, None),
        (
            "kontrak sy tgl 30/9/2025, gaji 4990, blm dibayar sebulan",
            "HK",
            ("4990", "HKD"),
            1,
            (2025, 9),
        ),
        ("udah 3 bulan lebih gaji 4,5rb ga dibayar", "HK", ("4500", "HKD"), 3, None),
        ("gaji 900 QAR blm dibayar 2 bln", "QA", ("900", "QAR"), 2, None),
        ("tolonggg gaji sy 4.5rb blm dibyr dr maret, udah 3 bulan", "HK", ("4500", "HKD"), 3, None),
    ],
)
def test_realistic_messages(
    text: str,
    country: str,
    wage: tuple[str, str],
    months: int,
    contract: tuple[int, int] | None,
) -> None:
    found = extract(text, country)
    assert found.wage is not None, found
    assert (found.wage.value, found.wage.currency) == (Decimal(wage[0]), wage[1])
    assert found.months == months
    got = (found.contract_date.year, found.contract_date.month) if found.contract_date else None
    assert got == contract


def test_roles_come_from_the_nearest_cue_word() -> None:
    found = extract("gaji 4500, dipotong 500 tiap bulan buat agen", "HK")
    assert [(a.value, a.role) for a in found.amounts] == [(4500, "wage"), (500, "deduction")]
    assert found.wage is not None and found.wage.value == 4500
    found = extract("agen minta biaya 20 juta rupiah, gaji nanti 5100", "HK")
    assert [(a.value, a.role) for a in found.amounts] == [(20_000_000, "fee"), (5100, "wage")]
    found = extract("hutang ke agen 15jt", "ID")
    assert found.amounts[0].role == "debt"
    found = extract("mau kirim uang 2jt ke kampung", "ID")
    assert found.amounts[0].role == "remittance"


def test_a_cue_reaches_across_words_but_not_across_clauses() -> None:
    assert extract("dipotong sama agen 500 tiap bulan", "HK").amounts[0].role == "deduction"
    found = extract("gaji dipotong, tapi 4500 itu sebulan", "HK")
    assert found.amounts[0].role is None


def test_two_different_wages_are_no_wage() -> None:
    assert extract("gaji 4500 atau gaji 4800", "HK").wage is None


def test_the_clause_of_an_amount_is_kept_for_what_it_is_for() -> None:
    found = extract("gaji 4500. dipotong 300 karena piring pecah", "HK")
    assert "piring pecah" in found.amounts[1].context


# -- short answers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "country", "value"),
    [("4500", "HK", 4500), ("HK$4,500", None, 4500), ("4,5rb", "HK", 4500), ("rm1500", None, 1500)],
)
def test_parse_amount(text: str, country: str | None, value: int) -> None:
    found = parse_amount(text, country)
    assert found is not None and found.value == value


@pytest.mark.parametrize("text", ["4500 atau 4800", "2-3 rb", "", "ga tau", "KD 60.500"])
def test_parse_amount_refuses_none_or_several(text: str) -> None:
    assert parse_amount(text, "HK") is None


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("3 bulan", 3),
        ("two months", 2),
        ("setahun", 12),
        ("sebulan", 1),
        ("ga tau", None),
        ("2-3 bulan", None),
    ],
)
def test_parse_months(text: str, months: int | None) -> None:
    assert parse_months(text) == months


def test_parse_date() -> None:
    found = parse_date("Oktober 2025")
    assert found is not None and (found.year, found.month, found.day) == (2025, 10, None)
    assert parse_date("5/3/2025") is None
    assert parse_date("Oktober 2025 atau November 2025") is None


# -- numbers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "currency", "value"),
    [
        ("4500", None, "4500"),
        ("4.500", None, "4500"),
        ("4,500", None, "4500"),
        ("4.5", None, "4.5"),
        ("4,5", None, "4.5"),
        ("1.500.000", None, "1500000"),
        ("1,500,000", None, "1500000"),
        ("1.500,50", None, "1500.50"),
        ("1,500.50", None, "1500.50"),
        ("0,500", None, "0.500"),
        ("30265.32", None, "30265.32"),
        ("60.500", "KWD", None),
        ("60.5", "KWD", "60.5"),
        ("4.5000", None, None),
        ("1.500.5", None, None),
        ("1,500.500", None, None),
        ("12.345,678", None, None),
        ("1234.567", None, None),
        ("abc", None, None),
    ],
)
def test_parse_number(written: str, currency: str | None, value: str | None) -> None:
    assert parse_number(written, currency) == (Decimal(value) if value else None)


# -- the vocabulary ----------------------------------------------------------------------------


def test_every_currency_of_the_words_is_a_money_facts_currency() -> None:
    codes = {c.code for c in load_money_facts().currencies}
    vocabulary = words()
    assert set(vocabulary["currencies"]) <= codes
    assert {c for codes_ in vocabulary["ambiguous_currencies"].values() for c in codes_} <= codes


def test_every_country_currency_has_written_forms() -> None:
    vocabulary = words()
    for currency in load_money_facts().currencies:
        if currency.countries:
            assert currency.code in vocabulary["currencies"], currency.code


def test_the_occupations_are_the_ten_of_the_facts() -> None:
    items = load_money_facts().get("ID-PERBAN9-OCCUPATIONS").items
    assert list(words()["occupations"]) == [i.key for i in items]


def test_the_approximate_text_is_listed_whole() -> None:
    assert extract("gaji sy 4 ribuan lah", "HK").ambiguous == ("4 ribuan",)
    assert extract("salary 4k something", "HK").ambiguous == ("4k something",)


def test_the_tables_hold_over_150_written_forms() -> None:
    assert len(AMOUNTS) + len(MONTHS) + len(DATES) >= 150
    assert len(AMOUNTS) + len(MONTHS) + len(DATES) + len(YEARS_OF_STAY) + len(AMBIGUOUS) >= 190
