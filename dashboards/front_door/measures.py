"""The front door's figures for a set of filters: selectors, then statistics (the page, the
downloads and the linked measures all read them here)."""

from arp_portal.core.ethnicity import UNKNOWN_CODES
from arp_portal.statistics.disproportionality import StageCounts, pathway
from arp_portal.statistics.front_door import FrontDoorCounts, front_door_table
from dashboards.children import selectors as children_selectors
from dashboards.front_door import selectors
from dashboards.front_door.selectors import FrontDoorFilters


def table_for(filters: FrontDoorFilters, counts: FrontDoorCounts | None = None):
    """The front door's table for filters (from counts already read, if given), its groups and
    the population used."""
    groups = children_selectors.ethnic_groups(filters.detail)
    population = children_selectors.population_for(area=None, date=filters.last)
    table = front_door_table(
        counts or selectors.counts(filters),
        population.counts or None,
        groups=groups,
        reference=children_selectors.REFERENCES[filters.reference],
        unknown_codes=sorted(UNKNOWN_CODES),
    )
    return table, groups, population


# The front door, then the statutory stages: early help and a referral both follow a contact.
def front_door_pathway(filters: FrontDoorFilters, groups, population, door=None):
    """The pathway from contact to care (door: the contact stages already read, if given)."""
    reference = children_selectors.REFERENCES[filters.reference]
    door = door or selectors.contact_stage_counts(filters.first, filters.last)
    later = children_selectors.pathway_counts(
        children_selectors.ChildFilters(cohort="cin", measure="starts",
                                        reference_date=filters.last)
    )  # fmt: skip
    stages: list[StageCounts] = [
        ("contact", "Contact", door["contact"]),
        ("early_help", "Early help", door["early_help"], "contact"),
        ("referral", "Referral", door["referral"], "contact"),
        *[
            (key, label, later[str(kind)])
            for key, label, kind in children_selectors.PATHWAY_STAGES
            if key != "referral"
        ],
    ]
    return pathway(
        stages,
        population.counts or None,
        groups=groups,
        reference=reference,
        unknown_codes=sorted(UNKNOWN_CODES),
    )
