import io

import pytest
from django.core.management import call_command

from arp_portal.core.models import (
    Child,
    Episode,
    ImportRun,
    Locality,
    PopulationEstimate,
    StaffMember,
    Team,
)


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (Locality, Team, StaffMember, Child, Episode, PopulationEstimate, ImportRun)
    }


@pytest.mark.django_db
def test_demo_data_is_deterministic_and_idempotent(client):
    call_command("load_demo_data", stdout=io.StringIO())
    first = _counts()
    first_refs = list(Child.objects.order_by("child_ref").values_list("ethnicity_id", flat=True))
    call_command("load_demo_data", stdout=io.StringIO())
    assert _counts() == first
    assert (
        list(Child.objects.order_by("child_ref").values_list("ethnicity_id", flat=True))
        == first_refs
    )
    assert first["Locality"] == 4
    assert 35 <= first["Team"] <= 45
    assert 1_400 <= first["StaffMember"] <= 1_600

    # Each demo user can sign in, and every page says the data is synthetic.
    for username in ("service.manager", "steering.member", "data.manager"):
        response = client.post(
            "/accounts/sign-in/",
            {"username": username, "password": "demoshire-portal-2026"},
            follow=True,
        )
        assert f"Signed in as {username}" in response.content.decode()
        assert "Synthetic data" in response.content.decode()
        client.post("/accounts/sign-out/")
