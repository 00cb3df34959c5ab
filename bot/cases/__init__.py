"""The case store: organisations, cases, transcripts, replies, the outbox and the audit log.

A storage layer: may import ``bot.storage``, ``bot.security``, ``bot.settings`` and the plain
``bot.texts`` and ``bot.places`` (a country's time zone, for safe contact); never a channel,
Rasa or the console (``tests/test_import_rules.py``).
"""

from bot.cases.models import (
    AlreadyClaimed,
    AuditRow,
    Case,
    CaseClosed,
    CaseError,
    CaseMessage,
    CaseNotFound,
    Change,
    ContactCheck,
    ContactPreference,
    NoOrganisation,
    NotAssignee,
    Note,
    OfficeHours,
    Organisation,
    OrganisationExists,
    OutboxItem,
    Referral,
    ReplyRefused,
)
from bot.cases.outbox import Outbox
from bot.cases.store import CaseStore

__all__ = [
    "AlreadyClaimed",
    "AuditRow",
    "Case",
    "CaseClosed",
    "CaseError",
    "CaseMessage",
    "CaseNotFound",
    "CaseStore",
    "Change",
    "ContactCheck",
    "ContactPreference",
    "NoOrganisation",
    "NotAssignee",
    "Note",
    "OfficeHours",
    "Organisation",
    "OrganisationExists",
    "Outbox",
    "OutboxItem",
    "Referral",
    "ReplyRefused",
]
