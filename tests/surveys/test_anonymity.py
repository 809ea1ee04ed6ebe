"""Anonymity: each promise on the confirmation page, guarded by a test (issue 3, "Anonymity")."""

import ast
import logging
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings

from surveys import services
from surveys.models import (
    Answer,
    AnswerTally,
    FollowUpVolunteer,
    FreeTextAnswer,
    IntakeSession,
    Invitation,
    Response,
)
from tests.surveys.helpers import answers_for, make_survey, survey_session_key, write_held
from tests.surveys.test_intake_journey import answer_every_page

pytestmark = pytest.mark.django_db

CLIENT_ADDRESS = "203.0.113.77"
USER_AGENT = "Mozilla/5.0 (AnonymityTest; Unique-Agent-8f3a1c)"
REFERRER = "https://intranet.demoshire.example/staff/jo.bloggs/inbox"


def _identifying_client() -> Client:
    return Client(REMOTE_ADDR=CLIENT_ADDRESS, HTTP_USER_AGENT=USER_AGENT, HTTP_REFERER=REFERRER)


def _all_text_in_database() -> str:
    """Every text value in every table, so a test can say a string is nowhere."""
    chunks = []
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        for table in tables:
            columns = [
                c.name
                for c in connection.introspection.get_table_description(cursor, table)
                if c.type_code in (25, 1043, 114, 3802)  # text, varchar, json, jsonb
            ]
            if not columns:
                continue
            casts = ", ".join(f'"{c}"::text' for c in columns)
            cursor.execute(f'SELECT {casts} FROM "{table}"')
            chunks.extend(str(value) for row in cursor.fetchall() for value in row)
    return "\n".join(chunks)


def test_a_stored_response_holds_the_survey_answers_and_date_only():
    fields = {f.name for f in Response._meta.get_fields()}
    # The demographic fields are answers, repeated on the response so results need no join.
    assert fields == {
        "id",
        "survey",
        "submitted_on",
        "ethnicity",
        "role",
        "grade_band",
        "locality",
        "answers",
        "free_text",
    }
    with connection.cursor() as cursor:
        for table in (
            Response._meta.db_table,
            Answer._meta.db_table,
            FreeTextAnswer._meta.db_table,
            AnswerTally._meta.db_table,
        ):
            for column in connection.introspection.get_table_description(cursor, table):
                # No timestamp of any kind: 1114/1184 are timestamp types, 1083/1266 time.
                assert column.type_code not in (1114, 1184, 1083, 1266), (table, column.name)
                assert not re.search(r"ip|agent|referr|session|user|invit|account", column.name)
    # The results tally holds counts only: no column points at a response.
    assert "response" not in {f.name for f in AnswerTally._meta.get_fields()}
    # The key is random, so not even the order of arrival can be read from it.
    assert Response._meta.pk.get_internal_type() == "UUIDField"
    assert Answer._meta.pk.get_internal_type() == "CompositePrimaryKey"


def test_nothing_about_the_browser_reaches_the_database():
    survey = make_survey()
    client = _identifying_client()
    check_url = answer_every_page(client, survey)
    client.post(check_url, {"website": ""})
    write_held(survey)
    response = Response.objects.get(survey=survey)
    assert response.submitted_on is not None
    stored = _all_text_in_database()
    for secret in (CLIENT_ADDRESS, "Unique-Agent-8f3a1c", "jo.bloggs"):
        assert secret not in stored
    # The intake session was deleted when the answers were sent.
    assert not IntakeSession.objects.exists()
    assert not any("survey-" in s.get_decoded().__repr__() for s in Session.objects.all())


def test_the_session_holds_only_answers_and_the_hash_of_an_invitation():
    survey = make_survey(access="invitation")
    [code] = services.invitations_create(survey=survey, count=1)
    client = _identifying_client()
    client.post(f"/surveys/{survey.slug}/", {"code": code})
    client.post(f"/surveys/{survey.slug}/page/1/", {})
    session = IntakeSession.objects.get(session_key=survey_session_key(client)).get_decoded()
    state = session[f"survey-{survey.pk}"]
    assert set(state) == {"answers", "invitation"}
    assert code not in repr(session) and code.replace("-", "") not in repr(session)
    assert CLIENT_ADDRESS not in repr(session) and USER_AGENT not in repr(session)


def test_logs_of_survey_requests_hold_no_address_or_user_agent(caplog):
    survey = make_survey()
    client = _identifying_client()
    with caplog.at_level(logging.DEBUG):
        check_url = answer_every_page(client, survey)
        client.post(check_url, {"website": ""})
        client.get(f"/surveys/{survey.slug}/page/99/")  # a 404 is logged by django.request
        client.get(f"/surveys/{survey.slug}/talk-to-us/")
    text = "\n".join(record.getMessage() + repr(record.__dict__) for record in caplog.records)
    assert caplog.records, "expected at least the 404 to be logged"
    for secret in (CLIENT_ADDRESS, "Unique-Agent-8f3a1c", "jo.bloggs"):
        assert secret not in text


