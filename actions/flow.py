"""One turn of the dialogue: what to say to a message, given what is known.

The whole conversation logic lives here, as plain functions over `State` and `Message`, so that
every turn gets a reply (never silence, never a loop) and can be tested without Rasa:

- the person leads: a new request (another problem, an embassy for a named place, a rights
  question, a language switch, a person, deletion, an emergency) is answered first;
- anything volunteered (place, safety, writing for a relative) is taken from any message and
  never asked again; a question is asked at most twice, then the assistant goes on with what
  it knows;
- danger comes first, with local emergency numbers or the national hotlines;
- the first contact says what is kept and asks (the storage notice); until the person agrees
  no words are kept (bot/storage/tracker_store.py), and help is the same either way.
"""

from __future__ import annotations

import re
import time
from typing import Any

from actions.amounts import Amount, Extraction, extract
from actions.contacts import (
    MAX_ENTRIES,
    emergency_reply,
    emergency_shown,
    entries_reply,
    has_local_contacts,
    missions_near,
    national_reply,
    no_local_reply,
    usable,
)
from actions.followup import followup_text
from actions.handoff import Desk, HandoffUnavailable, describe, open_at
from actions.info import answer
from actions.money import (
    Question,
    WageClaim,
    analyse,
    caseworker_summary,
    country_of_currency,
    topic_of,
)
from actions.money import reply as money_reply
from actions.referral import TOPIC_OF_INTENT, referral_entries, topic_of_problem
from actions.state import State
from actions.understanding import (
    Message,
    asks_rescue,
    asks_something,
    asks_what_now,
    followup_kind,
    is_hedged,
    is_long,
    names_home_place_of_others,
    names_language,
    problem_in_words,
    refuses_going_home,
    safety_answer,
    says_thanks,
    speaks_of_sending_money,
    storage_answer,
    writes_for_relative,
)
from bot.languages import LANGUAGES
from bot.places import places
from bot.privacy.retention import Retention
from bot.texts import buttons, raw, text
from knowledge_base.directory import Directory, Entry, emergency_contacts
from knowledge_base.render import render_entry

# intent -> value of the `problem` slot (intents.md: the name without the `report_` prefix)
PROBLEM_OF_INTENT = {
    "report_abuse": "abuse",
    "report_unpaid_wages": "unpaid_wages",
    "report_document_withheld": "document_withheld",
    "report_trafficking": "trafficking",
    "report_recruitment_fraud": "recruitment_fraud",
    "report_overwork": "overwork",
    "report_health_problem": "health_problem",
    "report_detention": "detention",
    "want_to_go_home": "want_to_go_home",
    "report_missing_person": "missing_person",
}
ANSWERS = {"affirm", "deny", "inform", "nlu_fallback"}
# What a long story may ask for (anything else in a long story is read as "not sure").
REQUESTS = {
    *PROBLEM_OF_INTENT,
    *TOPIC_OF_INTENT,
    "emergency",
    "request_human",
    "delete_my_data",
    "choose_language",
    "ask_send_money_home",
}
LONG_STORY_MIN_CONFIDENCE = 0.1
HOME = "ID"
# Questions a side request interrupts; the flow goes back to them afterwards.
ASKED = ("safety", "place", "emergency_place", "topic_place")
# Messages whose place is where the person is (a question may name another place).
TAKES_PLACE = {*ANSWERS, *PROBLEM_OF_INTENT, "emergency"}
# Problems where the local emergency number comes with the first reply.
VIOLENT = {"abuse", "trafficking"}
# Problems where a caseworker is offered with the contacts (consent asked once).
ESCALATED = {"trafficking", "detention"}
# Problems where "are you safe?" is not the first thing to ask.
NO_SAFETY_QUESTION = {"missing_person", "recruitment_fraud"}
SHORT_CLOSING = 60  # a goodbye or thanks longer than this is probably a story
SHORT_ANSWER = 5  # words: a longer "yes"/"no" with nothing else understood is not an answer
MAX_MESSAGES = 5
# Money help (actions/money.py): the problems it answers, with their topic, and the intents.
MONEY_PROBLEMS = {"unpaid_wages": "wages", "recruitment_fraud": "fee"}
MONEY_INTENTS = {"report_unpaid_wages", "report_recruitment_fraud", "ask_rights"}
# What the classifier says when it read no problem: plain words may still name one.
UNSURE_OF_PROBLEM = {*ANSWERS, "out_of_scope", "greet", "goodbye", "thank", "bot_challenge"}
DANGER_PROBLEMS = {*VIOLENT, *ESCALATED, "emergency"}
# Never read as a money report from its figures: danger first, and requests the person made.
NO_MONEY_OVERRIDE = {
    "emergency",
    "report_abuse",
    "report_trafficking",
    "report_detention",
    "report_health_problem",
    "request_human",
    "delete_my_data",
    "choose_language",
    "ask_send_money_home",
}
UNSURE_MONEY_CONFIDENCE = 0.3  # an unsure reading that is still a money report, with figures
MIN_BARE_AMOUNT = 100  # below it, a number without a currency is hours, days or children
# Intents that are never a question about the contacts just shown.
NOT_FOLLOWUPS = {*PROBLEM_OF_INTENT, "choose_language", "request_human", "greet"}


