"""Seeds the thematic audit template with the programme's four racial-lens questions."""

from django.db import migrations

TEMPLATE = "Thematic audit with a racial lens"
DESCRIPTION = (
    "Whether ethnicity, race, culture, religion and language shape the assessment and plan, and "
    "whether the family's experience of racism is explored (the Race, Ethnicity, Culture and "
    "Religion thinking tool)."
)
# Kept here as they were when seeded: a migration must not change when the code does.
QUESTIONS = [
    ("ethnicity_recorded", "Is the child's ethnicity recorded as the family describes it?"),
    (
        "identity_in_assessment",
        "Are race, culture, religion and language considered in the assessment?",
    ),
    ("racism_explored", "Is the family's experience of racism explored?"),
    ("identity_needs_met", "Does the plan meet the child's identity needs?"),
]


def seed(apps, schema_editor):
    AuditTemplate = apps.get_model("dashboards", "AuditTemplate")
    AuditQuestion = apps.get_model("dashboards", "AuditQuestion")
    template, created = AuditTemplate.objects.get_or_create(
        name=TEMPLATE, defaults={"description": DESCRIPTION}
    )
    if created:
        for position, (key, text) in enumerate(QUESTIONS, start=1):
            AuditQuestion.objects.create(
                template=template, key=key, text=text, racial_lens=True, position=position
            )


def unseed(apps, schema_editor):
    AuditTemplate = apps.get_model("dashboards", "AuditTemplate")
    AuditTemplate.objects.filter(name=TEMPLATE, rounds__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("dashboards", "0002_practice_audits")]

    operations = [migrations.RunPython(seed, unseed)]
