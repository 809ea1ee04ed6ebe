"""Survey results as an action's linked measure: the results page's figure, suppression and all."""

import pytest

from arp_portal.core.measures import measure_status
from arp_portal.statistics.intervals import wilson_interval
from tests.surveys.helpers import make_survey, submit_many

pytestmark = pytest.mark.django_db


def test_the_latest_closed_wave_gives_the_figure_and_its_interval():
    survey = make_survey(status="closed")
    submit_many(survey, 12, ethnic_group="BAFR", someone_to_approach="agree")
    submit_many(survey, 11, ethnic_group="AIND", someone_to_approach="disagree")
    submit_many(survey, 15, ethnic_group="WBRI", someone_to_approach="strongly_agree")
    reading = measure_status("survey:latest:someone_to_approach:black_asian").reading
    # 12 of the 23 Black or Asian respondents agree (all groups at or above the threshold).
    assert reading.display_value == f"{12 / 23 * 100:.1f}%"
    low, high = wilson_interval(12, 23)
    assert reading.note == f"95% confidence interval {low * 100:.1f}% to {high * 100:.1f}%"
    assert reading.better == "up"
    assert reading.url == f"/surveys/{survey.slug}/results/"


def test_a_group_under_the_threshold_reads_c():
    survey = make_survey(status="closed")
    submit_many(survey, 4, ethnic_group="BCRB", racism_from_colleagues="once")
    submit_many(survey, 20, ethnic_group="WBRI", racism_from_colleagues="never")
    reading = measure_status("survey:latest:racism_from_colleagues:black").reading
    assert reading.display_value == "c"
    assert reading.value is None
    assert reading.better == "down"


def test_a_question_no_closed_survey_asked_is_not_yet_available():
    make_survey(status="open")
    assert measure_status("survey:latest:someone_to_approach:all").reading is None
