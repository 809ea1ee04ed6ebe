"""Benchmark of the front door at national scale (issue 13).

Builds 1,000,000 held children and a contacts file of 3,000,000 contacts over three years (half
about held children, half about children the portal does not hold, with an ethnicity column) in
a database of its own, then prints:

- the contacts import (run_import: parse, check, look up held children, repeats, COPY): rows
  per second (target: at least 150,000), beside a raw COPY of the same file into a table of
  text columns, the floor any import pays;
- the early help import: rows per second;
- the front door dashboard page: p50 and p95 over 30 filter combinations (target: p95 at most
  300 ms).

Usage: make bench-front-door  (or: python scripts/bench_front_door.py [--contacts N] [--keep])
The database is BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/
arp_bench_front_door); it is created, and dropped at the end unless --keep is given.
"""

import argparse
import datetime as dt
import importlib
import io
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scripts.bench_dashboards import percentile, psql, trivial_view_p95  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/arp_bench_front_door"
FIRST = dt.date(2023, 4, 1)
LAST = dt.date(2026, 3, 31)
SOURCES = ["2A", "6", "3A", "3B", "3E", "1B", "1D", "5A", "5D", "4", "8", "9", "10"]
OUTCOMES = ["nfa", "advice", "early_help", "referral"]


def setup_database(url: str) -> None:
    name = urlparse(url).path.lstrip("/")
    psql(url, f"DROP DATABASE IF EXISTS {name}")
    psql(url, f"CREATE DATABASE {name}")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "arp_portal.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def codes_and_weights():
    from arp_portal.core.demo import ETHNIC_PROFILE

    codes = list(ETHNIC_PROFILE)
    return codes, [ETHNIC_PROFILE[code][0] * (0.5 + ETHNIC_PROFILE[code][1]) for code in codes]


def load_children(children: int, rng: random.Random) -> list[str]:
    """Held children by COPY (not timed: they come from the case imports)."""
    from django.db import connection

    codes, weights = codes_and_weights()
    picks = rng.choices(codes, weights, k=children)
    buffer = io.StringIO()
    for number, code in enumerate(picks):
        buffer.write(f"N{number:07d}\t2015\t{1 + number % 12}\t{1 + number % 2}\t{code}\n")
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.copy_expert(
            "COPY core_child (child_ref, birth_year, birth_month, sex, ethnicity_id) FROM STDIN",
            buffer,
        )
        cursor.execute("ANALYZE core_child")
    return picks


def load_population() -> None:
    from arp_portal.core.demo import ETHNIC_PROFILE
    from arp_portal.core.models import AgeBand, PopulationEstimate

    PopulationEstimate.objects.bulk_create(
        PopulationEstimate(year=2024, source="Synthetic national estimate", age_band=AgeBand.ALL,
                           ethnicity_id=code, count=int(share * 12_000_000))
        for code, (share, *_rest) in ETHNIC_PROFILE.items()
    )  # fmt: skip


