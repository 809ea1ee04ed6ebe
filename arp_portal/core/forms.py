from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fluid, Layout
from django import forms


class EthnicityLabelForm(forms.Form):
    label = forms.CharField(
        label="Display label",
        help_text="How this code is worded on the portal's pages. The DfE code does not change.",
        max_length=100,
        error_messages={"required": "Enter a display label"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("label", field_width=Fluid.TWO_THIRDS), Button("submit", "Save label")
        )
