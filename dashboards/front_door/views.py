"""The front door dashboard and its downloads: scope -> selectors -> statistics -> presenter."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from arp_portal.core.decorators import role_required
from arp_portal.core.downloads import csv_download, xlsx_table_download
from arp_portal.statistics.disproportionality import Group
from dashboards.children import presenters as children_presenters
from dashboards.children import selectors as children_selectors
from dashboards.front_door import presenters, selectors
from dashboards.front_door.forms import FrontDoorFiltersForm
from dashboards.front_door.measures import front_door_pathway, table_for


def _form(request: HttpRequest) -> FrontDoorFiltersForm:
    return FrontDoorFiltersForm(request.GET or None, years=selectors.data_years())


def _group_phrase(detail: str):
    """How a sentence names a row's children, as the children's dashboard does."""

    def phrase(row) -> str:
        codes = (row.key,) if detail == "detailed" else ()
        return children_presenters.group_phrase(Group(row.key, row.label, codes), detail)

    return phrase


@role_required("core.view_dashboards")
def dashboard(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    filters = form.filters()
    context: dict = {"form": form, "filters": filters}
    if filters is not None:
        counts, door = selectors.counts_and_stages(filters)
        table, groups, population = table_for(filters, counts)
        period = presenters.period_label(filters.year)
        stages = front_door_pathway(filters, groups, population, door)
        reference = children_selectors.REFERENCES[filters.reference]
        query = request.GET.urlencode()
        context.update(
            {
                "period": period,
                "table": table,
                "population": population,
                "sentences": presenters.summary_sentences(
                    table, period, _group_phrase(filters.detail)
                ),
                "decisions": presenters.decisions_table(table, period),
                "outcomes": presenters.outcomes_table(table, period),
                "follow_up": presenters.follow_up_table(table, period),
                "shares_figure": presenters.shares_figure(table),
                "ratio_figure": presenters.ratio_figure(table),
                "stages": stages,
                "stage_rows": children_presenters.pathway_rows(stages, groups),
                "pathway_figure": children_presenters.pathway_figure(stages, groups),
                "pathway_sentence": children_presenters.pathway_sentence(
                    stages,
                    groups,
                    children_selectors.ChildFilters(detail=filters.detail),
                    reference.label,
                ),
                "query": f"?{query}" if query else "",
            }
        )
    return render(request, "dashboards/front_door/dashboard.html", context)


def _export(request: HttpRequest):
    filters = _form(request).filters()
    if filters is None:
        return [], "front-door"
    table, _groups, _population = table_for(filters)
    period = presenters.period_label(filters.year)
    parts = ["front-door", period]
    if filters.source:
        parts.append(f"source-{filters.source.lower()}")
    if filters.team is not None:
        parts.append(filters.team.name.lower().replace(" ", "-"))
    return presenters.export_rows(table, period), "-".join(parts)


def _cell(value):
    return "true" if value is True else "false" if value is False else value


@role_required("core.view_dashboards")
def dashboard_csv(request: HttpRequest) -> HttpResponse:
    rows, name = _export(request)
    return csv_download(
        presenters.EXPORT_COLUMNS,
        ([_cell(value) for value in row] for row in rows),
        filename=f"{name}.csv",
    )


@role_required("core.view_dashboards")
def dashboard_xlsx(request: HttpRequest) -> HttpResponse:
    rows, name = _export(request)
    return xlsx_table_download(
        presenters.EXPORT_COLUMNS, rows, sheet="Front door", filename=f"{name}.xlsx"
    )
