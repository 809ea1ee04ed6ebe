"""Results: counts, percentages, Wilson intervals and disclosure control, as a reader sees them."""

import csv
import io
import random
from collections import defaultdict

import pytest
from scipy.stats import binomtest

from surveys.models import Response
from tests.statistics.recoverability import recoverable
from tests.surveys.helpers import make_survey, submit, submit_many

pytestmark = pytest.mark.django_db

QUESTION = (
    "In the last 12 months, how often have you experienced racism from people who use our "
    "services or their families?"
)


def csv_rows(client, survey, view: str = "") -> list[dict]:
    response = client.get(f"/surveys/{survey.slug}/results.csv", {"view": view} if view else {})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def cell(rows, option, group, question=QUESTION):
    [row] = [
        r
        for r in rows
        if r["question"] == question and r["option"] == option and r["group"] == group
    ]
    return row


def test_a_group_smaller_than_the_threshold_shows_c(service_manager_client):
    survey = make_survey(status="closed")
    submit_many(survey, 20, ethnic_group="WBRI", racism_from_service_users="never")
    submit_many(survey, 4, ethnic_group="BCRB", racism_from_service_users="5_plus")
    rows = csv_rows(service_manager_client, survey)
    assert list(rows[0]) == [
        "question", "option", "group", "group_size", "count", "percent", "ci_low", "ci_high",
        "suppressed",
    ]  # fmt: skip
    black = cell(rows, "5 or more times", "Black")
    assert black["group_size"] == "c" and black["count"] == "c" and black["suppressed"] == "true"
    assert black["percent"] == "" and black["ci_low"] == ""
    # The page says the same.
    html = service_manager_client.get(f"/surveys/{survey.slug}/results/").content.decode()
    assert "hidden to protect anonymity" in html


def test_a_group_large_enough_shows_every_answer_however_few_gave_it(service_manager_client):
    """As survey tools do: the 3 White respondents who said "once" are shown, since the group
    (33) is at the threshold; nothing inside a shown group is hidden."""
    survey = make_survey(status="closed")
    submit_many(survey, 30, ethnic_group="WBRI", racism_from_service_users="never")
    submit_many(survey, 3, ethnic_group="WBRI", racism_from_service_users="once")
    rows = csv_rows(service_manager_client, survey)
    assert cell(rows, "Once", "White")["count"] == "3"
    assert cell(rows, "Once", "White")["percent"] == f"{3 / 33 * 100:.1f}"
    assert cell(rows, "Never", "White")["count"] == "30"
    assert cell(rows, "Never", "White")["group_size"] == "33"


def test_in_strict_mode_a_second_cell_is_hidden_where_the_first_could_be_worked_out(
    service_manager_client,
):
    survey = make_survey(status="closed", disclosure_mode="cells")
    submit_many(survey, 30, ethnic_group="WBRI", racism_from_service_users="never")
    submit_many(survey, 3, ethnic_group="WBRI", racism_from_service_users="once")
    rows = csv_rows(service_manager_client, survey)
    white_once = cell(rows, "Once", "White")
    white_never = cell(rows, "Never", "White")
    assert white_once["count"] == "c"
    # Never = 30 of 33: shown, Once would be 33 - 30. So "Never" is hidden as well.
    assert white_never["count"] == "c"
    assert cell(rows, "Never", "White")["group_size"] == "33"


def test_percentages_and_wilson_intervals_match_an_independent_computation(
    service_manager_client,
):
    survey = make_survey(status="closed")
    submit_many(survey, 37, ethnic_group="WBRI", racism_from_service_users="never")
    submit_many(survey, 25, ethnic_group="WBRI", racism_from_service_users="once")
    submit_many(survey, 18, ethnic_group="WBRI", racism_from_service_users="2_4")
    rows = csv_rows(service_manager_client, survey)
    for option, count in (("Never", 37), ("Once", 25), ("2 to 4 times", 18)):
        row = cell(rows, option, "All respondents")
        interval = binomtest(count, 80).proportion_ci(confidence_level=0.95, method="wilson")
        assert row["count"] == str(count)
        assert row["percent"] == f"{count / 80 * 100:.1f}"
        assert row["ci_low"] == f"{interval.low * 100:.1f}"
        assert row["ci_high"] == f"{interval.high * 100:.1f}"


