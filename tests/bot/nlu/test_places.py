from bot.nlu.places import merge_place_entities


def diet(entity, value, start, end):
    return {
        "entity": entity,
        "value": value,
        "start": start,
        "end": end,
        "extractor": "DIETClassifier",
    }


def test_gazetteer_places_replace_overlapping_diet_ones():
    text = "saya di riyadh"
    merged = merge_place_entities(text, [diet("city", "riyadh", 8, 14)])
    assert [(e["entity"], e["value"], e["extractor"]) for e in merged] == [
        ("city", "Riyadh", "PlaceEntityExtractor")
    ]


def test_diet_places_are_normalised_or_dropped():
    text = "majikan kl jahat, dari narnia"
    merged = merge_place_entities(
        text, [diet("city", "kl", 8, 10), diet("country", "narnia", 23, 29)]
    )
    assert [(e["entity"], e["value"]) for e in merged] == [("city", "Kuala Lumpur")]


def test_indonesia_as_destination_never_becomes_the_country():
    text = "I want to go back to Indonesia"
    assert merge_place_entities(text, [diet("country", "Indonesia", 21, 30)]) == []


def test_other_entities_pass_through():
    language = {"entity": "language", "value": "en", "start": 0, "end": 4}
    assert merge_place_entities("english please", [language]) == [language]
