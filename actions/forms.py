"""The action plan's forms, each declaring its GOV.UK layout with crispy-forms-gds."""

from typing import cast

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Button, Field, Fluid, Hidden, Layout, Size
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q

from actions.measures import SUGGESTED_MEASURES
from actions.models import Action, Plan, Priority, Rag, Reflection, Status
from arp_portal.core.forms import GovUKDateField
from arp_portal.core.measures import MeasureKey

COMPUTED = "computed"
RAG_CHOICES = [
    (COMPUTED, "Work it out from progress against the due date"),
    *[(value, f"{label}, set by hand") for value, label in Rag.choices],
]


def _helper(*layout, method: str = "post") -> FormHelper:
    helper = FormHelper()
    helper.form_method = method
    helper.layout = Layout(*layout)
    return helper


def owner_choices(current_owner_id: int | None = None):
    """People who may own an action: active accounts whose role lets them post its updates (an
    action's present owner stays selectable even if their role has changed since)."""
    can_edit = Q(
        groups__permissions__codename="edit_action_plan",
        groups__permissions__content_type__app_label="core",
    )
    return (
        get_user_model()
        .objects.filter(
            (Q(is_active=True) & (can_edit | Q(is_superuser=True))) | Q(pk=current_owner_id)
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def user_label(user) -> str:
    name = user.get_full_name()
    return f"{name} ({user.get_username()})" if name else user.get_username()


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user_label(user)


# --- Plans -------------------------------------------------------------------------------------


class PlanForm(forms.Form):
    name = forms.CharField(
        label="Plan name",
        max_length=200,
        error_messages={"required": "Enter the plan's name"},
    )
    period_start = GovUKDateField(label="Start of the plan's period", name="Start of the period")
    period_end = GovUKDateField(label="End of the plan's period", name="End of the period")
    governing_board = forms.CharField(
        label="Governing board",
        help_text="The board the steering group reports to, for example the Children's "
        "Services Leadership Board.",
        max_length=200,
        error_messages={"required": "Enter the governing board"},
    )
    template = forms.ChoiceField(
        label="Start from",
        choices=[
            (
                Plan.Template.ARP_STRATEGY,
                "ARP strategy template: six outcomes and five areas of focus",
            ),
            (Plan.Template.BLANK, "A blank plan: add your own outcomes and areas"),
        ],
        widget=forms.RadioSelect,
        initial=Plan.Template.ARP_STRATEGY,
        error_messages={"required": "Select what the plan starts from"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        fields = [
            Field.text("name", field_width=Fluid.TWO_THIRDS),
            Field("period_start"),
            Field("period_end"),
            Field.text("governing_board", field_width=Fluid.TWO_THIRDS),
        ]
        if editing:
            del self.fields["template"]
            fields.append(Hidden("version", self["version"].value() or ""))
            button = Button("submit", "Save changes")
        else:
            del self.fields["version"]
            fields.append(Field.radios("template", legend_size=Size.MEDIUM))
            button = Button("submit", "Create plan")
        self.helper = _helper(*fields, button)

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "The end of the period must be after its start")
        return data


class OutcomeForm(forms.Form):
    title = forms.CharField(
        label="Outcome",
        help_text="What will be different, for example: a workforce supported in challenging, "
        "uncomfortable conversations about racism.",
        max_length=300,
        widget=forms.Textarea,
        error_messages={"required": "Enter the outcome"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        fields = [Field.textarea("title", rows=3, label_size=Size.MEDIUM)]
        if editing:
            fields.append(Hidden("version", self["version"].value() or ""))
        else:
            del self.fields["version"]
        self.helper = _helper(
            *fields, Button("submit", "Save outcome" if editing else "Add outcome")
        )


class AreaForm(forms.Form):
    name = forms.CharField(
        label="Area of focus",
        help_text="For example governance, workforce, practice, data or partners.",
        max_length=100,
        error_messages={"required": "Enter the area of focus"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, plan: Plan, area=None, **kwargs):
        self.plan, self.area = plan, area
        super().__init__(*args, **kwargs)
        fields = [Field.text("name", field_width=Fluid.ONE_HALF, label_size=Size.MEDIUM)]
        if area:
            fields.append(Hidden("version", self["version"].value() or ""))
        else:
            del self.fields["version"]
        self.helper = _helper(
            *fields, Button("submit", "Save area of focus" if area else "Add area of focus")
        )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        others = self.plan.areas.exclude(pk=self.area.pk) if self.area else self.plan.areas
        if others.filter(name__iexact=name).exists():
            raise ValidationError(f"The plan already has an area of focus called “{name}”")
        return name


# --- Actions -----------------------------------------------------------------------------------


def _rag_clean(form, override_field: str, reason_field: str):
    data = form.cleaned_data
    choice = data.get(override_field)
    if choice and choice != COMPUTED and not (data.get(reason_field) or "").strip():
        form.add_error(reason_field, "Enter why you are setting the RAG by hand")
    status = data.get("status")
    percent = data.get("percent_complete")
    if status == Status.COMPLETE and percent is not None and percent != 100:
        form.add_error(
            "percent_complete",
            "Enter 100 for percent complete, or choose a status other than complete",
        )


class ActionForm(forms.Form):
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter the action's title"}
    )
    description = forms.CharField(
        label="Description",
        required=False,
        widget=forms.Textarea,
        help_text="What will be done, and how you will know it has worked.",
    )
    outcomes: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label="Outcomes this action serves",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one outcome"},
    )
    area: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Area of focus", queryset=None, required=False, empty_label="None"
    )
    owner = OwnerChoiceField(
        label="Owner",
        queryset=None,
        help_text="The person who answers for the action and posts its updates.",
        error_messages={
            "required": "Select the action's owner",
            "invalid_choice": "Select an owner from the list: owners must be in the steering "
            "group or be data managers",
        },
    )
    lead_team = forms.CharField(
        label="Lead team",
        max_length=150,
        required=False,
        help_text="For example Workforce development.",
    )
    partners = forms.CharField(
        label="Partners",
        max_length=300,
        required=False,
        help_text="Other teams and organisations involved, separated by commas.",
    )
    start_date = GovUKDateField(label="Start date", name="Start date")
    due_date = GovUKDateField(label="Due date", name="Due date")
    status = forms.ChoiceField(
        label="Status",
        choices=Status.choices,
        initial=Status.NOT_STARTED,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the action's status"},
    )
    percent_complete = forms.IntegerField(
        label="Percent complete",
        min_value=0,
        max_value=100,
        initial=0,
        # A text input, as the GOV.UK Design System advises for numbers.
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        help_text="A whole number from 0 to 100.",
        error_messages={
            "required": "Enter percent complete, from 0 to 100",
            "invalid": "Percent complete must be a whole number, from 0 to 100",
            "min_value": "Percent complete must be 0 or more",
            "max_value": "Percent complete must be 100 or less",
        },
    )
    priority = forms.ChoiceField(
        label="Priority",
        choices=Priority.choices,
        initial=Priority.MEDIUM,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the action's priority"},
    )
    rag_override = forms.ChoiceField(
        label="RAG",
        choices=RAG_CHOICES,
        initial=COMPUTED,
        widget=forms.RadioSelect,
        help_text="The portal works the RAG out from percent complete against a straight line "
        "from the start date to the due date. Set it by hand only when you know more.",
        error_messages={"required": "Select how the RAG is set"},
    )
    rag_override_reason = forms.CharField(
        label="Reason for setting the RAG by hand",
        required=False,
        widget=forms.Textarea,
        help_text="Needed only when you set the RAG by hand. It is shown beside the RAG.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, plan: Plan, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        cast(forms.ModelMultipleChoiceField, self.fields["outcomes"]).queryset = plan.outcomes.all()
        cast(forms.ModelChoiceField, self.fields["area"]).queryset = plan.areas.all()
        cast(forms.ModelChoiceField, self.fields["owner"]).queryset = owner_choices(
            self.initial.get("owner")
        )
        layout = [
            Field.text("title", field_width=Fluid.TWO_THIRDS),
            Field.textarea("description", rows=4),
            Field.checkboxes("outcomes", legend_size=Size.SMALL, small=True),
            Field.select("area"),
            Field.select("owner"),
            Field.text("lead_team", field_width=Fluid.TWO_THIRDS),
            Field.text("partners", field_width=Fluid.TWO_THIRDS),
            Field("start_date"),
            Field("due_date"),
            Field.radios("status", legend_size=Size.SMALL, small=True),
            Field.text("percent_complete", field_width=3),
            Field.radios("priority", legend_size=Size.SMALL, small=True, inline=True),
            Field.radios("rag_override", legend_size=Size.SMALL, small=True),
            Field.textarea("rag_override_reason", rows=3),
        ]
        if editing:
            layout.append(Hidden("version", self["version"].value() or ""))
            button = Button("submit", "Save changes")
        else:
            del self.fields["version"]
            button = Button("submit", "Add action")
        self.helper = _helper(*layout, button)

    def clean(self):
        data = super().clean()
        start, due = data.get("start_date"), data.get("due_date")
        if start and due and due < start:
            self.add_error("due_date", "The due date must be the same as or after the start date")
        _rag_clean(self, "rag_override", "rag_override_reason")
        return data

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data.pop("outcomes")
        if data["rag_override"] == COMPUTED:
            data["rag_override"] = ""
            data["rag_override_reason"] = ""
        return data

    @staticmethod
    def values_of(action, outcome_ids) -> dict:
        """An action (or a historical record of one) as this form's values, for comparing."""
        return {
            "title": action.title,
            "description": action.description,
            "outcomes": frozenset(outcome_ids),
            "area": action.area_id,
            "owner": action.owner_id,
            "lead_team": action.lead_team,
            "partners": action.partners,
            "start_date": action.start_date,
            "due_date": action.due_date,
            "status": action.status,
            "percent_complete": action.percent_complete,
            "priority": action.priority,
            "rag_override": action.rag_override or COMPUTED,
            "rag_override_reason": action.rag_override_reason,
        }

    @staticmethod
    def initial_for(action: Action) -> dict:
        outcomes = list(action.outcomes.all())
        return {
            **ActionForm.values_of(action, [outcome.pk for outcome in outcomes]),
            "outcomes": outcomes,
            "version": action.version,
        }


class ProgressUpdateForm(forms.Form):
    narrative = forms.CharField(
        label="What has happened since the last update?",
        widget=forms.Textarea,
        help_text="A few sentences for the steering group and the board: progress, risks and "
        "what is next.",
        error_messages={"required": "Enter what has happened since the last update"},
    )
    status = ActionForm.base_fields["status"]
    percent_complete = ActionForm.base_fields["percent_complete"]
    rag_override = ActionForm.base_fields["rag_override"]
    rag_override_reason = ActionForm.base_fields["rag_override_reason"]
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.textarea("narrative", rows=5, label_size=Size.MEDIUM, label_tag="h2"),
            Field.radios("status", legend_size=Size.MEDIUM, small=True, inline=False),
            Field.text("percent_complete", field_width=3, label_size=Size.MEDIUM),
            Field.radios("rag_override", legend_size=Size.MEDIUM, small=True),
            Field.textarea("rag_override_reason", rows=3),
            Hidden("version", self["version"].value() or ""),
            Button("submit", "Post update"),
        )

    def clean(self):
        data = super().clean()
        _rag_clean(self, "rag_override", "rag_override_reason")
        return data

    @staticmethod
    def initial_for(action: Action) -> dict:
        return {
            "status": action.status,
            "percent_complete": action.percent_complete,
            "rag_override": action.rag_override or COMPUTED,
            "rag_override_reason": action.rag_override_reason,
            "version": action.version,
        }


class MilestoneForm(forms.Form):
    title = forms.CharField(
        label="Milestone", max_length=200, error_messages={"required": "Enter the milestone"}
    )
    due_date = GovUKDateField(label="When is it due?", name="Milestone's due date")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("title", field_width=Fluid.TWO_THIRDS, label_size=Size.MEDIUM),
            Field("due_date"),
            Button("submit", "Add milestone"),
        )


class MeasureLinkForm(forms.Form):
    suggested = forms.ChoiceField(
        label="Choose a measure",
        required=False,
        choices=[("", "Choose a measure")] + SUGGESTED_MEASURES,
    )
    key = forms.CharField(
        label="Or enter a measure key",
        required=False,
        max_length=200,
        help_text="For a measure not in the list: its kind and parts separated by colons, such "
        "as children:cic:rri:BCRB or survey:latest:organisation_does_enough:black.",
    )
    label = forms.CharField(
        label="How the measure is described on the action (optional)",
        required=False,
        max_length=200,
    )

    def __init__(self, *args, action: Action, **kwargs):
        self.action = action
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.select("suggested"),
            HTML('<p class="govuk-body">or</p>'),
            Field.text("key", field_width=Fluid.TWO_THIRDS),
            Field.text("label", field_width=Fluid.TWO_THIRDS),
            Button("submit", "Link measure"),
        )

    def clean(self):
        data = super().clean()
        suggested, key = data.get("suggested"), (data.get("key") or "").strip()
        if suggested and key:
            self.add_error("key", "Choose a measure from the list or enter a key, not both")
            return data
        if not suggested and not key:
            self.add_error("suggested", "Choose a measure, or enter a measure key")
            return data
        chosen = suggested or key
        try:
            chosen = str(MeasureKey.parse(chosen))
        except ValueError as error:
            self.add_error("key", str(error))
            return data
        if self.action.measure_links.filter(key=chosen).exists():
            self.add_error("suggested" if suggested else "key", "This measure is already linked")
        data["chosen_key"] = chosen
        if not data.get("label") and suggested:
            data["label"] = dict(SUGGESTED_MEASURES)[suggested]
        return data


class ReflectionForm(forms.Form):
    kind = forms.ChoiceField(
        label="What kind of reflection is it?",
        choices=Reflection.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether this went well or is a lesson learnt"},
    )
    text = forms.CharField(
        label="Reflection",
        widget=forms.Textarea,
        error_messages={"required": "Enter the reflection"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("kind", legend_size=Size.MEDIUM, small=True),
            Field.textarea("text", rows=4, label_size=Size.MEDIUM),
            Button("submit", "Add reflection"),
        )


# --- Reading: filters and the board report -----------------------------------------------------

RAG_FILTER_CHOICES = [("", "Any"), *Rag.choices, ("none", "No RAG (deferred)")]


class ActionFilterForm(forms.Form):
    """Filters and sorting for the action list. Choices arrive already fetched (filter_choices),
    so the page's query count stays fixed."""

    owner = forms.TypedChoiceField(label="Owner", coerce=int, required=False, empty_value=None)
    outcome = forms.TypedChoiceField(label="Outcome", coerce=int, required=False, empty_value=None)
    area = forms.TypedChoiceField(
        label="Area of focus", coerce=int, required=False, empty_value=None
    )
    status = forms.ChoiceField(
        label="Status", choices=[("", "Any"), *Status.choices], required=False
    )
    rag = forms.ChoiceField(label="RAG", choices=RAG_FILTER_CHOICES, required=False)
    overdue = forms.BooleanField(label="Only overdue actions", required=False)
    sort = forms.ChoiceField(label="Sort by", required=False)
    order = forms.ChoiceField(
        label="Order", choices=[("asc", "Ascending"), ("desc", "Descending")], required=False
    )

    def __init__(self, *args, choices: dict, sort_labels: dict, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["owner"]).choices = [("", "Anyone")] + [
            (user.pk, user_label(user)) for user in choices["owners"]
        ]
        cast(forms.ChoiceField, self.fields["outcome"]).choices = [("", "Any")] + [
            (outcome.pk, f"Outcome {outcome.number}") for outcome in choices["outcomes"]
        ]
        cast(forms.ChoiceField, self.fields["area"]).choices = [("", "Any")] + [
            (area.pk, area.name) for area in choices["areas"]
        ]
        cast(forms.ChoiceField, self.fields["sort"]).choices = list(sort_labels.items())
        for name in ("owner", "outcome", "area", "status", "rag"):
            self.fields[name].error_messages["invalid_choice"] = "Select an option from the list"
        self.helper = _helper(
            Field.select("owner"),
            Field.select("outcome"),
            Field.select("area"),
            Field.select("status"),
            Field.select("rag"),
            Field.checkbox("overdue", small=True),
            Field.select("sort"),
            Field.select("order"),
            Button("apply", "Apply filters", css_class="govuk-button--secondary"),
            method="get",
        )
        self.helper.form_id = "filters"


class BoardReportForm(forms.Form):
    since = GovUKDateField(
        label="Show updates since",
        name="Date to show updates from",
        help_text="For example, the date of the last board meeting.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field("since"),
            Button("show", "Show report", css_class="govuk-button--secondary"),
            method="get",
        )
