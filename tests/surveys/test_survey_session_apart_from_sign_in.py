"""A survey never writes answers into a session that belongs to an account (issue 11, point 2):
a signed-in member of staff who answers gets the survey's own anonymous session, stays signed
in after sending, and abandoned survey sessions expire and are cleared by the housekeeping."""

import datetime as dt

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from surveys.intake_session import SURVEY_SESSION_COOKIE, SURVEY_SESSION_PATH
from surveys.models import IntakeSession
from tests.surveys.helpers import make_survey, survey_session_key
from tests.surveys.test_intake_journey import answer_every_page

pytestmark = pytest.mark.django_db

WORDS = "A sentence only this respondent wrote, 7f2c"


def _answer_with_words(client, survey) -> str:
    url = f"/surveys/{survey.slug}/page/1/"
    questions = {f"q{q.pk}": q for q in survey.questions.prefetch_related("options")}
    while "/page/" in url:
        html = client.get(url).content.decode()
        data = {}
        for name, question in questions.items():
            if f'name="{name}"' in html:
                data[name] = WORDS if question.is_free_text else question.options.first().code
        url = client.post(url, data)["Location"]
    return url


def _sign_in_sessions_text() -> str:
    return "\n".join(repr(s.get_decoded()) + s.session_data for s in Session.objects.all())


def test_a_signed_in_respondent_s_answers_never_reach_their_sign_in_session(
    service_manager, client_as
):
    survey = make_survey()
    client = client_as(service_manager)
    sign_in_key = client.session.session_key
    check_url = _answer_with_words(client, survey)
    # Waiting to be sent: in the survey's own session, not in django_session.
    assert WORDS not in _sign_in_sessions_text()
    assert not any(f"survey-{survey.pk}" in repr(s.get_decoded()) for s in Session.objects.all())
    survey_key = survey_session_key(client)
    assert survey_key and survey_key != sign_in_key
    assert WORDS in repr(IntakeSession.objects.get(session_key=survey_key).get_decoded())
    # The survey session holds nothing of the account.
    assert SESSION_KEY not in IntakeSession.objects.get(session_key=survey_key).get_decoded()

    assert client.post(check_url, {"website": ""}).status_code == 302
    assert WORDS not in _sign_in_sessions_text()
    # Still signed in: the sign-in session is untouched, the survey session is gone.
    assert Session.objects.filter(session_key=sign_in_key).exists()
    assert client.get("/").status_code == 200
    assert client.get("/surveys/").status_code == 200
    assert not IntakeSession.objects.filter(session_key=survey_key).exists()


def test_the_survey_cookie_is_its_own_and_for_survey_pages_only():
    survey = make_survey()
    from django.test import Client

    client = Client()
    answered = client.post(
        f"/surveys/{survey.slug}/page/1/",
        {},
    )
    assert answered.status_code == 200  # errors: nothing saved yet
    check_url = answer_every_page(client, survey)
    cookie = client.cookies[SURVEY_SESSION_COOKIE]
    assert cookie["path"] == SURVEY_SESSION_PATH
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert cookie["max-age"] == ""  # ends with the browser
    assert "sessionid" not in client.cookies
    assert check_url.endswith("/check-your-answers/")


def test_survey_sessions_expire_and_the_housekeeping_clears_them(settings):
    settings.SURVEY_SESSION_SECONDS = 60
    survey = make_survey()
    from django.test import Client

    client = Client()
    _answer_with_words(client, survey)
    row = IntakeSession.objects.get(session_key=survey_session_key(client))
    assert row.expire_date <= timezone.now() + dt.timedelta(seconds=61)
    # An expired session shows nothing: the pages start again.
    IntakeSession.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    check = client.get(f"/surveys/{survey.slug}/check-your-answers/").content.decode()
    assert WORDS not in check
    call_command("housekeeping", verbosity=0)
    assert not IntakeSession.objects.exists()
