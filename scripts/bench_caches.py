"""The hand-made caches, each timed on and off in the same run (issue 14; docs/adr/053): the
per-process TimedCache (the intake's survey and questions, the synthetic-data banner), the
intake page's form HTML and the survey results' body HTML, both kept in Django's cache.

    BENCH_DATABASE_URL=... .venv/bin/python scripts/bench_caches.py [--runs 40]

Requests go through Django's test client in this process against the demo data (loaded if the
database has none), so the figures are the server's own time, not the network's.
"""

import argparse
import contextlib
import os
import statistics
import sys
import time
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "arp_portal.settings")
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/arp_bench_caches"
)

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache.backends.dummy import DummyCache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from arp_portal.core import local_cache  # noqa: E402
from arp_portal.core.models import StaffMember  # noqa: E402
from surveys.models import Survey  # noqa: E402

NO_CACHE = DummyCache("none", {})


def p95(timings: list[float]) -> float:
    return statistics.quantiles(timings, n=20, method="inclusive")[-1]


@contextlib.contextmanager
def timed_caches_off():
    with contextlib.ExitStack() as stack:
        for cache in local_cache._ALL:
            stack.enter_context(mock.patch.object(cache, "seconds", 0))
            cache.clear()
        yield


def time_get(client: Client, url: str, runs: int) -> tuple[float, float, int]:
    client.get(url)
    timings = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(timings), p95(timings), len(queries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if not StaffMember.objects.exists():
        call_command("load_demo_data", verbosity=0)
    survey = Survey.objects.filter(slug="experiences-of-racism-2026").first()
    manager = get_user_model().objects.filter(groups__name="Service manager").first()
    signed_in = Client(HTTP_HOST="localhost")
    signed_in.force_login(manager)
    anonymous = Client(HTTP_HOST="localhost")
    anonymous.post(f"/surveys/{survey.slug}/")  # an open-access survey: into its first page
    cases = [
        ("a trivial page (reference)", signed_in, "/accessibility/", None),
        ("home page", signed_in, "/", None),
        ("home page, TimedCache off", signed_in, "/", timed_caches_off),
        ("intake page 1", anonymous, f"/surveys/{survey.slug}/page/1/", None),
        (
            "intake page 1, TimedCache off",
            anonymous,
            f"/surveys/{survey.slug}/page/1/",
            timed_caches_off,
        ),
        (
            "intake page 1, form HTML not cached",
            anonymous,
            f"/surveys/{survey.slug}/page/1/",
            lambda: mock.patch("surveys.intake_views.cache", NO_CACHE),
        ),
        ("survey results", signed_in, f"/surveys/{survey.slug}/results/", None),
        (
            "survey results, body HTML not cached",
            signed_in,
            f"/surveys/{survey.slug}/results/",
            lambda: mock.patch("surveys.views.cache", NO_CACHE),
        ),
    ]
    print(f"Hand-made caches on and off, {args.runs} timed requests each (same run)")
    print(f"  {'':40} {'median':>8} {'p95':>8} {'queries':>8}")
    for name, client, url, off in cases:
        with off() if off else contextlib.nullcontext():
            median, high, queries = time_get(client, url, args.runs)
        print(f"  {name:40} {median * 1000:5.1f} ms {high * 1000:5.1f} ms {queries:8}")


if __name__ == "__main__":
    main()
