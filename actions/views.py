"""Action plan pages. Everyone with view_action_plan reads; edit_action_plan changes.

Each view runs scope (access, the object) -> query (selectors) -> presenter -> render.
"""

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from actions import concurrency, exports, history, presenters, selectors, services
from actions.forms import (
    COMPUTED,
    ActionFilterForm,
    ActionForm,
    AreaForm,
    BoardReportForm,
    MeasureLinkForm,
    MilestoneForm,
    OutcomeForm,
    PlanForm,
    ProgressUpdateForm,
    ReflectionForm,
)
from actions.models import Action, Area, MeasureLink, Milestone, Outcome, Plan, Reflection, Status
from actions.rag import target_percent
from arp_portal.core.decorators import AuthenticatedRequest, role_required
from arp_portal.core.measures import measure_status

READ = "core.view_action_plan"
EDIT = "core.edit_action_plan"
PAGE_SIZE = 50


def _can_edit(request: HttpRequest) -> bool:
    return request.user.has_perm(EDIT)


def _action_url_prefix() -> str:
    """Tables link to prefix + pk + "/": one reverse() per page rather than two per row."""
    return reverse("actions:action_detail", args=[0]).removesuffix("0/")


def _posted(request: HttpRequest) -> QueryDict | None:
    """The submitted data on a POST (even an empty one, so its errors show), else None."""
    return request.POST if request.method == "POST" else None


# The fields a person edits: the service's, with the outcomes the action serves.
ACTION_FORM_FIELDS = [*services.ACTION_FIELDS[:2], "outcomes", *services.ACTION_FIELDS[2:]]
PLAN_FORM_FIELDS = list(services.PLAN_FIELDS)
UPDATE_FORM_FIELDS = ["status", "percent_complete", "rag_override", "rag_override_reason"]


def _record_at(history, version: int):
    """The history record as it stood at a version (its last record, after any outcome change)."""
    return history.filter(version=version).order_by("-history_date", "-history_id").first()


def _submitted_action_values(data: dict) -> dict:
    values = {name: data.get(name) for name in ACTION_FORM_FIELDS}
    values["outcomes"] = frozenset(outcome.pk for outcome in data.get("outcomes") or [])
    values["area"] = data["area"].pk if data.get("area") else None
    values["owner"] = data["owner"].pk if data.get("owner") else None
    if values["rag_override"] == COMPUTED:
        values["rag_override_reason"] = ""
    return values


def _stale_edit_merged(
    current, *, version: int, fields: list[str], submitted: dict, saved: dict, loaded_of
) -> tuple[dict, list[str]]:
    """After a refused stale save: the form's new initial values, the other person's changes and
    yours put together (actions.concurrency) with the saved version to save against, and the
    names of the fields you both changed. loaded_of(record) gives a history record's values;
    without a record of the version loaded, your values stand for it."""
    record = _record_at(current.history, version)
    merge = concurrency.merge_stale_edit(
        fields=fields,
        loaded=loaded_of(record) if record else submitted,
        submitted=submitted,
        saved=saved,
    )
    return {**merge.values, "version": current.version}, merge.conflicts


def _labels(form, names: list[str]) -> list[str]:
    return [str(form.fields[name].label) for name in names]


def _fields_of(obj, fields: list[str]) -> dict:
    return {name: getattr(obj, name) for name in fields}


def _merged_action_form(action: Action, form: ActionForm) -> tuple[ActionForm, list[str]]:
    current = Action.objects.get(pk=action.pk)
    values, names = _stale_edit_merged(
        current,
        version=form.cleaned_data.get("version") or 0,
        fields=ACTION_FORM_FIELDS,
        submitted=_submitted_action_values(form.cleaned_data),
        saved=ActionForm.values_of(current, current.outcomes.values_list("pk", flat=True)),
        loaded_of=lambda record: ActionForm.values_of(
            record, record.outcomes.values_list("outcome_id", flat=True)
        ),
    )
    merged = ActionForm(
        plan=action.plan,
        initial={**values, "outcomes": list(values["outcomes"])},
        editing=True,
    )
    return merged, _labels(merged, names)


# --- Plans -------------------------------------------------------------------------------------


