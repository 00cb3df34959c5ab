"""The queue and the case page, and what a caseworker does on it.

Forms are plain HTML forms (they work without JavaScript); htmx only refreshes the live
parts (queue, transcript) when the event stream says something changed. A refused action
renders the case page again with a clear message and the typed text still in its box.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from starlette.responses import HTMLResponse, RedirectResponse, Response

from bot.cases import AlreadyClaimed, Case, CaseClosed, ContactCheck, NotAssignee, ReplyRefused
from bot.cases.models import MAX_REPLY_CHARS, RISKS
from bot.console.routing import ROLE_RANK, Ctx, Refusal
from bot.console.watchdog import expired_claims
from bot.privacy.previews import PREVIEW_CHARS, alarming_words
from bot.storage.address_book import last_inbound_at
from knowledge_base.directory import Entry, national_hotlines
from knowledge_base.render import contacts_header, render_entry

STATUSES = ("waiting", "claimed", "closed")
REF_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
CODE_RE = re.compile(r"^[A-Za-z]{2}$")
DONE = {
    "claim": "You hold this case now: the person's messages come to you.",
    "release": "The case is back in the queue.",
    "reply": "Reply queued for delivery through the person's own chat.",
    "note": "Note saved. Notes are internal: they are never sent to the person.",
    "close": "Case closed.",
    "return": "Case closed: the assistant answers the person again, who was told so.",
    "reassign": "Case handed over.",
}
REPLY_REFUSED = {
    "empty": (422, "The reply is empty: nothing was sent."),
    "too_long": (
        422,
        f"The reply is longer than {MAX_REPLY_CHARS} characters: shorten it or send it in "
        "two parts. Nothing was sent; your text is still in the box.",
    ),
    "closed": (409, "This case is closed: replies can no longer be sent. Nothing was sent."),
    "deleted": (409, "The person deleted their data: nothing can be sent to them."),
    "not_claimed": (409, "Claim the case before replying. Nothing was sent."),
    "claimed_by_other": (409, "Another caseworker holds this case. Nothing was sent."),
}
# Safe contact (a message that writes first): said with what the person answered.
NOT_AGREED = (
    "The person has not agreed to be contacted first: {why}. They have not written since the "
    "last message to them, so this would write first. Nothing was sent; your text is still in "
    "the box. Reply when they write."
)
OUTSIDE_HOURS = (
    "Outside the hours the person chose ({window} their time, {zone}; it is {local} there "
    "now). They have not written since the last message to them, so this would write first. "
    "Nothing was sent; your text is still in the box."
)
NOTE_REFUSED = {
    "empty": (422, "The note is empty: nothing was saved."),
    "too_long": (422, "The note is too long: nothing was saved; your text is still in the box."),
    "deleted": (409, "The person deleted their data: no notes can be added."),
}


# -- helpers ---------------------------------------------------------------------------------


def is_fragment(ctx: Ctx) -> bool:
    """An htmx request for a part of the page."""
    return ctx.request.headers.get("hx-request") == "true"


def case_or_404(ctx: Ctx, ref: str | None = None) -> Case:
    """The case named in the URL (or ``ref``), if it is this organisation's; else 404."""
    ref = str(ctx.request.path_params.get("ref", "")) if ref is None else ref
    case = ctx.console.cases.get(ref, ctx.principal.organisation_id) if REF_RE.match(ref) else None
    if case is None:
        raise Refusal(404, "There is no such case.")
    return case


def may_manage(ctx: Ctx, case: Case) -> bool:
    """The holder of the case, or a supervisor/admin, may close or hand it back."""
    holder = case.status == "claimed" and case.assignee_id == ctx.principal.staff_id
    return holder or ROLE_RANK[ctx.principal.role] >= ROLE_RANK["supervisor"]


def staff_names(ctx: Ctx) -> dict[int, str]:
    """Staff id -> e-mail, for the organisation."""
    return {m.id: m.email for m in ctx.console.staff.of_organisation(ctx.principal.organisation_id)}


def waiting_count(ctx: Ctx) -> int:
    """How many of the organisation's cases wait for someone (for the tab title)."""
    return ctx.console.cases.count(ctx.principal.organisation_id, "waiting")


