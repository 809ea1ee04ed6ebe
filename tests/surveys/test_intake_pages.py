"""What a member of staff sees around the questions: the offer to talk, change links, the
start and confirmation pages, and Back after sending."""

import pytest
from django.test import Client

from surveys import services
from surveys.models import FollowUpVolunteer
from tests.surveys.helpers import make_survey
from tests.surveys.test_intake_journey import answer_every_page

pytestmark = pytest.mark.django_db


def offer(client, survey, **data):
    return client.post(f"/surveys/{survey.slug}/talk-to-us/", {"name": "Sam Example", **data})


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"preferred_contact": "email", "email": "not-an-email"}, "like name@example.com"),
        ({"preferred_contact": "phone", "phone": "abc"}, "Enter a UK phone number"),
        ({"preferred_contact": "phone", "phone": "0123"}, "Enter a UK phone number"),
        ({"preferred_contact": "email", "email": ""}, "Enter your email address"),
        ({"preferred_contact": "phone", "email": "sam@example.org"}, "Enter your phone number"),
    ],
)
def test_the_contact_given_must_fit_the_method_chosen(data, message):
    survey = make_survey()
    response = offer(Client(), survey, **data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not FollowUpVolunteer.objects.exists()


@pytest.mark.parametrize(
    ("data", "stored"),
    [
        ({"preferred_contact": "email", "email": " sam@example.org "}, "sam@example.org"),
        ({"preferred_contact": "phone", "phone": "07700 900 982"}, "07700 900 982"),
        ({"preferred_contact": "phone", "phone": "+44 (0)1632 960001"}, "+44 (0)1632 960001"),
    ],
)
def test_a_valid_contact_is_stored_and_only_the_chosen_one(data, stored):
    survey = make_survey()
    response = offer(
        Client(), survey, **data, **({"email": "ignored@example.org"} if "phone" in data else {})
    )
    assert response.status_code == 302
    # Offers wait, sealed, with the responses until a batch is written (docs/surveys.md).
    services.held_submissions_write(survey=survey, at_close=True)
    volunteer = FollowUpVolunteer.objects.get()
    assert (volunteer.contact, volunteer.preferred_contact) == (stored, data["preferred_contact"])


def test_the_contact_box_sits_under_its_radio_so_it_is_revealed_by_the_choice():
    survey = make_survey()
    page = Client().get(f"/surveys/{survey.slug}/talk-to-us/").content.decode()
    email_radio = page.index('id="id_preferred_contact_0"')
    email_box = page.index('id="conditional_preferred_contact_0"')
    phone_radio = page.index('id="id_preferred_contact_1"')
    assert email_radio < email_box < page.index('name="email"') < phone_radio
    assert page.index('name="phone"') > page.index('id="conditional_preferred_contact_1"')


def test_change_links_land_on_their_question():
    import re

    survey = make_survey()
    client = Client()
    check = client.get(answer_every_page(client, survey)).content.decode()
    links = re.findall(r'href="([^"]*\?change=1#[^"]*)"', check)
    assert len(links) == survey.questions.count()
    for link in links:
        url, anchor = link.split("#")
        page = client.get(url.replace("&amp;", "&")).content.decode()
        assert f'id="{anchor}"' in page, link


def test_back_after_sending_says_the_answers_were_sent():
    survey = make_survey()
    client = Client()
    check_url = answer_every_page(client, survey)
    client.post(check_url, {"website": ""})
    back = client.get(check_url).content.decode()
    assert "You have already sent your answers" in back
    assert "Not answered" not in back
    assert "Send my answers" not in back


def test_someone_else_starting_afresh_in_the_same_browser_can_still_answer():
    survey = make_survey()
    client = Client()
    client.post(answer_every_page(client, survey), {"website": ""})
    check = client.get(answer_every_page(client, survey)).content.decode()
    assert "Send my answers" in check


def test_the_introduction_is_in_body_style_and_the_confirmation_does_not_repeat_privacy():
    survey = make_survey()
    survey.introduction = "First paragraph.\n\nSecond <paragraph>."
    survey.save()
    client = Client()
    start = client.get(f"/surveys/{survey.slug}/").content.decode()
    assert '<p class="govuk-body">First paragraph.</p>' in start
    assert '<p class="govuk-body">Second &lt;paragraph&gt;.</p>' in start
    client.post(answer_every_page(client, survey), {"website": ""})
    confirmation = client.get(f"/surveys/{survey.slug}/sent/").content.decode()
    assert survey.privacy_text.splitlines()[0] not in confirmation
