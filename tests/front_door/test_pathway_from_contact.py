"""The children's dashboard's pathway starts at the front door when there are contacts."""

import datetime as dt

import pytest

from tests.dashboards_children.conftest import (  # noqa: F401
    add_children,
    authority,
    worker_has_prepared_every_date,
)
from tests.front_door.helpers import add_contacts

pytestmark = pytest.mark.django_db


def test_the_pathway_gains_contact_and_early_help(authority, service_manager_client):  # noqa: F811
    north = authority["teams"]["north"]
    add_children("WBRI", 40, team=north, kind="CIN", start=dt.date(2024, 6, 1))
    add_children("BCRB", 20, team=north, kind="CIN", start=dt.date(2024, 6, 1))
    add_contacts("WBRI", "referral", 40, date=dt.date(2024, 5, 1))
    add_contacts("WBRI", "early_help", 60, date=dt.date(2024, 5, 1))
    add_contacts("BCRB", "referral", 20, date=dt.date(2024, 5, 1))
    add_contacts("BCRB", "early_help", 10, date=dt.date(2024, 5, 1))
    response = service_manager_client.get(
        "/dashboards/children/?cohort=cin&date=2025-03-31&detail=detailed"
    )
    stages = {stage.key: stage for stage in response.context["stages"]}
    assert list(stages)[:3] == ["contact", "early_help", "referral"]
    # Contacts: BCRB 30 of 2,000, WBRI 100 of 60,000 -> 9.0.
    assert stages["contact"].cells["BCRB"].rri.value == pytest.approx(9.0)
    # Early help given a contact: (10/30) / (60/100).
    assert stages["early_help"].cells["BCRB"].rri.value == pytest.approx((10 / 30) / (60 / 100))
    # Referral (children starting an episode) given a contact: (20/30) / (40/100).
    assert stages["referral"].against == "Contact"
    assert stages["referral"].cells["BCRB"].rri.value == pytest.approx((20 / 30) / (40 / 100))
    assert "The pathway starts at the front door" in response.content.decode()

    filtered = service_manager_client.get(
        "/dashboards/children/?cohort=cin&date=2025-03-31&locality=North"
    )
    assert [stage.key for stage in filtered.context["stages"]][0] == "referral"
