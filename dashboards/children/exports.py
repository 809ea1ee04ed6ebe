"""The dashboard's table as CSV and Excel, with the same disclosure control as the page.

Rates to one decimal place and ratios to two; "c" in count (and blanks beside it) where a count
is hidden. ethnic_group holds the DfE code for detailed groups and the major group's name for
major groups.
"""

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

from arp_portal.core.downloads import csv_download, spreadsheet_safe, xlsx_download
from arp_portal.statistics.disproportionality import CohortTable
from dashboards.children import presenters, selectors
from dashboards.children.selectors import ChildFilters

COLUMNS = [
    "cohort",
    "reference_date",
    "ethnic_group",
    "count",
    "population",
    "rate_per_10k",
    "rate_ci_low",
    "rate_ci_high",
    "rri",
    "rri_ci_low",
    "rri_ci_high",
    "disproportionality_index",
    "share_of_cohort_pct",
    "share_of_population_pct",
    "suppressed",
]


def _rate(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _ratio(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def export_table(filters: ChildFilters) -> tuple[CohortTable, selectors.PopulationSelection]:
    groups = selectors.ethnic_groups(filters.detail)
    population = selectors.population_for(
        area=filters.area, date=filters.reference_date, age_band=filters.age_band
    )
    counts = selectors.cohort_counts(filters)
    hidden = presenters.hidden_cells(filters, filters.reference_date, counts)
    return presenters.build_table(filters, counts, population, groups, hidden=hidden), population


def export_rows(filters: ChildFilters) -> list[list[str]]:
    table, _population = export_table(filters)
    cohort = filters.cohort if filters.measure == "on_date" else f"{filters.cohort}_starts"
    date = filters.reference_date.isoformat()
    rows = []
    for row in table.rows:
        rows.append(
            [
                cohort,
                date,
                row.group.key,
                "c" if row.suppressed else str(row.count),
                "" if row.population is None else str(row.population),
                _rate(row.rate.value),
                _rate(row.rate.low),
                _rate(row.rate.high),
                _ratio(row.rri.value),
                _ratio(row.rri.low),
                _ratio(row.rri.high),
                _ratio(row.disproportionality_index),
                _rate(row.share_of_cohort_pct),
                _rate(row.share_of_population_pct),
                "true" if row.suppressed else "false",
            ]
        )
    rows.append(
        [cohort, date, "Unknown", "c" if table.unknown_suppressed else str(table.unknown_count)]
        + [""] * 10
        + ["true" if table.unknown_suppressed else "false"]
    )
    return rows


def _file_name(filters: ChildFilters, extension: str) -> str:
    area = (
        filters.team.name
        if filters.team
        else (filters.locality.name if filters.locality else "all")
    )
    area = "".join(ch if ch.isalnum() else "-" for ch in area).strip("-").lower()
    return f"children-{filters.cohort}-{filters.reference_date.isoformat()}-{area}.{extension}"


def csv_response(filters: ChildFilters) -> HttpResponse:
    return csv_download(COLUMNS, export_rows(filters), filename=_file_name(filters, "csv"))


def xlsx_response(filters: ChildFilters) -> HttpResponse:
    table, population = export_table(filters)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Disproportionality"
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    numeric = {"count", "population"}
    decimals = {
        "rate_per_10k",
        "rate_ci_low",
        "rate_ci_high",
        "share_of_cohort_pct",
        "share_of_population_pct",
        "rri",
        "rri_ci_low",
        "rri_ci_high",
        "disproportionality_index",
    }
    for row in export_rows(filters):
        values: list[int | float | str] = []
        for name, value in zip(COLUMNS, row + [""] * (len(COLUMNS) - len(row)), strict=True):
            if value and name in numeric and value != "c":
                values.append(int(value))
            elif value and name in decimals:
                values.append(float(value))
            else:
                values.append(spreadsheet_safe(value))
        sheet.append(values)
    about = workbook.create_sheet("About")
    for line in [
        ("Cohort", presenters.cohort_title(filters)),
        ("Area and filters", presenters.scope_phrase(filters)),
        ("Compared with", table.reference.label),
        (
            "Population estimate",
            f"{population.source}, mid-{population.year}, {population.area}"
            if population
            else "none available: rates and ratios are not given",
        ),
        (
            "Disclosure control",
            'Counts of 1 to 5 are shown as "c", with a second count hidden '
            "so the first cannot be worked out; no rate or ratio is given for a hidden count.",
        ),
        (
            "Ethnicity unknown",
            "Children recorded as refused (REFU) or not yet obtained (NOBT) "
            "are left out of rates and shares and counted in the Unknown row.",
        ),
    ]:
        about.append(list(line))
    return xlsx_download(workbook, filename=_file_name(filters, "xlsx"))


def bad_request(form) -> HttpResponse:
    lines = [f"{name}: {error}" for name, errors in form.errors.items() for error in errors]
    return HttpResponse(
        "The export's filters have problems:\n" + "\n".join(lines),
        status=400,
        content_type="text/plain; charset=utf-8",
    )
