"""Moved to arp_portal.statistics.disclosure.linked; kept so callers not yet on the engine work."""

from arp_portal.statistics.disclosure.linked import (  # noqa: F401
    Constraint,
    exposed_cells,
    suppress_linked,
)
