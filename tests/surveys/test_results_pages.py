"""The results page's key findings, response rate and empty state, and the written answers'
own page: by question and group, paginated, searchable, moderated and within the disclosure
policy."""

import datetime as dt

import pytest

from arp_portal.core.models import StaffMember
from surveys.models import FreeTextAnswer, ModerationStatus
from tests.surveys.helpers import make_survey, submit, submit_many

pytestmark = pytest.mark.django_db


def _approve_all(survey):
    for answer in FreeTextAnswer.objects.filter(response__survey=survey):
        answer.moderated_text = answer.text
        answer.status = ModerationStatus.APPROVED
        answer.save()
    survey.refresh_from_db()


def _staff(code, n, prefix):
    StaffMember.objects.bulk_create(
        StaffMember(staff_ref=f"{prefix}-{i}", ethnicity_id=code, grade_band="2_practitioner",
                    role="social_worker", fte=1, start_date=dt.date(2020, 1, 1))
        for i in range(n)
    )  # fmt: skip


def test_key_findings_come_first_and_flag_a_clear_gap(service_manager_client):
    survey = make_survey(status="closed")
    submit_many(survey, 30, ethnic_group="WBRI", racism_from_service_users="never")
    submit_many(survey, 15, ethnic_group="BAFR", racism_from_service_users="once")
    submit_many(survey, 15, ethnic_group="AIND", racism_from_service_users="never")
    html = service_manager_client.get(f"/surveys/{survey.slug}/results/").content.decode()
    assert html.index('id="key-findings"') < html.index('id="who-answered"')
    table = html[html.index('data-testid="key-findings"') :]
    table = table[: table.index("</table>")]
    # Black or Asian: 15 of 30 at least once, White 0 of 30: +50.0 points, clear of 0.
    assert "50.0%" in table and "+50.0" in table and "Higher than White" in table
    # Each question's chart and tables fold away.
    assert 'class="govuk-details portal-question-detail"' in html


def test_the_response_rate_is_against_staff_in_post_with_hidden_groups_given_no_rate(
    service_manager_client,
):
    survey = make_survey(status="closed")
    _staff("WBRI", 40, "w")
    _staff("BAFR", 30, "b")
    _staff("AIND", 6, "a")
    submit_many(survey, 20, ethnic_group="WBRI")
    submit_many(survey, 12, ethnic_group="BAFR")
    submit_many(survey, 3, ethnic_group="AIND")
    html = service_manager_client.get(f"/surveys/{survey.slug}/results/").content.decode()
    assert "35 people answered, from 76 staff in post" in html
    assert "a response rate of 46%" in html
    rates = html[html.index('data-testid="response-rates"') :]
    rates = rates[: rates.index("</table>")]
    assert "White</th>" in rates and "50%" in rates  # 20 of 40
    # Asian: 3 respondents, so the group is hidden, and its 6 staff are under 10: no rate.
    asian = rates[rates.index(">Asian</th>") :]
    asian = asian[: asian.index("</tr>")]
    assert asian.count(">c<") == 3


def test_one_response_gives_one_empty_state_and_no_chart(service_manager_client):
    survey = make_survey(status="closed")
    submit(survey, ethnic_group="WBRI")
    html = service_manager_client.get(f"/surveys/{survey.slug}/results/").content.decode()
    assert html.count('data-testid="results-empty"') == 1
    assert "data-plotly-figure" not in html and "key-findings" not in html
    assert "Fewer than 10 people answered" in html


def test_written_answers_are_paginated_and_found_by_question_group_and_words(
    service_manager_client,
):
    survey = make_survey(status="closed")
    for i in range(23):
        submit(survey, ethnic_group="BAFR", free_text=f"Answer {i} from a Black colleague.")
    for i in range(12):
        submit(survey, ethnic_group="WBRI", free_text=f"Answer {i} about what I saw.")
    submit(survey, ethnic_group="OOTH", free_text="From a group of one.")
    # A group of one is hidden, and so is the smallest group beside it (Mixed, 11), so the one
    # cannot be had by subtraction; White respondents (12) stay shown.
    submit_many(survey, 11, ethnic_group="MWBC")
    submit(survey, ethnic_group="BAFR", free_text="Not yet read by anyone.")
    _approve_all(survey)
    FreeTextAnswer.objects.filter(text="Not yet read by anyone.").update(
        status=ModerationStatus.PENDING
    )
    url = f"/surveys/{survey.slug}/results/written-answers/"
    first = service_manager_client.get(url).content.decode()
    heading = first[first.index('id="answers-heading"') :]
    assert "35 answers: 1 to 20 shown" in heading[:200], heading[:200]
    assert "From a group of one" not in first and "Not yet read" not in first
    second = service_manager_client.get(url + "?page=2").content.decode()
    assert "21 to 35 shown" in second
    question = survey.questions.get(kind="free_text").pk
    white = service_manager_client.get(
        url, {"question": question, "group": "major:White"}
    ).content.decode()
    assert "12 answers found" in white and "Black colleague" not in white
    # The group choices are the shown groups with answers: never the group of one.
    assert 'value="major:Other"' not in white
    found = service_manager_client.get(url, {"words": "ANSWER 7 from"}).content.decode()
    assert "1 answer found" in found and "Answer 7 from a Black colleague." in found
    # The page links on with the filters kept.
    assert "words=ANSWER+7+from" in found or "page=" not in found


def test_written_answers_wait_while_results_are_withheld(service_manager_client):
    survey = make_survey(status="open", results_hidden_until_closed=True)
    submit_many(survey, 12, ethnic_group="BAFR", free_text="Said while open.")
    _approve_all(survey)
    html = service_manager_client.get(
        f"/surveys/{survey.slug}/results/written-answers/"
    ).content.decode()
    assert "Said while open" not in html and "shown once the survey closes" in html
