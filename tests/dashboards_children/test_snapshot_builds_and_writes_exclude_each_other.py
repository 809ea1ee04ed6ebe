"""A snapshot build and a write to the episodes never overlap, so a build cannot mark as current
a snapshot of the data from before a write (migration 0006). Each side is shown waiting for the
other, through a second database connection and a short lock timeout."""

import datetime as dt

import psycopg2
import pytest
from django.db import OperationalError, connection, transaction

from arp_portal.core.models import CohortSnapshotBuild
from dashboards.children import snapshots

DATE = dt.date(2025, 3, 31)
# A statement-level trigger fires even when no row changes: the smallest write there is.
WRITE = "UPDATE core_episode SET kind = kind WHERE false"


@pytest.fixture
def other_connection(transactional_db):
    other = psycopg2.connect(**connection.get_connection_params())
    yield other
    other.rollback()
    other.close()


def test_a_build_waits_for_a_write_that_has_not_committed(other_connection):
    with other_connection.cursor() as cursor:
        cursor.execute(WRITE)  # its transaction stays open
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '200ms'")
    try:
        with pytest.raises(OperationalError, match="lock timeout"):
            snapshots.build(DATE, "on_date")
        other_connection.commit()
        assert snapshots.build(DATE, "on_date")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")


def test_a_write_waits_for_a_build_in_progress_and_then_expires_it(other_connection):
    with other_connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '200ms'")
    with transaction.atomic():
        snapshots.build(DATE, "on_date")  # not committed yet
        with pytest.raises(psycopg2.errors.LockNotAvailable), other_connection.cursor() as cursor:
            cursor.execute(WRITE)
        other_connection.rollback()
    assert CohortSnapshotBuild.objects.exists()
    with other_connection.cursor() as cursor:
        cursor.execute(WRITE)
    other_connection.commit()
    assert not CohortSnapshotBuild.objects.exists()
