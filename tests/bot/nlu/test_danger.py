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
        # medical emergencies
        "temen sy muntah darah",
        "kawan sekamar muntah2 darah",
        "kulo muntah getih",
        "sy hamil dan pendarahan hebat",
        "darahnya ga berhenti2 kak",
        "darah ngucur terus dari kepala",
        "gk bisa nafas kak tolong",
        "gabisa napas",
        "aku sesak napas parah",
        "nenek sesak bgt napasnya",
        "temen sy ga sadarkan diri",
        "kanca kulo semaput",
        "sy keracunan",
        "dia OD obat tidur",
        "temanku overdosis",
        "tangan sy kesiram minyak panas melepuh parah",
        "kaki kena air mendidih, luka bakar parah",
        "my friend is vomiting blood",
        "i'm throwing up blood",
        "the bleeding won't stop",
        "she is bleeding heavily after giving birth",
        "heavy bleeding after the miscarriage",
        "blood is pouring out of his leg",
        "i cant breath",
        "she is struggling to breathe",
        "my friend is unconscious and not breathing",
        "she passed out in the bathroom",
        "he lost consciousness",
        "i think i was poisoned",
        "she took an overdose of pills",
        "my friend is overdosing",
        "my friend got badly burned in the kitchen",
        "i'm severely burned on my arm",
        "my arm is badly blistered from boiling oil",
        "temen sy kesetrum mesin cuci, skrg ga sadar",
        "she got electric shock from the iron and now not responding",
        # threats about to happen
        "sy mau dipukuli malam ini",
        "dia bilang aku bakal dihajar nanti malam",
        "malam ini kami mau dikeroyok orang agensi",
        "ada preman nunggu di depan rumah kami",
        "orang agensi di luar pintu kamar",
        "they say they will beat us tonight",
        "he said he'll hurt me when he gets home",
        "men are outside our house",
        "some men are waiting outside my door",
        "someone is trying to break in",
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
        # harmless look-alikes of the medical and threat phrases
        "sy ada asma, kadang sesak napas kalau kecapean",
        "sesak napas dikit pas naik tangga",
        "tangan sy melepuh dikit kena panci",
        "luka bakar kena minyak panas kemarin, belum diobati",
        "dulu sy sering muntah pas hamil muda",
        "darah tinggi sy kambuh, obat habis",
        "gaji sy ga berhenti dipotong tiap bulan",
        "majikan mau motong gaji sy bulan ini",
        "mau siram tanaman sekarang",
        "banyak orang di depan rumah lagi nonton bola",
        "aku cek darah minggu lalu hasilnya bagus",
        "i have asthma and sometimes get short of breath",
        "the rice got badly burnt and madam was angry",
        "i burned my finger a little on the pan",
        "heavy bleeding during my period every month",
        "i threw up after eating bad seafood",
        "my blood test results came back normal",
        "my boss will hit the roof when he sees this",
        "there are men working outside fixing the road",
        "my employer is not responding to my messages",
        "the kids will hit the ball in the garden later",
        "tadi kesetrum dikit dari colokan, udah gpp",
        "got a small electric shock from the plug, i'm fine now",
    ],
)
def test_reports_are_not_danger(text):
    assert not is_danger(text)


@pytest.mark.parametrize(
    "text",
    [
        "sy udh siapin tali, maaf kak",
        "mau gantung diri aja",
        "pengen lompat dari lantai 20",
        "ora iso ambegan",
        "i swallowed too many sleeping pills",
        "he is breaking into my room",
        "I took a whole bottle of pills",
    ],
)
def test_indirect_suicide_overdose_and_forced_entry_are_danger(text):
    assert is_danger(text)


@pytest.mark.parametrize(
    "text",
    [
        "sy mau nyiapin obat buat ibu majikan",
        "anak majikan lompat dari tempat tidur",
        "I took my medicine today",
        "aku wes iso ambegan maneh",
        "the door is broken",
    ],
)
def test_look_alikes_of_the_new_danger_phrases_are_not(text):
    assert not is_danger(text)


@pytest.mark.parametrize(
    "text",
    [
        "strong gas leak in the flat, i feel dizzy and the door is locked",
        "it smells of gas everywhere, madam locked me in, i cant breathe",
        "smoke coming under the door and i am locked in my room",
        "a crew member fell into the sea last night, the boat keeps going",
        "man overboard, please tell the coast guard",
        "my friend is drowning, she cannot swim",
        "the agent men came to take me by force, please",
        "they are outside the house now with sticks",
        "bau gas banget, sy pusing mau pingsan",
        "ada asap, sy dikunci di kamar",
        "temen sy jatuh ke laut dari kapal",
        "kapal kami tenggelam tolong",
        "orang agensi mau dateng bawa sy paksa",
    ],
)
def test_gas_smoke_sea_and_abduction_now_are_danger(text):
    assert is_danger(text)


@pytest.mark.parametrize(
    "text",
    [
        "my phone fell in the water, can i still get the number again",
        "i am drowning in debt from the agency loan",
        "we cook with gas in this house",
        "gas price here so expensive",
        "last year the agency took me by force to another employer",
        "matahari tenggelam di pantai bagus",
        "hp sy jatuh ke air",
        "harga gas naik terus",
    ],
)
def test_look_alikes_of_gas_sea_and_force_are_not_danger(text):
    assert not is_danger(text)


@pytest.mark.parametrize(
    "text",
    [
        "food poisoning so bad, i cant stand up",
        "my friend is vomiting nonstop since morning",
        "i been throwing up all night and cannot stop",
        "agent say tonight they will sell me to a new boss",
        "they selling us today to another agency, help",
        "sy muntah2 ga berhenti dari pagi",
        "kata agen sy mau dijual malam ini",
    ],
)
def test_vomiting_that_does_not_stop_and_being_sold_tonight_are_danger(text):
    assert is_danger(text)


@pytest.mark.parametrize(
    "text",
    [
        "is food poisoning covered by my insurance?",
        "i vomited once after the medicine, now ok",
        "last year the agent sold me to another employer",
        "mau jual hp malam ini buat ongkos",
        "sy hamil muda, kadang muntah",
    ],
)
def test_look_alikes_of_vomiting_and_selling_are_not_danger(text):
    assert not is_danger(text)


@pytest.mark.parametrize(
    "text",
    [
        "sir choke me just now, he is in the kitchen",
        "my husband strangled me again, he is drunk",
        "he say he will come back to finish me tonight",
        "sy dicekik majikan barusan, skrg dia di ruang tamu",
        "dia bilang mau balik lagi buat ngabisin sy",
    ],
)
def test_strangled_just_now_and_coming_back_to_finish_are_danger(text):
    assert is_danger(text)


@pytest.mark.parametrize(
    "text",
    [
        "last year my old boss choked me once, now i have new employer",
        "i was choking on rice but i am fine",
        "she will come back to finish the cleaning tomorrow",
        "majikan dulu pernah nyekik sy, udah lama",
        "nanti dia balik lagi buat ngambil barang",
    ],
)
def test_look_alikes_of_strangling_and_finishing_are_not_danger(text):
    assert not is_danger(text)