def referral_options(ctx: Ctx, case: Case) -> list[Entry]:
    """Directory entries for the person's country (local first), else the national hotlines."""
    directory = ctx.console.directory()
    found = directory.serving(case.country) if case.country else national_hotlines(directory)
    return [entry for entry in found if entry.channels]


def entry_name(entry: Entry | None, fallback: str) -> str:
    """A directory entry's English name, or ``fallback`` if it left the directory."""
    return entry.name_in("en") if entry is not None else fallback


def render(ctx: Ctx, template: str, *, status: int = 200, **values: Any) -> Response:
    """Render a template with what every page needs."""
    html = ctx.console.templates.get_template(template).render(
        principal=ctx.principal, csrf_token=ctx.principal.csrf_token, **values
    )
    return HTMLResponse(html, status_code=status)


def back_to(case: Case, done: str) -> Response:
    """303 to the case page with a short confirmation."""
    return RedirectResponse(f"/cases/{case.ref}?done={done}", status_code=303)


# -- the queue -------------------------------------------------------------------------------


# Meta's customer-service window: free text only within 24 h of the person's last message.
WHATSAPP_WINDOW_SECONDS = 24 * 3600


def queue_filters(ctx: Ctx) -> dict[str, str]:
    """The valid filters of the query string; anything else is ignored."""
    wanted = {
        "status": ctx.query("status") if ctx.query("status") in STATUSES else "",
        "risk": ctx.query("risk") if ctx.query("risk") in RISKS else "",
        "country": ctx.query("country").upper() if CODE_RE.match(ctx.query("country")) else "",
        "language": ctx.query("language").lower() if CODE_RE.match(ctx.query("language")) else "",
    }
    return {key: value for key, value in wanted.items() if value}


def queue(ctx: Ctx) -> Response:
    """``GET /cases``: the organisation's queue, urgent first, then longest waiting."""
    filters = queue_filters(ctx)
    store = ctx.console.cases
    items = store.queue(ctx.principal.organisation_id, **filters)  # type: ignore[arg-type]
    ctx.audit()
    organisation = store.get_organisation(ctx.principal.organisation_id)
    values: dict[str, Any] = {
        "cases": items,
        "filters": filters,
        "waiting": waiting_count(ctx),
        "names": staff_names(ctx),
        "now": ctx.console.clock(),
        "version": store.current_version(),
        "statuses": STATUSES,
        "risks": RISKS,
        "countries": organisation.countries if organisation else (),
        "languages": organisation.languages if organisation else (),
        "expired": (
            expired_claims(store, ctx.principal.organisation_id, ctx.console.clock())
            if ctx.principal.role in ("supervisor", "admin")
            else []
        ),
    }
    return render(ctx, "_queue.html" if is_fragment(ctx) else "queue.html", **values)


# -- the case page ---------------------------------------------------------------------------


def case_values(ctx: Ctx, case: Case) -> dict[str, Any]:
    """What the case page and its live part show."""
    store = ctx.console.cases
    referrals = store.referrals(case.id)
    directory = ctx.console.directory()
    return {
        "case": case,
        "transcript": store.transcript(case.id),
        "notes": store.notes(case.id),
        "referrals": referrals,
        "referral_names": {
            r.entry_id: entry_name(directory.get(r.entry_id), r.entry_id) for r in referrals
        },
        "names": staff_names(ctx),
        "now": ctx.console.clock(),
        "may_manage": may_manage(ctx, case),
        "holds": case.status == "claimed" and case.assignee_id == ctx.principal.staff_id,
        "is_supervisor": ROLE_RANK[ctx.principal.role] >= ROLE_RANK["supervisor"],
        "window_left": whatsapp_window_left(ctx, case),
        "contact": ctx.console.cases.contact_check(case.id),
    }


def contact_refusal(reason: str, check: ContactCheck) -> str:
    """Why a message that writes first was refused, in the caseworker's words."""
    if reason == "outside_hours" and check.preference is not None:
        return OUTSIDE_HOURS.format(
            window=check.preference.window(), zone=check.time_zone, local=check.local
        )
    why = "they said no" if check.preference is not None else "they have not answered yet"
    return NOT_AGREED.format(why=why)


