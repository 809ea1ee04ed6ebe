"""Work a view leaves until its response has been sent, so the person does not wait for it."""

import logging
from collections.abc import Callable

from django.http import HttpResponseBase

logger = logging.getLogger(__name__)


def run_after_sending(response: HttpResponseBase, task: Callable[[], object]) -> HttpResponseBase:
    """Run task when the server closes the response, which WSGI servers (gunicorn, runserver)
    do once they have written its last byte; the test client does it before returning.

    The task runs in the request's thread and database connection, before Django's own close
    (which may close that connection). It must be safe to skip: an error is logged, never
    shown, and a worker stopped mid-task leaves the work undone, not half done.
    """
    close = response.close

    def close_after_task() -> None:
        try:
            task()
        except Exception:
            logger.exception("Work after the response failed; it will be done when next needed")
        finally:
            close()

    response.close = close_after_task
    return response
