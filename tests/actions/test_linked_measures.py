"""Linked measures: stored as keys, shown with their latest value and trend when a provider is
registered, and as "measure not yet available" until then."""

import pytest

from actions.models import MeasureLink
from arp_portal.core import measures
from arp_portal.core.measures import MeasureKey, MeasureReading, TrendPoint
from tests.actions import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def action(steering_member):
    return factories.action(by=steering_member)


@pytest.fixture(autouse=True)
def _own_registry(monkeypatch):
    """These tests register stand-in providers: give each a copy of the registry, so the real
    providers (registered by the dashboards at start-up) are back for every other test."""
    monkeypatch.setattr(measures, "_providers", dict(measures._providers))
    measures.unregister_provider("children")
    measures.unregister_provider("workforce")


@pytest.fixture
def children_provider():
    def provide(key: MeasureKey):
        if key.parts != ("cic", "rri", "Black"):
            return None
        return MeasureReading(
            label="Relative rate index, Black children in care",
            value=2.4,
            display_value="2.4",
            as_of="31 March 2025",
            trend=(TrendPoint("2023", 2.9), TrendPoint("2024", 2.6), TrendPoint("2025", 2.4)),
            better="down",
            note="Reference group: White British",
        )

    measures.register_provider("children", provide, label="Children's dashboard")
    yield provide
    measures.unregister_provider("children")


def test_a_suggested_measure_links_and_shows_not_yet_available(steering_client, action):
    response = steering_client.post(
        f"/actions/action/{action.pk}/measures/new/", {"suggested": "children:cic:rri:Black"}
    )
    assert response.status_code == 302
    link = MeasureLink.objects.get()
    assert link.key == "children:cic:rri:Black"
    assert link.label == "Children in care: relative rate index, Black children"
    page = steering_client.get(f"/actions/action/{action.pk}/").content.decode()
    assert "Measure not yet available." in page
    assert "children:cic:rri:Black" in page


def test_a_registered_provider_shows_the_latest_value_and_trend(
    steering_client, action, children_provider
):
    steering_client.post(
        f"/actions/action/{action.pk}/measures/new/", {"key": "children:cic:rri:Black"}
    )
    page = steering_client.get(f"/actions/action/{action.pk}/").content.decode()
    assert "2.4 (31 March 2025)" in page
    assert "Down since the previous value: improving" in page
    assert "2.9" in page and "Reference group: White British" in page


def test_a_failing_provider_does_not_break_the_page(steering_client, action):
    def broken(key):
        raise RuntimeError("dashboard down")

    measures.register_provider("workforce", broken)
    try:
        steering_client.post(
            f"/actions/action/{action.pk}/measures/new/",
            {"suggested": "workforce:pay_gap:mean:bme"},
        )
        response = steering_client.get(f"/actions/action/{action.pk}/")
    finally:
        measures.unregister_provider("workforce")
    assert response.status_code == 200
    assert "Measure could not be read just now" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose a measure, or enter a measure key"),
        ({"key": "not a key"}, "is not a measure key"),
        ({"key": "children:cic:rri:Black", "suggested": "children:cic:rri:Black"}, "not both"),
    ],
)
def test_bad_measure_links_are_explained(steering_client, action, data, message):
    response = steering_client.post(f"/actions/action/{action.pk}/measures/new/", data)
    assert message in response.content.decode()
    assert MeasureLink.objects.count() == 0


def test_the_same_measure_cannot_be_linked_twice(steering_client, action):
    url = f"/actions/action/{action.pk}/measures/new/"
    steering_client.post(url, {"key": "survey:experiences-2026:org_does_enough:black"})
    response = steering_client.post(url, {"key": "survey:experiences-2026:org_does_enough:black"})
    assert "This measure is already linked" in response.content.decode()


def test_unlinking(steering_client, action):
    steering_client.post(
        f"/actions/action/{action.pk}/measures/new/", {"key": "children:cp:rri:Black"}
    )
    link = MeasureLink.objects.get()
    steering_client.post(f"/actions/measures/{link.pk}/remove/")
    assert MeasureLink.objects.count() == 0
    assert MeasureLink.history.filter(id=link.pk, history_type="-").exists()


def test_measure_keys_parse():
    key = MeasureKey.parse(" survey:experiences-2026:org_does_enough:black_asian ")
    assert key.kind == "survey"
    assert key.parts == ("experiences-2026", "org_does_enough", "black_asian")
    assert str(key) == "survey:experiences-2026:org_does_enough:black_asian"
    for bad in ("children", "Children:cic", "children::x", "children:c ic"):
        with pytest.raises(ValueError):
            MeasureKey.parse(bad)


def test_the_board_report_shows_each_outcomes_measures_and_every_action_with_owner_and_rag(
    service_manager_client, steering_client, action, children_provider
):
    steering_client.post(
        f"/actions/action/{action.pk}/measures/new/", {"key": "children:cic:rri:Black"}
    )
    page = service_manager_client.get(
        f"/actions/plans/{action.plan_id}/board-report/"
    ).content.decode()
    measures_part = page[page.index('id="measures"') : page.index('id="actions"')]
    assert ">2.4<" in measures_part and "31 March 2025" in measures_part
    assert "Down: <strong>improving</strong> (2.9, 2.6, 2.4)" in measures_part
    actions_part = page[page.index('id="actions"') :]
    assert f"{action.reference} {action.title}" in actions_part
    assert "portal-rag" in actions_part  # the RAG as a GOV.UK tag with its word
    assert action.due_date.strftime("%-d %b %Y") in actions_part
