"""The workforce demo data: idempotent, and showing the patterns the dashboard is for."""

import io

import pytest
from django.core.management import call_command

from dashboards.demo import TRAINING_FIRST, TRAINING_LAST
from dashboards.models import TrainingTarget, WorkforceEvent, WorkingAgePopulation
from dashboards.workforce import measures
from dashboards.workforce.selectors import WHOLE_WORKFORCE


def _counts():
    return (
        sorted(WorkforceEvent.objects.values_list("event", "date", "staff__staff_ref").iterator()),
        WorkingAgePopulation.objects.count(),
        TrainingTarget.objects.count(),
    )


@pytest.mark.django_db
def test_the_demo_is_idempotent_and_shows_the_disciplinary_and_training_patterns():
    call_command("load_demo_data", stdout=io.StringIO())
    first = _counts()
    call_command("load_demo_data", stdout=io.StringIO())
    assert _counts() == first
    assert first[2] == 1

    training = WorkforceEvent.objects.of_kind("training_completed")
    assert training.filter(date__lt=TRAINING_FIRST).count() == 0
    assert training.filter(date__gt=TRAINING_LAST).count() == 0
    assert training.count() > 900

    rows = measures.likelihood(WHOLE_WORKFORCE, "disciplinary_opened", 2025)
    black = next(r for r in rows if "relative" in r.measure and r.group == "Black")
    assert not black.suppressed
    assert black.value > 1.5 and black.ci_low > 1
