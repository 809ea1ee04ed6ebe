import io

import pytest
from django.core.management import call_command

from actions.demo import PLAN_NAME
from actions.models import Action, Milestone, Plan, ProgressUpdate, Reflection

pytestmark = pytest.mark.django_db


def _counts():
    return {
        model.__name__: (model.objects.count(), model.history.count())
        for model in (Plan, Action, ProgressUpdate, Milestone, Reflection)
    }


def test_the_demo_plan_is_realistic_and_loading_twice_doubles_nothing(client):
    call_command("load_demo_data", stdout=io.StringIO())
    first = _counts()
    call_command("load_demo_data", stdout=io.StringIO())
    assert _counts() == first

    plan = Plan.objects.get(name=PLAN_NAME)
    assert plan.outcomes.count() == 6
    titles = " ".join(plan.actions.values_list("title", flat=True)).lower()
    for topic in (
        "training",
        "learning spaces",
        "ethnicity labels",
        "thinking tool",
        "thematic audit",
        "disciplinary",
    ):
        assert topic in titles
    assert ProgressUpdate.objects.filter(action__plan=plan).count() >= 25
    owners = set(plan.actions.values_list("owner__username", flat=True))
    assert {"steering.member", "data.manager"} <= owners
    assert plan.actions.exclude(rag_override="").exists()  # one RAG set by hand, with a reason

    client.post(
        "/accounts/sign-in/", {"username": "steering.member", "password": "demoshire-portal-2026"}
    )
    page = client.get("/actions/mine/").content.decode()
    assert "Disproportionality thematic audit" in page