# A rendered directory entry: a block with a phone number or another run of digits.
CONTACT_BLOCK = re.compile(r"\d{3}")


class Reply:
    """The messages of one turn, in order, never the same text twice."""

    def __init__(self, lang: str, desk: Desk | None = None) -> None:
        """Start an empty reply in ``lang``; ``desk`` is who takes over (None: nobody)."""
        self.lang = lang
        self.desk = desk
        self.messages: list[dict[str, Any]] = []
        self.urgent = False  # emergency numbers are in this turn: nothing else comes first

    def add(self, body: str, button_list: list[dict[str, str]] | None = None) -> None:
        """Add a message; a repeat, or a contact already shown in this turn, is dropped."""
        body = self._without_contacts_shown(body)
        if not body or any(m["text"] == body for m in self.messages):
            return
        self.messages.append({"text": body, "buttons": button_list or []})

    def _without_contacts_shown(self, body: str) -> str:
        """``body`` minus the contact blocks (rendered entries) an earlier message holds.

        Two answers of one turn may name the same hotline (a rights answer, then the
        national hotlines): the person sees it once. What is left without any number (a
        bare header) is dropped.
        """
        shown = {
            block
            for m in self.messages
            for block in m["text"].split("\n\n")
            if CONTACT_BLOCK.search(block)
        }
        if not shown:
            return body
        blocks = body.split("\n\n")
        kept = [b for b in blocks if b not in shown]
        for i, block in enumerate(kept):
            head, _, rest = block.partition("\n")  # a header glued to the first entry
            if rest in shown:
                kept[i] = head
        if len(kept) == len(blocks) and kept == blocks:
            return body
        left = "\n\n".join(kept).strip()
        return left if CONTACT_BLOCK.search(left) else ""

    def say(self, key: str, **values: str) -> None:
        """Add message ``key`` of `bot/texts/messages.yml` in the turn's language."""
        body = text(key, self.lang)
        self.add(body.format(**values) if values else body, buttons(key, self.lang))

    def final(self) -> list[dict[str, Any]]:
        """At most MAX_MESSAGES messages: a turn is never a wall."""
        return self.messages[:MAX_MESSAGES]


def problem_of(intent: str | None) -> str | None:
    """The `problem` slot value for a report intent, else None."""
    return PROBLEM_OF_INTENT.get(intent or "")


# -- places ------------------------------------------------------------------------------


def place_of(message: Message) -> tuple[str | None, str | None]:
    """(country, city) named in the message; a city implies its country."""
    gazetteer = places()
    city = gazetteer.city(message.last_entity("city"))
    countries = [gazetteer.country(v) for e, v in message.entities if e == "country"]
    abroad = [c for c in countries if c and c != HOME]
    # "I came from Indonesia two years ago ... in Riyadh": the country abroad is where they are.
    country = abroad[-1] if abroad else (countries[-1] if countries else None)
    if city and country and city.country != country:
        return country, None  # "KL ... in Saudi": the country named wins, the city is dropped
    if city:
        return city.country, city.name
    return country, None


