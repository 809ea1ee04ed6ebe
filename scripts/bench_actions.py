"""Benchmark: the action plan's overview and action list at 2,000 actions and 20,000 updates.

Builds a throwaway plan of that size in the configured database (bulk inserts, no history), then
times GET requests through Django's full stack (middleware, session, views, templates) with the
test client, signed in as a steering group member, and prints p50/p95 against the 150 ms target.
The plan is removed afterwards unless --keep is given.

    make bench-actions                       # DATABASE_URL as for the app
    .venv/bin/python scripts/bench_actions.py --requests 100 --keep
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "arp_portal.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from actions import services  # noqa: E402
from actions.demo import remove_plan_and_history  # noqa: E402
from actions.models import Action, Plan, ProgressUpdate, Status  # noqa: E402
from arp_portal.core import roles  # noqa: E402

PLAN_NAME = "Benchmark plan (2,000 actions)"
TARGET_P95_MS = 150.0
STATUSES = (
    [Status.IN_PROGRESS] * 5
    + [Status.NOT_STARTED, Status.COMPLETE, Status.BLOCKED]
    + [Status.DEFERRED]
)


def build(actions: int, updates: int) -> Plan:
    rng = random.Random(2026)
    User = get_user_model()
    steering = Group.objects.get(name=roles.STEERING_GROUP)
    owners = []
    for number in range(25):
        user, _ = User.objects.get_or_create(
            username=f"bench.owner.{number:02d}",
            defaults={"first_name": "Owner", "last_name": f"{number:02d}"},
        )
        user.groups.add(steering)
        owners.append(user)
    remove_plan_and_history(PLAN_NAME)
    with transaction.atomic():
        plan = services.plan_create(
            name=PLAN_NAME,
            period_start=dt.date(2024, 4, 1),
            period_end=dt.date(2028, 3, 31),
            governing_board="Benchmark board",
            template=Plan.Template.ARP_STRATEGY,
            by=owners[0],
        )
        outcomes, areas = list(plan.outcomes.all()), list(plan.areas.all())
        today = timezone.localdate()
        rows = []
        for number in range(1, actions + 1):
            start = today - dt.timedelta(days=rng.randrange(0, 900))
            status = rng.choice(STATUSES)
            rows.append(
                Action(
                    plan=plan,
                    number=number,
                    title=f"Benchmark action {number}",
                    owner=rng.choice(owners),
                    area=rng.choice(areas),
                    lead_team="Benchmark team",
                    start_date=start,
                    due_date=start + dt.timedelta(days=rng.randrange(30, 900)),
                    status=status,
                    percent_complete=100 if status == Status.COMPLETE else rng.randrange(0, 100),
                )
            )
        Action.objects.bulk_create(rows, batch_size=1_000)
        Through = Action.outcomes.through
        Through.objects.bulk_create(
            [
                Through(action_id=action.pk, outcome_id=outcome.pk)
                for action in rows
                for outcome in rng.sample(outcomes, rng.choice([1, 1, 2]))
            ],
            batch_size=5_000,
        )
        now = timezone.now()
        ProgressUpdate.objects.bulk_create(
            [
                ProgressUpdate(
                    action=rows[index % actions],
                    author=rows[index % actions].owner,
                    created_at=now - dt.timedelta(hours=rng.randrange(1, 24 * 700)),
                    narrative="Progress as planned; next steps agreed with partners.",
                    status=rows[index % actions].status,
                    percent_complete=rows[index % actions].percent_complete,
                    rag="green",
                )
                for index in range(updates)
            ],
            batch_size=5_000,
        )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE actions_action SET last_update_at = latest.at FROM (SELECT action_id, "
            "MAX(created_at) AS at FROM actions_progressupdate GROUP BY action_id) AS latest "
            "WHERE latest.action_id = actions_action.id AND actions_action.plan_id = %s",
            [plan.pk],
        )
        cursor.execute("ANALYZE actions_action; ANALYZE actions_progressupdate;")
        cursor.execute("ANALYZE actions_action_outcomes;")
    return plan


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def count_queries(client: Client, url: str) -> int:
    response = client.get(url)  # warm up: templates, connection
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    queries = []
    with connection.execute_wrapper(
        lambda execute, sql, *rest: queries.append(sql) or execute(sql, *rest)
    ):
        client.get(url)
    return len(queries)


def time_pages(client: Client, urls: list[str], requests: int) -> dict[str, tuple[list, list]]:
    """Wall and CPU milliseconds per request. Pages take turns, so a busy moment on a shared
    machine falls on all of them alike rather than on whichever page was being timed."""
    samples = {url: ([], []) for url in urls}
    for _ in range(requests):
        for url in urls:
            started, cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            samples[url][0].append((time.perf_counter() - started) * 1000)
            samples[url][1].append((time.process_time() - cpu) * 1000)
            assert response.status_code == 200
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=2_000)
    parser.add_argument("--updates", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--keep", action="store_true", help="Leave the benchmark plan in place.")
    args = parser.parse_args()

    started = time.perf_counter()
    plan = build(args.actions, args.updates)
    print(
        f"Built “{PLAN_NAME}”: {plan.actions.count():,} actions, "
        f"{ProgressUpdate.objects.filter(action__plan=plan).count():,} updates in "
        f"{time.perf_counter() - started:.1f} s (database {settings.DATABASES['default']['NAME']}, "
        f"DEBUG={settings.DEBUG})."
    )
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(plan.actions.first().owner)
    pages = [
        ("overview", f"/actions/plans/{plan.pk}/"),
        ("list (reference order, page 1)", f"/actions/plans/{plan.pk}/actions/"),
        ("list (sorted by RAG, red only)", f"/actions/plans/{plan.pk}/actions/?sort=rag&rag=red"),
        (
            "list (by last update, page 20)",
            f"/actions/plans/{plan.pk}/actions/?sort=updated&order=desc&page=20",
        ),
    ]
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"\n{args.requests} requests each; target p95 <= {TARGET_P95_MS:.0f} ms "
        f"(machine load average {load} on {os.cpu_count()} CPUs)\n"
    )
    print(f"{'page':34} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8} {'app CPU p50':>12}  verdict")
    failed = False
    try:
        queries = {url: count_queries(client, url) for _, url in pages}
        samples = time_pages(client, [url for _, url in pages], args.requests)
        for label, url in pages:
            wall, cpu = samples[url]
            p50, p95 = statistics.median(wall), percentile(wall, 0.95)
            verdict = "ok" if p95 <= TARGET_P95_MS else "OVER TARGET"
            failed |= p95 > TARGET_P95_MS
            print(
                f"{label:34} {queries[url]:7d} {p50:8.1f} {p95:8.1f} "
                f"{statistics.median(cpu):9.1f} ms  {verdict}"
            )
    finally:
        if not args.keep:
            remove_plan_and_history(PLAN_NAME)
    print(
        "\nReference: issue 6 asks for p95 of at most 150 ms at 2,000 actions and 20,000 updates."
    )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
