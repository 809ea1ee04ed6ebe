"""Each racial-lens question's "yes" rate as a linked measure: latest round, trend by round."""

import pytest

from arp_portal.core.measures import measure_status
from dashboards.audits import services
from tests.audits.factories import OPEN_ON, open_cases, record

pytestmark = pytest.mark.django_db


def _round(name, seed, yes_white, yes_black):
    audit_round = services.audit_round_draw(
        template=services.racial_lens_template_ensure(), name=name, open_on=OPEN_ON, seed=seed,
        sizes={"White": 10, "Black": 10}, auditors=[], by=None,
    )  # fmt: skip
    counts = {"White": 0, "Black": 0}
    for case in audit_round.cases.all():
        wanted = yes_white if case.ethnic_group == "White" else yes_black
        answer = "yes" if counts[case.ethnic_group] < wanted else "no"
        counts[case.ethnic_group] += 1
        record(case, "partly", racism_explored=answer)
    return audit_round


def test_the_yes_rate_of_a_question_reads_on_an_action():
    open_cases({"WBRI": 30, "BCRB": 30})
    _round("Autumn 2025", 1, yes_white=6, yes_black=2)
    _round("Spring 2026", 2, yes_white=7, yes_black=5)
    reading = measure_status("audit:latest:racism_explored:black").reading
    assert reading.display_value == "50.0%"
    assert reading.as_of == "Spring 2026"
    assert [(p.period, p.value) for p in reading.trend] == [
        ("Autumn 2025", 20.0),
        ("Spring 2026", 50.0),
    ]
    assert reading.verdict == "improving"
    assert reading.note == "5 of 10 cases; 95% confidence interval 23.7% to 76.3%"
    everyone = measure_status("audit:latest:racism_explored:all").reading
    assert everyone.display_value == "60.0%"


def test_an_unknown_question_or_no_round_is_not_yet_available():
    assert measure_status("audit:latest:racism_explored:all").message == "Measure not yet available"
    assert measure_status("audit:latest:nonsense:all").reading is None
