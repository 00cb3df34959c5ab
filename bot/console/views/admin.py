"""The admin's pages: the organisation's staff and its canned replies."""

from __future__ import annotations

from starlette.responses import RedirectResponse, Response

from bot.console.passwords import WeakPassword
from bot.console.routing import Ctx, Refusal
from bot.console.staff import StaffError
from bot.console.tables import ROLES
from bot.console.views.cases import render

DONE = {
    "created": "Account created.",
    "disabled": "Account disabled; its sessions are ended.",
    "enabled": "Account enabled.",
    "role": "Role changed; the account's sessions are ended.",
    "canned": "Canned reply saved.",
    "deleted": "Canned reply deleted.",
}


def staff_page(ctx: Ctx, *, status: int = 200, error: str = "", email: str = "") -> Response:
    """``GET /admin/staff``: accounts of the organisation and a form for a new one."""
    if status == 200:
        ctx.audit("view_staff")
    return render(
        ctx,
        "admin_staff.html",
        status=status,
        members=ctx.console.staff.of_organisation(ctx.principal.organisation_id),
        roles=ROLES,
        message=DONE.get(ctx.query("done"), ""),
        error=error,
        email=email,
        now=ctx.console.clock(),
    )


def create_staff(ctx: Ctx) -> Response:
    """``POST /admin/staff`` (``email``, ``role``, ``password``): a new account."""
    email = ctx.field("email")
    try:
        member = ctx.console.staff.create(
            email, ctx.principal.organisation_id, ctx.field("role"), ctx.field("password")
        )
    except (StaffError, WeakPassword) as exc:
        return staff_page(ctx, status=422, error=f"Not created: {exc}.", email=email)
    ctx.audit("create_staff")
    del member
    return RedirectResponse("/admin/staff?done=created", status_code=303)


def change_staff(ctx: Ctx) -> Response:
    """``POST /admin/staff/<id>`` (``change``: disable|enable|role, ``role``)."""
    staff_id = int(ctx.request.path_params["staff_id"])
    store = ctx.console.staff
    member = store.get(staff_id)
    if member is None or member.organisation_id != ctx.principal.organisation_id:
        raise Refusal(404, "There is no such account.")
    if member.id == ctx.principal.staff_id:
        return staff_page(ctx, status=409, error="You cannot change your own account here.")
    change = ctx.field("change")
    if change == "disable":
        store.set_disabled(member.id, True)
        ctx.console.sessions.revoke_all(member.id)
        done = "disabled"
    elif change == "enable":
        store.set_disabled(member.id, False)
        done = "enabled"
    elif change == "role" and ctx.field("role") in ROLES:
        store.set_role(member.id, ctx.field("role"))
        ctx.console.sessions.revoke_all(member.id)
        done = "role"
    else:
        return staff_page(ctx, status=422, error="Choose what to change.")
    ctx.audit(f"staff_{done}")
    return RedirectResponse(f"/admin/staff?done={done}", status_code=303)


def canned_page(
    ctx: Ctx, *, status: int = 200, error: str = "", draft: dict[str, str] | None = None
) -> Response:
    """``GET /admin/canned``: the organisation's canned replies and a form for a new one."""
    org = ctx.console.cases.get_organisation(ctx.principal.organisation_id)
    if status == 200:
        ctx.audit("view_canned")
    return render(
        ctx,
        "admin_canned.html",
        status=status,
        replies=ctx.console.staff.canned(ctx.principal.organisation_id),
        languages=org.languages if org else ("id", "en"),
        message=DONE.get(ctx.query("done"), ""),
        error=error,
        draft=draft or {},
    )


def create_canned(ctx: Ctx) -> Response:
    """``POST /admin/canned`` (``language``, ``title``, ``body``)."""
    org = ctx.console.cases.get_organisation(ctx.principal.organisation_id)
    language, title, body = ctx.field("language"), ctx.field("title"), ctx.field("body")
    draft = {"language": language, "title": title, "body": body}
    if org is not None and language not in org.languages:
        return canned_page(
            ctx, status=422, error="Pick one of the organisation's languages.", draft=draft
        )
    try:
        ctx.console.staff.add_canned(ctx.principal.organisation_id, language, title, body)
    except StaffError as exc:
        return canned_page(ctx, status=422, error=f"Not saved: {exc}.", draft=draft)
    ctx.audit("create_canned")
    return RedirectResponse("/admin/canned?done=canned", status_code=303)


def delete_canned(ctx: Ctx) -> Response:
    """``POST /admin/canned/<id>/delete``."""
    canned_id = int(ctx.request.path_params["canned_id"])
    if not ctx.console.staff.delete_canned(ctx.principal.organisation_id, canned_id):
        raise Refusal(404, "There is no such canned reply.")
    ctx.audit("delete_canned")
    return RedirectResponse("/admin/canned?done=deleted", status_code=303)
