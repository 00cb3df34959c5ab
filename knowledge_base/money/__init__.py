"""Money facts: sourced wage floors, deduction and fee limits, claim routes, remittance rules.

``facts.yml`` is the data (docs/money.md); :mod:`.facts` loads it typed, :mod:`.validation`
checks it, :mod:`.lookups` answers the questions the money help asks.
"""

from __future__ import annotations

__all__ = [
    "FACTS_PATH",
    "DateSpan",
    "Fact",
    "MoneyFacts",
    "MoneyFactsError",
    "load_money_facts",
]

from knowledge_base.money.facts import (
    FACTS_PATH,
    DateSpan,
    Fact,
    MoneyFacts,
    MoneyFactsError,
    load_money_facts,
)
