"""Representation by grade on data shaped like the demo's: large groups in every grade, a few
small cells in the senior grades. The small cells are hidden and protected, and the rest shown.

The check is an intruder written apart from the engine (tests/statistics/attacker.py): from the
CSV alone (every shown count and each grade's known total, the denominator of its shares) and
the sums the table's meaning gives (the major groups add up to the known total, the minority
groups to "Black, Asian and minority ethnic", the grades to all staff), it works out the least
and greatest value of every hidden count. A count of 1 to 9 must keep a range at least 10 wide.
"""

import csv
import io

import pytest

from arp_portal.core.models import GradeBand
from dashboards.workforce.measures import (
    ALL_STAFF,
    BAME,
    GROUP_LABELS,
    MAJOR_GROUPS,
    MINORITY_GROUPS,
    THRESHOLD,
)
from tests.statistics.attacker import deduce
from tests.workforce.factories import make_staff

pytestmark = pytest.mark.django_db

CODES = {"White": "WBRI", "Mixed": "MWBC", "Asian": "AIND", "Black": "BAFR", "Other": "OOTH"}
# The demo's staff in post at the end of 2025 (White, Mixed, Asian, Black, Other, Unknown).
DEMO_GRADES = {
    "1_support": (117, 46, 45, 88, 0, 14),
    "2_practitioner": (231, 67, 84, 158, 0, 22),
    "3_senior_practitioner": (124, 17, 31, 54, 0, 11),
    "4_team_manager": (93, 12, 10, 26, 0, 8),
    "5_service_manager": (42, 2, 5, 9, 0, 1),
    "6_senior_leader": (25, 1, 0, 1, 0, 0),
}
GROUPS = [*MAJOR_GROUPS, BAME]
KNOWN = "known"
GROUPS_BY_LABEL = {GROUP_LABELS[group]: group for group in GROUPS}


@pytest.fixture
def demo_like_workforce():
    for grade, numbers in DEMO_GRADES.items():
        for group, n in zip([*MAJOR_GROUPS, "Unknown"], numbers, strict=True):
            if n:
                make_staff(n, ethnicity=CODES.get(group, "REFU"), grade=grade)


def _true_counts() -> dict:
    truth: dict = {}
    for grade, numbers in DEMO_GRADES.items():
        by_group = dict(zip(MAJOR_GROUPS, numbers[:5], strict=True))
        by_group[BAME] = sum(by_group[g] for g in MINORITY_GROUPS)
        by_group[KNOWN] = by_group["White"] + by_group[BAME]
        for group, n in by_group.items():
            truth[(grade, group)] = n
    for group in [*GROUPS, KNOWN]:
        truth[(ALL_STAFF, group)] = sum(truth[(grade, group)] for grade in DEMO_GRADES)
    return truth


def _relations() -> list:
    rows = [*DEMO_GRADES, ALL_STAFF]
    relations = []
    for row in rows:
        relations.append(((row, KNOWN), [(row, g) for g in MAJOR_GROUPS]))
        relations.append(((row, BAME), [(row, g) for g in MINORITY_GROUPS]))
        relations.append(((row, KNOWN), [(row, "White"), (row, BAME)]))
    for group in [*GROUPS, KNOWN]:
        relations.append(((ALL_STAFF, group), [(grade, group) for grade in DEMO_GRADES]))
    return relations


def _published(client) -> dict:
    """(row, group) -> the count the CSV shows, or None where it shows "c"; (row, known) where a
    share's denominator gives it."""
    response = client.get("/dashboards/workforce.csv?year=2025")
    assert response.status_code == 200
    labels = {f"Representation: {label}": value for value, label in GradeBand.choices}
    labels["Representation: all staff"] = ALL_STAFF
    shown: dict = {}
    for line in csv.DictReader(io.StringIO(response.content.decode())):
        row = labels.get(line["measure"])
        if row is None or line["period"] != "2025":
            continue
        group = GROUPS_BY_LABEL[line["group"]]
        if line["suppressed"] == "true":
            shown[(row, group)] = None
        else:
            shown[(row, group)] = int(float(line["numerator"]))
            shown[(row, KNOWN)] = int(float(line["denominator"]))
    return shown


def test_large_groups_are_shown_and_no_hidden_count_can_be_worked_out(
    service_manager_client, demo_like_workforce
):
    truth = _true_counts()
    published = _published(service_manager_client)
    cells = [(row, group) for row in [*DEMO_GRADES, ALL_STAFF] for group in GROUPS]
    assert set(cells) <= published.keys()

    # Every count of 1 to 9 is hidden, and so is any cell whose count is shown nowhere.
    for cell in cells:
        if 0 < truth[cell] < THRESHOLD:
            assert published[cell] is None, cell
        if published[cell] is not None:
            assert published[cell] == truth[cell], cell

    # What the policy allows is shown: the whole "All staff" row and every grade's figures
    # where no small group forces them out (support to team manager: 27 to 562 staff each).
    for group in GROUPS:
        assert published[(ALL_STAFF, group)] == truth[(ALL_STAFF, group)], group
    for grade in ["1_support", "2_practitioner", "3_senior_practitioner"]:
        for group in GROUPS:
            assert published[(grade, group)] is not None, (grade, group)
    hidden = [cell for cell in cells if published[cell] is None]
    assert {grade for grade, _ in hidden} <= {
        "4_team_manager",
        "5_service_manager",
        "6_senior_leader",
    }
    # 6 counts of 1 to 9 and 6 cells that protect them: showing any one of those 6 again lets
    # a small count be narrowed below 10 (e.g. the head of service's White staff pin its BAME).
    assert len(hidden) <= 12, hidden

    # The intruder: every shown count, every known total the shares reveal, and the sums.
    hidden_keys = {key for key in truth if published.get(key) is None}
    intervals = deduce(truth, _relations(), hidden_keys)
    for cell in hidden:
        if 0 < truth[cell] < THRESHOLD:
            low, high = intervals[cell]
            assert high - low >= THRESHOLD, (cell, truth[cell], intervals[cell])


def test_the_page_reports_the_share_of_all_staff(service_manager_client, demo_like_workforce):
    page = service_manager_client.get("/dashboards/workforce/?year=2025").content.decode()
    assert "too few staff of known ethnicity" not in page
    # 656 of 1,288 staff of known ethnicity.
    assert (
        "At the end of 2025, 50.9% of staff whose ethnicity is known were from Black, Asian "
        "and minority ethnic groups"
    ) in page