def whatsapp_window_left(ctx: Ctx, case: Case) -> float | None:
    """Seconds left in WhatsApp's 24-hour window (0 when closed); None on other channels."""
    if case.channel != "whatsapp":
        return None
    last = last_inbound_at(ctx.console.engine, case.conversation_id)
    if last is None:
        return 0.0
    return max(0.0, WHATSAPP_WINDOW_SECONDS - (ctx.console.clock() - last))


def render_case(
    ctx: Ctx,
    case: Case,
    *,
    status: int = 200,
    message: str = "",
    error: str = "",
    draft: str = "",
    note_draft: str = "",
    client_token: str | None = None,
    preview_warning: list[str] | None = None,
) -> Response:
    """The whole case page.

    ``preview_warning`` (the alarming words of the draft's first line) asks the caseworker
    to reword or to send anyway, with the same ``client_token`` (one message however often
    it is clicked).
    """
    options = referral_options(ctx, case)
    values = case_values(ctx, case)
    staff = ctx.console.staff
    values.update(
        message=message,
        error=error,
        draft=draft,
        note_draft=note_draft,
        client_token=client_token or secrets.token_urlsafe(16),
        preview_warning=preview_warning or [],
        preview_chars=PREVIEW_CHARS,
        canned=staff.canned(ctx.principal.organisation_id, case.language),
        options=[(e.id, e.name_in("en")) for e in options],
        max_reply=MAX_REPLY_CHARS,
        colleagues=[
            m for m in staff.of_organisation(ctx.principal.organisation_id) if not m.disabled
        ],
        version=ctx.console.cases.current_version(),
    )
    return render(ctx, "case.html", status=status, **values)


def case_page(ctx: Ctx) -> Response:
    """``GET /cases/<ref>``: summary, transcript, notes, reply form."""
    case = case_or_404(ctx)
    ctx.audit(case_id=case.id)
    return render_case(ctx, case, message=DONE.get(ctx.query("done"), ""))


def case_live(ctx: Ctx) -> Response:
    """``GET /cases/<ref>/live``: the part of the case page the event stream refreshes."""
    case = case_or_404(ctx)
    ctx.audit(case_id=case.id)
    return render(ctx, "_case_live.html", **case_values(ctx, case))


# -- actions ---------------------------------------------------------------------------------


def claim(ctx: Ctx) -> Response:
    """``POST /cases/<ref>/claim``: take the case; someone else holds it: 409."""
    case = case_or_404(ctx)
    try:
        ctx.console.cases.claim(case.id, ctx.principal.staff_id)
    except AlreadyClaimed as exc:
        holder = staff_names(ctx).get(exc.assignee_id or 0, "another caseworker")
        message = f"{holder} claimed this case first: it is theirs now. Nothing was changed."
        return render_case(ctx, case_or_404(ctx), status=409, error=message)
    except CaseClosed:
        return render_case(ctx, case, status=409, error="This case is closed.")
    return back_to(case, "claim")


def release(ctx: Ctx) -> Response:
    """``POST /cases/<ref>/release``: give one's claim back to the queue."""
    case = case_or_404(ctx)
    try:
        ctx.console.cases.release(case.id, ctx.principal.staff_id)
    except (NotAssignee, CaseClosed):
        return render_case(ctx, case, status=409, error="You do not hold this case.")
    return back_to(case, "release")


def reply(ctx: Ctx) -> Response:
    """``POST /cases/<ref>/reply`` (``text``): queue a reply for the person's own chat.

    A reply whose first line holds a word of the preview denylist (it would show on the
    person's lock screen) is not sent at first: the page warns and offers to send it anyway
    (``send_anyway=1``). A warning, not a ban: the caseworker knows the person.

    Safe contact: a message that writes first (the person has not written since the last
    message to them) is refused with 409 unless they agreed to it and it is inside their
    hours; the page says which. A ban: only the person can lift it.
    """
    case = case_or_404(ctx)
    text = ctx.field("text")
    token = ctx.field("client_token")[:64] or secrets.token_urlsafe(16)
    holds = case.is_open and case.assignee_id == ctx.principal.staff_id
    alarming = alarming_words(text) if holds and ctx.field("send_anyway") != "1" else []
    if alarming:
        return render_case(ctx, case, draft=text, client_token=token, preview_warning=alarming)
    store = ctx.console.cases
    try:
        store.send_reply(
            case.id, ctx.principal.staff_id, text, client_token=token, safe_contact=True
        )
    except ReplyRefused as exc:
        if exc.reason in ("not_agreed", "outside_hours"):
            status, message = 409, contact_refusal(exc.reason, store.contact_check(case.id))
        else:
            status, message = REPLY_REFUSED.get(exc.reason, (409, "The reply was not sent."))
        return render_case(ctx, case_or_404(ctx), status=status, error=message, draft=text)
    return back_to(case, "reply")


