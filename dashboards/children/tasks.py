"""Background work for the children's dashboard, run by the task worker (`manage.py db_worker`,
started beside the server by `make run`): never in a request's thread."""

import datetime as dt

from django_tasks import task, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

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


@task()
def decide_dates() -> int:
    """Decide the dates built but not decided (a build whose task stopped before deciding it,
    or one made by hand): what a page showing "being prepared" with nothing queued asks for."""
    return disclosure.decide_prepared()


def decide_enqueue() -> None:
    """Queue decide_dates, unless a task of the children's dashboard is waiting or running:
    each of them decides every date built when it ends, so one more would add nothing."""
    if isinstance(task_backends[decide_dates.backend], DatabaseBackend):
        paths = [t.module_path for t in (prepare_after_import, prepare_dates, decide_dates)]
        pending = DBTaskResult.objects.filter(status__in=["READY", "RUNNING"], task_path__in=paths)
        if pending.exists():
            return
    decide_dates.enqueue()
