"""Forms: the intake's question pages, and the data manager's survey and question forms."""

import re

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import (
    HTML,
    Button,
    ConditionalQuestion,
    ConditionalRadios,
    Field,
    Fluid,
    Layout,
    Size,
)
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.html import escape

from arp_portal.core.forms import GovUKDateField
from surveys.models import (
    KINDS_WITH_OWN_OPTIONS,
    MINIMUM_THRESHOLD,
    DisclosureMode,
    ModerationStatus,
    QuestionKind,
    Survey,
    SurveyAccess,
)
from surveys.questionnaire import EXCLUSIVE_OPTION_CODES
from surveys.services import FREE_TEXT_MAX_LENGTH


def _helper(*fields, button: str = "Continue") -> FormHelper:
    helper = FormHelper()
    helper.layout = Layout(*fields, Button("submit", button))
    return helper


# --- Intake ----------------------------------------------------------------------------------


def field_name(question) -> str:
    return f"q{question.pk}"


def field_anchor(question) -> str:
    """The id of a question's form group (its legend or label and its inputs) on its page:
    where a "Change" link lands."""
    return f"div_id_{field_name(question)}"


def _choices(question) -> list:
    choices: list[Choice] = []
    for option in question.options.all():
        if option.code in EXCLUSIVE_OPTION_CODES and choices:
            # GOV.UK's "or" divider before the answers that stand alone.
            last = choices[-1]
            if getattr(last, "divider", None) is None and last.value not in EXCLUSIVE_OPTION_CODES:
                choices[-1] = Choice(last.value, last.label, divider="or")
        choices.append(Choice(option.code, escape(option.label)))
    return choices


class QuestionPageForm(forms.Form):
    """The questions of one intake page. Every choice question must be answered; each offers
    "Prefer not to say". Free text is optional.

    Question text, hints and option labels are written by staff and read by everyone who
    answers, and crispy-forms-gds prints labels and hints with |safe: they are escaped here, so
    markup a data manager types shows as text (tests/surveys/test_staff_text_is_inert.py)."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        layout = []
        for question in self.questions:
            name = field_name(question)
            required = f"Select an answer to “{question.text}”, or “Prefer not to say”"
            label, hint = escape(question.text), escape(question.hint)
            if question.is_free_text:
                self.fields[name] = forms.CharField(
                    label=label,
                    help_text=hint,
                    required=False,
                    max_length=FREE_TEXT_MAX_LENGTH,
                    # crispy-forms-gds appends the character count's id to aria-describedby,
                    # and raises KeyError when there is no hint to have set it first.
                    widget=forms.Textarea(attrs={"rows": 6, "aria-describedby": ""}),
                    error_messages={
                        "max_length": f"Your answer must be {FREE_TEXT_MAX_LENGTH} characters "
                        "or fewer"
                    },
                )
                layout.append(
                    Field.textarea(
                        name,
                        label_size=Size.MEDIUM,
                        label_tag="h2",
                        max_characters=FREE_TEXT_MAX_LENGTH,
                    )
                )
            elif question.is_multiple:
                self.fields[name] = forms.MultipleChoiceField(
                    label=label,
                    help_text=hint,
                    choices=_choices(question),
                    widget=forms.CheckboxSelectMultiple,
                    error_messages={"required": required},
                )
                layout.append(Field.checkboxes(name, legend_size=Size.MEDIUM, legend_tag="h2"))
            else:
                self.fields[name] = forms.ChoiceField(
                    label=label,
                    help_text=hint,
                    choices=_choices(question),
                    widget=forms.RadioSelect,
                    error_messages={"required": required},
                )
                layout.append(Field.radios(name, legend_size=Size.MEDIUM, legend_tag="h2"))
        self.helper = _helper(*layout)
        # The page template writes the <form> tag and CSRF token, so the fields' HTML is the
        # same for every visitor and can be cached (intake_views.page).
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean(self):
        data = super().clean()
        for question in self.questions:
            chosen = data.get(field_name(question))
            if question.is_multiple and chosen and len(chosen) > 1:
                alone = EXCLUSIVE_OPTION_CODES & set(chosen)
                if alone:
                    label = {o.code: o.label for o in question.options.all()}[sorted(alone)[0]]
                    self.add_error(
                        field_name(question),
                        f"Select “{label}” on its own, or the answers that apply",
                    )
        return data

    def answers(self) -> dict[str, object]:
        """The answers in the session's form: {question id: code | [codes] | text}."""
        return {
            str(question.pk): self.cleaned_data.get(field_name(question))
            for question in self.questions
        }