def take_place(state: State, country: str | None, city: str | None, words: str = "") -> None:
    """Remember where the person (or their relative) is."""
    if not country:
        return
    if country == HOME and state.country and state.country != HOME:
        if state.writer == "relative":
            return  # the family writes from home; the relative abroad is who needs the contacts
        if names_home_place_of_others(words):
            return  # "lewat PT di malang": the agency is at home, the person is still abroad
    if country != state.country or city:
        state.city = city
    state.country = country


# -- building blocks ---------------------------------------------------------------------


def ask(state: State, reply: Reply, question: str, key: str) -> bool:
    """Ask ``question`` (message ``key``) unless it was asked twice already."""
    if not state.asks_left(question):
        return False
    reply.say(key)
    state.count_ask(question)
    state.pending = question
    return True


def ask_place(state: State, reply: Reply, key: str = "ask_country") -> bool:
    """Ask where the person is."""
    return ask(state, reply, "place", key)


def emergency(state: State, reply: Reply, directory: Directory) -> None:
    """Emergency numbers at once; the place is asked only afterwards."""
    for body in emergency_reply(directory, state.country, state.city, reply.lang):
        reply.add(body)
    shown = emergency_shown(directory, state.country, state.city)
    state.shown = [entry.id for entry in shown]  # "ada nmr wa?" asks about these
    reply.urgent = True
    state.emergency_given = True
    state.is_safe_now = False  # in danger: never asked "are you safe?" afterwards
    state.problem = state.problem or "emergency"
    if not state.country:
        ask(state, reply, "place", "emergency_where")
        state.pending = "emergency_place" if state.pending == "place" else state.pending
    else:
        offer_handoff(state, reply)


def ask_consent(state: State, reply: Reply, directory: Directory) -> None:
    """Ask whether the conversation may go to a caseworker, saying what is shared with whom."""
    if not consent_question(state, reply):
        reply.say("human_requested")
        reply.add(national_reply(directory, reply.lang))


def offer_handoff(state: State, reply: Reply) -> None:
    """An escalation offers a caseworker: the consent question once, else the button."""
    if state.pending or state.asked.get("consent"):
        reply.say("caseworker_offer")
        return
    state.count_ask("consent")
    if not consent_question(state, reply):
        reply.say("caseworker_offer")


def consent_question(state: State, reply: Reply) -> bool:
    """Ask consent naming the organisation and the retention; False when nobody can take over."""
    if reply.desk is None:
        return False
    try:
        team = reply.desk.organisation(state.country)
    except HandoffUnavailable:
        return False
    reply.say("handoff_consent", org=team.name, days=str(reply.desk.retention_days))
    state.pending = "consent"
    return True


def consent_answer(state: State, reply: Reply, directory: Directory, agreed: bool) -> None:
    """Open the case on yes (with the time and version of the consent); contacts on no.

    An opened case ends with the safe-contact question (may a caseworker write first, at
    what hours); until the person answers, no caseworker may.
    """
    state.consent_share = agreed
    if not agreed or reply.desk is None:
        reply.say("handoff_declined")
        contacts_without_handoff(state, reply, directory)
        return
    try:
        organisation = reply.desk.open_case(state, time.time())
    except HandoffUnavailable:
        reply.say("human_requested")
        reply.add(national_reply(directory, reply.lang))
        return
    state.handoff_active = True
    hours = describe(organisation.hours, reply.lang)
    if open_at(organisation.hours, time.time()):
        reply.say("handoff_opened", org=organisation.name, hours=hours)
    else:
        reply.say("handoff_opened_closed", org=organisation.name, hours=hours)
        for body in emergency_reply(directory, state.country, state.city, reply.lang):
            reply.add(body)
    # Safe contact: may a caseworker write first, and when? The answer comes during the
    # case, so bot/channels/handoff.py reads it (bot/privacy/safe_contact.py).
    reply.say("contact_question")


def contacts_without_handoff(state: State, reply: Reply, directory: Directory) -> None:
    """The mission near the person (when known), then the national hotlines."""
    if state.country:
        missions = missions_near(directory, state.country, state.city)
        if missions:
            reply.add(entries_reply(missions[:1], reply.lang))
    reply.add(national_reply(directory, reply.lang))


