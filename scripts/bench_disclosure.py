"""Information loss and cost of disclosure control (issue 15): `make bench-disclosure`.

Against the demo data (`manage.py load_demo_data`, in a database of its own: set DATABASE_URL),
for the children's demo views of the issue (the whole authority, each locality, each team and
each age band; children in need, on a plan and in care; on the date and starting in the year;
31 March 2025 and 2026), at both levels of detail with the headline, it prints:

- the share of cells hidden ("c") by the old per-table rule (counts 1-5 and the next smallest
  cell of the same table: the code path main used, cohort_table without a decision) and by the
  engine (one decision for every view of a date);
- the engine's time per release (date, measure, cohort): suppression with its audit, and the
  audit alone, and per view;
- the children's dashboard's response time (p95 of 20 requests) with the engine's decisions
  prepared, for the default view and a combined-filter view.

survey_section() is where the survey's figures go (the survey's policy is its own).
"""

import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "arp_portal.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from arp_portal.core.ethnicity import UNKNOWN_CODES  # noqa: E402
from arp_portal.core.models import AgeBand, Child, Locality, Team  # noqa: E402
from arp_portal.statistics.disclosure import audit  # noqa: E402
from arp_portal.statistics.disclosure import children as policy  # noqa: E402
from arp_portal.statistics.disproportionality import UNKNOWN, Reference, cohort_table  # noqa: E402
from dashboards.children import disclosure, selectors, snapshots  # noqa: E402

DATES = [dt.date(2025, 3, 31), dt.date(2026, 3, 31)]
RELEASES = [("on_date", "cin"), ("on_date", "cp"), ("on_date", "cic")]
RELEASES += [("starts", "CIN"), ("starts", "CP"), ("starts", "CIC")]
BANDS = [band for band in AgeBand.values if band != AgeBand.ALL]
REFERENCE = Reference("WBRI", "White British children", ("WBRI",))


def views() -> list[tuple]:
    areas = [(policy.ALL,)]
    localities = Locality.objects.order_by("name").values_list("pk", flat=True)
    areas += [("locality", pk) for pk in localities]
    areas += [("team", pk) for pk in Team.objects.order_by("name").values_list("pk", flat=True)]
    return [(area, AgeBand.ALL) for area in areas] + [((policy.ALL,), band) for band in BANDS]


def cells_hidden_old(counts: dict[str, int]) -> tuple[int, int]:
    """(hidden, cells) of one view, both levels of detail and the headline, by the old rule."""
    counts = {**counts}
    unknown = counts.pop(UNKNOWN, 0)
    counts["REFU"] = unknown  # the old tables sum the unknown codes themselves
    hidden = cells = 0
    for detail in ("major", "detailed"):
        table = cohort_table(
            counts,
            None,
            groups=selectors_groups(detail),
            reference=REFERENCE,
            unknown_codes=sorted(UNKNOWN_CODES),
        )
        hidden += sum(row.suppressed for row in table.rows) + table.unknown_suppressed
        cells += len(table.rows) + 1
    return hidden, cells + 1  # the headline, never hidden by the old rule


_GROUPS: dict = {}


def selectors_groups(detail: str):
    if detail not in _GROUPS:
        _GROUPS[detail] = selectors.ethnic_groups(detail)
    return _GROUPS[detail]


def cells_hidden_new(nodes: frozenset) -> int:
    rows = {g.key for d in ("major", "detailed") for g in selectors_groups(d)}
    hidden = len(nodes & rows)
    hidden += 2 * (UNKNOWN in nodes)  # the Unknown row of each table
    return hidden + (policy.TOTAL in nodes)


def children_section() -> None:
    view_keys = views()
    print(
        f"Children's demo views: {len(view_keys)} views (whole authority, "
        f"{Locality.objects.count()} localities, {Team.objects.count()} teams, "
        f"{len(BANDS)} age bands) x {len(RELEASES)} releases x {len(DATES)} dates"
    )
    old_hidden = old_cells = new_hidden = 0
    decide_times, audit_times = [], []
    for date in DATES:
        by_measure = {}
        for measure in ("on_date", "starts"):
            snapshots.build(date, measure)  # does nothing if built
            by_measure[measure] = disclosure._count_rows(date, measure)
        for measure, cohort in RELEASES:
            counts = by_measure[measure].get(cohort, {})
            started = time.perf_counter()
            decision = policy.decide(counts, disclosure.structure())
            decide_times.append(time.perf_counter() - started)
            publication, _latent = policy.release_publication(counts, disclosure.structure())
            started = time.perf_counter()
            assert audit(publication, decision.hidden, protection=policy.protection).ok
            audit_times.append(time.perf_counter() - started)
            by_view: dict = {}
            for key in decision.hidden:
                if not policy.is_latent(key):
                    name = key[2][1] if isinstance(key[2], tuple) else key[2]
                    by_view.setdefault(key[:2], set()).add(name)
            for view in view_keys:
                view_counts = counts.get(view, {})
                hidden, cells = cells_hidden_old(dict(view_counts))
                old_hidden += hidden
                old_cells += cells
                new_hidden += cells_hidden_new(frozenset(by_view.get(view, ())))
    views_total = len(view_keys) * len(RELEASES) * len(DATES)
    print(f"  cells published: {old_cells:,} ({old_cells // views_total} a view)")
    old_share, new_share = 100 * old_hidden / old_cells, 100 * new_hidden / old_cells
    print(f"  hidden, old per-table rule (main): {old_hidden:,} ({old_share:.1f}%)")
    print(f"  hidden, engine (every view of a date): {new_hidden:,} ({new_share:.1f}%)")
    print(
        "  engine per release (line rules, each hidden cell proved by a witness):"
        f" median {statistics.median(decide_times):.2f} s, max {max(decide_times):.2f} s;"
        f" per view {1000 * sum(decide_times) / views_total:.0f} ms"
    )
    print(
        "  exact audit (every interval, by LP) per release:"
        f" median {statistics.median(audit_times):.2f} s,"
        f" max {max(audit_times):.2f} s; per view {1000 * sum(audit_times) / views_total:.1f} ms"
    )


