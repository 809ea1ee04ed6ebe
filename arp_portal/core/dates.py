"""Date arithmetic the pages and returns share, written once.

Months are also numbered as indexes, year * 12 + month - 1, so a span of months is a range of
integers (the snapshots' SQL uses the same numbering)."""

import datetime as dt


def long_date(date: dt.date) -> str:
    """How a page writes a date: "31 March 2025"."""
    return f"{date.day} {date:%B %Y}"


def same_day_years_before(date: dt.date, years: int) -> dt.date:
    """The same day `years` earlier; 28 February for a 29 February with no match."""
    try:
        return date.replace(year=date.year - years)
    except ValueError:  # 29 February
        return date.replace(year=date.year - years, day=28)


def latest_31_march(today: dt.date | None = None) -> dt.date:
    """The latest 31 March on or before today: the date DfE's returns count children on."""
    today = today or dt.date.today()
    year = today.year if (today.month, today.day) >= (3, 31) else today.year - 1
    return dt.date(year, 3, 31)


def month_index(date: dt.date) -> int:
    return date.year * 12 + date.month - 1


def month_end(index: int) -> dt.date:
    """The last day of the month with index year * 12 + month - 1."""
    year, month = divmod(index + 1, 12)
    return dt.date(year, month + 1, 1) - dt.timedelta(days=1)


def month_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    """The last day of every month from first's month to last's month, both included."""
    return [month_end(index) for index in range(month_index(first), month_index(last) + 1)]