def show_contacts(
    state: State,
    reply: Reply,
    directory: Directory,
    topic: str,
    place: tuple[str | None, str | None],
    query: str = "",
) -> None:
    """Up to three entries for ``topic`` near ``place``, or the national hotlines."""
    country, city = place
    state.topic = topic
    state.referral_offset = 0.0
    if not country:
        reply.add(national_reply(directory, reply.lang))
        if ask_place(state, reply, "referral_where"):
            state.pending = "topic_place"  # the place answers this request first
        return
    if not has_local_contacts(directory, country):
        reply.add(no_local_reply(directory, country, reply.lang))
        state.shown = []
        reply.say("caseworker_offer")
        return
    entries = referral_entries(directory, topic, country, city, query, reply.lang)
    show_page(state, reply, directory, entries, 0)


def show_page(
    state: State, reply: Reply, directory: Directory, entries: list[Entry], offset: int
) -> None:
    """Show entries[offset:offset+3] with "more" and caseworker buttons."""
    page = entries[offset : offset + MAX_ENTRIES]
    state.referral_offset = float(offset)
    if not page:
        reply.say("no_more_contacts")
        reply.add(national_reply(directory, reply.lang))
        return
    state.shown = [entry.id for entry in page]
    more = len(entries) > offset + MAX_ENTRIES
    more_button = (
        [{"title": text("more_contacts_button", reply.lang), "payload": "/more_options"}]
        if more
        else []
    )
    caseworker = buttons("caseworker_button", reply.lang)
    reply.add(entries_reply(page, reply.lang), more_button + caseworker)


def continue_problem(state: State, reply: Reply, directory: Directory) -> None:
    """Ask what is still needed for the problem (at most twice each), else give the contacts."""
    problem = state.problem or ""
    asks_safety = problem not in NO_SAFETY_QUESTION and problem != "emergency"
    if asks_safety and state.is_safe_now is None:
        key = "ask_is_relative_safe" if state.writer == "relative" else "ask_is_safe_now"
        if ask(state, reply, "safety", key):
            return
    if state.is_safe_now is False and not state.emergency_given:
        emergency(state, reply, directory)
        if state.pending:
            return
    if not state.country and ask_place(state, reply):
        return
    topic = topic_of_problem(problem) or "embassy"
    show_contacts(state, reply, directory, topic, (state.country, state.city))
    state.done = True
    if problem in ESCALATED and not state.pending:
        offer_handoff(state, reply)


def what_now(
    state: State, reply: Reply, message: Message, directory: Directory, pending: str | None
) -> None:
    """What should I do now: the first step and a caseworker once the contacts are out.

    Asked instead of answering "are you safe?", it wants the help now: no third question.
    """
    if pending == "safety":
        state.stop_asking("safety")
    if not state.problem:
        fallback(state, reply, message, directory)
    elif not state.done:
        continue_problem(state, reply, directory)
    else:
        reply.say("next_step")
        continue_problem(state, reply, directory)  # the contacts again, nearest first
        if state.problem not in ESCALATED:
            offer_handoff(state, reply)


def resume(state: State, reply: Reply, directory: Directory, pending: str | None) -> None:
    """After a side request, go back to an unfinished question if it still makes sense."""
    if pending in ASKED and state.problem and not state.done:
        continue_problem(state, reply, directory)


def fallback(state: State, reply: Reply, message: Message, directory: Directory) -> None:
    """Not understood: a long story gets its likely topics; else rephrase, then a person."""
    state.fallbacks += 1
    if is_long(message.text):
        reply.add(text("long_story", reply.lang), story_buttons(message, reply.lang))
        return
    if state.fallbacks <= 1:
        reply.say("ask_rephrase")
        return
    reply.say("fallback_human")
    reply.add(national_reply(directory, reply.lang))
    offer_handoff(state, reply)


def story_buttons(message: Message, lang: str) -> list[dict[str, str]]:
    """Buttons for the two or three likeliest topics of a message, then a caseworker."""
    topics = text_topics()
    likely = [name for name, _ in message.ranking if name in topics][:3]
    if not likely:
        likely = ["report_abuse", "report_unpaid_wages", "want_to_go_home"]
    options = [{"title": topics[name][lang], "payload": f"/{name}"} for name in likely]
    return options + buttons("caseworker_button", lang)


