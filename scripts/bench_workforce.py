"""Times the workforce dashboard, a filtered view and the downloads at 1,500 staff (the demo data),
beside a trivial page (the accessibility statement, through the same middleware and page frame)
timed in the same run, so a busy machine shows as a slower reference rather than a slower page.

    make bench-workforce                       (BENCH_DATABASE_URL, default arp_bench_workforce)
    BENCH_ARGS="--runs 10" make bench-workforce

The demo data is loaded into the benchmark's database if it holds no staff. Target (issue 14):
p95 <= 150 ms for the page at 1,500 staff, at most 20 queries a request.
"""

import argparse
import gc
import importlib
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "arp_portal.settings")
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/arp_bench_workforce"
)

# As served: arp_portal.wsgi sets Django up, imports every view and takes what is loaded out of
# the garbage collector's full sweeps (gc.freeze), as each gunicorn worker does.
importlib.import_module("arp_portal.wsgi")

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402

from arp_portal.core.models import Locality, StaffMember  # noqa: E402
from dashboards.children import snapshots  # noqa: E402
from dashboards.workforce import selectors  # noqa: E402
from dashboards.workforce.measures import period_end  # noqa: E402

TARGET_P95_SECONDS = 0.150


def p95(timings: list[float]) -> float:
    return statistics.quantiles(timings, n=20, method="inclusive")[-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=40, help="timed requests per address")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if not StaffMember.objects.exists():
        call_command("load_demo_data", verbosity=0)
    # The worker prepares every month-end's children counts after an import; the page reads
    # those of each 31 December (and counts today's, not a month-end, live).
    years = selectors.data_years()
    snapshots.prepare(
        [(period_end(year), "on_date") for year in years if period_end(year).month == 12]
    )
    staff = StaffMember.objects.count()
    user = get_user_model().objects.filter(groups__name="Service manager").first()
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    locality = Locality.objects.order_by("name").first()
    dashboard = "/dashboards/workforce/"
    urls = {
        "reference: a trivial page (accessibility)": "/accessibility/",
        "dashboard": dashboard,
        "dashboard, decisions not cached": dashboard,
        "dashboard, one locality and service area": (
            f"/dashboards/workforce/?locality={locality.pk}&service_area=children_in_need"
        ),
        "CSV download (every year)": "/dashboards/workforce.csv",
        "XLSX download (every year)": "/dashboards/workforce.xlsx",
        # Last, since what was frozen stays unfrozen.
        "dashboard, garbage collector not frozen": dashboard,
    }
    print(f"Workforce dashboard benchmark: {staff:,} staff, {args.runs} timed requests each")
    print(f"{'':45} {'median':>8} {'p95':>8} {'p95/ref':>8} {'queries':>8}")
    reference = None
    for name, url in urls.items():
        uncached = "not cached" in name
        runs = max(3, args.runs // 5) if uncached else args.runs
        timings = []
        if "not frozen" in name:
            gc.unfreeze()  # every full collection walks all the process has loaded again
        with override_settings(WORKFORCE_DECISION_CACHE_SECONDS=0 if uncached else 24 * 3600):
            client.get(url)  # warm: the first request loads templates and code, and decides
            for _ in range(runs):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = client.get(url)
                    timings.append(time.perf_counter() - started)
                assert response.status_code == 200, (url, response.status_code)
        high = p95(timings)
        reference = reference or high
        print(
            f"  {name:43} {statistics.median(timings) * 1000:6.0f} ms {high * 1000:5.0f} ms "
            f"{high / reference:7.1f}x {len(queries.captured_queries):8}"
        )
    print(f"Target: the dashboard's p95 <= {TARGET_P95_SECONDS * 1000:.0f} ms at 1,500 staff.")
    print("Decisions not cached: the disclosure engine decides every table afresh (fewer runs).")
    print("Not frozen: gc.unfreeze() undoes arp_portal/wsgi.py's gc.freeze() for that row.")


if __name__ == "__main__":
    main()