@role_required(READ)
def index(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "actions/index.html",
        {"plans": selectors.plan_list(), "can_edit": _can_edit(request)},
    )


@role_required(EDIT)
def plan_create(request: AuthenticatedRequest) -> HttpResponse:
    form = PlanForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        plan = services.plan_create(**form.cleaned_data, by=request.user)
        messages.success(request, f"Plan “{plan.name}” created.")
        return redirect("actions:plan_overview", plan_id=plan.pk)
    return render(request, "actions/plan_form.html", {"form": form, "plan": None})


@role_required(EDIT)
def plan_edit(request: AuthenticatedRequest, plan_id: int) -> HttpResponse:
    plan = get_object_or_404(Plan, pk=plan_id)
    initial = {
        "name": plan.name,
        "period_start": plan.period_start,
        "period_end": plan.period_end,
        "governing_board": plan.governing_board,
        "version": plan.version,
    }
    form = PlanForm(_posted(request), initial=initial, editing=True)
    stale: services.StaleEditError | None = None
    conflicts: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.plan_update(
                plan_id=plan.pk,
                expected_version=data.pop("version") or 0,
                by=request.user,
                **data,
            )
        except services.StaleEditError as error:
            stale = error
            current = Plan.objects.get(pk=plan.pk)
            values, names = _stale_edit_merged(
                current,
                version=form.cleaned_data.get("version") or 0,
                fields=PLAN_FORM_FIELDS,
                submitted={name: form.cleaned_data[name] for name in PLAN_FORM_FIELDS},
                saved=_fields_of(current, PLAN_FORM_FIELDS),
                loaded_of=lambda record: _fields_of(record, PLAN_FORM_FIELDS),
            )
            form = PlanForm(initial=values, editing=True)
            conflicts = _labels(form, names)
        else:
            messages.success(request, "Plan details saved.")
            return redirect("actions:plan_overview", plan_id=plan.pk)
    return render(
        request,
        "actions/plan_form.html",
        {
            "form": form,
            "plan": plan,
            "stale": stale,
            "conflicts": conflicts,
            "outcomes": plan.outcomes.all(),
            "areas": plan.areas.all(),
        },
    )


@role_required(READ)
def plan_overview(request: AuthenticatedRequest, plan_id: int) -> HttpResponse:
    plan = get_object_or_404(Plan, pk=plan_id)
    today = timezone.localdate()
    overdue = list(selectors.overdue_actions(plan, today)[: selectors.OVERVIEW_LIST_LIMIT + 1])
    due_soon = list(selectors.due_soon_actions(plan, today)[: selectors.OVERVIEW_LIST_LIMIT + 1])
    totals = selectors.plan_totals(plan, today)
    return render(
        request,
        "actions/plan_overview.html",
        {
            "plan": plan,
            "today": today,
            "totals": totals,
            "rag_order": selectors.RAG_ORDER,
            "rag_labels": selectors.RAG_LABELS,
            "statuses": Status.choices,
            "outcomes": selectors.outcome_summaries(plan, today),
            "overdue": overdue[: selectors.OVERVIEW_LIST_LIMIT],
            "overdue_more": len(overdue) > selectors.OVERVIEW_LIST_LIMIT,
            "due_soon": due_soon[: selectors.OVERVIEW_LIST_LIMIT],
            "due_soon_more": len(due_soon) > selectors.OVERVIEW_LIST_LIMIT,
            "due_soon_days": selectors.DUE_SOON_DAYS,
            "recent_updates": selectors.recent_updates(plan),
            "list_url": reverse("actions:action_list", args=[plan.pk]),
            "action_url": _action_url_prefix(),
            "can_edit": _can_edit(request),
        },
    )


@role_required(EDIT)
def outcome_add(request: AuthenticatedRequest, plan_id: int) -> HttpResponse:
    plan = get_object_or_404(Plan, pk=plan_id)
    form = OutcomeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        outcome = services.outcome_add(plan=plan, title=form.cleaned_data["title"], by=request.user)
        messages.success(request, f"Outcome {outcome.number} added.")
        return redirect("actions:plan_overview", plan_id=plan.pk)
    return render(
        request,
        "actions/simple_form.html",
        {"form": form, "plan": plan, "heading": "Add an outcome"},
    )


