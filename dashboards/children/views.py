"""The children's dashboard and its exports: scope -> query -> presenter -> render."""

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from arp_portal.core.decorators import role_required
from dashboards.children import exports, presenters, selectors, snapshots, tasks
from dashboards.children.forms import ChildFiltersForm


def _data_range() -> tuple[dt.date, dt.date] | None:
    """From the first episode's start to today: the dates the imported data can describe."""
    earliest, _latest = snapshots.episode_date_range()
    if earliest is None:
        return None
    return earliest, max(earliest, dt.date.today())


def _date_parts(value: str) -> dict[str, str]:
    """A link's ?date=2025-03-31 (the linked measures and bookmarks use it) as the date input's
    day, month and year; anything else is left for the form to report."""
    try:
        date = dt.date.fromisoformat(value)
    except ValueError:
        return {"date_0": value, "date_1": "", "date_2": ""}
    return {"date_0": str(date.day), "date_1": str(date.month), "date_2": str(date.year)}


def filters_form(request: HttpRequest) -> ChildFiltersForm:
    data_ends_on = selectors.data_ends_on()
    default_date = selectors.default_date(data_ends_on)
    given = {
        key: value for key, value in request.GET.dict().items() if value != "" or key in ("sex",)
    }
    if "date" in given:
        given.update(_date_parts(given.pop("date")))
    if not any(key in given for key in ("date_0", "date_1", "date_2")):
        given.update(_date_parts(default_date.isoformat()))
    data = {
        "cohort": "cin",
        "measure": "on_date",
        "age_band": "0-17",
        "reference": "WBRI",
        "detail": "major",
        **given,
    }
    return ChildFiltersForm(
        data,
        default_date=default_date,
        data_range=_data_range(),
        data_ends_on=data_ends_on,
    )


@role_required("core.view_dashboards")
def children(request: HttpRequest) -> HttpResponse:
    form = filters_form(request)
    filters = form.filters()
    unprepared: selectors.Unprepared = set()
    context = presenters.dashboard(filters, unprepared)
    query = request.GET.urlencode()
    # The nearest view that is published, for a view whose counts are withheld.
    unfiltered = request.GET.copy()
    unfiltered.pop("sex", None)
    if filters.locality is not None or filters.team is not None:
        unfiltered.pop("age_band", None)
    response = render(
        request,
        "dashboards/children/dashboard.html",
        {
            **context,
            "form": form,
            "query": f"?{query}" if query else "",
            "unfiltered_query": unfiltered.urlencode(),
        },
    )
    if unprepared:
        # A date not prepared after the import (not a month-end) was counted live for these
        # filters; the task worker builds its snapshots, so later views of it, with any filters,
        # read them (docs/adr/022-month-end-snapshots-and-live-counts-for-other-dates.md).
        tasks.prepare_dates.enqueue([[date.isoformat(), measure] for date, measure in unprepared])
    elif context["trend_being_prepared"] or context["pathway_being_prepared"]:
        # Built but not decided, and maybe nothing queued to decide it (a task that stopped):
        # without this the page could say "being prepared" for ever.
        tasks.decide_enqueue()
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