def text_topics() -> dict[str, dict[str, str]]:
    """The topic labels of `long_story_topics` (intent -> {id, en})."""
    topics: dict[str, dict[str, str]] = raw("long_story_topics")
    return topics


# -- the turn ----------------------------------------------------------------------------


def respond(
    state: State, message: Message, directory: Directory, desk: Desk | None = None
) -> list[dict[str, Any]]:
    """Decide the reply to ``message`` and update ``state``; never returns nothing.

    ``desk`` opens cases for caseworkers; without one, "talk to a person" gives the hotlines.
    """
    named_language = message.entity("language")
    if named_language in LANGUAGES:
        state.language = named_language
    reply = Reply(state.language, desk)
    handle(state, reply, message, directory)
    if not reply.messages:
        reply.say("menu_prompt")
    tell_storage(state, reply)
    return reply.final()


def storage_decision(state: State, reply: Reply, agreed: bool) -> None:
    """The person answered the storage notice (or changed their mind)."""
    state.privacy_told = True
    withdrawn = state.storage_consent is True and not agreed
    state.storage_consent = agreed
    # A withdrawal erases the words already kept: the tracker store does it on this change.
    if agreed:
        reply.say("storage_kept")
    else:
        reply.say("storage_withdrawn" if withdrawn else "storage_not_kept")


def tell_storage(state: State, reply: Reply) -> None:
    """The storage notice once, at the end of the first turn that has room for it.

    Never in a turn with emergency numbers (they come alone), never after "delete my data"
    (the conversation is about to be erased); the notice then waits for the next turn.
    """
    if state.privacy_told or reply.urgent or state.pending == "deleted":
        return
    if len(reply.messages) >= MAX_MESSAGES:
        return
    days = str(int(Retention.told().conversation_days))
    body = text("storage_notice", reply.lang).format(days=days)
    state.privacy_told = True
    if state.pending is not None:
        # Another question is open: the notice goes before it (people answer the last
        # message), without yes/no buttons (they would answer that question).
        reply.messages.insert(len(reply.messages) - 1, {"text": body, "buttons": []})
        return
    reply.add(body, buttons("storage_notice", reply.lang))
    state.pending = "storage"  # a bare "ya" / "tidak" answers it


