"""The dashboards' figures as linked measures for the action plan (arp_portal/core/measures.py).

Keys, and what they read:

    children:<cin|cp|cic>:<rri|rate>:<group>   relative rate index (against White British) or rate
                                               per 10,000 on 31 March; group is a major group
                                               (White, Mixed, Asian, Black, Other) or a DfE code
    children:ethnicity_unknown:<cin|cp|cic>    % of the cohort with ethnicity unknown
    workforce:<disciplinary|appointment>:rli:<bme|black|asian|mixed|other>
                                               relative likelihood against White staff, by year
    workforce:pay_gap:<mean|median>:<bme|black|asian|mixed|other>
                                               ethnicity pay gap against White staff (%)
    workforce:training:arp:all                 % of staff in post who completed ARP training
    workforce:representation:senior:<bme|black|asian|mixed|other>
                                               share of team manager grade and above
    front_door:<ratio|early_help|referral|repeat|step_up|rate>:<group|all>
                                               the front door by year to 31 March (ratio:
                                               early help rather than referral against
                                               White British; group a major group or DfE code)
    audit:latest:<question key>:<all|white|mixed|asian|black|other>
                                               % of audited cases answering "yes", by round

Every figure goes through the dashboards' own disclosure control, so a hidden cell comes back
as "c" here too.
"""

import datetime as dt

from django.urls import reverse

from arp_portal.core.dates import long_date
from arp_portal.core.ethnicity import UNKNOWN_CODES, VALID_CODES
from arp_portal.core.measures import MeasureKey, MeasureReading, TrendPoint
from arp_portal.core.models import GradeBand
from arp_portal.statistics.audits import ALL_GROUPS, round_results
from arp_portal.statistics.disclosure import is_small
from arp_portal.statistics.disproportionality import CohortTable
from dashboards.audits import selectors as audit_selectors
from dashboards.audits.models import AuditGrade, AuditQuestion
from dashboards.audits.services import SAMPLE_GROUPS
from dashboards.children import presenters as children_presenters
from dashboards.children import selectors as children_selectors
from dashboards.children.selectors import default_date as default_children_date
from dashboards.front_door import presenters as front_door_presenters
from dashboards.front_door import selectors as front_door_selectors
from dashboards.front_door.measures import table_for as front_door_table_for
from dashboards.models import WorkforceEventKind
from dashboards.workforce import counts as workforce_counts
from dashboards.workforce import measures as workforce_measures
from dashboards.workforce import selectors as workforce_selectors

COHORTS = {"cin": "in need", "cp": "on a child protection plan", "cic": "in care"}
WORKFORCE_GROUPS = {"bme": "BAME", "black": "Black", "asian": "Asian", "mixed": "Mixed",
                    "other": "Other"}  # fmt: skip
SENIOR_GRADES = {GradeBand.TEAM_MANAGER, GradeBand.SERVICE_MANAGER, GradeBand.SENIOR_LEADER}


def _children_tables(cohort: str, detail: str) -> list[tuple[dt.date, CohortTable]]:
    reference_date = default_children_date()
    filters = children_selectors.ChildFilters(
        cohort=cohort, reference_date=reference_date, detail=detail
    )
    groups = children_selectors.ethnic_groups(detail)
    dates = children_presenters.trend_dates(reference_date)
    counts = children_selectors.trend_counts(filters, dates)
    tables = []
    for date in dates:
        population = children_selectors.population_for(
            area=None, date=date, age_band=filters.age_band
        )
        hidden = children_presenters.hidden_cells(filters, date, counts[date])
        table = children_presenters.build_table(
            filters, counts[date], population, groups, hidden=hidden
        )
        tables.append((date, table))
    return tables


