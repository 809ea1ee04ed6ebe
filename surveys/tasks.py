"""The survey's work for the task worker (`manage.py db_worker`)."""

from django_tasks import task

from surveys import services
from surveys.models import Survey


@task()
def write_held_submissions(survey_id: int, *, at_close: bool = False) -> int:
    """Writes a survey's held submissions once a batch is due (services.held_submissions_write).
    Enqueued when a submission brings the held count to the threshold and when a survey
    closes; the housekeeping task catches anything these miss (say, a worker that was down)."""
    survey = Survey.objects.filter(pk=survey_id).first()
    if survey is None:
        return 0
    return services.held_submissions_write(survey=survey, at_close=at_close)


@task()
def prepare_release(survey_id: int) -> int | None:
    """Build the release a survey's results show (services.results_release_prepare), queued by
    services.results_changed after every write that changes them: the results page only reads
    it. The number of the release now shown, or None while nothing may be shown."""
    survey = Survey.objects.filter(pk=survey_id).first()
    if survey is None:
        return None
    release = services.results_release_prepare(survey=survey)
    return None if release is None else release.number
