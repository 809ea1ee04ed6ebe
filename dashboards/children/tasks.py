"""Background work for the children's dashboard, run by the task worker (`manage.py db_worker`,
started beside the server by `make run`): never in a request's thread."""

import datetime as dt

from django_tasks import task

from dashboards.children import disclosure, snapshots


@task()
def prepare_after_import() -> int:
    """Build the month-ends an import left unprepared (only those its changes touched: the
    import expired those, the others are still current). How many snapshots were built."""
    built = snapshots.refresh_after_import()
    # Which counts are hidden, decided for every view of each date just built.
    disclosure.decide_prepared()
    return built


@task()
def prepare_dates(wanted: list[list[str]]) -> int:
    """Build the snapshots a dashboard view counted live ([date, measure] pairs: dates that are
    not month-ends), so later views of them, with any filters, read them."""
    built = snapshots.prepare(
        sorted(
            (dt.date.fromisoformat(date), measure)
            for date, measure in wanted
            if measure in snapshots.MEASURES
        )
    )
    # Which counts are hidden, decided for every view of each date just built.
    disclosure.decide_prepared()
    return built