def page_section() -> None:
    user = get_user_model().objects.filter(groups__name="Service manager").first()
    if user is None:
        print("Children's dashboard: no service manager in the demo data, page not timed.")
        return
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    locality = Locality.objects.order_by("name").first()
    urls = {
        "default view (decisions prepared)": "/dashboards/children/",
        "a locality, aged 10 to 15, female (combined filters)": (
            f"/dashboards/children/?locality={locality.name}&age_band=10-15&sex=2"
        ),
    }
    print(f"Children's dashboard, demo data ({Child.objects.count():,} children), 20 requests:")
    for name, url in urls.items():
        client.get(url)  # queues the dates not yet prepared
        # ... which the task worker builds and decides, as it would beside the server.
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
        if "are being prepared" in client.get(url).content.decode():
            print(f"  {name}: still being prepared after the worker ran (timed as it is)")
        timings = []
        for _ in range(20):
            started = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)
        timings.sort()
        p95 = timings[int(0.95 * len(timings)) - 1]
        median = 1000 * statistics.median(timings)
        print(f"  {name}: median {median:.0f} ms, p95 {1000 * p95:.0f} ms")


def national_section(children: int = 1_000_000) -> None:
    """The decision at national scale: every release of one month-end (three cohorts on the
    date, four kinds of start) for an authority of `children` children, in the demo's
    structure and ethnic mix (counts drawn in Python, no database: the decision's cost is the
    engine's, the snapshot read is timed by bench-dashboards)."""
    import random

    from arp_portal.core.demo import ETHNIC_PROFILE

    rng = random.Random(15)
    structure = disclosure.structure()
    teams = list(structure.team_locality)
    codes = list(ETHNIC_PROFILE)
    weights = [ETHNIC_PROFILE[code][0] for code in codes]
    # Open on a month-end: about 27% of those referred in five years are in need, 4% on a
    # plan, 3% in care; starts in the year about a fifth of each.
    cohort_sizes = {"cin": 0.27, "cp": 0.04, "cic": 0.03, "CIN": 0.2, "CINP": 0.02, "CP": 0.01}
    cohort_sizes["CIC"] = 0.008
    total = 0.0
    for cohort, share in cohort_sizes.items():
        n = int(children * share)
        counts: dict = {}
        picked_codes = rng.choices(codes, weights, k=n)
        picked_teams = rng.choices(teams, k=n)
        picked_bands = rng.choices(BANDS, k=n)
        for code, team, band in zip(picked_codes, picked_teams, picked_bands, strict=True):
            key = UNKNOWN if code in UNKNOWN_CODES else code
            locality = structure.team_locality[team]
            for view in (
                ((policy.ALL,), AgeBand.ALL),
                ((policy.ALL,), band),
                (("locality", locality), AgeBand.ALL),
                (("team", team), AgeBand.ALL),
            ):
                counts.setdefault(view, {}).setdefault(key, 0)
                counts[view][key] += 1
        started = time.perf_counter()
        decision = policy.decide(counts, structure)
        elapsed = time.perf_counter() - started
        total += elapsed
        assert decision.ok
        print(f"  {cohort} ({n:,} children): decided in {elapsed:.3f} s")
    print(f"  every release of one month-end at {children:,} children: {total:.2f} s")


def survey_section() -> None:
    """The survey's information loss and audit time: bench-survey's section 5 (the survey's
    own policy, group threshold), on the demo 2025 wave of this database."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_survey import disclosure_section

    disclosure_section()


def main() -> None:
    if not Child.objects.exists():
        sys.exit("No children: load the demo data first (manage.py load_demo_data).")
    cache.clear()
    children_section()
    page_section()
    print("National scale (1,000,000 children, the demo's structure):")
    national_section()
    survey_section()


if __name__ == "__main__":
    main()
