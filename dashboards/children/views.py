"""The children's dashboard and its exports: scope -> query -> presenter -> render."""

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from arp_portal.accounts.decorators import role_required
from dashboards.children import exports, presenters, selectors, tasks
from dashboards.children.forms import ChildFiltersForm, default_reference_date


def _default_date() -> dt.date:
    """The latest 31 March on which there is data to count (today's, if data runs on), and
    never after the data ends (the latest return's reference date)."""
    default = default_reference_date()
    # Where no import says where the data ends (data written some other way), the latest start.
    last = selectors.data_ends_on() or selectors.latest_episode_date()
    if last is not None and last < default:
        default = default_reference_date(last)
    return default


def filters_form(request: HttpRequest) -> ChildFiltersForm:
    default_date = _default_date()
    data = {
        "cohort": "cin",
        "measure": "on_date",
        "date": default_date.isoformat(),
        "age_band": "0-17",
        "reference": "WBRI",
        "detail": "major",
        **{key: value for key, value in request.GET.items() if value != "" or key in ("sex",)},
    }
    return ChildFiltersForm(data, default_date=default_date)


@role_required("core.view_dashboards")
def children(request: HttpRequest) -> HttpResponse:
    form = filters_form(request)
    filters = form.filters()
    unprepared: selectors.Unprepared = set()
    context = presenters.dashboard(filters, unprepared)
    query = request.GET.urlencode()
    response = render(
        request,
        "dashboards/children/dashboard.html",
        {**context, "form": form, "query": f"?{query}" if query else ""},
    )
    if unprepared:
        # A date not prepared after the import (not a month-end) was counted live for these
        # filters; the task worker builds its snapshots, so later views of it, with any filters,
        # read them (docs/adr/022-month-end-snapshots-and-live-counts-for-other-dates.md).
        tasks.prepare_dates.enqueue([[date.isoformat(), measure] for date, measure in unprepared])
    return response


@role_required("core.view_dashboards")
def children_csv(request: HttpRequest) -> HttpResponse:
    form = filters_form(request)
    if not form.is_valid():
        return exports.bad_request(form)
    return exports.csv_response(form.filters())


@role_required("core.view_dashboards")
def children_xlsx(request: HttpRequest) -> HttpResponse:
    form = filters_form(request)
    if not form.is_valid():
        return exports.bad_request(form)
    return exports.xlsx_response(form.filters())