def children_measure(key: MeasureKey) -> MeasureReading | None:
    parts = key.parts
    if children_selectors.latest_episode_date() is None:
        return None  # nothing imported yet: the page says the measure is not yet available
    if len(parts) == 2 and parts[0] == "ethnicity_unknown" and parts[1] in COHORTS:
        tables = _children_tables(parts[1], "major")
        trend = tuple(
            TrendPoint(long_date(date), round(table.unknown_pct, 1))
            for date, table in tables
            if table.unknown_pct is not None
            and not (table.unknown_suppressed or table.total_suppressed)
        )
        date, table = tables[-1]
        hidden = table.unknown_suppressed or table.total_suppressed
        pct = None if hidden else table.unknown_pct
        return MeasureReading(
            label=f"Children {COHORTS[parts[1]]} whose ethnicity is unknown (%)",
            value=None if pct is None else round(pct, 1),
            display_value="c" if pct is None else f"{pct:.1f}%",
            as_of=long_date(date),
            trend=trend,
            better="down",
            url=reverse("dashboards:children") + f"?cohort={parts[1]}",
        )
    if len(parts) != 3 or parts[0] not in COHORTS or parts[1] not in {"rri", "rate"}:
        return None
    cohort, metric, group_key = parts
    detail = "detailed" if group_key in VALID_CODES - UNKNOWN_CODES else "major"
    tables = _children_tables(cohort, detail)
    points = []
    for date, table in tables:
        row = table.row(group_key)
        if row is None:
            return None
        estimate = row.rri if metric == "rri" else row.rate
        points.append((date, row, estimate))
    trend = tuple(
        TrendPoint(long_date(date), round(estimate.value, 2))
        for date, row, estimate in points
        if not row.suppressed and estimate.value is not None
    )
    date, row, estimate = points[-1]
    label = row.group.label
    if metric == "rri":
        title = f"Relative rate index, {label} children {COHORTS[cohort]} (against White British)"
        shown = None if row.suppressed or estimate.value is None else round(estimate.value, 2)
        display = "c" if row.suppressed else ("" if shown is None else f"{shown:.2f}")
    else:
        title = f"Rate per 10,000, {label} children {COHORTS[cohort]}"
        shown = None if row.suppressed or estimate.value is None else round(estimate.value, 1)
        display = "c" if row.suppressed else ("" if shown is None else f"{shown:.1f}")
    note = ""
    if shown is not None and estimate.low is not None:
        note = f"95% confidence interval {estimate.low:.2f} to {estimate.high:.2f}"
    return MeasureReading(
        label=title,
        value=shown,
        display_value=display or "no figure",
        as_of=long_date(date),
        trend=trend,
        better="down",
        url=reverse("dashboards:children") + f"?cohort={cohort}&detail={detail}",
        note=note,
    )


def _find(rows, measure: str, group: str):
    return next((row for row in rows if row.measure == measure and row.group == group), None)


