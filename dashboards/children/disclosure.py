"""Which of the children's dashboard's counts are hidden ("c"), decided once per date for every
view a reader can open together (arp_portal/statistics/disclosure/children.py has the policy
and the model; docs/adr/054-one-disclosure-engine.md the reasons).

A release is one (reference date, measure, cohort): its decision covers the whole authority,
each locality and each team at all ages, and the whole authority in each age band, at both
levels of detail with their totals. The task worker decides it after building the date's
snapshot (`decide_prepared`, called from dashboards/children/tasks.py) and stores it in
ChildrenDisclosureDecision under the snapshot build's time. A page reads it in one query
(`releases`); a write to the children's data expires the build, and with it the decision. A
date with no current decision is not shown: every count of it is hidden and the page says the
date is being prepared (`UNDECIDED`), never a figure the engine has not decided.

A view that combines filters (a locality or team with an age band, or any sex) is not part of
the release, and none of its counts is published (`WITHHELD`): decided one view at a time,
sibling views (the three sexes, the five bands, the localities in a band) added up to the views
they lie within and gave hidden counts away, and the joint decision of every filter value is
not yet fast enough to make (ADR 054, "Combined views").
"""

import datetime as dt
import json
import logging
import time
from collections import defaultdict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import cast

from django.db import connection, transaction

from arp_portal.core.ethnicity import MAJOR_GROUP_OF, UNKNOWN_CODES, MajorGroup
from arp_portal.core.models import AgeBand, CohortSnapshotBuild, EpisodeKind, Locality, Team
from arp_portal.statistics.disclosure import children as policy
from dashboards.children import snapshots
from dashboards.children.models import ChildrenDisclosureDecision

logger = logging.getLogger(__name__)

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


def _view_key(view: tuple) -> str:
    area, band = view
    return f"{':'.join(str(part) for part in area)}|{band}"


def _count_rows(date: dt.date, measure: str) -> dict[str, dict]:
    """cohort -> every modelled view's counts by code (unknown codes summed), from the
    snapshot: one statement for all the date's cohorts."""
    sql = (
        "SELECT cohort, scope, locality_id, team_id, age_band, ethnicity, SUM(children)::int"
        " FROM core_cohortsnapshot WHERE reference_date = %s AND measure = %s"
        " GROUP BY cohort, scope, locality_id, team_id, age_band, ethnicity"
    )
    by_cohort: dict[str, dict] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    with connection.cursor() as cursor:
        cursor.execute(sql, [date, measure])
        rows = cursor.fetchall()
    for cohort, scope, locality_id, team_id, band, code, children in rows:
        if scope == "all":
            area: tuple = (policy.ALL,)
        elif scope == "locality" and locality_id is not None:
            area = ("locality", locality_id)
        elif scope == "team" and team_id is not None:
            area = ("team", team_id)
        else:
            continue  # no locality or team recorded: counted in the whole authority only
        key = UNKNOWN if code in UNKNOWN_CODES else code
        counts = by_cohort[cohort]
        counts[(area, AgeBand.ALL)][key] += children
        if area == (policy.ALL,):
            counts[(area, band)][key] += children
    return by_cohort


def cohorts_of(measure: str) -> list[str]:
    return ["cin", "cp", "cic"] if measure == snapshots.ON_DATE else _START_COHORTS


_START_COHORTS = [str(kind) for kind in EpisodeKind.values]


def decide_release(
    date: dt.date, measure: str, cohort: str, counts: dict, build_id: int
) -> ChildrenDisclosureDecision:
    """Decide one release from its views' counts and store it under its build's time."""
    started = time.perf_counter()
    decision = policy.decide(counts, structure())
    if not decision.ok:  # cannot happen without known totals; never publish a leak
        logger.error("Children's disclosure check failed for %s %s %s", date, measure, cohort)
    hidden: dict[str, list[str]] = defaultdict(list)
    for key in decision.hidden:
        if not policy.is_latent(key):
            area, band, node = cast(tuple[Hashable, Hashable, Hashable], key)
            hidden[_view_key((area, band))].append(_node_name(node))
    stored, _ = ChildrenDisclosureDecision.objects.update_or_create(
        reference_date=date,
        measure=measure,
        cohort=cohort,
        defaults={
            "build_id": build_id,
            "hidden": {view: sorted(nodes) for view, nodes in hidden.items()},
            "counts": {_view_key(view): dict(by_code) for view, by_code in counts.items()},
            "seconds": time.perf_counter() - started,
            "ok": decision.ok,
        },
    )
    return stored


def _decision_order(build: tuple[dt.date, str, int]) -> tuple[bool, int, str]:
    date, measure, _ = build
    return (not (date.month == 3 and date.day == 31), -date.toordinal(), measure)


