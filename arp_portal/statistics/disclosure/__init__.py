"""Disclosure control: one engine for every published number (docs/adr/050).

The ADR is docs/adr/054-one-disclosure-engine.md.

The engine:

- `Relation`, `Publication` (publication.py): every number a set of views publishes and how the
  numbers relate (totals, nesting, filtered views and their complements, revealed denominators);
- `protection_intervals`, `audit` (protection.py): for each hidden cell, the exact range of
  values an intruder can still deduce, against the protection the policy requires;
- `suppress` (suppression.py): primary cells plus secondary cells until the audit passes.

The policies (which cells are primary, how wide an interval must be) belong to each area: the
children's dashboard, the workforce dashboard, the survey.

The older per-table rules (cells.py: `suppress_table` and friends; linked.py: `suppress_linked`)
are re-exported here for the callers not yet moved onto the engine.
"""

from arp_portal.statistics.disclosure.cells import (
    is_small,
    primary_suppression,
    secondary_suppression,
    suppress_partition,
    suppress_table,
)
from arp_portal.statistics.disclosure.protection import (
    Audit,
    Interval,
    Protection,
    audit,
    protection_intervals,
    required_protection,
    unprotected,
)
from arp_portal.statistics.disclosure.publication import Publication, Relation
from arp_portal.statistics.disclosure.suppression import Decision, information, suppress

__all__ = [
    "Audit",
    "Decision",
    "Interval",
    "Protection",
    "Publication",
    "Relation",
    "audit",
    "information",
    "is_small",
    "primary_suppression",
    "protection_intervals",
    "required_protection",
    "secondary_suppression",
    "suppress",
    "suppress_partition",
    "suppress_table",
    "unprotected",
]
