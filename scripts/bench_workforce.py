"""Times the workforce dashboard, a filtered view and the downloads against the demo data.

Run after `make demo`:  DJANGO_DEBUG=true .venv/bin/python scripts/bench_workforce.py
The issue names no speed figure, so there is no published reference to compare with: the script
prints a working budget of 1 second a page (our own choice, not a standard) beside the median of
5 runs and the number of queries each request makes.
"""

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
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from arp_portal.core.models import Locality, StaffMember  # noqa: E402

REFERENCE_SECONDS = 1.0
RUNS = 5


def main() -> None:
    staff = StaffMember.objects.count()
    if not staff:
        sys.exit("No staff: run `make demo` (or manage.py load_demo_data) first.")
    user = get_user_model().objects.filter(groups__name="Service manager").first()
    if user is None:
        sys.exit("No service manager: run `manage.py load_demo_data` first.")
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    locality = Locality.objects.order_by("name").first()
    urls = {
        "dashboard": "/dashboards/workforce/",
        "dashboard, one locality and service area": (
            f"/dashboards/workforce/?locality={locality.pk}&service_area=children_in_need"
        ),
        "CSV download (every year)": "/dashboards/workforce.csv",
        "XLSX download (every year)": "/dashboards/workforce.xlsx",
    }
    print(f"Workforce dashboard benchmark: {staff:,} staff, median of {RUNS} runs")
    print(f"Working budget (our own, the issue names none): {REFERENCE_SECONDS:.1f} s a request")
    for name, url in urls.items():
        timings = []
        for _ in range(RUNS):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                timings.append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)
        print(
            f"  {name:45} {statistics.median(timings):6.2f} s  "
            f"({len(queries.captured_queries)} queries)"
        )


if __name__ == "__main__":
    main()