def write_contacts(path: Path, contacts: int, children: int, rng: random.Random) -> None:
    codes, weights = codes_and_weights()
    span = (LAST - FIRST).days
    day = dt.timedelta(days=1)
    dates = [(FIRST + day * offset).isoformat() for offset in range(span + 1)]
    unknown_codes = rng.choices(codes, weights, k=contacts // 2 + 1)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("child_id,contact_date,source,outcome,ethnicity\n")
        for number in range(contacts):
            if number % 2:
                reference, code = f"N{rng.randrange(children):07d}", ""
            else:
                reference = f"F{rng.randrange(contacts // 3):07d}"
                code = unknown_codes[number // 2]
            out.write(
                f"{reference},{rng.choice(dates)},{rng.choice(SOURCES)},"
                f"{rng.choices(OUTCOMES, (30, 25, 25, 20))[0]},{code}\n"
            )


def write_early_help(path: Path, episodes: int, children: int, rng: random.Random) -> None:
    span = (LAST - FIRST).days
    day = dt.timedelta(days=1)
    closures = ["stepped_up", "needs_met", "stepped_down", "declined", "moved_away"]
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("child_id,start_date,end_date,team,closure_reason\n")
        for number in range(episodes):
            start = FIRST + day * rng.randrange(span)
            end = start + day * rng.randrange(30, 300)
            closed = end <= LAST
            out.write(
                f"N{number % children:07d},{start.isoformat()},"
                f"{end.isoformat() if closed else ''},,"
                f"{rng.choice(closures) if closed else ''}\n"
            )


def timed_import(kind: str, importer, path: Path):
    from django.db import connection

    from arp_portal.core.importing import UploadedData, run_import

    # As an upload arrives: streamed to a file on disk, read from there.
    upload = UploadedData.from_path(path)
    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")
    started = time.perf_counter()
    result = run_import(kind=kind, files=[upload], importer=importer)
    return result, time.perf_counter() - started


def raw_copy(path: Path) -> float:
    """The same file COPYed into a table of text columns: no checks, no lookups, no index."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE raw_contacts (child_id text, contact_date text, source text,"
            " outcome text, ethnicity text) ON COMMIT DROP"
        )
        with path.open("r", encoding="utf-8") as handle:
            cursor.copy_expert("COPY raw_contacts FROM STDIN WITH (FORMAT csv, HEADER)", handle)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=3_000_000)
    parser.add_argument("--children", type=int, default=1_000_000)
    parser.add_argument("--early-help", type=int, default=300_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    setup_database(url)
    print(f"Benchmark database: {urlparse(url).path.lstrip('/')} (created afresh)")
    rng = random.Random(13)
    try:
        from django.db import connection
        from django.test import Client

        from dashboards.front_door.importers import import_contacts, import_early_help
        from tests.personas import make_persona

        started = time.perf_counter()
        load_children(args.children, rng)
        load_population()
        with tempfile.TemporaryDirectory() as folder:
            contacts_file = Path(folder) / "contacts.csv"
            write_contacts(contacts_file, args.contacts, args.children, rng)
            early_help_file = Path(folder) / "early-help.csv"
            write_early_help(early_help_file, args.early_help, args.children, rng)
            size = contacts_file.stat().st_size / 1e6
            print(
                f"Data: {args.children:,} held children, {args.contacts:,} contacts "
                f"({size:.0f} MB), {args.early_help:,} early help episodes, made in "
                f"{time.perf_counter() - started:.0f} s"
            )
            copy_seconds = raw_copy(contacts_file)
            result, seconds = timed_import("contacts", import_contacts, contacts_file)
            print(
                f"Contacts import: {args.contacts:,} rows in {seconds:.1f} s = "
                f"{args.contacts / seconds:,.0f} rows/s (target >= 150,000); raw COPY of the "
                f"same file: {copy_seconds:.1f} s = {args.contacts / copy_seconds:,.0f} rows/s; "
                f"ratio {seconds / copy_seconds:.1f}x COPY"
            )
            print(
                f"  repeat contacts {result.counts['repeat_contacts']:,}; ethnicity from "
                f"children held {result.counts['ethnicity_from_children_held']:,}"
            )
            result, seconds = timed_import("early_help", import_early_help, early_help_file)
            print(
                f"Early help import: {args.early_help:,} rows in {seconds:.1f} s = "
                f"{args.early_help / seconds:,.0f} rows/s"
            )
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE dashboards_contact")
            cursor.execute("VACUUM ANALYZE dashboards_earlyhelpepisode")

        # As served: arp_portal.wsgi imports every view and takes what the process has loaded
        # out of the garbage collector's full sweeps (gc.freeze), as each gunicorn worker does.
        importlib.import_module("arp_portal.wsgi")
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(make_persona("service_manager"))
        combinations = [
            {"year": str(year), "reference": reference, "detail": detail}
            for year in (2024, 2025, 2026)
            for reference in ("WBRI", "white", "all")
            for detail in ("major", "detailed")
        ]
        combinations += [
            {"year": "2026", "source": source, "detail": rng.choice(["major", "detailed"])}
            for source in ("2A", "6", "3A", "5D", "9", "1B", "8", "10", "4", "3E", "1D", "5A")
        ]
        combinations = combinations[: args.requests]
        client.get("/dashboards/front-door/", combinations[0])  # warm up the process
        timings, cpu = [], []
        for params in combinations:
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get("/dashboards/front-door/", params)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            assert response.status_code == 200, params
        trivial_p95 = trivial_view_p95(client, len(timings))
        print(
            f"Front door dashboard: {len(timings)} filter combinations, p50 "
            f"{percentile(timings, 50):.0f} ms, p95 {percentile(timings, 95):.0f} ms "
            f"(target p95 <= 300 ms), max {max(timings):.0f} ms, mean "
            f"{statistics.mean(timings):.0f} ms; the web process's own CPU per page p95 "
            f"{percentile(cpu, 95):.0f} ms; reference, the same run: a trivial view "
            f"(/healthz) p95 {trivial_p95:.1f} ms"
        )
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            psql(url, f"DROP DATABASE IF EXISTS {urlparse(url).path.lstrip('/')}")
            print("Benchmark database dropped.")


if __name__ == "__main__":
    main()