def decide_prepared() -> int:
    """Decide every release of every built snapshot that has no current decision: what the
    task worker runs after building month-ends (or any date). How many were decided."""
    current = {
        (d.reference_date, d.measure, d.cohort): d.build_id
        for d in ChildrenDisclosureDecision.objects.only(
            "reference_date", "measure", "cohort", "build_id"
        )
    }
    decided = 0
    builds = CohortSnapshotBuild.objects.values_list("reference_date", "measure", "id")
    # Year ends first, latest first: the default view and its five-year trend are 31 Marches,
    # so after a first import the page a user opens is ready first.
    for build in sorted(builds, key=_decision_order):
        date, measure, build_id = build
        wanted = [c for c in cohorts_of(measure) if current.get((date, measure, c)) != build_id]
        if not wanted:
            continue
        with transaction.atomic(), connection.cursor() as cursor:
            # The build row is locked while its rows are read: a write that expires it (deletes
            # it) waits until the decision is stored, and the decision then no longer matches.
            cursor.execute(
                "SELECT 1 FROM core_cohortsnapshotbuild WHERE id = %s FOR SHARE", [build_id]
            )
            if cursor.fetchone() is None:
                continue  # expired since: the next run decides the new build
            by_cohort = _count_rows(date, measure)
            for cohort in wanted:
                decide_release(date, measure, cohort, by_cohort.get(cohort, {}), build_id)
                decided += 1
    return decided


# The nodes of a view that has no current decision: every count is hidden.
UNDECIDED = frozenset(
    [
        *(code for codes in ethnic_groups().values() for code in codes),
        *ethnic_groups(),
        UNKNOWN,
        KNOWN,
        TOTAL,
    ]
)


# The nodes of a view combining filters outside the release: every count withheld (a set equal
# to UNDECIDED, but not it: the page tells the two apart by identity).
WITHHELD = frozenset(list(UNDECIDED))


@dataclass(frozen=True)
class Release:
    hidden: dict[str, list[str]]
    counts: dict[str, dict[str, int]]
    build_id: int


def releases(dates: list[dt.date], measure: str, cohorts: list[str]) -> dict[tuple, Release]:
    """(date, cohort) -> its current decision, for the dates and cohorts given: one query. A
    release missing here is not decided (or its build has since expired)."""
    sql = (
        "SELECT d.reference_date, d.cohort, d.hidden, d.counts, d.build_id"
        " FROM dashboards_childrendisclosuredecision d JOIN core_cohortsnapshotbuild b"
        " ON b.id = d.build_id AND b.reference_date = d.reference_date AND b.measure = d.measure"
        " WHERE d.reference_date = ANY(%s) AND d.measure = %s AND d.cohort = ANY(%s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(dates), measure, list(cohorts)])
        rows = cursor.fetchall()
    found = {}
    for date, cohort, hidden, counts, build_id in rows:
        if isinstance(hidden, str):
            hidden, counts = json.loads(hidden), json.loads(counts)
        found[(date, cohort)] = Release(hidden, counts, build_id)
    return found


def snapshot_measure(filters, cohort: str) -> str:
    return filters.measure if cohort in ("cin", "cp", "cic") else snapshots.STARTS


def _area(filters) -> tuple:
    if filters.team is not None:
        return ("team", filters.team.pk)
    if filters.locality is not None:
        return ("locality", filters.locality.pk)
    return (policy.ALL,)


def hidden_cells(
    filters,
    date: dt.date,
    cohort: str,
    counts: Mapping[str, int],
    found: Mapping[tuple, Release] | None = None,
) -> frozenset:
    """The nodes hidden in the view the filters select, on the date: codes, major groups'
    keys, "Unknown", "known" (the total of known ethnicity) and "total" (the headline); every
    node (UNDECIDED) if the date's release is not decided yet.

    cohort: the snapshot's cohort (cin, cp, cic; or an episode kind for starts). counts: the
    view's own counts by code, which a view outside the release is suppressed from. found:
    the releases already read for the page (`releases`); read here if not given."""
    measure = snapshot_measure(filters, cohort)
    if found is None:
        found = releases([date], measure, [cohort])
    release = found.get((date, cohort))
    if release is None:
        return UNDECIDED
    if not is_withheld(filters):
        return frozenset(release.hidden.get(_view_key((_area(filters), filters.age_band)), ()))
    # A view combining filters outside the release (a sex; an age band of a locality or team):
    # its siblings add up to the views it lies in (the sexes to all, the bands to all ages,
    # the localities' bands to the authority's), so deciding each on its own let hidden counts
    # be worked out by subtraction, and a joint decision of the whole area x band x sex cube is
    # not yet fast enough to make (ADR 054, "Combined views"). Until it is, no count of one is
    # published.
    return WITHHELD


def is_withheld(filters) -> bool:
    """Whether the filters select a view outside the release, whose counts are withheld."""
    return not (
        filters.sex is None and (filters.age_band == AgeBand.ALL or _area(filters) == (policy.ALL,))
    )