def initial_from_answers(questions, answers: dict) -> dict:
    return {
        field_name(q): answers[str(q.pk)] for q in questions if answers.get(str(q.pk)) is not None
    }


class InvitationCodeForm(forms.Form):
    code = forms.CharField(
        label="Invitation code",
        help_text="The code in your invitation, for example ABCD-EFGH-JKLM.",
        max_length=30,
        error_messages={"required": "Enter the invitation code from your invitation"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})
        self.helper = _helper(
            Field.text("code", label_size=Size.MEDIUM, field_width=Fluid.ONE_HALF),
            button="Start now",
        )


class SubmitAnswersForm(forms.Form):
    """The check-your-answers button, with a honeypot: a field people never see (hidden from
    sight, keyboard and screen readers) that form-filling robots tend to fill in."""

    website = forms.CharField(label="Leave this blank", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})
        self.helper = FormHelper()
        self.helper.form_tag = False  # the template's <form> holds the CSRF token
        self.helper.layout = Layout(
            HTML('<div class="portal-honeypot" hidden>'),
            Field.text("website"),
            HTML("</div>"),
            Button("submit", "Send my answers"),
        )

    @property
    def caught_a_robot(self) -> bool:
        return bool(self.is_valid() and self.cleaned_data.get("website"))


# A UK number as people write it: spaces, hyphens and brackets are ignored; 0 or +44 (or 0044)
# then 9 or 10 digits (Ofcom's numbering plan: 10 digits after the 0 for almost every number).
UK_PHONE = re.compile(r"^(?:\+44|0044|0)\d{9,10}$")
EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"
PHONE_FORMAT = "Enter a UK phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"


