"""A data manager draws a round per ethnic group, auditors record their cases, a second person
moderates, and the results page shows each group's shares with small groups hidden."""

import pytest
from django.core.exceptions import ValidationError

from dashboards.audits import services
from dashboards.audits.models import AuditCase, AuditQuestion, AuditRound
from tests.audits.factories import OPEN_ON, an_open_case, open_cases, record
from tests.personas import make_persona, make_user

pytestmark = pytest.mark.django_db


def _draw(data_manager_client, **overrides):
    from django.contrib.auth import get_user_model

    auditor = get_user_model().objects.filter(username="amy.auditor").first() or make_user(
        "amy.auditor", "Auditor"
    )
    data = {
        "template": services.racial_lens_template_ensure().pk,
        "name": "Spring 2026",
        "open_on_0": "31",
        "open_on_1": "03",
        "open_on_2": "2026",
        "seed": "2026",
        "size_white": "4",
        "size_black": "4",
        "size_asian": "0",
        "auditors": [auditor.pk],
        **overrides,
    }
    return data_manager_client.post("/dashboards/audits/rounds/new/", data), auditor


def test_a_data_manager_draws_a_round_stratified_by_group_and_it_can_be_drawn_again(
    data_manager_client,
):
    open_cases({"WBRI": 20, "WIRI": 5, "BCRB": 6, "BAFR": 2, "AIND": 3})
    an_open_case("CLOSED1", "BAFR", end=OPEN_ON.replace(day=1))  # closed before the date
    response, auditor = _draw(data_manager_client)
    audit_round = AuditRound.objects.get()
    assert response.status_code == 302
    cases = list(audit_round.cases.all())
    groups = [case.ethnic_group for case in cases]
    assert groups.count("White") == 4 and groups.count("Black") == 4
    assert "CLOSED1" not in {case.child.child_ref for case in cases}
    assert {case.auditor for case in cases} == {auditor}
    page = data_manager_client.get(f"/dashboards/audits/rounds/{audit_round.pk}/").content.decode()
    assert "White: 4 of 4 asked for" in page and "2026" in page

    again = services.audit_round_draw(
        template=audit_round.template, name="Redrawn", open_on=OPEN_ON, seed=2026,
        sizes=audit_round.sizes, auditors=[], by=None,
    )  # fmt: skip
    assert sorted(c.child_id for c in again.cases.all()) == sorted(c.child_id for c in cases)


def test_drawing_a_round_reports_what_is_wrong(data_manager_client):
    open_cases({"WBRI": 3})
    response, _ = _draw(data_manager_client, size_white="0", size_black="", seed="x")
    page = response.content.decode()
    assert "Enter the seed as a whole number, like 2026" in page
    response, _ = _draw(data_manager_client, size_white="0", size_black="0", auditors=[])
    page = response.content.decode()
    assert "Enter how many cases to sample from at least one group" in page
    assert "Select at least one auditor" in page
    response, _ = _draw(
        data_manager_client,
        size_white="0",
        size_black="2",
        open_on_0="1",
        open_on_1="1",
        open_on_2="2020",
    )
    assert "No cases were open on 1 January 2020 in the groups chosen" in response.content.decode()
    assert not AuditRound.objects.exists()


def test_the_rounds_date_is_a_govuk_date_input_that_keeps_what_was_typed(data_manager_client):
    open_cases({"WBRI": 3})
    response, _ = _draw(data_manager_client, open_on_0="30", open_on_1="2", open_on_2="2026")
    page = response.content.decode()
    assert "Date the cases are open on must be a real date" in page
    for name, typed in (("open_on_0", "30"), ("open_on_1", "2"), ("open_on_2", "2026")):
        assert f'name="{name}" value="{typed}"' in page
    response, _ = _draw(data_manager_client, open_on_0="", open_on_1="", open_on_2="")
    assert "Enter the date the cases must be open on" in response.content.decode()
    response, _ = _draw(data_manager_client, open_on_0="31", open_on_1="3", open_on_2="26")
    assert "Year must include 4 numbers" in response.content.decode()
    assert not AuditRound.objects.exists()