def handle(state: State, reply: Reply, message: Message, directory: Directory) -> None:
    """Route one message; see the module docstring for the order of precedence."""
    intent = main_request(message)
    unsure = intent in UNSURE_OF_PROBLEM and not is_long(message.text)
    if unsure and not state.problem and not message.is_button:
        intent = problem_in_words(message.text) or intent  # "majikan ga bayar dr bulan puasa"
    pending, state.pending = state.pending, None
    # The channel lets a message through to the assistant when no case is open, or, during
    # a case, "delete my data" and its confirmation: only those keep the handoff state.
    if intent != "delete_my_data" and pending != "delete":
        state.handoff_active = False
    named = place_of(message)
    words = "" if message.is_button else message.text
    if intent != "nlu_fallback":
        state.fallbacks = 0
    if writes_for_relative(words):
        state.writer = "relative"
    take_safety(state, message, pending, intent)
    if intent in TAKES_PLACE or not state.country:
        take_place(state, *named, words)

    if intent == "emergency":
        new = problem_of(message.ranking[1][0]) if len(message.ranking) > 1 else None
        state.problem = state.problem or new
        emergency(state, reply, directory)
        return
    in_danger = state.is_safe_now is False or (state.problem or "") in DANGER_PROBLEMS
    if in_danger and asks_rescue(words):
        emergency(state, reply, directory)  # "ada yg bs jemput kami gk?": who can come, now
        return
    said = None if message.is_button else storage_answer(message.text)
    bare = message.is_button or (
        message.words <= SHORT_ANSWER and safety_answer(message.text) is None and not named[0]
    )
    if said is None and pending == "storage" and intent in ("affirm", "deny") and bare:
        # A bare yes or no; "I'm not safe at home" answers how the person is, not this.
        said = intent == "affirm"
    if said is not None:
        storage_decision(state, reply, said)
        if intent in PROBLEM_OF_INTENT or intent in TOPIC_OF_INTENT:
            pending = None  # "jangan simpan ya, gaji sy blm dibayar": the request follows
        else:
            resume(state, reply, directory, pending)
            return
    # "ya sambungkan" to "shall I connect you?" reads as asking for a person: that is a yes.
    if pending == "consent" and intent in ("affirm", "deny", "request_human"):
        consent_answer(state, reply, directory, intent != "deny")
        return
    if pending == "delete" and intent in ("affirm", "deny"):
        delete_answer(state, reply, intent == "affirm")
        return
    if intent == "delete_my_data":
        reply.say("ask_delete_confirm")
        state.pending = "delete"
        return
    kind = followup_kind(words)
    if kind and state.shown and not named[0] and intent not in NOT_FOLLOWUPS:
        reply.add(followup_text(directory, state.shown, kind, reply.lang))
        return
    if money_help(state, reply, message, intent, directory):
        return
    if intent in PROBLEM_OF_INTENT:
        report(state, reply, directory, intent)
        return
    if intent in TOPIC_OF_INTENT:
        place = named if named[0] else (state.country, state.city)
        show_contacts(state, reply, directory, TOPIC_OF_INTENT[intent], place, words)
        return
    if intent in ("ask_rights", "ask_safe_migration"):
        country = named[0] or state.country
        city = named[1] if named[0] else state.city
        for body in answer(intent.removeprefix("ask_"), country, reply.lang, directory, city):
            reply.add(body)
        resume(state, reply, directory, pending)
        return
    if (
        intent == "ask_send_money_home"
        and state.problem
        and not message.is_button
        and not speaks_of_sending_money(words)
    ):
        continue_problem(state, reply, directory)  # "who can help me get the money?": the case
        return
    if intent == "ask_send_money_home":
        send_money_home(state, reply, directory, named[0])
        resume(state, reply, directory, pending)
        return
    if intent == "request_human":
        ask_consent(state, reply, directory)
        return
    if intent == "choose_language" and (message.is_button or names_language(words)):
        if not message.entity("language"):  # "ganti bahasa": the other one
            state.language = reply.lang = "en" if reply.lang == "id" else "id"
        reply.say("language_set")
        resume(state, reply, directory, pending)
        return
    if intent == "more_options":
        more(state, reply, directory)
        return
    if intent == "greet" and not is_long(words):
        greet(state, reply, directory, pending)
        return
    what_now_asked = state.problem and not is_long(words) and asks_what_now(words)
    if what_now_asked or (intent in ("thank", "goodbye") and asks_something(words)):
        # "jd sy hrs gmn dulu kak?" is no goodbye
        what_now(state, reply, message, directory, pending)
        return
    short = len(words) <= SHORT_CLOSING
    # "iya makasih" with no question pending: thanks, whatever the NLU made of the "iya".
    thanked = not pending and intent in ANSWERS and says_thanks(words)
    if thanked or (intent in ("thank", "goodbye") and short and message.confidence >= 0.6):
        reply.say("goodbye" if intent == "goodbye" else "thank")
        return
    if intent == "bot_challenge":
        reply.say("iamabot")
        resume(state, reply, directory, pending)
        return
    if intent == "out_of_scope" and not pending and not is_long(words):
        reply.say("out_of_scope")
        return
    answer_or_fallback(state, reply, message, directory, pending, named)


def main_request(message: Message) -> str:
    """The intent to act on; a long story is read for the problem or request it carries.

    That is the best-ranked request among the top three, else `nlu_fallback` (which offers the
    likely topics as buttons).
    """
    intent = message.intent or "nlu_fallback"
    refused = {"want_to_go_home"} if refuses_going_home(message.text) else set()
    if intent not in refused and (not is_long(message.text) or intent in REQUESTS):
        return intent
    for name, confidence in message.ranking[:3]:
        if name in REQUESTS - refused and confidence >= LONG_STORY_MIN_CONFIDENCE:
            return name
    return "nlu_fallback"


