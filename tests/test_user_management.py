from django.contrib.auth import get_user_model

from tests.personas import make_user

User = get_user_model()


def test_a_data_manager_adds_a_user_with_a_role(data_manager_client):
    response = data_manager_client.post(
        "/accounts/users/new/",
        {
            "username": "jane.smith",
            "email": "jane.smith@demoshire.example",
            "role": "Steering group",
            "password": "a-long-initial-passphrase",
        },
        follow=True,
    )
    assert "jane.smith has been added" in response.content.decode()
    jane = User.objects.get(username="jane.smith")
    assert list(jane.groups.values_list("name", flat=True)) == ["Steering group"]
    assert jane.check_password("a-long-initial-passphrase")


def test_a_weak_password_is_refused_and_the_form_keeps_what_was_typed(data_manager_client):
    response = data_manager_client.post(
        "/accounts/users/new/",
        {"username": "jane.smith", "email": "jane@demoshire.example", "password": "short"},
    )
    page = response.content.decode()
    assert "There is a problem" in page
    assert "too short" in page
    assert 'value="jane.smith"' in page
    assert not User.objects.filter(username="jane.smith").exists()


def test_a_data_manager_switches_off_an_account(data_manager_client):
    leaver = make_user("leaver", "Service manager")
    data_manager_client.post(
        f"/accounts/users/{leaver.pk}/",
        {"email": "leaver@example.org", "role": "", "is_active": ""},
    )
    leaver.refresh_from_db()
    assert not leaver.is_active
    assert not leaver.groups.exists()


def test_a_data_manager_cannot_switch_off_their_own_account(data_manager_client, data_manager):
    response = data_manager_client.post(
        f"/accounts/users/{data_manager.pk}/",
        {"email": "dm@example.org", "role": "Data manager", "is_active": ""},
    )
    assert "You cannot remove your own role" in response.content.decode()
    data_manager.refresh_from_db()
    assert data_manager.is_active