def test_the_new_round_form_offers_today_in_the_date_boxes(data_manager_client):
    import datetime as dt

    today = dt.date.today()
    page = data_manager_client.get("/dashboards/audits/rounds/new/").content.decode()
    for name, part in (
        ("open_on_0", today.day),
        ("open_on_1", today.month),
        ("open_on_2", today.year),
    ):
        assert f'name="{name}" value="{part}"' in page


def test_an_auditor_records_only_their_own_cases(client_as):
    open_cases({"WBRI": 3, "BCRB": 3})
    amy, ben = make_user("amy", "Auditor"), make_user("ben", "Auditor")
    audit_round = services.audit_round_draw(
        template=services.racial_lens_template_ensure(), name="R", open_on=OPEN_ON, seed=1,
        sizes={"White": 2, "Black": 2}, auditors=[amy, ben], by=None,
    )  # fmt: skip
    amys = audit_round.cases.filter(auditor=amy).first()
    bens = audit_round.cases.filter(auditor=ben).first()
    client = client_as(amy)
    assert client.get(f"/dashboards/audits/cases/{bens.pk}/record/").status_code == 403
    mine = client.get("/dashboards/audits/mine/").content.decode()
    assert amys.child.child_ref in mine and bens.child.child_ref not in mine

    questions = list(audit_round.template.questions.all())
    url = f"/dashboards/audits/cases/{amys.pk}/record/"
    incomplete = client.post(url, {f"question_{questions[0].pk}": "yes"}).content.decode()
    assert "Select yes, partly or no for question 2" in incomplete
    assert "Select the overall grade" in incomplete
    data = {f"question_{q.pk}": "partly" for q in questions} | {"grade": "good", "summary": ""}
    assert client.post(url, data).status_code == 302
    amys.refresh_from_db()
    assert amys.recorded and amys.grade == "good"
    assert set(amys.answers.values_list("answer", flat=True)) == {"partly"}


def test_a_second_person_moderates_and_the_results_count_the_moderated_grade(client_as):
    open_cases({"WBRI": 3})
    amy, ben = make_user("amy", "Auditor"), make_user("ben", "Auditor")
    audit_round = services.audit_round_draw(
        template=services.racial_lens_template_ensure(), name="R", open_on=OPEN_ON, seed=1,
        sizes={"White": 1}, auditors=[amy], by=None,
    )  # fmt: skip
    case = record(audit_round.cases.get(), grade="good", by=amy)
    url = f"/dashboards/audits/cases/{case.pk}/moderate/"
    assert client_as(amy).get(url).status_code == 403  # not their own
    unexplained = client_as(ben).post(url, {"grade": "requires_improvement", "note": ""})
    assert "Say why the grade has changed" in unexplained.content.decode()
    done = client_as(ben).post(url, {"grade": "requires_improvement", "note": "No plan for ID."})
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.moderated_by == ben and case.final_grade == "requires_improvement"
    with pytest.raises(ValidationError, match="moderated"):
        record(case, by=amy)


def test_the_results_show_each_groups_yes_rate_and_hide_small_groups(service_manager_client):
    open_cases({"WBRI": 10, "BCRB": 10, "AIND": 3, "MWBC": 4})
    audit_round = services.audit_round_draw(
        template=services.racial_lens_template_ensure(), name="Spring 2026", open_on=OPEN_ON,
        seed=3, sizes={"White": 10, "Black": 10, "Asian": 3, "Mixed": 4}, auditors=[], by=None,
    )  # fmt: skip
    cases = list(audit_round.cases.all())
    for index, case in enumerate(c for c in cases if c.ethnic_group == "White"):
        record(case, "yes" if index < 8 else "no")
    for index, case in enumerate(c for c in cases if c.ethnic_group == "Black"):
        record(case, "yes", racism_explored="yes" if index < 3 else "no")
    for case in cases:
        if case.ethnic_group in {"Asian", "Mixed"}:
            record(case, "yes")
    page = service_manager_client.get("/dashboards/audits/").content.decode()
    # 3 of 10 Black children's cases: 30.0%, Wilson 10.8 to 60.3.
    assert "30.0% (10.8 to 60.3)" in page
    assert "80.0% (49.0 to 94.3)" in page  # White: 8 of 10
    assert "Lowest for Black children&#x27;s cases: 30% (3 of 10)" in page
    csv = service_manager_client.get("/dashboards/audits.csv").content.decode()
    assert "Spring 2026,Asian,,,,,,,,true" in csv
    assert "Spring 2026,Mixed,,,,,,,,true" in csv
    assert "Spring 2026,Black,racism_explored,yes,3,10,30.0,10.8,60.3,false" in csv