def take_safety(state: State, message: Message, pending: str | None, intent: str) -> None:
    """Read "are you safe?" from the words of any message, or from yes/no when it was asked."""
    said = None if message.is_button else safety_answer(message.text)
    if pending == "safety" and said is None and intent in ("affirm", "deny"):
        said = intent == "affirm"
    # "ada rumah aman?" asks for a safe place; only answers and reports say how the person is.
    if said is not None and (
        intent in TAKES_PLACE or (pending == "safety" and intent == "out_of_scope")
    ):
        state.is_safe_now = said
        if said is False:
            state.emergency_given = False  # "not safe" always gets the emergency numbers
    elif pending == "safety" and (intent in ANSWERS or intent in PROBLEM_OF_INTENT):
        state.stop_asking("safety")  # answered with something else: go on, do not loop


def report(state: State, reply: Reply, directory: Directory, intent: str) -> None:
    """A problem: acknowledge a new one, then ask what is missing or give the contacts."""
    problem = problem_of(intent)
    if problem != state.problem:
        reply.say(f"ack_{problem}")
        state.problem = problem
        state.done = False
        if problem in VIOLENT and state.country and state.is_safe_now is None:
            local = usable(emergency_contacts(directory, state.country))
            if local:  # before any question: the number to call if it gets worse
                reply.add(
                    text("emergency_local", reply.lang) + "\n" + render_entry(local[0], reply.lang)
                )
    continue_problem(state, reply, directory)


def money_figures(found: Extraction) -> list[Amount]:
    """The amounts a person means as money, in a message already about money.

    A small bare number ("kerja 24 jam", "3 anak", "gaji 4,5") is not a figure to compute
    from unless a currency is written with it, and neither is a guess or a bound ("di bawah
    5000", "4500 atau 4800"): the held-out set (bench/money) showed the extractor reads
    both as amounts.
    """
    return [
        a
        for a in found.amounts
        if (a.written or a.value >= MIN_BARE_AMOUNT) and not is_hedged(a.context or a.text)
    ]


def unsure_money_report(message: Message) -> str | None:
    """The money report among the NLU's top three when it was unsure between several.

    "I'm in Hong Kong, my salary is HK$4,500 and they haven't paid me for 3 months" came
    out as nlu_fallback (unpaid wages 0.49, recruitment fraud 0.46); with the figures
    written it is a money report all the same.
    """
    for name, confidence in message.ranking[:3]:
        if name in MONEY_INTENTS and confidence >= UNSURE_MONEY_CONFIDENCE:
            return name
    return None


def money_report_in_words(text: str, found: Extraction) -> str | None:
    """The money report a message's own words make, whatever the NLU read.

    "my broker takes NT$1,800 every month, this is my third year" once came out as a missing
    person: a fee or a wage with months unpaid, written with its figure, is a money report.
    """
    topic = topic_of(text, found)
    return {"fee": "report_recruitment_fraud", "wages": "report_unpaid_wages"}.get(topic or "")


def money_help(
    state: State, reply: Reply, message: Message, intent: str, directory: Directory
) -> bool:
    """Figures the person gave (a wage and months, a fee): the sourced sums and the route.

    Only when the message holds an amount and the problem is money (a report, a rights
    question, or an answer while unpaid wages or a fee are the problem); the safety question
    still comes last when it is open. False when it does not apply (the usual turn follows).
    """
    if message.is_button:
        return False
    found = extract(message.text, state.country)  # once: read by every check below
    if intent in ANSWERS and not state.problem:
        intent = unsure_money_report(message) or intent
    if intent not in MONEY_INTENTS and intent not in NO_MONEY_OVERRIDE:
        intent = money_report_in_words(message.text, found) or intent
    problem = problem_of(intent) or state.problem
    is_money = intent in MONEY_INTENTS or (problem in MONEY_PROBLEMS and intent in ANSWERS)
    if not is_money or not money_figures(found):
        return False
    if not state.country:  # "gaji sy 4.500 HKD": the currency says Hong Kong
        take_place(state, country_of_currency(found), None)
    result = analyse(
        message.text, country=state.country, default_topic=MONEY_PROBLEMS.get(problem or "")
    )
    if isinstance(result, Question):
        return False  # e.g. no country yet: the usual turn asks for it
    if intent in PROBLEM_OF_INTENT:
        state.problem = problem
    state.done = True  # the reply names whom to contact: "aman" next needs no list again
    if isinstance(result, WageClaim):
        state.money_summary = caseworker_summary(result)
    asks_safety = (
        state.is_safe_now is None
        and state.asks_left("safety")
        and (state.problem or "") not in NO_SAFETY_QUESTION
    )
    add_money_reply(
        reply,
        money_reply(result, reply.lang, directory, state.city),
        MAX_MESSAGES - int(asks_safety),
    )
    if asks_safety:
        key = "ask_is_relative_safe" if state.writer == "relative" else "ask_is_safe_now"
        ask(state, reply, "safety", key)
    return True


