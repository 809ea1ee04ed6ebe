"""Text that staff write and respondents read is shown as text, never as markup (issue 11,
point 4: a <meta http-equiv="refresh"> in a question sent respondents to another site).

Every field a data manager writes that reaches a public survey page gets the same three
payloads; each public page must show them escaped and carry none of them as live markup."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from arp_portal.core.models import Ethnicity, Locality
from surveys import services
from surveys.models import QuestionKind, SurveyStatus

pytestmark = pytest.mark.django_db

PAYLOADS = (
    '<meta http-equiv="refresh" content="0; url=https://attacker.example/">',
    "<style>body{display:none}</style>",
    "<script>document.title='owned'</script>",
)
LIVE = ("<meta http-equiv", "<style>body", "<script>document")
SHOWN_AS_TEXT = ("&lt;meta http-equiv", "&lt;style&gt;body", "&lt;script&gt;document")


def _marked(field: str) -> str:
    return f"{field} " + " ".join(PAYLOADS)


def _survey_with_markup_everywhere():
    # Names of at most 100 characters: the script payload alone.
    Locality.objects.get_or_create(name=f"locality {PAYLOADS[2]}")
    Ethnicity.objects.filter(code="WBRI").update(label=f"ethnicity label {PAYLOADS[2]}")
    today = timezone.localdate()
    survey = services.survey_create(
        slug="markup",
        title=_marked("title")[:200],
        introduction=_marked("introduction"),
        privacy_text=_marked("privacy"),
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=30),
        retain_responses_until=today + dt.timedelta(days=400),
    )
    for kind in QuestionKind.values:
        options = None
        if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            options = [("a", _marked("option a")), ("b", _marked("option b"))]
        services.question_add(
            survey=survey,
            kind=kind,
            text=_marked(f"question {kind}")[:300],
            hint=_marked(f"hint {kind}")[:300],
            section=_marked("section")[:120],
            options=options,
        )
    services.survey_set_status(survey=survey, status=SurveyStatus.OPEN)
    return survey


def _assert_inert(html: str, url: str) -> None:
    for live in LIVE:
        assert live not in html, f"{url} carries live markup {live!r}"
    assert any(text in html for text in SHOWN_AS_TEXT), f"{url} shows no staff text"


def test_every_public_page_shows_staff_markup_as_text():
    survey = _survey_with_markup_everywhere()
    client = Client()
    base = f"/surveys/{survey.slug}"
    start = client.get(f"{base}/").content.decode()
    _assert_inert(start, "start")
    for field in ("title", "introduction", "privacy"):
        assert f"{field} &lt;meta http-equiv" in start
    questions = list(survey.questions.prefetch_related("options"))
    url, pages = f"{base}/page/1/", 0
    while "/page/" in url:
        html = client.get(url).content.decode()
        _assert_inert(html, url)
        data = {}
        for question in questions:
            if f'name="q{question.pk}"' not in html:
                continue
            assert f"question {question.kind} &lt;meta" in html
            assert f"hint {question.kind} &lt;meta" in html
            if not question.is_free_text:
                data[f"q{question.pk}"] = question.options.first().code
        assert "section &lt;meta" in html
        answered = client.post(url, data)
        assert answered.status_code == 302, answered.content.decode()[:3000]
        url, pages = answered["Location"], pages + 1
    assert pages >= 2
    check = client.get(url).content.decode()
    _assert_inert(check, url)
    # The first option of each question was chosen: the single choice's and the ethnic group's.
    assert "option a &lt;meta" in check and "ethnicity label &lt;script" in check
    # A page with an error shows the question text inside the error message, escaped too.
    first = questions[0]
    errors = client.post(f"{base}/page/1/", {}).content.decode()
    _assert_inert(errors, "page 1 with errors")
    assert f"question {first.kind} &lt;meta" in errors
    for path in ("talk-to-us/", "talk-to-us/sent/"):
        _assert_inert(client.get(f"{base}/{path}").content.decode(), path)
    sent = client.post(url, {"website": ""})
    assert sent.status_code == 302
    _assert_inert(client.get(sent["Location"]).content.decode(), "confirmation")


def test_option_labels_from_staff_show_as_text_on_the_question_page():
    survey = _survey_with_markup_everywhere()
    client = Client()
    html = "".join(
        client.get(f"/surveys/{survey.slug}/page/{n}/").content.decode() for n in range(1, 4)
    )
    for words in ("option a &lt;meta", "ethnicity label &lt;script", "locality &lt;script"):
        assert words in html


def test_a_closed_survey_page_shows_its_title_as_text():
    survey = _survey_with_markup_everywhere()
    services.survey_set_status(survey=survey, status=SurveyStatus.CLOSED)
    _assert_inert(Client().get(f"/surveys/{survey.slug}/").content.decode(), "closed")
