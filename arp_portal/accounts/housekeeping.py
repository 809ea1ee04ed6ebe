"""Sign-in records past the retention the privacy notice promises (30 days)."""

import datetime as dt

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.utils import timezone

SIGN_IN_RECORDS_KEPT_DAYS = 30


def sign_in_records_delete_old(*, now: dt.datetime | None = None) -> int:
    """Deletes failed and successful sign-in records (with their address and browser) older
    than SIGN_IN_RECORDS_KEPT_DAYS."""
    cut_off = (now or timezone.now()) - dt.timedelta(days=SIGN_IN_RECORDS_KEPT_DAYS)
    deleted = 0
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        count, _ = model.objects.filter(attempt_time__lt=cut_off).delete()
        deleted += count
    return deleted