@role_required(EDIT)
def outcome_edit(request: AuthenticatedRequest, plan_id: int, outcome_id: int) -> HttpResponse:
    outcome = get_object_or_404(
        Outcome.objects.select_related("plan"), pk=outcome_id, plan_id=plan_id
    )
    initial = {"title": outcome.title, "version": outcome.version}
    form = OutcomeForm(_posted(request), initial=initial, editing=True)
    stale: services.StaleEditError | None = None
    conflicts: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.outcome_update(
                outcome_id=outcome.pk,
                expected_version=form.cleaned_data.get("version") or 0,
                title=form.cleaned_data["title"],
                by=request.user,
            )
        except services.StaleEditError as error:
            stale = error
            values, conflicts = _merged_single_field(
                Outcome.objects.get(pk=outcome.pk), form, "title"
            )
            form = OutcomeForm(initial=values, editing=True)
        else:
            messages.success(request, f"Outcome {outcome.number} saved.")
            return redirect("actions:plan_edit", plan_id=plan_id)
    return render(
        request,
        "actions/simple_form.html",
        {
            "form": form,
            "plan": outcome.plan,
            "heading": f"Change outcome {outcome.number}",
            "stale": stale,
            "conflicts": conflicts,
        },
    )


def _merged_single_field(current, form, name: str) -> tuple[dict, list[str]]:
    """After a refused stale save of an outcome or area: the other person's value and yours
    put together (actions.concurrency), with the saved version to save against."""
    values, names = _stale_edit_merged(
        current,
        version=form.cleaned_data.get("version") or 0,
        fields=[name],
        submitted={name: form.cleaned_data[name]},
        saved=_fields_of(current, [name]),
        loaded_of=lambda record: _fields_of(record, [name]),
    )
    return values, _labels(form, names)


@role_required(EDIT)
def area_edit(request: AuthenticatedRequest, plan_id: int, area_id: int) -> HttpResponse:
    area = get_object_or_404(Area.objects.select_related("plan"), pk=area_id, plan_id=plan_id)
    initial = {"name": area.name, "version": area.version}
    form = AreaForm(_posted(request), plan=area.plan, area=area, initial=initial)
    stale: services.StaleEditError | None = None
    conflicts: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.area_update(
                area_id=area.pk,
                expected_version=form.cleaned_data.get("version") or 0,
                name=form.cleaned_data["name"],
                by=request.user,
            )
        except services.StaleEditError as error:
            stale = error
            values, conflicts = _merged_single_field(Area.objects.get(pk=area.pk), form, "name")
            form = AreaForm(plan=area.plan, area=area, initial=values)
        else:
            messages.success(request, f"Area of focus “{form.cleaned_data['name']}” saved.")
            return redirect("actions:plan_edit", plan_id=plan_id)
    return render(
        request,
        "actions/simple_form.html",
        {
            "form": form,
            "plan": area.plan,
            "heading": f"Change the area of focus “{area.name}”",
            "stale": stale,
            "conflicts": conflicts,
        },
    )


@role_required(EDIT)
def area_add(request: AuthenticatedRequest, plan_id: int) -> HttpResponse:
    plan = get_object_or_404(Plan, pk=plan_id)
    form = AreaForm(_posted(request), plan=plan)
    if request.method == "POST" and form.is_valid():
        area = services.area_add(plan=plan, name=form.cleaned_data["name"], by=request.user)
        messages.success(request, f"Area of focus “{area.name}” added.")
        return redirect("actions:plan_overview", plan_id=plan.pk)
    return render(
        request,
        "actions/simple_form.html",
        {"form": form, "plan": plan, "heading": "Add an area of focus"},
    )


# --- The action list and exports ---------------------------------------------------------------


def _filters(form: ActionFilterForm) -> selectors.ActionFilters:
    if not form.is_valid():
        return selectors.ActionFilters()
    data = form.cleaned_data
    return selectors.ActionFilters(
        owner=data.get("owner"),
        outcome=data.get("outcome"),
        area=data.get("area"),
        status=data.get("status") or "",
        rag=data.get("rag") or "",
        overdue=bool(data.get("overdue")),
        sort=data.get("sort") or "reference",
        descending=data.get("order") == "desc",
    )