def test_gunicorn_access_log_format_has_no_address_agent_or_referrer():
    config = Path(settings.BASE_DIR, "gunicorn.conf.py").read_text()
    tree = ast.parse(config)
    formats = [
        node.value.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and any(getattr(t, "id", "") == "access_log_format" for t in node.targets)
    ]
    assert formats, "gunicorn.conf.py must set access_log_format"
    for atom in ("%(h)s", "%(a)s", "%(f)s", "%({x-forwarded-for}i)s", "%(l)s", "%(u)s"):
        assert atom not in formats[0]


def test_invitation_codes_are_hashed_unlinked_and_single_use():
    survey = make_survey(access="invitation")
    codes = services.invitations_create(survey=survey, count=3)
    stored = set(Invitation.objects.values_list("code_hash", flat=True))
    assert not any(code in stored or code.replace("-", "") in stored for code in codes)
    # No foreign key to a response, and no date a use could be matched on.
    assert {f.name for f in Invitation._meta.get_fields()} == {"id", "survey", "code_hash", "used"}

    client = Client()
    # Without a code, the questions send people back to the start page to enter one.
    start = client.get(f"/surveys/{survey.slug}/page/1/", follow=True).content.decode()
    assert "Your invitation code" in start
    client.post(f"/surveys/{survey.slug}/", {"code": codes[0].lower()})
    check_url = answer_every_page(client, survey)
    client.post(check_url, {"website": ""})
    # The code is marked used when the answers are sent, before they are written.
    assert Invitation.objects.filter(used=True).count() == 1
    write_held(survey)
    assert Response.objects.filter(survey=survey).count() == 1

    again = Client()
    refused = again.post(f"/surveys/{survey.slug}/", {"code": codes[0]})
    assert "Enter the invitation code exactly as it appears" in refused.content.decode()


def test_an_invitation_used_twice_in_parallel_sessions_stores_one_response():
    survey = make_survey(access="invitation")
    [code] = services.invitations_create(survey=survey, count=1)
    first, second = Client(), Client()
    for client in (first, second):
        client.post(f"/surveys/{survey.slug}/", {"code": code})
        answer_every_page(client, survey)
    first.post(f"/surveys/{survey.slug}/check-your-answers/", {"website": ""})
    refused = second.post(f"/surveys/{survey.slug}/check-your-answers/", {"website": ""})
    assert "already been used" in refused.content.decode()
    write_held(survey)
    assert Response.objects.filter(survey=survey).count() == 1


def test_volunteering_is_a_separate_form_and_table_with_no_link_to_responses():
    related = {f.related_model for f in FollowUpVolunteer._meta.get_fields() if f.is_relation}
    assert Response not in related and Answer not in related
    survey = make_survey()
    client = Client()
    client.post(
        f"/surveys/{survey.slug}/talk-to-us/",
        {"name": "Sam Example", "preferred_contact": "email", "email": "sam@example.org"},
    )
    assert services.held_count(survey) == 1
    write_held(survey)
    assert FollowUpVolunteer.objects.filter(survey=survey, name="Sam Example").exists()
    assert Response.objects.count() == 0


def test_the_honeypot_catches_robots_without_telling_them():
    survey = make_survey()
    client = Client()
    check_url = answer_every_page(client, survey)
    response = client.post(check_url, {"website": "http://spam.example"})
    assert response["Location"] == f"/surveys/{survey.slug}/sent/"
    assert services.held_count(survey) == 0
    html = Client().get(check_url).content.decode()
    assert re.search(r'<div class="portal-honeypot" hidden>', html)


def test_forms_need_the_csrf_token():
    survey = make_survey()
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"/surveys/{survey.slug}/check-your-answers/", {"website": ""})
    assert response.status_code == 403


@override_settings(SURVEY_SUBMISSIONS_PER_HOUR=2)
def test_the_rate_limit_is_kept_in_the_cache_only():
    cache.clear()
    survey = make_survey()
    for _ in range(2):
        # Each browser is a new person, all on the same network address.
        client = _identifying_client()
        client.post(check_url := answer_every_page(client, survey), {"website": ""})
    client = _identifying_client()
    answer_every_page(client, survey)
    limited = client.post(check_url, {"website": ""})
    assert limited.status_code == 429
    assert "Your answers so far are kept" in limited.content.decode()
    assert services.held_count(survey) == 2
    # Another address is not held back.
    other = Client(REMOTE_ADDR="198.51.100.9")
    other.post(answer_every_page(other, survey), {"website": ""})
    assert services.held_count(survey) == 3
    assert CLIENT_ADDRESS not in _all_text_in_database()
    assert settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")


def test_a_response_is_stored_with_the_date_not_the_time():
    survey = make_survey()
    response = services.response_submit(survey=survey, answers=answers_for(survey))
    response.refresh_from_db()
    assert type(response.submitted_on).__name__ == "date"