def workforce_measure(key: MeasureKey) -> MeasureReading | None:
    parts = key.parts
    years = workforce_selectors.data_years()
    if not years or len(parts) != 3:
        return None
    scope = workforce_selectors.WHOLE_WORKFORCE
    data = workforce_measures.data_for(years)  # every year's figures from one fetch
    url = reverse("dashboards:workforce")
    subject, metric, group_key = parts
    if subject in {"disciplinary", "appointment"} and metric == "rli":
        group = WORKFORCE_GROUPS.get(group_key)
        if group is None:
            return None
        kind = (
            WorkforceEventKind.DISCIPLINARY_OPENED
            if subject == "disciplinary"
            else WorkforceEventKind.APPOINTED
        )
        _, ratio_measure = workforce_measures.LIKELIHOODS[kind]
        rows = [
            (year, _find(workforce_measures.likelihood(scope, kind, year, data), ratio_measure,
                         group))
            for year in years
        ]  # fmt: skip
        verb = "enter a formal disciplinary process" if subject == "disciplinary" else (
            "be appointed from shortlisting")  # fmt: skip
        return _yearly_reading(
            rows,
            label=f"{workforce_measures.GROUP_LABELS[group]} staff: likelihood to {verb}, "
            "against White staff",
            places=2,
            better="down" if subject == "disciplinary" else "up",
            url=url,
        )
    if subject == "pay_gap" and metric in {"mean", "median"}:
        group = WORKFORCE_GROUPS.get(group_key)
        if group is None:
            return None
        measure = (
            workforce_measures.PAY_GAP_MEAN
            if metric == "mean"
            else workforce_measures.PAY_GAP_MEDIAN
        )
        rows = [
            (year, _find(workforce_measures.pay(scope, year, data)["rows"], measure, group))
            for year in years
        ]
        readings = [
            (year, None if row is None or row.suppressed or row.value is None else row.value)
            for year, row in rows
        ]
        return _plain_reading(
            readings,
            label=f"Ethnicity pay gap ({metric}), {workforce_measures.GROUP_LABELS[group]} staff "
            "against White staff (% lower hourly pay)",
            suffix="%",
            better="down",
            url=url,
        )
    if subject == "representation" and metric == "senior":
        group = WORKFORCE_GROUPS.get(group_key)
        if group is None:
            return None
        readings = []
        for year in years:
            # The senior grades pooled: per grade, the top ones are too small to show.
            counts = workforce_counts.staff_by_grade_and_group(
                data.staff, workforce_measures.period_end(year)
            )
            by_group = workforce_measures.with_bame(
                {
                    name: sum(counts.get((grade, name), 0) for grade in SENIOR_GRADES)
                    for name in [*workforce_measures.MAJOR_GROUPS, workforce_measures.UNKNOWN]
                }
            )
            people = by_group[group]
            known = by_group[workforce_measures.WHITE] + by_group[workforce_measures.BAME]
            hidden = (
                not known
                or is_small(people, workforce_measures.THRESHOLD)
                or is_small(known - people, workforce_measures.THRESHOLD)
            )
            readings.append((year, None if hidden else people / known * 100))
        return _plain_reading(
            readings,
            label=f"{workforce_measures.GROUP_LABELS[group]} staff at team manager grade and "
            "above (% of known ethnicity)",
            suffix="%",
            better="up",
            url=url,
        )
    if subject == "training" and metric == "arp" and group_key == "all":
        over_time = workforce_measures.training(scope, years[-1], data)["over_time"]
        if not over_time:
            return None
        trend = tuple(
            TrendPoint(row.period, round(row.value, 1))
            for row in over_time
            if not row.suppressed and row.value is not None
        )
        latest = over_time[-1]
        hidden = latest.suppressed or latest.value is None
        return MeasureReading(
            label="Staff in post who have completed anti-racist practice training (%)",
            value=None if hidden else round(latest.value, 1),
            display_value="c" if hidden else f"{latest.value:.1f}%",
            as_of=latest.period,
            trend=trend,
            better="up",
            url=url,
        )
    return None


def _yearly_reading(rows, *, label: str, places: int, better: str, url: str) -> MeasureReading:
    readings = [
        (year, None if row is None or row.suppressed or row.value is None else row.value)
        for year, row in rows
    ]
    note = ""
    latest = rows[-1][1]
    if latest is not None and not latest.suppressed and latest.ci_low is not None:
        note = f"95% confidence interval {latest.ci_low:.2f} to {latest.ci_high:.2f}"
    reading = _plain_reading(readings, label=label, suffix="", better=better, url=url,
                             places=places)  # fmt: skip
    return MeasureReading(**{**reading.__dict__, "note": note})


def _plain_reading(readings, *, label, suffix, better, url, places=1) -> MeasureReading:
    trend = tuple(
        TrendPoint(str(year), round(value, places)) for year, value in readings if value is not None
    )
    year, value = readings[-1]
    return MeasureReading(
        label=label,
        value=None if value is None else round(value, places),
        display_value="c" if value is None else f"{value:.{places}f}{suffix}",
        as_of=str(year),
        trend=trend,
        better=better,
        url=url,
    )


AUDIT_GROUPS = {"all": "All groups", "white": "White", "mixed": "Mixed", "asian": "Asian",
                "black": "Black", "other": "Other"}  # fmt: skip


