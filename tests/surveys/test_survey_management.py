"""Data managers run surveys in the portal's own pages; service managers only read."""

import datetime as dt

import pytest
from django.utils import timezone

from surveys.models import AnswerTally, Question, Survey
from tests.surveys.helpers import make_survey, submit

pytestmark = pytest.mark.django_db


def _survey_form(**overrides):
    today = timezone.localdate()
    data = {
        "title": "Staff voice 2026",
        "slug": "staff-voice-2026",
        "introduction": "Tell us about racism at work.",
        "privacy_text": "Only your answers and the date are stored.",
        "opens_on_0": today.day,
        "opens_on_1": today.month,
        "opens_on_2": today.year,
        "closes_on_0": 30,
        "closes_on_1": 12,
        "closes_on_2": today.year + 1,
        "retain_responses_until_0": 31,
        "retain_responses_until_1": 12,
        "retain_responses_until_2": today.year + 3,
        "reporting_threshold": "10",
        "disclosure_mode": "groups",
        "access": "open_link",
    }
    data.update(overrides)
    return data


def test_a_data_manager_creates_a_survey_and_adds_a_question(data_manager_client):
    response = data_manager_client.post("/surveys/manage/new/", _survey_form())
    assert response["Location"] == "/surveys/manage/staff-voice-2026/"
    survey = Survey.objects.get(slug="staff-voice-2026")
    assert survey.status == "draft"
    response = data_manager_client.post(
        "/surveys/manage/staff-voice-2026/questions/new/",
        {
            "kind": "single",
            "text": "Do you feel safe to speak up?",
            "options": "Yes\nNo\nNot sure",
        },
    )
    assert response.status_code == 302
    question = survey.questions.get()
    assert [o.label for o in question.options.all()] == [
        "Yes",
        "No",
        "Not sure",
        "Prefer not to say",
    ]


def test_a_data_manager_can_choose_strict_cell_level_protection(data_manager_client):
    page = data_manager_client.get("/surveys/manage/new/").content.decode()
    assert "How results are protected" in page
    assert "many more figures are hidden" in page  # what strict mode costs
    data_manager_client.post(
        "/surveys/manage/new/",
        _survey_form(disclosure_mode="cells", results_hidden_until_closed="on"),
    )
    survey = Survey.objects.get(slug="staff-voice-2026")
    assert survey.disclosure_mode == "cells"
    assert survey.results_hidden_until_closed is True


def test_the_reporting_threshold_is_never_below_5(data_manager_client):
    response = data_manager_client.post(
        "/surveys/manage/new/", _survey_form(reporting_threshold="4")
    )
    assert "Reporting threshold must be 5 or more" in response.content.decode()
    assert not Survey.objects.exists()


def test_a_choice_question_needs_two_options(data_manager_client):
    survey = make_survey(status="draft")
    response = data_manager_client.post(
        f"/surveys/manage/{survey.slug}/questions/new/",
        {"kind": "multiple", "text": "Which apply?", "options": "Only one"},
    )
    assert "Enter at least 2 options, one on each line" in response.content.decode()


def test_every_kind_of_question_can_be_answered_prefer_not_to_say(data_manager_client):
    survey = make_survey(status="draft")
    for question in survey.questions.exclude(kind="free_text"):
        assert question.options.last().code == "prefer_not_to_say", question.kind
    kinds = set(survey.questions.values_list("kind", flat=True))
    assert kinds == {"frequency", "multiple", "agreement", "free_text", "ethnicity", "role",
                     "grade", "locality"}  # fmt: skip
    ethnicity = survey.questions.get(kind="ethnicity")
    assert ethnicity.options.count() == 18 + 1  # DfE list without the two "unknown" codes


def test_the_template_builds_the_default_questionnaire(data_manager_client):
    response = data_manager_client.post(
        "/surveys/manage/new-from-template/",
        {"title": "Experiences of racism at work 2026", "slug": "racism-2026"},
    )
    assert response["Location"] == "/surveys/manage/racism-2026/"
    codes = list(Survey.objects.get(slug="racism-2026").questions.values_list("code", flat=True))
    for code in ("racism_from_service_users", "racism_from_colleagues", "racism_from_managers",
                 "witnessed_from_service_users", "impact", "confident_to_intervene",
                 "someone_to_approach", "organisation_does_enough", "career_progression",
                 "workload_and_scrutiny", "in_your_own_words", "ethnic_group", "role",
                 "grade_band", "locality"):  # fmt: skip
        assert code in codes


def test_questions_are_frozen_once_there_are_responses(data_manager_client):
    survey = make_survey()
    submit(survey)
    question = survey.questions.first()
    page = data_manager_client.get(f"/surveys/manage/{survey.slug}/").content.decode()
    assert "its questions are frozen" in page
    response = data_manager_client.post(
        f"/surveys/manage/{survey.slug}/questions/{question.pk}/",
        {"text": "Changed", "hint": "", "section": "", "options": ""},
    )
    assert "cannot change" in response.content.decode()
    question.refresh_from_db()
    assert question.text != "Changed"
    data_manager_client.post(f"/surveys/manage/{survey.slug}/questions/{question.pk}/delete/")
    assert Question.objects.filter(pk=question.pk).exists()


