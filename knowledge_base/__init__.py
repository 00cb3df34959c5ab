"""Lentera's referral directory: YAML data, validation, FAISS/BM25 hybrid search.

Public API (used by ``actions/referral.py``)::

    from knowledge_base.directory import (
        load_directory, safe_directory, emergency_contacts, mission_contacts,
        national_hotlines, services_for_problem,
    )
    from knowledge_base.render import render_entry
    from knowledge_base.search import search
"""

from __future__ import annotations

__all__ = [
    "Channel",
    "Directory",
    "DirectoryError",
    "Entry",
    "emergency_contacts",
    "load_directory",
    "mission_contacts",
    "national_hotlines",
    "safe_directory",
    "services_for_problem",
]

from knowledge_base.directory import (
    Channel,
    Directory,
    DirectoryError,
    Entry,
    emergency_contacts,
    load_directory,
    mission_contacts,
    national_hotlines,
    safe_directory,
    services_for_problem,
)
