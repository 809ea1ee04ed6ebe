import datetime as dt
from decimal import Decimal

from django.db import transaction

from dashboards.models import TrainingTarget


@transaction.atomic
def training_target_set(*, percent: Decimal, due_date: dt.date) -> TrainingTarget:
    """Set the training target; the latest one set is the one the dashboard shows."""
    target, _ = TrainingTarget.objects.get_or_create(
        due_date=due_date, defaults={"percent": percent}
    )
    target.percent = percent
    target.full_clean()
    target.save()
    return target
