"""Which of the children's dashboard's counts are hidden ("c"), decided once per date for every
view a reader can open together (arp_portal/statistics/disclosure/children.py has the policy
and the model; docs/adr/050-one-disclosure-engine.md the reasons).

A release is one (reference date, measure, cohort): its decision covers the whole authority,
each locality and each team at all ages, and the whole authority in each age band, at both
levels of detail with their totals. It is worked out from that date's cohort snapshot (built
first if it is not) and cached under the snapshot build's time, so any write to the children's
data (which expires the build) makes a new decision. snapshots.prepare decides each date it
builds; any other date is decided when first viewed.

A view that combines filters (a locality or team with an age band, or any sex) is not part of
the release: its own counts are suppressed on demand, taking the release's values for the
views it lies within (its area at all ages, the authority in its band) as known to the reader,
so it cannot be differenced against them.
"""

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Mapping

from django.core.cache import cache
from django.db import connection

from arp_portal.core.ethnicity import MAJOR_GROUP_OF, UNKNOWN_CODES, MajorGroup
from arp_portal.core.models import AgeBand, CohortSnapshotBuild, Locality, Team
from arp_portal.statistics.disclosure import Publication, Relation, suppress
from arp_portal.statistics.disclosure import children as policy
from dashboards.children import snapshots

logger = logging.getLogger(__name__)

CACHE_SECONDS = 60 * 60 * 24 * 30  # a decision stands until its snapshot build expires
BANDS = [band for band in AgeBand.values if band != AgeBand.ALL]
KNOWN = policy.KNOWN
TOTAL = policy.TOTAL
UNKNOWN = policy.UNKNOWN


def ethnic_groups() -> dict[str, list[str]]:
    """Major group -> its DfE codes (known ethnicity only)."""
    groups: dict[str, list[str]] = {}
    for code, group in MAJOR_GROUP_OF.items():
        if group != MajorGroup.UNKNOWN:
            groups.setdefault(str(group), []).append(code)
    return groups


def structure() -> policy.Structure:
    return policy.Structure(
        groups=ethnic_groups(),
        bands=BANDS,
        all_bands=AgeBand.ALL,
        localities=sorted(Locality.objects.values_list("id", flat=True)),
        team_locality=dict(Team.objects.order_by("id").values_list("id", "locality_id")),
    )


def _node_name(node) -> str:
    """The name a table row uses: a code, a major group's key, Unknown, known or total."""
    return node[1] if isinstance(node, tuple) else node


def release_counts(date: dt.date, measure: str, cohort: str) -> dict:
    """Every modelled view's counts by code (unknown codes summed), from the snapshot."""
    snapshots.build(date, measure)  # does nothing if built
    sql = (
        "SELECT scope, locality_id, team_id, age_band, ethnicity, SUM(children)::int"
        " FROM core_cohortsnapshot WHERE reference_date = %s AND measure = %s AND cohort = %s"
        " GROUP BY scope, locality_id, team_id, age_band, ethnicity"
    )
    counts: dict = defaultdict(lambda: defaultdict(int))
    with connection.cursor() as cursor:
        cursor.execute(sql, [date, measure, cohort])
        rows = cursor.fetchall()
    for scope, locality_id, team_id, band, code, children in rows:
        if scope == "all":
            area = (policy.ALL,)
        elif scope == "locality" and locality_id is not None:
            area = ("locality", locality_id)
        elif scope == "team" and team_id is not None:
            area = ("team", team_id)
        else:
            continue  # no locality or team recorded: counted in the whole authority only
        key = UNKNOWN if code in UNKNOWN_CODES else code
        counts[(area, AgeBand.ALL)][key] += children
        if area == (policy.ALL,):
            counts[(area, band)][key] += children
    return counts


def _build_stamp(date: dt.date, measure: str) -> str | None:
    built = (
        CohortSnapshotBuild.objects.filter(reference_date=date, measure=measure)
        .values_list("built_at", flat=True)
        .first()
    )
    return None if built is None else built.isoformat()


def _cache_key(date: dt.date, measure: str, cohort: str, stamp: str) -> str:
    return f"children-disclosure:v1:{date.isoformat()}:{measure}:{cohort}:{stamp}"


def release_hidden(date: dt.date, measure: str, cohort: str) -> dict[tuple, frozenset]:
    """(area, band) -> the nodes hidden in that view, for every modelled view of the release."""
    return _release(date, measure, cohort, want_counts=False)[0]