def test_filtered_views_cannot_be_subtracted_to_reveal_a_small_group(service_manager_client):
    """Everyone: 14 White respondents said "never". Social workers: 11 of them. The other 3 (all
    managers) must not be had as 14 - 11."""
    survey = make_survey(status="closed")
    submit_many(
        survey, 11, ethnic_group="WBRI", role="social_worker", racism_from_service_users="never"
    )
    submit_many(survey, 3, ethnic_group="WBRI", role="manager", racism_from_service_users="never")
    submit_many(
        survey, 40, ethnic_group="BAFR", role="social_worker", racism_from_service_users="once"
    )
    everyone = cell(csv_rows(service_manager_client, survey), "Never", "White")
    social_workers = cell(
        csv_rows(service_manager_client, survey, "role:social_worker"), "Never", "White"
    )
    managers = cell(csv_rows(service_manager_client, survey, "role:manager"), "Never", "White")
    assert managers["count"] == "c"
    shown = [v["count"] for v in (everyone, social_workers) if v["count"] != "c"]
    assert len(shown) < 2, "both views shown: 14 - 11 reveals the 3 managers"


def _random_survey(seed: int):
    rng = random.Random(seed)
    survey = make_survey(status="closed")
    codes = {"WBRI": 50, "WOTH": 8, "BAFR": 25, "BCRB": 9, "AIND": 14, "APKN": 6, "MWBC": 5, "": 4}
    roles = {"social_worker": 50, "manager": 20, "family_support": 15, "other": 6, "": 3}
    answers = ["never", "once", "2_4", "5_plus", "prefer_not_to_say"]
    people = []
    for _ in range(120):
        code = rng.choices(list(codes), list(codes.values()))[0]
        role = rng.choices(list(roles), list(roles.values()))[0]
        answer = rng.choices(answers, [60, 15, 10, 8, 4])[0]
        submit(
            survey,
            ethnic_group=code or "prefer_not_to_say",
            role=role or "prefer_not_to_say",
            racism_from_service_users=answer,
        )
        people.append((code, role, answer))
    return survey, people


@pytest.mark.parametrize("seed", [2, 3, 7, 2024])
def test_no_hidden_value_can_be_worked_out_from_all_the_views_together(
    seed, service_manager_client
):
    """The differencing test: take every view of the role filter and the unfiltered view, write
    down every way the published numbers add up, and check with linear algebra that no hidden
    count (other than a zero) is determined by the shown ones."""
    survey, people = _random_survey(seed=seed)
    role_values = ["social_worker", "family_support", "personal_adviser", "residential",
                   "manager", "business_support", "other", ""]  # fmt: skip
    views = {"": csv_rows(service_manager_client, survey)}
    for value in role_values:
        views[value or "none"] = csv_rows(service_manager_client, survey, f"role:{value}")

    options = ["Never", "Once", "2 to 4 times", "5 or more times", "Prefer not to say"]
    majors = ["White", "Mixed", "Asian", "Black", "Other", "Ethnic group not given"]
    detailed = {"White": ["White British", "Any other White background"],
                "Black": ["African", "Caribbean"], "Asian": ["Indian", "Pakistani"],
                "Mixed": ["White and Black Caribbean"]}  # fmt: skip
    hidden, constraints, published = set(), [], set()
    for view, rows in views.items():
        for row in rows:
            if row["question"] != QUESTION:
                continue
            published |= {(view, row["option"], row["group"]), (view, "size", row["group"])}
            if row["count"] == "c":
                hidden.add((view, row["option"], row["group"]))
            if row["group_size"] == "c":
                hidden.add((view, "size", row["group"]))
        for measure in [*options, "At least once (total)", "size"]:
            constraints.append(
                ((view, measure, "All respondents"), [(view, measure, m) for m in majors])
            )
            for major, parts in detailed.items():
                # Only groups with respondents appear; the rest are zeros, known to all.
                constraints.append(((view, measure, major), [(view, measure, p) for p in parts]))
            constraints.append(
                (
                    (view, measure, "Black or Asian"),
                    [(view, measure, "Black"), (view, measure, "Asian")],
                )
            )
        for group in ["All respondents", "Black or Asian", *majors]:
            constraints.append(((view, "size", group), [(view, o, group) for o in options]))
            constraints.append(
                ((view, "At least once (total)", group),
                 [(view, o, group) for o in ("Once", "2 to 4 times", "5 or more times")])
            )  # fmt: skip
    groups = ["All respondents", "Black or Asian", *majors] + [
        p for ps in detailed.values() for p in ps
    ]
    for measure in [*options, "At least once (total)", "size"]:
        for group in groups:
            constraints.append(
                (("", measure, group), [(v, measure, group) for v in views if v != ""])
            )
    # Only equations about published numbers (filtered views leave out the detailed groups).
    constraints = [
        (total, members)
        for total, members in constraints
        if total in published and all(member in published for member in members)
    ]
    leaked = recoverable(constraints, hidden)
    assert hidden, "the data should make some cells small"

    # What the hidden cells really hold, counted here from the data sent.
    major_of = {"WBRI": "White", "WOTH": "White", "BAFR": "Black", "BCRB": "Black",
                "AIND": "Asian", "APKN": "Asian", "MWBC": "Mixed",
                "": "Ethnic group not given"}  # fmt: skip
    label_of = {"WBRI": "White British", "WOTH": "Any other White background", "BAFR": "African",
                "BCRB": "Caribbean", "AIND": "Indian", "APKN": "Pakistani",
                "MWBC": "White and Black Caribbean"}  # fmt: skip
    option_of = dict(
        zip(["never", "once", "2_4", "5_plus", "prefer_not_to_say"], options, strict=True)
    )
    truth = defaultdict(int)
    for code, role, answer in people:
        for view in ("", role or "none"):
            groups_of = {"All respondents", major_of[code]}
            if major_of[code] in ("Black", "Asian"):
                groups_of.add("Black or Asian")
            if code in label_of:
                groups_of.add(label_of[code])
            for group in groups_of:
                for measure in {option_of[answer], "size"} | (
                    {"At least once (total)"} if answer in ("once", "2_4", "5_plus") else set()
                ):
                    truth[(view, measure, group)] += 1
    assert not {key for key in leaked if truth[key] > 0}, sorted(leaked)
    assert Response.objects.filter(survey=survey).count() == 120


