"""The front door's imports, for the imports page (dashboards/import_kinds.py gathers them).

Each kind is a parse function and a write function in importers.py, joined for run_import."""

from dashboards.import_kinds import ImportKind

CONTACTS = ImportKind(
    slug="contacts",
    title="Front door contacts (CSV or XLSX)",
    description="One row per contact with the front door from your case system: the child's "
    "reference, the date, the CIN census referral source and the decision (no further action, "
    "information and advice, early help or referral to children's social care).",
    url_name="dashboards:import_contacts",
    command="python manage.py import_contacts FILE.csv",
)
EARLY_HELP = ImportKind(
    slug="early_help",
    title="Early help episodes (CSV or XLSX)",
    description="One row per early help episode: the child's reference, start and end dates, "
    "the team and why it closed, including stepped up to children's social care.",
    url_name="dashboards:import_early_help",
    command="python manage.py import_early_help FILE.csv",
)

IMPORT_KINDS = [CONTACTS, EARLY_HELP]
