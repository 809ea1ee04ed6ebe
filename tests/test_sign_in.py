import pytest
from django.urls import reverse

from tests.personas import PASSWORD


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next=/"


def test_a_service_manager_signs_in_and_sees_what_they_can_do(client, service_manager):
    response = client.post(
        reverse("accounts:login"),
        {"username": "service.manager", "password": PASSWORD},
        follow=True,
    )
    page = response.content.decode()
    assert "Signed in as service.manager" in page
    assert "service manager" in page


def test_a_wrong_password_gets_a_gov_uk_error_and_keeps_the_username(client, service_manager):
    response = client.post(
        reverse("accounts:login"), {"username": "service.manager", "password": "wrong"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Enter a correct username and password" in page
    assert 'value="service.manager"' in page


def test_empty_fields_get_field_errors(client, db):
    page = client.post(reverse("accounts:login"), {}).content.decode()
    assert "Enter your username" in page
    assert "Enter your password" in page


@pytest.mark.django_db
def test_repeated_failures_lock_the_account_out(client, service_manager, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": "service.manager", "password": "x"})
    response = client.post(
        reverse("accounts:login"), {"username": "service.manager", "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "Too many attempts to sign in" in response.content.decode()


def test_sign_out_ends_the_session(service_manager_client):
    response = service_manager_client.post(reverse("accounts:logout"))
    assert response.status_code == 200
    assert "You have signed out" in response.content.decode()
    assert service_manager_client.get("/").status_code == 302


def test_a_person_can_change_their_password(service_manager_client, service_manager):
    response = service_manager_client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-much-longer-new-passphrase",
            "new_password2": "a-much-longer-new-passphrase",
        },
    )
    assert response.status_code == 302
    service_manager.refresh_from_db()
    assert service_manager.check_password("a-much-longer-new-passphrase")


def test_a_signed_in_persons_idle_timeout_restarts_with_each_request(service_manager_client):
    response = service_manager_client.get("/")
    assert response.cookies["sessionid"]["max-age"] == ""  # ends with the browser ...
    assert response.cookies["sessionid"].value  # ... and is saved again, so its expiry moves on


def test_sessions_expire(settings):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_COOKIE_AGE <= 8 * 60 * 60


@pytest.mark.django_db
def test_one_address_trying_passwords_on_many_accounts_is_stopped(
    client, service_manager, settings
):
    """Password spraying: below each account's lock-out, but across many accounts."""
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 6
    for account in ("a.person", "b.person", "c.person"):
        for _ in range(2):
            client.post(reverse("accounts:login"), {"username": account, "password": "x"})
    response = client.post(
        reverse("accounts:login"), {"username": "service.manager", "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "too many unsuccessful attempts to sign in from your network" in (
        response.content.decode()
    )
    # Another address is not affected.
    other = client.post(
        reverse("accounts:login"),
        {"username": "service.manager", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.9",
    )
    assert other.status_code == 302
