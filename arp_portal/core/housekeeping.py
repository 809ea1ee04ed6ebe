"""Clean-ups the portal promises (expired sessions, old sign-in records, survey batches that are
due), run together by the worker's periodic housekeeping task (arp_portal.core.tasks) or by
`manage.py housekeeping`.

Each app registers its own jobs in its AppConfig.ready, so core knows none of the apps.
"""

import logging
from collections.abc import Callable

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

_jobs: dict[str, Callable[[], int]] = {}


def register(name: str, job: Callable[[], int]) -> None:
    """`job` does one clean-up and returns how many things it removed or wrote."""
    _jobs[name] = job


def run_all() -> dict[str, int]:
    """Runs every job; one that fails is logged and does not stop the others."""
    done = {}
    for name, job in _jobs.items():
        try:
            done[name] = job()
        except Exception:
            logger.exception("Housekeeping job %s failed", name)
            done[name] = -1
    return done


def clear_expired_sign_in_sessions() -> int:
    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    model = store.get_model_class()
    from django.utils import timezone

    deleted, _ = model.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


register("expired sign-in sessions", clear_expired_sign_in_sessions)
