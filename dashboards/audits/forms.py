"""Forms for practice audits, their GOV.UK layout declared here (crispy-forms-gds)."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Fixed, Layout, Size
from django import forms
from django.contrib.auth import get_user_model
from django.utils.html import escape

from arp_portal.core.forms import GovUKDateField
from arp_portal.core.people import display_name
from arp_portal.core.roles import AUDITOR, DATA_MANAGER
from dashboards.audits.models import AuditAnswer, AuditGrade, AuditTemplate
from dashboards.audits.services import SAMPLE_GROUPS


class AuditTemplateForm(forms.Form):
    name = forms.CharField(
        label="Name of the template",
        max_length=150,
        error_messages={"required": "Enter a name for the template"},
    )
    description = forms.CharField(
        label="What the audit looks at", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("name"), Field.textarea("description"), Button("save", "Save template")
        )


class AuditQuestionForm(forms.Form):
    text = forms.CharField(
        label="Question",
        max_length=300,
        help_text="Auditors answer it yes, partly or no.",
        error_messages={"required": "Enter the question"},
    )
    racial_lens = forms.TypedChoiceField(
        label="Is this a racial-lens question?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        help_text="Each racial-lens question's “yes” rate can be linked to the action plan.",
        error_messages={"required": "Select whether this is a racial-lens question"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("text"),
            Field.radios("racial_lens", legend_size=Size.SMALL, inline=True),
            Button("save", "Save question"),
        )


def auditor_choices():
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[AUDITOR, DATA_MANAGER])
        .distinct()
        .order_by("username")
    )


class _AuditorChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return display_name(obj)


class AuditRoundForm(forms.Form):
    template = forms.ModelChoiceField(
        label="Audit template",
        queryset=AuditTemplate.objects.all(),
        empty_label=None,
        error_messages={"required": "Select the audit template", "invalid_choice": "Select a "
                        "template from the list"},
    )  # fmt: skip
    name = forms.CharField(
        label="Name of the round",
        max_length=150,
        help_text="For example, Racial lens audit, spring 2026.",
        error_messages={"required": "Enter a name for the round"},
    )
    open_on = GovUKDateField(
        label="Sample cases open on",
        name="Date the cases are open on",
        required_message="Enter the date the cases must be open on",
        help_text="For example, 31 3 2026. Children with any open episode on this date.",
    )
    seed = forms.IntegerField(
        label="Seed",
        min_value=0,
        max_value=2_147_483_647,
        help_text="Any whole number. The same seed, date and sizes draw the same sample again.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "required": "Enter a seed",
            "invalid": "Enter the seed as a whole number, like 2026",
            "min_value": "The seed must be 0 or more",
            "max_value": "The seed must be less than 2,147,483,648",
        },
    )
    auditors = _AuditorChoice(
        label="Auditors",
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Cases are shared among them in turn.",
        error_messages={"required": "Select at least one auditor"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["auditors"].queryset = auditor_choices()
        size_fields = []
        for group in SAMPLE_GROUPS:
            name = f"size_{group.lower()}"
            self.fields[name] = forms.IntegerField(
                label=group,
                min_value=0,
                max_value=1000,
                initial=0,
                required=False,
                widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
                error_messages={
                    "invalid": f"Enter the number of {group} cases as a whole number",
                    "min_value": f"The number of {group} cases must be 0 or more",
                    "max_value": f"The number of {group} cases must be 1,000 or fewer",
                },
            )
            size_fields.append(Field.text(name, field_width=Fixed.FOUR))
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.select("template"),
            Field.text("name"),
            Field("open_on"),
            Field.text("seed", field_width=Fixed.TEN),
            Fieldset(
                *size_fields,
                legend="Cases to sample from each ethnic group",
                legend_size=Size.SMALL,
            ),
            Field.checkboxes("auditors", legend_size=Size.SMALL),
            Button("draw", "Draw the sample"),
        )

    def sizes(self) -> dict[str, int]:
        return {
            group: self.cleaned_data.get(f"size_{group.lower()}") or 0 for group in SAMPLE_GROUPS
        }

    def clean(self):
        cleaned = super().clean()
        size_errors = any(name.startswith("size_") for name in self.errors)
        if not size_errors and not any(self.sizes().values()):
            self.add_error("size_white", "Enter how many cases to sample from at least one group")
        return cleaned


class AuditRecordForm(forms.Form):
    """One radio question per template question, then the grade and a summary."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        layout = []
        for number, question in enumerate(self.questions, start=1):
            name = f"question_{question.pk}"
            self.fields[name] = forms.ChoiceField(
                # crispy-forms-gds prints a label with |safe: a question's text is a data
                # manager's typing, so it is escaped here (as the survey's forms do).
                label=f"{number}. {escape(question.text)}",
                choices=AuditAnswer.choices,
                widget=forms.RadioSelect,
                error_messages={"required": f"Select yes, partly or no for question {number}"},
            )
            layout.append(Field.radios(name, legend_size=Size.SMALL, inline=True))
        self.fields["grade"] = forms.ChoiceField(
            label="Overall grade",
            choices=AuditGrade.choices,
            widget=forms.RadioSelect,
            error_messages={"required": "Select the overall grade"},
        )
        self.fields["summary"] = forms.CharField(
            label="Summary of findings",
            required=False,
            help_text="Do not write the child's or family's names.",
            widget=forms.Textarea(attrs={"rows": 4}),
        )
        layout += [
            Field.radios("grade", legend_size=Size.MEDIUM),
            Field.textarea("summary"),
            Button("save", "Save audit"),
        ]
        self.helper = FormHelper()
        self.helper.layout = Layout(*layout)

    def answers(self) -> dict[int, str]:
        return {q.pk: self.cleaned_data[f"question_{q.pk}"] for q in self.questions}


class AuditModerationForm(forms.Form):
    grade = forms.ChoiceField(
        label="Moderated grade",
        choices=AuditGrade.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the moderated grade"},
    )
    note = forms.CharField(
        label="Moderation note",
        required=False,
        help_text="Needed if you change the grade. Do not write the child's or family's names.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, recorded_grade: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.recorded_grade = recorded_grade
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("grade", legend_size=Size.MEDIUM),
            Field.textarea("note"),
            Button("save", "Save moderation"),
        )

    def clean(self):
        cleaned = super().clean()
        grade = cleaned.get("grade")
        if grade and grade != self.recorded_grade and not (cleaned.get("note") or "").strip():
            self.add_error("note", "Say why the grade has changed")
        return cleaned


class AuditResultsForm(forms.Form):
    template = forms.ModelChoiceField(
        label="Audit template",
        queryset=AuditTemplate.objects.all(),
        required=False,
        empty_label=None,
        error_messages={"invalid_choice": "Select a template from the list"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(Field.select("template"), Button("apply", "Show results"))
