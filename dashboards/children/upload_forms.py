"""Upload forms for the children's imports: the layout lives here, the template holds
{% crispy form %}."""

import datetime as dt

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms

from arp_portal.core.importing import UploadedData

MAX_UPLOAD_BYTES = 512 * 1024 * 1024


def _uploaded(file) -> UploadedData:
    return UploadedData(file.name, file.read())


class _UploadForm(forms.Form):
    def _check_size(self, file):
        if file is not None and file.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                "The file must be smaller than 512 MB: use the management command for larger files"
            )
        if file is not None and file.size == 0:
            raise forms.ValidationError("The selected file is empty")
        return file


class SingleFileForm(_UploadForm):
    file = forms.FileField(
        label="Upload a file",
        error_messages={"required": "Select a file to import"},
    )

    def __init__(self, *args, help_text: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = help_text
        self.helper = FormHelper()
        self.helper.layout = Layout(Field("file"), Button("submit", "Check and import"))

    def clean_file(self):
        return self._check_size(self.cleaned_data.get("file"))

    def uploads(self) -> list[UploadedData]:
        return [_uploaded(self.cleaned_data["file"])]


class Ssda903Form(_UploadForm):
    header = forms.FileField(
        label="Header file (CSV)",
        help_text="CHILD, SEX, DOB, ETHNIC and the return's other Header columns.",
        error_messages={"required": "Select the Header file"},
    )
    episodes = forms.FileField(
        label="Episodes file (CSV)",
        help_text="CHILD, DECOM, RNE, LS, CIN, PLACE, ..., DEC, REC ...",
        error_messages={"required": "Select the Episodes file"},
    )
    year = forms.IntegerField(
        label="Collection year (optional)",
        help_text="The year the return ends, on 31 March: 2025 for April 2024 to March 2025. "
        "Leave blank to take it from the latest date in the Episodes file.",
        required=False,
        min_value=2000,
        max_value=dt.date.today().year + 1,
        error_messages={
            "invalid": "Enter the collection year as a number, like 2025",
            "min_value": "Enter a collection year from 2000",
            "max_value": "The collection year cannot be after next year",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("header"),
            Field("episodes"),
            Field.text("year", field_width=4),
            Button("submit", "Check and import"),
        )

    def clean_header(self):
        return self._check_size(self.cleaned_data.get("header"))

    def clean_episodes(self):
        return self._check_size(self.cleaned_data.get("episodes"))

    def uploads(self) -> list[UploadedData]:
        return [_uploaded(self.cleaned_data["header"]), _uploaded(self.cleaned_data["episodes"])]