class FollowUpForm(forms.Form):
    """The offer to talk: the contact box shown is the one for the method chosen (GOV.UK
    conditional radios; without JavaScript both show, and only the chosen one is read)."""

    name = forms.CharField(
        label="Your name",
        max_length=200,
        error_messages={"required": "Enter your name"},
    )
    preferred_contact = forms.ChoiceField(
        label="How should we contact you?",
        choices=[("email", "Email"), ("phone", "Phone")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select how we should contact you"},
    )
    email = forms.CharField(label="Email address", max_length=254, required=False)
    phone = forms.CharField(
        label="Phone number",
        max_length=30,
        required=False,
        help_text="A UK number, landline or mobile",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget = forms.EmailInput(
            attrs={"autocomplete": "email", "spellcheck": "false"}
        )
        self.fields["phone"].widget = forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"})
        self.helper = _helper(
            Field.text("name", field_width=Fluid.TWO_THIRDS),
            ConditionalRadios(
                "preferred_contact",
                ConditionalQuestion("Email", Field.text("email", field_width=Fluid.TWO_THIRDS)),
                ConditionalQuestion("Phone", Field.text("phone", field_width=Fluid.ONE_HALF)),
            ),
            button="Send",
        )

    def clean(self):
        cleaned = super().clean()
        method = cleaned.get("preferred_contact")
        email = (cleaned.pop("email", "") or "").strip()
        phone = (cleaned.pop("phone", "") or "").strip()
        if method == "email":
            if not email:
                self.add_error("email", "Enter your email address")
            else:
                try:
                    validate_email(email)
                except ValidationError:
                    self.add_error("email", EMAIL_FORMAT)
                else:
                    cleaned["contact"] = email
        elif method == "phone":
            digits = re.sub(r"[\s\-.()]", "", phone.replace("(0)", ""))
            if not phone:
                self.add_error("phone", "Enter your phone number")
            elif not UK_PHONE.match(digits):
                self.add_error("phone", PHONE_FORMAT)
            else:
                cleaned["contact"] = phone
        return cleaned


# --- Management --------------------------------------------------------------------------------


def _date_field(label: str, help_text: str, required: str) -> GovUKDateField:
    return GovUKDateField(name=label, label=label, help_text=help_text, required_message=required)


class SurveyForm(forms.ModelForm):
    opens_on = _date_field("Opening date", "For example, 17 6 2026", "Enter the opening date")
    closes_on = _date_field(
        "Closing date",
        "The last day people can answer. For example, 11 8 2026",
        "Enter the closing date",
    )
    retain_responses_until = _date_field(
        "Keep individual responses until",
        "After this date you can delete the responses and keep the published results.",
        "Enter the date to keep responses until",
    )

    class Meta:
        model = Survey
        fields = [
            "title",
            "slug",
            "introduction",
            "privacy_text",
            "opens_on",
            "closes_on",
            "retain_responses_until",
            "reporting_threshold",
            "disclosure_mode",
            "results_hidden_until_closed",
            "access",
        ]
        labels = {
            "slug": "Web address",
            "privacy_text": "What we store and who sees it",
            "reporting_threshold": "Reporting threshold",
            "access": "Who can answer",
            "disclosure_mode": "How results are protected",
            "results_hidden_until_closed": "Show no results until the survey closes",
        }
        help_texts = {
            "reporting_threshold": "Results for a group smaller than this are shown as “c”. "
            f"At least {MINIMUM_THRESHOLD}; 10 is usual.",
            "disclosure_mode": "By group, as survey tools do: a group with at least the "
            "threshold of respondents shows every answer, and a group is hidden whole where it "
            "could be worked out by subtraction. Strict also hides any answer given by fewer "
            "than the threshold, and the figures that would reveal it: many more figures are "
            "hidden (about two thirds of a typical survey's), often the answers that matter "
            "most, such as the few who disagree.",
            "results_hidden_until_closed": "Otherwise results can be read while the survey is "
            "open, and move on only in steps of at least the threshold in every group.",
            "introduction": "Shown on the survey's start page.",
            "privacy_text": "Shown on the start page and again on the confirmation page.",
        }
        error_messages = {
            "title": {"required": "Enter a title"},
            "slug": {
                "required": "Enter a web address",
                "invalid": "Web address must only include lower case letters, numbers and hyphens",
            },
            "introduction": {"required": "Enter an introduction"},
            "privacy_text": {"required": "Enter what is stored and who sees it"},
            "reporting_threshold": {
                "required": "Enter a reporting threshold",
                "min_value": f"Reporting threshold must be {MINIMUM_THRESHOLD} or more",
                "invalid": "Reporting threshold must be a whole number",
            },
        }
        widgets = {"access": forms.RadioSelect, "disclosure_mode": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["access"].choices = SurveyAccess.choices
        self.fields["disclosure_mode"].choices = DisclosureMode.choices
        self.fields["reporting_threshold"].widget.attrs["inputmode"] = "numeric"
        self.helper = _helper(
            Field.text("title", field_width=Fluid.FULL),
            Field.text("slug", field_width=Fluid.TWO_THIRDS),
            Field.textarea("introduction", rows=4),
            Field.textarea("privacy_text", rows=4),
            Field("opens_on"),
            Field("closes_on"),
            Field("retain_responses_until"),
            Field.text("reporting_threshold", field_width=4),
            Field.radios("disclosure_mode", legend_size=Size.SMALL),
            Field.checkbox("results_hidden_until_closed"),
            Field.radios("access", legend_size=Size.SMALL),
            button="Save survey",
        )

    def clean_reporting_threshold(self):
        threshold = self.cleaned_data["reporting_threshold"]
        if threshold is not None and threshold < MINIMUM_THRESHOLD:
            raise forms.ValidationError(f"Reporting threshold must be {MINIMUM_THRESHOLD} or more")
        return threshold

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", "Closing date must be on or after the opening date")
        keep = data.get("retain_responses_until")
        if keep and closes and keep < closes:
            self.add_error(
                "retain_responses_until", "Keep responses until at least the closing date"
            )
        return data

    def _post_clean(self):
        # The service checks the model (full_clean) itself; the form's own errors are enough.
        pass


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of question",
        choices=QuestionKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of question"},
    )
    text = forms.CharField(
        label="Question", max_length=300, error_messages={"required": "Enter the question"}
    )
    hint = forms.CharField(label="Hint (optional)", max_length=300, required=False)
    section = forms.CharField(
        label="Section (optional)",
        help_text="Questions in the same section share a page; the section is its heading.",
        max_length=120,
        required=False,
    )
    options = forms.CharField(
        label="Options",
        help_text="For single and multiple choice: one option a line. “Prefer not to say” is "
        "added for you. Other kinds have fixed options.",
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing
        fields = [
            Field.text("text", field_width=Fluid.FULL),
            Field.text("hint", field_width=Fluid.FULL),
            Field.text("section", field_width=Fluid.TWO_THIRDS),
            Field.textarea("options"),
        ]
        if editing:
            del self.fields["kind"]
        else:
            fields.insert(0, Field.radios("kind", legend_size=Size.SMALL))
        self.helper = _helper(*fields, button="Save question")

    def clean(self):
        data = super().clean()
        kind = data.get("kind") or self.initial.get("kind")
        if kind in KINDS_WITH_OWN_OPTIONS:
            from surveys.services import options_from_lines

            options = options_from_lines(data.get("options", ""))
            if len(options) < 2:
                self.add_error("options", "Enter at least 2 options, one on each line")
            data["option_list"] = options
        else:
            data["option_list"] = None
        return data


class WaveForm(forms.Form):
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter a title"}
    )
    slug = forms.SlugField(
        label="Web address",
        max_length=80,
        error_messages={
            "required": "Enter a web address",
            "invalid": "Web address must only include lower case letters, numbers and hyphens",
        },
    )

    def __init__(self, *args, button: str = "Create survey", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("title", field_width=Fluid.FULL),
            Field.text("slug", field_width=Fluid.TWO_THIRDS),
            button=button,
        )


class InvitationsForm(forms.Form):
    count = forms.IntegerField(
        label="How many codes?",
        min_value=1,
        max_value=5000,
        error_messages={
            "required": "Enter how many codes to make",
            "min_value": "Enter a number of codes between 1 and 5000",
            "max_value": "Enter a number of codes between 1 and 5000",
            "invalid": "Number of codes must be a whole number",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["count"].widget = forms.TextInput(attrs={"inputmode": "numeric"})
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("count", field_width=4),
            Button("submit", "Make codes"),
            Button.secondary("download", "Make codes as a CSV file"),
        )


class ModerationForm(forms.Form):
    moderated_text = forms.CharField(
        label="Text to publish",
        help_text="Remove names, places, dates and anything else that could identify someone. "
        "Write [removed] where you take something out.",
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
    )
    status = forms.ChoiceField(
        label="Decision",
        choices=[
            (ModerationStatus.APPROVED, "Publish the text above"),
            (ModerationStatus.WITHHELD, "Withhold it: it cannot be made safe to publish"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether to publish or withhold this answer"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.textarea("moderated_text"),
            Field.radios("status", legend_size=Size.SMALL),
            button="Save decision",
        )

    def clean(self):
        data = super().clean()
        if (
            data.get("status") == ModerationStatus.APPROVED
            and not data.get("moderated_text", "").strip()
        ):
            self.add_error("moderated_text", "Enter the text to publish")
        return data


class ConfirmForm(forms.Form):
    """A button that confirms an action (the page above it says what will happen)."""

    def __init__(self, *args, button: str, warning: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Button.warning("submit", button) if warning else Button("submit", button)
        )


class ResultsViewForm(forms.Form):
    """Whose answers to show: everyone, or one role, grade band or locality at a time.

    One filter at a time, on purpose: every further combination is another pair of tables
    someone could subtract from each other (docs/surveys.md, "Disclosure control")."""

    view = forms.ChoiceField(label="Show answers from", required=False)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["view"].choices = choices
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(Field.select("view"), Button.secondary("apply", "Show"))

    def clean_view(self):
        value = self.cleaned_data.get("view") or ""
        return value


class WrittenAnswersForm(forms.Form):
    """Which written answers to read: by question, by group, and by words in them."""

    question = forms.ChoiceField(label="Question", required=False)
    group = forms.ChoiceField(label="Ethnic group", required=False)
    words = forms.CharField(label="Words in the answer", required=False, max_length=100, strip=True)

    def __init__(self, *args, questions, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question"].choices = [("", "Every question"), *questions]
        self.fields["group"].choices = [("", "Every group shown"), *groups]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(
            Field.select("question"),
            Field.select("group"),
            Field.text("words", field_width=Fluid.ONE_HALF),
            Button.secondary("apply", "Show answers"),
        )
