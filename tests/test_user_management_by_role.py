"""User management by role (issue 11, point 5): data managers manage the accounts below their
own role; only superusers give the data manager role; nobody but a superuser changes a
superuser (today a data manager could switch one off and change its email)."""

import pytest
from django.contrib.auth import get_user_model

from tests.personas import make_user

pytestmark = pytest.mark.django_db
User = get_user_model()


def _change(client, account, **fields):
    data = {"email": account.email, "role": "", "is_active": "on", **fields}
    return client.post(f"/accounts/users/{account.pk}/", data)


def _role(account) -> list[str]:
    return list(account.groups.values_list("name", flat=True))


def test_a_data_manager_cannot_switch_off_a_superuser_or_change_its_email(data_manager_client):
    root = make_user("root", is_superuser=True, is_staff=True)
    assert data_manager_client.get(f"/accounts/users/{root.pk}/").status_code == 403
    refused = _change(data_manager_client, root, email="attacker@example.org", is_active="")
    assert refused.status_code == 403
    root.refresh_from_db()
    assert root.is_active and root.email == "root@example.org"


def test_a_data_manager_cannot_change_another_data_manager(data_manager_client):
    other = make_user("other.dm", "Data manager")
    refused = _change(data_manager_client, other, role="Service manager", is_active="")
    assert refused.status_code == 403
    other.refresh_from_db()
    assert other.is_active and _role(other) == ["Data manager"]


def test_a_data_manager_cannot_make_a_data_manager(data_manager_client):
    page = data_manager_client.get("/accounts/users/new/").content.decode()
    assert 'value="Data manager"' not in page
    refused = data_manager_client.post(
        "/accounts/users/new/",
        {
            "username": "new.dm",
            "email": "new.dm@example.org",
            "role": "Data manager",
            "password": "a-long-initial-passphrase",
        },
    )
    assert "Select a role" in refused.content.decode()
    assert not User.objects.filter(username="new.dm").exists()


def test_a_data_manager_cannot_promote_someone_to_data_manager(data_manager_client):
    member = make_user("member", "Steering group")
    refused = _change(data_manager_client, member, role="Data manager")
    assert refused.status_code == 200
    assert "Select a role" in refused.content.decode()
    member.refresh_from_db()
    assert _role(member) == ["Steering group"]


def test_a_data_manager_still_manages_the_roles_below_their_own(data_manager_client):
    member = make_user("member", "Service manager")
    assert _change(data_manager_client, member, role="Steering group").status_code == 302
    member.refresh_from_db()
    assert _role(member) == ["Steering group"]
    listing = data_manager_client.get("/accounts/users/").content.decode()
    assert f"/accounts/users/{member.pk}/" in listing


def test_the_list_offers_no_change_link_for_accounts_at_or_above_a_data_manager(
    data_manager_client,
):
    root = make_user("root", is_superuser=True, is_staff=True)
    other = make_user("other.dm", "Data manager")
    listing = data_manager_client.get("/accounts/users/").content.decode()
    assert f"/accounts/users/{root.pk}/" not in listing
    assert f"/accounts/users/{other.pk}/" not in listing


def test_a_superuser_gives_the_data_manager_role_and_changes_a_data_manager(client_as):
    root = make_user("root", is_superuser=True, is_staff=True)
    client = client_as(root)
    member = make_user("member", "Steering group")
    assert _change(client, member, role="Data manager").status_code == 302
    member.refresh_from_db()
    assert _role(member) == ["Data manager"]
    assert _change(client, member, role="Service manager", is_active="").status_code == 302
    member.refresh_from_db()
    assert not member.is_active and _role(member) == ["Service manager"]


def test_the_services_refuse_what_the_forms_do_not_offer(data_manager):
    from django.core.exceptions import PermissionDenied, ValidationError

    from arp_portal.accounts.services import user_create, user_update

    root = make_user("root", is_superuser=True)
    with pytest.raises(PermissionDenied):
        user_update(
            user=root, changed_by=data_manager, email="x@example.org", role=None, is_active=False
        )
    with pytest.raises(ValidationError, match="Only a superuser"):
        user_create(
            username="sneaky",
            email="s@example.org",
            role="Data manager",
            password="a-long-initial-passphrase",
            created_by=data_manager,
        )