def note(ctx: Ctx) -> Response:
    """``POST /cases/<ref>/notes`` (``text``): an internal note, never delivered."""
    case = case_or_404(ctx)
    text = ctx.field("text")
    try:
        ctx.console.cases.add_note(case.id, ctx.principal.staff_id, text)
    except ReplyRefused as exc:
        status, message = NOTE_REFUSED.get(exc.reason, (409, "The note was not saved."))
        return render_case(ctx, case, status=status, error=message, note_draft=text)
    return back_to(case, "note")


def referral(ctx: Ctx) -> Response:
    """``POST /cases/<ref>/referral`` (``referral``): record it, add its text to the draft."""
    case = case_or_404(ctx)
    draft = ctx.field("text")
    if not case.is_open:
        raise Refusal(409, "This case is closed: no referral can be sent.", case_id=case.id)
    entry = next((e for e in referral_options(ctx, case) if e.id == ctx.field("referral")), None)
    if entry is None:
        return render_case(ctx, case, status=422, error="Pick an entry of the list.", draft=draft)
    ctx.console.cases.add_referral(case.id, ctx.principal.staff_id, entry.id)
    # Into an empty box, a neutral first line: the entry's name ("... Police") would be
    # what the person's lock screen shows.
    lead = draft.rstrip() if draft.strip() else contacts_header(case.language)
    joined = lead + "\n\n" + render_entry(entry, case.language)
    message = "Referral recorded; its contacts are in the reply box. Check, then send."
    return render_case(ctx, case_or_404(ctx), message=message, draft=joined)


def canned(ctx: Ctx) -> Response:
    """``POST /cases/<ref>/canned`` (``canned``): add a canned reply to the draft."""
    case = case_or_404(ctx)
    draft = ctx.field("text")
    wanted = ctx.field("canned")
    replies = ctx.console.staff.canned(ctx.principal.organisation_id)
    chosen = next((c for c in replies if str(c.id) == wanted), None)
    if chosen is None:
        return render_case(ctx, case, status=422, error="Pick a canned reply.", draft=draft)
    joined = (draft.rstrip() + "\n\n" if draft.strip() else "") + chosen.body
    return render_case(ctx, case, message="Canned reply added to the reply box.", draft=joined)


def _manage(ctx: Ctx) -> Case:
    case = case_or_404(ctx)
    if not case.is_open:
        raise Refusal(409, "This case is closed already.", case_id=case.id)
    if not may_manage(ctx, case):
        raise Refusal(
            403,
            "Only the caseworker holding the case, or a supervisor, may do this.",
            case_id=case.id,
        )
    return case


def close(ctx: Ctx) -> Response:
    """``POST /cases/<ref>/close`` (``reason``: closed|left): close without a message."""
    case = _manage(ctx)
    reason = ctx.field("reason") if ctx.field("reason") in ("closed", "left") else "closed"
    try:
        ctx.console.cases.close(case.id, ctx.principal.staff_id, reason)
    except CaseClosed:
        return render_case(ctx, case, status=409, error="This case is closed already.")
    return back_to(case, "close")


def give_back(ctx: Ctx) -> Response:
    """``POST /cases/<ref>/return``: close and let the assistant answer again."""
    case = _manage(ctx)
    try:
        ctx.console.cases.return_to_assistant(case.id, ctx.principal.staff_id)
    except CaseClosed:
        return render_case(ctx, case, status=409, error="This case is closed already.")
    return back_to(case, "return")
