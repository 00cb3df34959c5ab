"""The content-free logs: the change feed is monotonic and complete, the audit holds no words."""

from __future__ import annotations

import pytest

from bot.cases.store import CaseStore
from tests.bot.cases.helpers import SECRET, dump, open_case


def test_change_feed_is_monotonic_and_complete(stores):
    store = stores.cases
    org = store.create_organisation("Lentera Desk", [])
    start = store.current_version()
    case = open_case(store)
    store.add_message(case.id, "person", "halo")
    store.claim(case.id, 1)
    store.send_reply(case.id, 1, "Halo", client_token="a")
    store.add_note(case.id, 1, "catatan")
    store.add_referral(case.id, 1, "kbri-hong-kong")
    store.close(case.id, 1)
    changes = store.changes_since(org.id, start)
    assert [c.kind for c in changes] == [
        "opened",
        "message",
        "claimed",
        "reply",
        "note",
        "referral",
        "closed",
    ]
    versions = [c.version for c in changes]
    assert versions == sorted(versions) and len(set(versions)) == len(versions)
    assert all(c.case_ref == case.ref for c in changes)
    assert store.get(case.id, org.id).version == versions[-1] == store.current_version()
    assert store.changes_since(org.id, versions[-1]) == []


def test_audit_log_holds_who_what_when_and_never_content(stores):
    store = stores.cases
    org = store.create_organisation("Lentera Desk", [])
    case = open_case(store, transcript=[("person", SECRET, 1.0)])
    store.claim(case.id, 5)
    store.send_reply(case.id, 5, SECRET, client_token="x")
    store.add_note(case.id, 5, SECRET)
    store.audit("staff:5", "view_case", case_id=case.id)
    store.audit("staff:6", "view_case", case_id=case.id, outcome="denied")
    store.audit("staff:5", "login")
    with pytest.raises(ValueError):
        store.audit("staff:5", "login", outcome="maybe")
    rows = store.audit_rows()
    assert [(r.actor, r.action, r.outcome) for r in rows] == [
        ("person", "case_opened", "ok"),
        ("staff:5", "claim", "ok"),
        ("staff:5", "reply", "ok"),
        ("staff:5", "note", "ok"),
        ("staff:5", "view_case", "ok"),
        ("staff:6", "view_case", "denied"),
        ("staff:5", "login", "ok"),
    ]
    assert all(r.organisation_id == org.id for r in rows[:-1]) and rows[-1].case_id is None
    assert "paspor" not in dump(stores.engine, "audit_log", "case_changes")
    assert not hasattr(CaseStore, "delete_audit") and not hasattr(CaseStore, "update_audit")