def _release(
    date: dt.date, measure: str, cohort: str, *, want_counts: bool
) -> tuple[dict, dict | None]:
    """The release's hidden nodes by view and, if wanted, its counts by view. They are cached
    apart: a page reads only the first, a combined-filter view both."""
    stamp = _build_stamp(date, measure)
    if stamp is not None:
        key = _cache_key(date, measure, cohort, stamp)
        found = cache.get(key)
        if found is not None and not want_counts:
            return found, None
        view_counts = cache.get(f"{key}:counts") if found is not None else None
        if view_counts is not None:
            return found, view_counts
    counts = release_counts(date, measure, cohort)
    stamp = _build_stamp(date, measure)
    decision = policy.decide(counts, structure())
    if not decision.audit.ok:  # cannot happen without known totals; never publish a leak
        logger.error("Children's disclosure audit failed for %s %s %s", date, measure, cohort)
    hidden: dict[tuple, set] = defaultdict(set)
    for key in decision.hidden:
        if not policy.is_latent(key):
            area, band, node = key
            hidden[(area, band)].add(_node_name(node))
    result = {view: frozenset(nodes) for view, nodes in hidden.items()}
    view_counts = {view: dict(counts_of_view) for view, counts_of_view in counts.items()}
    if stamp is not None:
        key = _cache_key(date, measure, cohort, stamp)
        cache.set(key, result, CACHE_SECONDS)
        cache.set(f"{key}:counts", view_counts, CACHE_SECONDS)
    return result, view_counts


def prepare(date: dt.date, measure: str) -> None:
    """Decide every cohort of a (date, measure) just built, so no reader waits for it."""
    cohorts = ["cin", "cp", "cic"] if measure == snapshots.ON_DATE else _START_COHORTS
    for cohort in cohorts:
        release_hidden(date, measure, cohort)


_START_COHORTS = ["CIN", "CINP", "CP", "CIC"]


def _area(filters) -> tuple:
    if filters.team is not None:
        return ("team", filters.team.pk)
    if filters.locality is not None:
        return ("locality", filters.locality.pk)
    return (policy.ALL,)


def hidden_cells(filters, date: dt.date, cohort: str, counts: Mapping[str, int]) -> frozenset:
    """The nodes hidden in the view the filters select, on the date: codes, major groups'
    keys, "Unknown", "known" (the total of known ethnicity) and "total" (the headline).

    cohort: the snapshot's cohort (cin, cp, cic; or an episode kind for starts). counts: the
    view's own counts by code, which a view outside the release is suppressed from."""
    measure = filters.measure if cohort in ("cin", "cp", "cic") else snapshots.STARTS
    area = _area(filters)
    band = filters.age_band
    if filters.sex is None and (band == AgeBand.ALL or area == (policy.ALL,)):
        release = _release(date, measure, cohort, want_counts=False)[0]
        return release.get((area, band), frozenset())
    # Decided once per release and view, like the release itself.
    stamp = _build_stamp(date, measure)
    key = None
    if stamp is not None:
        view = f"{area}:{band}:{filters.sex}"
        key = f"{_cache_key(date, measure, cohort, stamp)}:view:{view}".replace(" ", "")
        found = cache.get(key)
        if found is not None:
            return found
    _, release_view_counts = _release(date, measure, cohort, want_counts=True)
    parents = [(area, AgeBand.ALL), ((policy.ALL,), band)]
    hidden = _combined_view_hidden(counts, [release_view_counts.get(p, {}) for p in parents])
    if key is not None:
        cache.set(key, hidden, CACHE_SECONDS)
    return hidden


def _view_cells(prefix, counts: Mapping[str, int], groups) -> tuple[dict, list[Relation]]:
    cells: dict = {}
    relations = []
    for group, codes in groups.items():
        for code in codes:
            cells[(prefix, code)] = counts.get(code, 0)
        cells[(prefix, group)] = sum(counts.get(code, 0) for code in codes)
        relations.append(Relation((prefix, group), tuple((prefix, c) for c in codes)))
    cells[(prefix, KNOWN)] = sum(cells[(prefix, group)] for group in groups)
    relations.append(Relation((prefix, KNOWN), tuple((prefix, g) for g in groups)))
    unknown = sum(n for code, n in counts.items() if code in UNKNOWN_CODES or code == UNKNOWN)
    cells[(prefix, UNKNOWN)] = unknown
    cells[(prefix, TOTAL)] = cells[(prefix, KNOWN)] + unknown
    relations.append(Relation((prefix, TOTAL), ((prefix, KNOWN), (prefix, UNKNOWN))))
    return cells, relations


def _combined_view_hidden(counts: Mapping[str, int], parents: list[Mapping[str, int]]):
    """Suppress one combined-filter view, every value of the views it lies within known."""
    groups = ethnic_groups()
    cells, relations = _view_cells("view", counts, groups)
    known = {}
    for i, parent in enumerate(parents):
        parent_cells, _ = _view_cells(("parent", i), parent, groups)
        for (_, node), value in parent_cells.items():
            rest = ("rest", i, node)
            difference = value - cells[("view", node)]
            if difference < 0:
                continue  # the view counts a child twice where the parent counts once
            known[(("parent", i), node)] = value
            cells[rest] = difference
            relations.append(Relation((("parent", i), node), (("view", node), rest)))
    latent = {key for key in cells if key[0] == "rest"}
    primary = {key for key, value in cells.items() if policy.is_small(value) and key not in latent}
    publication = Publication(cells, relations, known)

    def width(key, value):
        return 0 if key in latent else policy.protection(key, value)

    decision = suppress(publication, primary | latent, protection=width)
    return frozenset(key[1] for key in decision.hidden if len(key) == 2 and key[0] == "view")
