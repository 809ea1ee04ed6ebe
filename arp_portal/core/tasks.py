"""The periodic housekeeping task: runs every clean-up (arp_portal.core.housekeeping), then puts
itself back on the queue to run again after settings.HOUSEKEEPING_INTERVAL_SECONDS.

Started once with `manage.py housekeeping --schedule` (the Makefile's worker targets do it;
in production run it once on each release before `manage.py db_worker`). It is idempotent: it
enqueues nothing while a housekeeping run is already waiting.
"""

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django_tasks import default_task_backend, task

from arp_portal.core import housekeeping


@task()
def housekeeping_run(*, again: bool = True) -> dict[str, int]:
    done = housekeeping.run_all()
    if again:
        housekeeping_schedule(force=True)
    return done


def _waiting() -> bool:
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    # Waiting to run, whether due yet or not (its run_after may be in the future).
    return DBTaskResult.objects.filter(
        task_path=housekeeping_run.module_path, status=TaskResultStatus.READY
    ).exists()


def housekeeping_schedule(*, force: bool = False) -> bool:
    """Enqueues the next housekeeping run, unless one is waiting. Returns whether it did.

    A backend that cannot defer tasks (ARP_TASKS_BACKEND=immediate) is not given a periodic
    run: schedule `manage.py housekeeping` from cron there instead (README)."""
    if not default_task_backend.supports_defer:
        return False
    if not force and _waiting():
        return False
    run_after = timezone.now() + dt.timedelta(seconds=settings.HOUSEKEEPING_INTERVAL_SECONDS)
    housekeeping_run.using(run_after=run_after).enqueue()
    return True
