"""Writes for the front door beyond the imports themselves: the monthly counts the dashboard
reads, rebuilt from the contacts for the months a change touched."""

import datetime as dt

from django.db import connection

from dashboards.front_door.models import REPEAT_WINDOW_DAYS

# A contact's month, truncated as a timestamp without time zone (a date is otherwise taken as
# one with, and each of millions truncated through the session's time zone).
MONTH_OF_CONTACT = "date_trunc('month', contact_date::timestamp)::date"


def contact_months_rebuild(first: dt.date | None = None, last: dt.date | None = None) -> int:
    """Recount the months from first's to last's (and the year after last, whose repeats may
    have changed); every month when no dates are given. Returns the rows written."""
    with connection.cursor() as cursor:
        if first is None or last is None:
            cursor.execute("DELETE FROM dashboards_contactmonth")
            where, params = "", []
        else:
            start = first.replace(day=1)
            end = last + dt.timedelta(days=REPEAT_WINDOW_DAYS)
            cursor.execute("DELETE FROM dashboards_contactmonth WHERE month >= %s AND month <= %s",
                           [start, end])  # fmt: skip
            where = " WHERE contact_date >= %s AND contact_date < (date_trunc('month', %s::date)"
            where += " + interval '1 month')::date"
            params = [start, end]
        cursor.execute(
            "INSERT INTO dashboards_contactmonth (month, ethnicity, source, outcome,"
            " repeat_within_12_months, contacts)"
            f" SELECT {MONTH_OF_CONTACT}, ethnicity, source, outcome,"
            f" repeat_within_12_months, COUNT(*) FROM dashboards_contact{where}"
            " GROUP BY 1, 2, 3, 4, 5",
            params,
        )
        return cursor.rowcount
