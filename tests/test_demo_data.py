import io
import re

import pytest
from django.core.management import call_command
from django.db.models import Count

from actions.models import MeasureLink
from arp_portal.core.measures import measure_status
from arp_portal.core.models import (
    Child,
    Episode,
    ImportRun,
    Locality,
    PopulationEstimate,
    StaffMember,
    Team,
)
from dashboards.audits.models import AuditCase, AuditCaseAnswer, AuditRound
from dashboards.front_door.models import Contact, EarlyHelpEpisode


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Locality, Team, StaffMember, Child, Episode, PopulationEstimate, ImportRun, Contact,
            EarlyHelpEpisode, AuditRound, AuditCase, AuditCaseAnswer,
        )
    }  # fmt: skip


@pytest.mark.django_db
def test_demo_data_is_deterministic_and_idempotent(client):
    call_command("load_demo_data", stdout=io.StringIO())
    first = _counts()
    first_refs = list(Child.objects.order_by("child_ref").values_list("ethnicity_id", flat=True))
    first_contacts = sorted(
        Contact.objects.values_list("child_ref", "contact_date", "outcome", "ethnicity")
    )
    call_command("load_demo_data", stdout=io.StringIO())
    assert _counts() == first
    assert (
        list(Child.objects.order_by("child_ref").values_list("ethnicity_id", flat=True))
        == first_refs
    )
    assert first["Locality"] == 4
    assert 35 <= first["Team"] <= 45
    assert 1_400 <= first["StaffMember"] <= 1_600
    assert first["Contact"] == 27_000 and first["AuditRound"] == 2
    assert first_contacts == sorted(
        Contact.objects.values_list("child_ref", "contact_date", "outcome", "ethnicity")
    )

    # The plan's actions for outcomes 4 and 5 show live front door and audit figures.
    links = MeasureLink.objects.filter(action__outcomes__number__in=[4, 5]).distinct()
    keys = set(links.values_list("key", flat=True))
    assert {"front_door:ratio:Black", "audit:latest:racism_explored:black"} <= keys
    for key in keys:
        assert measure_status(key).available, key
    ratio = measure_status("front_door:ratio:Black").reading
    assert ratio.value < 1  # Black families' contacts led to early help less often
    explored = measure_status("audit:latest:racism_explored:all").reading
    assert explored.as_of == "Racial lens audit, spring 2026" and explored.verdict == "improving"

    # The survey's respondents come from the staff in post, in every ethnic group, at a
    # plausible response rate, and the plan quotes the figures the pages show.
    _survey_and_plan_agree_with_the_dashboards(client)

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


@pytest.mark.django_db
def test_loading_the_demo_again_writes_no_row_to_any_table_history_included():
    from django.apps import apps

    def every_table():
        return {
            model._meta.db_table: model.objects.count()
            for model in apps.get_models()
            if model._meta.app_label in ("actions", "surveys", "dashboards", "core")
            and model._meta.managed
        }

    call_command("load_demo_data", stdout=io.StringIO())
    first = every_table()
    assert first["actions_historicalaction_outcomes"] > 0
    call_command("load_demo_data", stdout=io.StringIO())
    second = every_table()
    changed = {
        table: (first[table], second[table]) for table in first if first[table] != second[table]
    }
    assert changed == {}


def _survey_and_plan_agree_with_the_dashboards(client):
    from django.contrib.auth import get_user_model

    from actions.models import ProgressUpdate, Reflection
    from surveys import demo as survey_demo
    from surveys.models import Response, Survey
    from surveys.results import staff_in_post_by_code

    closed = Survey.objects.get(slug=survey_demo.SLUG_2025)
    staff = staff_in_post_by_code(closed.closes_on)
    answered = dict(
        Response.objects.filter(survey=closed).values_list("ethnicity").annotate(n=Count("pk"))
    )
    for code, n in answered.items():
        if code:  # "" is "prefer not to say": any member of staff
            assert n <= staff.get(code, 0), (code, n, staff.get(code, 0))
    rate = sum(answered.values()) / sum(staff.values())
    assert 0.4 <= rate <= 0.75, rate

    # What the pages show, read from the pages.
    client.force_login(get_user_model().objects.get(username="service.manager"))
    results = client.get(f"/surveys/{closed.slug}/results/").content.decode()
    rate_sentence = re.search(
        r"(\d+) people answered, from (\d+) staff in post on [^:]+: a response rate of (\d+%)",
        results,
    )
    assert rate_sentence, "the results page gives the response rate"
    responses, _, rate_text = rate_sentence.groups()
    workforce = client.get("/dashboards/workforce/").content.decode()
    narratives = " ".join(ProgressUpdate.objects.values_list("narrative", flat=True))
    narratives += " " + " ".join(Reflection.objects.values_list("text", flat=True))
    assert f"{int(responses):,} responses, {rate_text} of staff in post" in narratives
    assert "612" not in narratives and "87%" not in narratives
    for quoted in re.findall(r"(\d+\.\d)% of staff in post", narratives):
        assert f"{quoted}%" in workforce, quoted
    client.logout()