def add_money_reply(reply: Reply, bodies: list[str], room: int) -> None:
    """The money help in at most ``room`` bubbles; the caseworker offer last, with its button.

    One bubble per message: Rasa's REST channel sends each paragraph on its own, and the sums,
    the route and the sources would otherwise be a wall of a dozen. With too little room the
    last ones are joined, so the sources, the contacts and the offer are never dropped.
    """
    bodies = [re.sub(r"\n{2,}", "\n", body) for body in bodies]
    while len(bodies) > max(room, 1):
        bodies[-2:] = ["\n\n".join(bodies[-2:])]
    *content, offer = bodies
    for body in content:
        reply.add(body)
    reply.add(offer, buttons("caseworker_button", reply.lang))


def send_money_home(state: State, reply: Reply, directory: Directory, country: str | None) -> None:
    """How to send money home safely: licensed channels, JariPMI and the cost target, sourced."""
    result = analyse(None, country=country or state.country, topic="remittance")
    add_money_reply(reply, money_reply(result, reply.lang, directory, state.city), MAX_MESSAGES - 1)


def delete_answer(state: State, reply: Reply, confirmed: bool) -> None:
    """Delete on yes (the action turns this into a restart), else carry on."""
    if confirmed:
        reply.say("data_deleted")
        state.pending = "deleted"
        return
    reply.say("anything_else")


def more(state: State, reply: Reply, directory: Directory) -> None:
    """The next three entries of the last referral."""
    if not state.topic or not state.country:
        continue_problem(state, reply, directory)
        return
    entries = referral_entries(directory, state.topic, state.country, state.city, "", reply.lang)
    show_page(state, reply, directory, entries, int(state.referral_offset) + MAX_ENTRIES)


def greet(state: State, reply: Reply, directory: Directory, pending: str | None) -> None:
    """Introduce Lentera once; later greetings go back to what was open."""
    if not state.greeted:
        reply.say("first_contact")
        state.greeted = True
        return
    if pending in ASKED and state.problem and not state.done:
        continue_problem(state, reply, directory)
        return
    reply.say("greet_again")


def answer_or_fallback(
    state: State,
    reply: Reply,
    message: Message,
    directory: Directory,
    pending: str | None,
    named: tuple[str | None, str | None],
) -> None:
    """Answers to a question, a place given, a yes/no, or not understood."""
    intent = message.intent or "nlu_fallback"
    if state.is_safe_now is False and not state.emergency_given:
        emergency(state, reply, directory)
        if state.problem != "emergency" and not state.done and not state.pending:
            continue_problem(state, reply, directory)
        return
    open_problem = bool(state.problem) and not state.done
    if pending == "emergency_place" and named[0]:
        emergency(state, reply, directory)  # now with the local numbers
        return
    if pending == "topic_place" and named[0] and state.topic:
        show_contacts(state, reply, directory, state.topic, (state.country, state.city))
        return
    asked_place = pending in ("place", "emergency_place", "topic_place")
    unplaced = asked_place and not named[0] and intent not in ("affirm", "deny")
    if unplaced and ask_place(state, reply, "country_unknown"):
        return
    if open_problem and (pending or named[0] or intent in ("affirm", "deny", "inform")):
        continue_problem(state, reply, directory)
        return
    if named[0]:
        if state.topic:
            show_contacts(state, reply, directory, state.topic, (state.country, state.city))
        else:
            reply.say("place_noted")
        return
    if intent in ("affirm", "deny") and (message.is_button or message.words <= SHORT_ANSWER):
        reply.say("anything_else")
        return
    if intent in ANSWERS and safety_answer(message.text):
        reply.say("anything_else")  # "I'm safe, staying with a friend": noted, nothing to ask
        return
    fallback(state, reply, message, directory)


__all__ = ["Reply", "problem_of", "respond"]