def audit_measure(key: MeasureKey) -> MeasureReading | None:
    """audit:latest:<question key>:<all|white|mixed|asian|black|other>: the share of audited
    cases answering "yes", in each round of the template that asks the question."""
    parts = key.parts
    if len(parts) != 3 or parts[0] != "latest" or parts[2] not in AUDIT_GROUPS:
        return None
    question = (
        AuditQuestion.objects.filter(key=parts[1], template__rounds__isnull=False)
        .select_related("template")
        .order_by("-template__rounds__open_on")
        .first()
    )
    if question is None:
        return None
    group = ALL_GROUPS if parts[2] == "all" else AUDIT_GROUPS[parts[2]]
    readings = []
    for audit_round in audit_selectors.rounds_of_template(question.template):
        results = round_results(
            audit_selectors.round_case_results(audit_round),
            groups=SAMPLE_GROUPS,
            questions=[question.key],
            grade_values=AuditGrade.values,
        )
        result = next(r for r in results if r.group == group)
        yes = None if result.suppressed else result.answers[question.key]["yes"]
        readings.append((audit_round.name, yes))
    if not readings:
        return None
    trend = tuple(
        TrendPoint(name, round(yes.estimate.value, 1))
        for name, yes in readings
        if yes is not None and yes.estimate.value is not None
    )
    name, latest = readings[-1]
    value = None if latest is None else latest.estimate.value
    who = "audited cases" if group == ALL_GROUPS else f"audited cases of {group} children"
    return MeasureReading(
        label=f"“{question.text}” Yes, {who} (%)",
        value=None if value is None else round(value, 1),
        display_value="c" if value is None else f"{value:.1f}%",
        as_of=name,
        trend=trend,
        better="up",
        url=reverse("dashboards:audit_results") + f"?template={question.template_id}",
        note=(
            ""
            if latest is None or value is None
            else f"{latest.count} of {latest.total} cases; 95% confidence interval "
            f"{latest.estimate.low:.1f}% to {latest.estimate.high:.1f}%"
        ),
    )


FRONT_DOOR_METRICS = {
    # metric: (row attribute, label, better, places, suffix)
    "ratio": ("decision_ratio", "contacts leading to early help rather than a referral, "
              "against White British children", "up", 2, ""),
    "early_help": ("early_help", "contacts leading to early help (%)", "up", 1, "%"),
    "referral": ("referral", "contacts leading to a referral (%)", "", 1, "%"),
    "repeat": ("repeats", "repeat contacts within 12 months (%)", "down", 1, "%"),
    "step_up": ("step_up", "early help closed that stepped up to social care (%)", "down", 1,
                "%"),
    "rate": ("rate", "contacts per 10,000 children", "", 1, ""),
}  # fmt: skip


def front_door_measure(key: MeasureKey) -> MeasureReading | None:
    """front_door:<ratio|early_help|referral|repeat|step_up|rate>:<group>: by year to 31 March;
    group is a major group (White, Mixed, Asian, Black, Other), a DfE code, or "all"."""
    parts = key.parts
    if len(parts) != 2 or parts[0] not in FRONT_DOOR_METRICS:
        return None
    years = front_door_selectors.data_years()
    if not years:
        return None
    metric, group_key = parts
    attribute, label, better, places, suffix = FRONT_DOOR_METRICS[metric]
    detail = "detailed" if group_key in VALID_CODES - UNKNOWN_CODES else "major"
    row_key = "*" if group_key == "all" else group_key
    if metric == "ratio" and row_key == "*":
        return None
    readings = []
    for year in years:
        filters = front_door_selectors.FrontDoorFilters(year=year, detail=detail)
        table, _groups, _population = front_door_table_for(filters)
        row = table.row(row_key)
        if row is None:
            return None
        item = getattr(row, attribute)
        estimate = None if item is None else getattr(item, "estimate", item)
        readings.append((front_door_presenters.period_label(year), estimate))
    trend = tuple(
        TrendPoint(period, round(e.value, places))
        for period, e in readings
        if e is not None and e.value is not None
    )
    period, latest = readings[-1]
    value = None if latest is None else latest.value
    who = "all children" if row_key == "*" else row_key
    if row_key != "*":
        who = next((g.label for g in children_selectors.ethnic_groups(detail)
                    if g.key == row_key), row_key)  # fmt: skip
    note = ""
    if latest is not None and value is not None and latest.low is not None:
        note = f"95% confidence interval {latest.low:.{places}f}{suffix} to " \
               f"{latest.high:.{places}f}{suffix}"  # fmt: skip
    return MeasureReading(
        label=f"Front door, {who}: {label}",
        value=None if value is None else round(value, places),
        display_value="c" if value is None else f"{value:.{places}f}{suffix}",
        as_of=period,
        trend=trend,
        better=better,
        url=reverse("dashboards:front_door") + f"?detail={detail}",
        note=note,
    )
