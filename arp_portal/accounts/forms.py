from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fluid, Layout, Size
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm

from arp_portal.core.roles import ROLE_DESCRIPTIONS, ROLE_PERMISSIONS


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been switched off. Ask your data manager.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.helper = FormHelper()
        self.helper.form_tag = False  # the template adds the "next" field
        self.helper.layout = Layout(
            Field.text("username", field_width=Fluid.ONE_HALF),
            Field.text("password", field_width=Fluid.ONE_HALF),
            Button("submit", "Sign in"),
        )


class PortalPasswordChangeForm(PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].error_messages["required"] = "Enter your current password"
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].error_messages["required"] = "Enter the new password again"
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("old_password", field_width=Fluid.ONE_HALF),
            Field.text("new_password1", field_width=Fluid.ONE_HALF),
            Field.text("new_password2", field_width=Fluid.ONE_HALF),
            Button("submit", "Change password"),
        )


NO_ROLE = ""


def _role_choices(roles=None):
    return [
        *[
            (role, f"{role}: {ROLE_DESCRIPTIONS[role]}")
            for role in ROLE_PERMISSIONS
            if roles is None or role in roles
        ],
        (NO_ROLE, "No role: can sign in but see nothing"),
    ]


def _offer_roles(form, roles) -> None:
    """Only the roles the person using the form may give (services.roles_grantable_by)."""
    if roles is not None:
        form.fields["role"].choices = _role_choices(roles)


class UserCreateForm(forms.Form):
    username = forms.CharField(
        max_length=150,
        help_text="Usually the person's council username, e.g. jane.smith",
        error_messages={"required": "Enter a username"},
    )
    email = forms.EmailField(
        label="Email address",
        error_messages={
            "required": "Enter an email address",
            "invalid": "Enter an email address in the correct format, like name@example.gov.uk",
        },
    )
    role = forms.ChoiceField(
        choices=_role_choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select a role"},
    )
    password = forms.CharField(
        label="Initial password",
        help_text="At least 12 characters. Give it to the person securely; they should change it "
        "when they first sign in.",
        widget=forms.PasswordInput(render_value=True),
        error_messages={"required": "Enter an initial password"},
    )

    def __init__(self, *args, roles=None, **kwargs):
        super().__init__(*args, **kwargs)
        _offer_roles(self, roles)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("username", field_width=Fluid.ONE_HALF),
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Field.radios("role", legend_size=Size.MEDIUM),
            Field.text("password", field_width=Fluid.ONE_HALF),
            Button("submit", "Add user"),
        )

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("A user with this username already exists")
        return username


class UserUpdateForm(forms.Form):
    email = UserCreateForm.base_fields["email"]
    role = UserCreateForm.base_fields["role"]
    is_active = forms.BooleanField(
        label="This person can sign in",
        required=False,
        help_text="Untick when someone leaves: their history in the action plan is kept.",
    )

    def __init__(self, *args, roles=None, **kwargs):
        super().__init__(*args, **kwargs)
        _offer_roles(self, roles)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Field.radios("role", legend_size=Size.MEDIUM),
            Field.checkbox("is_active"),
            Button("submit", "Save changes"),
        )
