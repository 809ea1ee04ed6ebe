import datetime as dt

from arp_portal.core.models import Child, Episode, EpisodeKind

MARCH_31 = dt.date(2025, 3, 31)


def _child(ref, code="WBRI"):
    return Child.objects.create(
        child_ref=ref, birth_year=2015, birth_month=6, sex=1, ethnicity_id=code
    )


def test_children_in_need_on_a_date_include_those_on_a_plan_and_in_care(db):
    in_need = _child("A")
    Episode.objects.create(child=in_need, kind="CIN", start_date=dt.date(2025, 1, 1))
    on_plan = _child("B")
    Episode.objects.create(
        child=on_plan, kind="CP", start_date=dt.date(2024, 6, 1), end_date=MARCH_31
    )
    in_care = _child("C")
    Episode.objects.create(child=in_care, kind="CIC", start_date=dt.date(2020, 1, 1))
    closed = _child("D")
    Episode.objects.create(
        child=closed, kind="CIN", start_date=dt.date(2024, 1, 1), end_date=dt.date(2025, 3, 30)
    )
    refs = Child.objects.in_cohort_on(EpisodeKind.CHILD_IN_NEED, MARCH_31)
    assert sorted(refs.values_list("child_ref", flat=True)) == ["A", "B", "C"]
    on_cp = Child.objects.in_cohort_on(EpisodeKind.CHILD_PROTECTION, MARCH_31)
    assert list(on_cp.values_list("child_ref", flat=True)) == ["B"]


def test_a_child_with_two_episodes_is_counted_once(db):
    child = _child("A")
    Episode.objects.create(child=child, kind="CIN", start_date=dt.date(2024, 1, 1))
    Episode.objects.create(child=child, kind="CP", start_date=dt.date(2024, 2, 1))
    assert Child.objects.in_cohort_on("CIN", MARCH_31).count() == 1