def _filtered_actions(request: HttpRequest, plan: Plan):
    choices = selectors.filter_choices(plan)
    form = ActionFilterForm(request.GET, choices=choices, sort_labels=selectors.SORT_LABELS)
    filters = _filters(form)
    actions = selectors.filter_actions(selectors.actions_for_listing(plan), filters)
    return form, filters, actions


@role_required(READ)
def action_list(request: AuthenticatedRequest, plan_id: int) -> HttpResponse:
    plan = get_object_or_404(Plan, pk=plan_id)
    form, filters, actions = _filtered_actions(request, plan)
    page = Paginator(actions, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    export_query = query.copy()
    export_query["plan"] = str(plan.pk)
    return render(
        request,
        "actions/action_list.html",
        {
            "plan": plan,
            "form": form,
            "filters": filters,
            "sort_label": selectors.SORT_LABELS.get(filters.sort, "Reference"),
            "page": page,
            "rows": presenters.action_rows(
                page, today=timezone.localdate(), url_prefix=_action_url_prefix()
            ),
            "query": query.urlencode(),
            "export_query": export_query.urlencode(),
            "can_edit": _can_edit(request),
        },
    )


def _export_plan(request: HttpRequest) -> Plan:
    plan_id = request.GET.get("plan")
    if plan_id:
        try:
            return get_object_or_404(Plan, pk=int(plan_id))
        except ValueError:
            raise Http404("No such plan") from None
    plan = Plan.objects.order_by("-period_start", "-pk").first()
    if plan is None:
        raise Http404("There is no plan to export yet")
    return plan


def _export_name(plan: Plan, extension: str) -> str:
    slug = "".join(c if c.isalnum() else "-" for c in plan.name.lower()).strip("-")
    return f"action-plan-{slug}-{timezone.localdate():%Y-%m-%d}.{extension}"


@role_required(READ)
def export_csv(request: AuthenticatedRequest) -> HttpResponse:
    plan = _export_plan(request)
    _form, _filters_used, actions = _filtered_actions(request, plan)
    return exports.csv_download(exports.rows(actions), filename=_export_name(plan, "csv"))


@role_required(READ)
def export_xlsx(request: AuthenticatedRequest) -> HttpResponse:
    plan = _export_plan(request)
    _form, _filters_used, actions = _filtered_actions(request, plan)
    return exports.xlsx_download(exports.rows(actions), filename=_export_name(plan, "xlsx"))


@role_required(READ)
def my_actions(request: AuthenticatedRequest) -> HttpResponse:
    today = timezone.localdate()
    actions = list(selectors.my_actions(request.user, today))
    return render(
        request,
        "actions/my_actions.html",
        {
            "open_actions": [
                a for a in actions if a.status not in (Status.COMPLETE, Status.DEFERRED)
            ],
            "closed_actions": [
                a for a in actions if a.status in (Status.COMPLETE, Status.DEFERRED)
            ],
            "today": today,
            "can_edit": _can_edit(request),
        },
    )


# --- One action --------------------------------------------------------------------------------


def _action(action_id: int) -> Action:
    return get_object_or_404(
        Action.objects.with_rag().select_related("plan", "owner", "area"), pk=action_id
    )


@role_required(READ)
def action_detail(request: AuthenticatedRequest, action_id: int) -> HttpResponse:
    action = _action(action_id)
    today = timezone.localdate()
    updates = action.updates.select_related("author")
    return render(
        request,
        "actions/action_detail.html",
        {
            "plan": action.plan,
            "action": action,
            "today": today,
            "computed_rag": action.computed_rag(today),
            "target": round(
                target_percent(start_date=action.start_date, due_date=action.due_date, today=today)
            ),
            "overdue": action.is_overdue(today),
            "outcomes": action.outcomes.order_by("number"),
            "milestones": action.milestones.all(),
            "measures": [
                (link, measure_status(link.key, link.label)) for link in action.measure_links.all()
            ],
            "updates": updates,
            "changes": history.action_changes(action),
            "can_edit": _can_edit(request),
        },
    )


@role_required(EDIT)
def action_create(request: AuthenticatedRequest, plan_id: int) -> HttpResponse:
    plan = get_object_or_404(Plan, pk=plan_id)
    initial = {
        "owner": request.user.pk,
        "start_date": timezone.localdate(),
        "rag_override": COMPUTED,
    }
    form = ActionForm(_posted(request), plan=plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        action = services.action_create(
            plan=plan,
            outcomes=form.cleaned_data["outcomes"],
            by=request.user,
            **form.service_fields(),
        )
        messages.success(request, f"Action {action.reference} added.")
        return redirect("actions:action_detail", action_id=action.pk)
    return render(request, "actions/action_form.html", {"form": form, "plan": plan, "action": None})


@role_required(EDIT)
def action_edit(request: AuthenticatedRequest, action_id: int) -> HttpResponse:
    action = _action(action_id)
    form = ActionForm(
        _posted(request), plan=action.plan, initial=ActionForm.initial_for(action), editing=True
    )
    stale: services.StaleEditError | None = None
    conflicts: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.action_update(
                action_id=action.pk,
                expected_version=form.cleaned_data.get("version") or 0,
                by=request.user,
                outcomes=form.cleaned_data["outcomes"],
                **form.service_fields(),
            )
        except services.StaleEditError as error:
            stale = error
            form, conflicts = _merged_action_form(action, form)
        else:
            messages.success(request, f"Action {action.reference} saved.")
            return redirect("actions:action_detail", action_id=action.pk)
    return render(
        request,
        "actions/action_form.html",
        {
            "form": form,
            "plan": action.plan,
            "action": action,
            "stale": stale,
            "conflicts": conflicts,
        },
    )


@role_required(EDIT)
def update_create(request: AuthenticatedRequest, action_id: int) -> HttpResponse:
    action = _action(action_id)
    form = ProgressUpdateForm(_posted(request), initial=ProgressUpdateForm.initial_for(action))
    stale: services.StaleEditError | None = None
    conflicts: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        override = "" if data["rag_override"] == COMPUTED else data["rag_override"]
        try:
            update = services.progress_update_post(
                action_id=action.pk,
                expected_version=data["version"],
                by=request.user,
                narrative=data["narrative"],
                status=data["status"],
                percent_complete=data["percent_complete"],
                rag_override=override,
                rag_override_reason=data["rag_override_reason"] if override else "",
            )
        except services.StaleEditError as error:
            stale = error
            current = Action.objects.get(pk=action.pk)
            values, names = _stale_edit_merged(
                current,
                version=data["version"],
                fields=UPDATE_FORM_FIELDS,
                submitted={name: data[name] for name in UPDATE_FORM_FIELDS},
                saved=ProgressUpdateForm.initial_for(current),
                loaded_of=ProgressUpdateForm.initial_for,
            )
            form = ProgressUpdateForm(initial={**values, "narrative": data["narrative"]})
            conflicts = _labels(form, names)
        else:
            status = update.get_status_display().lower()
            rag = f"RAG {update.rag}" if update.rag else "no RAG"
            messages.success(
                request,
                f"Update posted on {action.reference}: {status}, "
                f"{update.percent_complete}% complete, {rag}.",
            )
            if request.GET.get("from") == "mine":
                return redirect("actions:my_actions")
            return redirect("actions:action_detail", action_id=action.pk)
    return render(
        request,
        "actions/update_form.html",
        {
            "form": form,
            "plan": action.plan,
            "action": action,
            "stale": stale,
            "conflicts": conflicts,
            "computed_rag": action.computed_rag(),
        },
    )


@role_required(EDIT)
def milestone_add(request: AuthenticatedRequest, action_id: int) -> HttpResponse:
    action = _action(action_id)
    form = MilestoneForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        services.milestone_add(action=action, by=request.user, **form.cleaned_data)
        messages.success(request, f"Milestone added to {action.reference}.")
        return redirect("actions:action_detail", action_id=action.pk)
    return render(
        request,
        "actions/simple_form.html",
        {"form": form, "plan": action.plan, "action": action, "heading": "Add a milestone"},
    )


@role_required(EDIT)
@require_POST
def milestone_toggle(request: AuthenticatedRequest, milestone_id: int) -> HttpResponse:
    milestone = get_object_or_404(Milestone.objects.select_related("action"), pk=milestone_id)
    done = milestone.completed_on is None
    services.milestone_set_completed(
        milestone=milestone, completed_on=timezone.localdate() if done else None, by=request.user
    )
    messages.success(
        request,
        f"Milestone “{milestone.title}” marked as {'done' if done else 'not done'}.",
    )
    return redirect("actions:action_detail", action_id=milestone.action_id)


@role_required(EDIT)
def measure_add(request: AuthenticatedRequest, action_id: int) -> HttpResponse:
    action = _action(action_id)
    form = MeasureLinkForm(_posted(request), action=action)
    if request.method == "POST" and form.is_valid():
        services.measure_link_add(
            action=action,
            key=form.cleaned_data["chosen_key"],
            label=form.cleaned_data.get("label") or "",
            by=request.user,
        )
        messages.success(request, f"Measure linked to {action.reference}.")
        return redirect("actions:action_detail", action_id=action.pk)
    return render(
        request,
        "actions/simple_form.html",
        {"form": form, "plan": action.plan, "action": action, "heading": "Link a measure"},
    )


@role_required(EDIT)
@require_POST
def measure_remove(request: AuthenticatedRequest, link_id: int) -> HttpResponse:
    link = get_object_or_404(MeasureLink, pk=link_id)
    services.measure_link_remove(link=link, by=request.user)
    messages.success(request, f"Measure “{link.label or link.key}” unlinked.")
    return redirect("actions:action_detail", action_id=link.action_id)


# --- Board report and reflections --------------------------------------------------------------


@role_required(READ)
def board_report(request: AuthenticatedRequest, plan_id: int) -> HttpResponse:
    plan = get_object_or_404(Plan, pk=plan_id)
    today = timezone.localdate()
    default_since = today - dt.timedelta(days=42)
    form = BoardReportForm(request.GET if "since_0" in request.GET else None)
    since = form.cleaned_data["since"] if form.is_bound and form.is_valid() else default_since
    if not form.is_bound:
        form = BoardReportForm(initial={"since": default_since})
    return render(
        request,
        "actions/board_report.html",
        {
            "plan": plan,
            "today": today,
            "since": since,
            "form": form,
            "totals": selectors.plan_totals(plan, today),
            "outcomes": selectors.outcome_summaries(plan, today),
            "rag_order": selectors.RAG_ORDER,
            "rag_labels": selectors.RAG_LABELS,
            "overdue": selectors.overdue_actions(plan, today),
            "by_outcome": _with_measure_readings(selectors.actions_by_outcome(plan, today)),
            "updates": selectors.updates_since(plan, since),
            "went_well": plan.reflections.filter(kind=Reflection.Kind.WENT_WELL),
            "lessons": plan.reflections.filter(kind=Reflection.Kind.LESSON),
        },
    )


def _with_measure_readings(groups: list) -> list:
    """Each outcome's linked measures read live from their providers (each key read once)."""
    readings: dict[str, object] = {}
    for group in groups:
        group.measures = []
        for link in group.measure_links:
            if link.key not in readings:
                readings[link.key] = measure_status(link.key, link.label)
            group.measures.append(readings[link.key])
    return groups


@role_required(READ)
def reflections(request: AuthenticatedRequest, plan_id: int) -> HttpResponse:
    plan = get_object_or_404(Plan, pk=plan_id)
    entries = list(plan.reflections.select_related("author"))
    return render(
        request,
        "actions/reflections.html",
        {
            "plan": plan,
            "went_well": [r for r in entries if r.kind == Reflection.Kind.WENT_WELL],
            "lessons": [r for r in entries if r.kind == Reflection.Kind.LESSON],
            "can_edit": _can_edit(request),
        },
    )


@role_required(EDIT)
def reflection_add(request: AuthenticatedRequest, plan_id: int) -> HttpResponse:
    plan = get_object_or_404(Plan, pk=plan_id)
    form = ReflectionForm(_posted(request), initial={"kind": request.GET.get("kind", "")})
    if request.method == "POST" and form.is_valid():
        services.reflection_add(plan=plan, by=request.user, **form.cleaned_data)
        messages.success(request, "Reflection added.")
        return redirect("actions:reflections", plan_id=plan.pk)
    return render(
        request,
        "actions/simple_form.html",
        {"form": form, "plan": plan, "heading": "Add a reflection"},
    )
