"""The one upload form, built from a kind's files (dashboards/import_kinds.py); the layout lives
here, the template holds {% crispy form %}."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms
from django.template.defaultfilters import filesizeformat

from arp_portal.core.importing import ImportProblem
from dashboards.children.validation import MIN_COLLECTION_YEAR, latest_collection_year
from dashboards.import_kinds import ImportKind, max_upload_bytes

TOO_LARGE = "too_large"
# Django's FileField says "empty" of a file of no bytes.
REFUSED_FILE_CODES = ("empty", TOO_LARGE)


class ImportUploadForm(forms.Form):
    def __init__(self, *args, kind: ImportKind, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        fields = []
        for slot in kind.files:
            self.fields[slot.field] = forms.FileField(
                label=slot.label,
                help_text=slot.hint,
                error_messages={
                    "required": f"Select the {slot.label[0].lower()}{slot.label[1:]}"
                    if len(kind.files) > 1
                    else "Select a file to import",
                    "empty": "The selected file is empty",
                },
            )
            self.fields[slot.field].widget.attrs["accept"] = slot.accept
            fields.append(Field(slot.field))
        if kind.asks_collection_year:
            self.fields["year"] = forms.IntegerField(
                label="Collection year",
                help_text="The year the return ends, on 31 March: 2025 for April 2024 to "
                "March 2025. Needed unless the Episodes file has a YEAR column.",
                required=False,
                min_value=MIN_COLLECTION_YEAR,
                max_value=latest_collection_year(),
                error_messages={
                    "invalid": "Enter the collection year as a number, like 2025",
                    "min_value": f"Enter a collection year from {MIN_COLLECTION_YEAR}",
                    "max_value": "The collection year cannot be after next year",
                },
            )
            fields.append(Field.text("year", field_width=4))
        self.helper = FormHelper()
        self.helper.attrs = {"enctype": "multipart/form-data"}
        self.helper.layout = Layout(*fields, Button("submit", "Check the file"))

    def clean(self):
        cleaned = super().clean()
        limit = max_upload_bytes()
        for slot in self.kind.files:
            upload = cleaned.get(slot.field)
            if upload is not None and upload.size > limit:
                self.add_error(
                    slot.field,
                    forms.ValidationError(
                        f"The file must be smaller than {filesizeformat(limit)}: use the "
                        f"command {self.kind.command} for larger files",
                        code=TOO_LARGE,
                    ),
                )
        return cleaned

    def refused_files(self) -> list[ImportProblem]:
        """The files the form refused as they are (empty, or over the size limit), as problems
        for the import log: the file is the data manager's to fix, as any rejected file is.
        (A file not chosen at all, or a year mistyped, is only the form's to say.)"""
        refused = []
        errors = self.errors.as_data()
        for slot in self.kind.files:
            upload = self.files.get(slot.field)
            for error in errors.get(slot.field, []):
                if upload is not None and error.code in REFUSED_FILE_CODES:
                    refused.append(
                        ImportProblem(upload.name or slot.field, "", "", error.messages[0])
                    )
        return refused

    def uploads(self) -> list[tuple[str, object]]:
        """(file name, Django UploadedFile) in the kind's order."""
        return [
            (self.cleaned_data[slot.field].name, self.cleaned_data[slot.field])
            for slot in self.kind.files
        ]

    def importer_options(self) -> dict:
        year = self.cleaned_data.get("year")
        return {"year": year} if year else {}