def test_free_text_is_shown_only_moderated_and_for_large_enough_groups(
    service_manager_client, data_manager_client
):
    survey = make_survey(status="closed")
    submit_many(survey, 12, ethnic_group="BAFR")
    submit_many(survey, 12, ethnic_group="MWBC")
    submit(survey, ethnic_group="BAFR", free_text="My manager Jo Bloggs said something racist.")
    submit(survey, ethnic_group="OOTH", free_text="Story from a tiny group.")
    answers_url = f"/surveys/{survey.slug}/results/written-answers/"
    page = service_manager_client.get(answers_url).content.decode()
    assert "Jo Bloggs" not in page and "tiny group" not in page
    assert "No written answers have been approved" in page

    for answer in survey.responses.filter(free_text__isnull=False).values_list(
        "free_text", flat=True
    ):
        data_manager_client.post(
            f"/surveys/manage/{survey.slug}/moderation/{answer}/",
            {"moderated_text": "My manager [removed] said something racist.", "status": "approved"},
        )
    page = service_manager_client.get(answers_url).content.decode()
    assert "My manager [removed] said something racist." in page  # Black group: 13 people
    assert "Jo Bloggs" not in page
    # The "Other" group has 1 respondent: their approved text is still not shown.
    assert page.count("[removed]") == 1


def test_the_xlsx_export_holds_the_same_suppressed_table(service_manager_client):
    from openpyxl import load_workbook

    survey = make_survey(status="closed")
    submit_many(survey, 12, ethnic_group="WBRI")
    submit_many(survey, 2, ethnic_group="BCRB")
    response = service_manager_client.get(f"/surveys/{survey.slug}/results.xlsx")
    sheet = load_workbook(io.BytesIO(response.content))["Results"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("question", "option", "group", "group_size", "count", "percent",
                       "ci_low", "ci_high", "suppressed")  # fmt: skip
    black = [r for r in rows if r[2] == "Black"]
    assert black and all(r[4] == "c" for r in black)
    assert len(rows) - 1 == len(csv_rows(service_manager_client, survey))


def test_the_results_page_asks_postgres_a_fixed_number_of_questions(
    service_manager_client, django_assert_max_num_queries
):
    survey = make_survey(status="closed")
    submit_many(survey, 15, ethnic_group="WBRI")
    # The first reading makes the release (the counts copied, the groups decided).
    with django_assert_max_num_queries(27):
        response = service_manager_client.get(f"/surveys/{survey.slug}/results/")
    assert response.status_code == 200
    with django_assert_max_num_queries(20):
        service_manager_client.get(f"/surveys/{survey.slug}/results/")
    with django_assert_max_num_queries(20):
        service_manager_client.get(f"/surveys/{survey.slug}/results/", {"view": "role:manager"})
    for download in ("results.csv", "results.xlsx"):
        with django_assert_max_num_queries(20):
            response = service_manager_client.get(f"/surveys/{survey.slug}/{download}")
        assert response.status_code == 200