def test_a_question_with_answers_cannot_be_deleted(data_manager_client):
    open_cases({"WBRI": 1})
    audit_round = services.audit_round_draw(
        template=services.racial_lens_template_ensure(), name="R", open_on=OPEN_ON, seed=1,
        sizes={"White": 1}, auditors=[], by=None,
    )  # fmt: skip
    record(audit_round.cases.get())
    question = audit_round.template.questions.first()
    response = data_manager_client.post(f"/dashboards/audits/questions/{question.pk}/delete/")
    assert "cannot be deleted" in response.content.decode()
    assert AuditQuestion.objects.filter(pk=question.pk).exists()


def test_a_data_manager_edits_a_template(data_manager_client):
    template = services.racial_lens_template_ensure()
    url = f"/dashboards/audits/templates/{template.pk}/questions/new/"
    assert "Enter the question" in data_manager_client.post(url, {}).content.decode()
    data_manager_client.post(url, {"text": "Is an interpreter offered?", "racial_lens": "yes"})
    question = template.questions.last()
    assert (
        question.text == "Is an interpreter offered?"
        and question.key == "is_an_interpreter_offered"
    )
    page = data_manager_client.get(f"/dashboards/audits/templates/{template.pk}/").content.decode()
    assert "audit:latest:is_an_interpreter_offered:all" in page
    assert AuditCase.objects.count() == 0


def test_the_seeded_template_asks_the_four_racial_lens_questions():
    template = services.racial_lens_template_ensure()
    assert [q.key for q in template.questions.all()] == [
        "ethnicity_recorded", "identity_in_assessment", "racism_explored", "identity_needs_met",
    ]  # fmt: skip
    assert make_persona("auditor").has_perm("core.conduct_audits")


def test_an_auditor_sees_only_their_audits_in_the_portal(client_as):
    page = client_as(make_persona("auditor")).get("/").content.decode()
    assert "Record your audits" in page
    assert "My audits" in page
    assert "Children&#x27;s dashboard" not in page and "Children's dashboard" not in page


def test_a_question_is_printed_as_text_on_the_auditors_form(client_as):
    """crispy-forms-gds prints labels as they are: a question's HTML is escaped, not drawn."""
    open_cases({"WBRI": 2})
    amy = make_user("amy", "Auditor")
    audit_round = services.audit_round_draw(
        template=services.racial_lens_template_ensure(), name="R", open_on=OPEN_ON, seed=1,
        sizes={"White": 1}, auditors=[amy], by=None,
    )  # fmt: skip
    question = audit_round.template.questions.first()
    question.text = 'Recorded? <a href="https://evil.example/">Session expired</a>'
    question.save()
    case = audit_round.cases.get()
    page = client_as(amy).get(f"/dashboards/audits/cases/{case.pk}/record/").content.decode()
    assert '<a href="https://evil.example/">' not in page
    assert "Recorded? &lt;a href=&quot;https://evil.example/&quot;&gt;Session expired" in page


def test_the_results_and_their_downloads_read_in_a_fixed_number_of_queries(
    service_manager_client, django_assert_max_num_queries
):
    """However many rounds, groups and questions: 20 queries at most, session included."""
    for number in range(3):
        open_cases({"WBRI": 10, "BCRB": 10}, prefix=f"Q{number}-")
        audit_round = services.audit_round_draw(
            template=services.racial_lens_template_ensure(), name=f"Round {number}",
            open_on=OPEN_ON, seed=number, sizes={"White": 10, "Black": 10}, auditors=[], by=None,
        )  # fmt: skip
        for case in audit_round.cases.all():
            record(case, "yes")
    for url in ("/dashboards/audits/", "/dashboards/audits.csv", "/dashboards/audits.xlsx"):
        with django_assert_max_num_queries(20):
            assert service_manager_client.get(url).status_code == 200