def test_a_survey_is_opened_and_closed(data_manager_client, client):
    survey = make_survey(status="draft")
    data_manager_client.post(f"/surveys/manage/{survey.slug}/status/open/")
    survey.refresh_from_db()
    assert survey.status == "open"
    assert "Start now" in client.get(f"/surveys/{survey.slug}/").content.decode()
    data_manager_client.post(f"/surveys/manage/{survey.slug}/status/closed/")
    survey.refresh_from_db()
    assert survey.status == "closed"
    assert "This survey is closed" in client.get(f"/surveys/{survey.slug}/").content.decode()


def test_a_survey_is_copied_as_next_years_wave(data_manager_client):
    survey = make_survey(status="closed", title="Experiences of racism at work 2025")
    page = data_manager_client.get(f"/surveys/manage/{survey.slug}/next-wave/").content.decode()
    assert "Experiences of racism at work 2026" in page  # the suggested title
    data_manager_client.post(
        f"/surveys/manage/{survey.slug}/next-wave/",
        {"title": "Experiences of racism at work 2026", "slug": "wave-2026"},
    )
    wave = Survey.objects.get(slug="wave-2026")
    assert wave.previous_wave == survey and wave.status == "draft"
    assert list(wave.questions.values_list("code", flat=True)) == list(
        survey.questions.values_list("code", flat=True)
    )


def test_results_compare_the_same_question_across_waves(service_manager_client):
    first = make_survey(status="closed", title="Wave 2025")
    for _ in range(12):
        submit(first, ethnic_group="WBRI", racism_from_service_users="never")
    from surveys import services

    second = services.survey_copy_as_next_wave(survey=first, title="Wave 2026", slug="w-2026")
    Survey.objects.filter(pk=second.pk).update(
        status="closed", opens_on=first.opens_on, closes_on=first.closes_on
    )
    second.refresh_from_db()
    for _ in range(12):
        submit(second, ethnic_group="WBRI", racism_from_service_users="once")
    page = service_manager_client.get(f"/surveys/{second.slug}/results/").content.decode()
    assert "Compared with earlier waves" in page
    assert "Wave 2025" in page


def test_service_managers_see_results_but_no_management(service_manager_client):
    make_survey(status="closed", title="Closed survey")
    make_survey(status="draft", title="Draft survey")
    page = service_manager_client.get("/surveys/").content.decode()
    assert "Closed survey" in page and "Draft survey" not in page
    assert "Create from template" not in page and "Manage" not in page


def test_responses_are_deleted_after_retention_keeping_published_results(
    data_manager_client, service_manager_client
):
    survey = make_survey(status="closed")
    for _ in range(15):
        submit(survey, ethnic_group="WBRI", racism_from_service_users="never")
    before = service_manager_client.get(f"/surveys/{survey.slug}/results.csv").content
    # Not before the retention date.
    response = data_manager_client.post(f"/surveys/manage/{survey.slug}/delete-responses/")
    assert "Responses must be kept until" in response.content.decode()
    assert survey.responses.count() == 15

    Survey.objects.filter(pk=survey.pk).update(
        retain_responses_until=timezone.localdate() - dt.timedelta(days=1)
    )
    assert AnswerTally.objects.filter(survey=survey).exists()
    data_manager_client.post(f"/surveys/manage/{survey.slug}/delete-responses/")
    assert survey.responses.count() == 0
    assert not AnswerTally.objects.filter(survey=survey).exists()  # its counts go too
    survey.refresh_from_db()
    assert survey.responses_deleted_on == timezone.localdate()
    after = service_manager_client.get(f"/surveys/{survey.slug}/results.csv").content
    assert after == before
    page = service_manager_client.get(f"/surveys/{survey.slug}/results/").content.decode()
    assert "individual responses were deleted" in page


def test_invitation_codes_are_shown_once(data_manager_client):
    survey = make_survey(access="invitation")
    response = data_manager_client.post(
        f"/surveys/manage/{survey.slug}/invitations/", {"count": "3"}
    )
    html = response.content.decode()
    assert "You will not be able to see them again" in html
    assert html.count('class="govuk-table__cell portal-code"') == 3
    assert survey.invitations.count() == 3


def test_invitation_codes_can_be_downloaded_as_csv(data_manager_client):
    survey = make_survey(access="invitation")
    response = data_manager_client.post(
        f"/surveys/manage/{survey.slug}/invitations/", {"count": "2", "download": "1"}
    )
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0] == "invitation_code" and len(lines) == 3
    assert survey.invitations.count() == 2
