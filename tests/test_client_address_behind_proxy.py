"""Behind a proxy, the client's address comes from X-Forwarded-For with a configured number of
trusted proxies (issue 11, point 6), so neither the survey's rate limit nor the sign-in
lock-out lumps every client of the load balancer together."""

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse

from arp_portal.core.client_address import client_address
from tests.personas import PASSWORD
from tests.surveys.helpers import make_survey
from tests.surveys.test_intake_journey import answer_every_page

BALANCER = "10.0.0.1"
FIRST_CLIENT, SECOND_CLIENT = "203.0.113.10", "203.0.113.20"


def _through_the_balancer(address: str) -> Client:
    return Client(REMOTE_ADDR=BALANCER, HTTP_X_FORWARDED_FOR=address)


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (0, FIRST_CLIENT, BALANCER),  # no proxy configured: the header is anyone's to forge
        (1, FIRST_CLIENT, FIRST_CLIENT),
        (1, f"198.51.100.66, {FIRST_CLIENT}", BALANCER),  # a forged entry is not believed
        (1, None, BALANCER),
        (2, f"{FIRST_CLIENT}, 10.0.0.9", FIRST_CLIENT),  # a CDN, then the balancer
    ],
)
def test_the_client_address_is_read_behind_the_trusted_proxies(
    settings, proxies, forwarded_for, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    extra = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    request = RequestFactory().get("/", REMOTE_ADDR=BALANCER, **extra)
    assert client_address(request) == expected


@pytest.mark.django_db
def test_one_client_using_up_the_survey_limit_does_not_stop_another(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.SURVEY_SUBMISSIONS_PER_HOUR = 1
    cache.clear()
    survey = make_survey()
    first = _through_the_balancer(FIRST_CLIENT)
    check_url = answer_every_page(first, survey)
    assert first.post(check_url, {"website": ""}).status_code == 302
    again = _through_the_balancer(FIRST_CLIENT)
    answer_every_page(again, survey)
    assert again.post(check_url, {"website": ""}).status_code == 429
    second = _through_the_balancer(SECOND_CLIENT)
    answer_every_page(second, survey)
    assert second.post(check_url, {"website": ""}).status_code == 302


@pytest.mark.django_db
def test_bad_passwords_from_one_client_do_not_lock_the_account_for_another(
    settings, service_manager
):
    settings.TRUSTED_PROXY_COUNT = 1
    attacker = _through_the_balancer(FIRST_CLIENT)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attacker.post(reverse("accounts:login"), {"username": "service.manager", "password": "x"})
    locked = attacker.post(
        reverse("accounts:login"), {"username": "service.manager", "password": PASSWORD}
    )
    assert locked.status_code == 429
    owner = _through_the_balancer(SECOND_CLIENT)
    signed_in = owner.post(
        reverse("accounts:login"), {"username": "service.manager", "password": PASSWORD}
    )
    assert signed_in.status_code == 302
