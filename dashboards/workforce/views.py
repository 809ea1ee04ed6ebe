"""The workforce dashboard, its exports and the training target (its imports go through the
one import journey, dashboards/import_views.py).

Views run scope -> query -> presenter -> render: the filter form gives the scope, measures.py
asks the selectors and hides small groups, presenters.py shapes figures, tables and summaries.
"""

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from arp_portal.core.decorators import role_required
from arp_portal.core.downloads import (
    csv_download,
    spreadsheet_safe,
    write_only_workbook,
    xlsx_download,
)
from dashboards.models import WorkforceEventKind
from dashboards.workforce import measures, presenters, selectors
from dashboards.workforce.forms import TrainingTargetForm, WorkforceFilterForm
from dashboards.workforce.measures import MeasureRow
from dashboards.workforce.selectors import WorkforceScope
from dashboards.workforce.services import training_target_set

EXPORT_COLUMNS = [
    "measure",
    "period",
    "group",
    "numerator",
    "denominator",
    "value",
    "ci_low",
    "ci_high",
    "suppressed",
]


def _default_year(years: list[int]) -> int | None:
    """The last full calendar year, if the data reaches it; else the latest year there is."""
    if not years:
        return None
    last_full = dt.date.today().year - 1
    return last_full if last_full in years else years[-1]


def _filters(request: HttpRequest) -> tuple[WorkforceFilterForm, dict, list[int]]:
    years = selectors.data_years()
    form = WorkforceFilterForm(request.GET or None, years=years, default_year=_default_year(years))
    return form, form.cleaned_or_defaults(), years


@role_required("core.view_dashboards")
def dashboard(request: HttpRequest) -> HttpResponse:
    form, choice, years = _filters(request)
    # The years run from the first start date, so there are none without staff.
    context = {"form": form, "years": years, "has_staff": bool(years)}
    if not years:
        return render(request, "dashboards/workforce/dashboard.html", context)
    scope = WorkforceScope(choice["locality"], choice["service_area"])
    year = choice["year"]
    data = measures.data_for(years)

    representation_by_year = {y: measures.representation(scope, y, data) for y in years}
    trend_representation = {y: result["rows"] for y, result in representation_by_year.items()}
    trend = {
        kind: {y: measures.likelihood(scope, kind, y, data) for y in years}
        for kind in measures.LIKELIHOODS
    }
    trend_leavers = {y: measures.leavers(scope, y, data) for y in years}
    representation = representation_by_year[year]
    sections = [
        presenters.representation_section(representation, year, trend_representation),
        presenters.likelihood_section(
            "disciplinary",
            trend[WorkforceEventKind.DISCIPLINARY_OPENED][year],
            year,
            trend[WorkforceEventKind.DISCIPLINARY_OPENED],
        ),
        presenters.likelihood_section(
            "appointment",
            trend[WorkforceEventKind.APPOINTED][year],
            year,
            trend[WorkforceEventKind.APPOINTED],
        ),
        presenters.training_section(measures.training(scope, year, data), year),
        presenters.pay_section(measures.pay(scope, year, data), year),
        presenters.leavers_section(trend_leavers[year], year, trend_leavers),
    ]
    export_query = request.GET.copy()
    export_query.pop("year", None)
    export_query.pop("apply", None)
    context.update(
        {
            "scope": scope,
            "year": year,
            "sections": sections,
            "export_query": export_query.urlencode(),
            "threshold": measures.THRESHOLD,
            "latest_import": selectors.latest_workforce_import(),
        }
    )
    return render(request, "dashboards/workforce/dashboard.html", context)


def _export_rows(request: HttpRequest) -> tuple[list[MeasureRow], str]:
    _form, choice, years = _filters(request)
    scope = WorkforceScope(choice["locality"], choice["service_area"])
    rows = measures.all_rows(scope, years)
    parts = ["workforce-measures"]
    if scope.locality is not None:
        parts.append(scope.locality.name.lower().replace(" ", "-"))
    if scope.service_area:
        parts.append(scope.service_area.replace("_", "-"))
    parts.append(dt.date.today().isoformat())
    return rows, "-".join(parts)


def _export_values(row: MeasureRow) -> list:
    def rounded(value, places=4):
        return None if value is None else round(value, places)

    if row.suppressed:
        return [row.measure, row.period, row.label, None, None, None, None, None, True]
    return [
        row.measure,
        row.period,
        row.label,
        rounded(row.numerator),
        rounded(row.denominator),
        rounded(row.value),
        rounded(row.ci_low),
        rounded(row.ci_high),
        False,
    ]


@role_required("core.view_dashboards")
def export_csv(request: HttpRequest) -> HttpResponse:
    rows, name = _export_rows(request)
    return csv_download(
        EXPORT_COLUMNS,
        (
            ["true" if value is True else "false" if value is False else value
             for value in _export_values(row)]
            for row in rows
        ),
        filename=f"{name}.csv",
    )  # fmt: skip


@role_required("core.view_dashboards")
def export_xlsx(request: HttpRequest) -> HttpResponse:
    rows, name = _export_rows(request)
    # Streams rows (several times faster for exports); every value appended is guarded.
    workbook = write_only_workbook()
    sheet = workbook.create_sheet("Workforce measures")
    sheet.freeze_panes = "A2"
    sheet.column_dimensions["A"].width = 55
    sheet.column_dimensions["C"].width = 34
    header = []
    for name in EXPORT_COLUMNS:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([spreadsheet_safe(value) for value in _export_values(row)])
    return xlsx_download(workbook, filename=f"{name}.xlsx")


@role_required("core.import_data")
def training_target(request: HttpRequest) -> HttpResponse:
    current = selectors.training_target()
    initial = {"percent": current.percent, "due_date": current.due_date} if current else {}
    form = TrainingTargetForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        target = training_target_set(
            percent=form.cleaned_data["percent"], due_date=form.cleaned_data["due_date"]
        )
        messages.success(
            request,
            f"The training target is now {target.percent:.0f}% of staff in post by "
            f"{target.due_date.day} {target.due_date:%B %Y}.",
        )
        return redirect(f"{reverse('dashboards:workforce')}#training")
    return render(
        request, "dashboards/workforce/training_target.html", {"form": form, "current": current}
    )
