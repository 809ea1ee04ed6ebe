"""Every kind of file a data manager can import: one registry for the upload page, the report
page, the imports hub and the import commands (docs/adr/052-one-import-pipeline.md).

Adding a kind is one entry in IMPORT_KINDS: its importer (a function of the files returning
counts, see arp_portal/core/importing.py), the files it takes, and a management command module
of three lines (class Command(ImportCommand): kind = "slug").
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

from arp_portal.core.models import DEMO_IMPORT_KIND
from dashboards.children import importers as children
from dashboards.front_door import importers as front_door
from dashboards.workforce import importers as workforce

CSV = ".csv,text/csv"
FLAT = ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XML = ".xml,text/xml,application/xml"
# The kinds whose imports write children and their episodes (the children's dashboard is
# prepared again after one of them). The demo data writes everything.
EPISODE_DATA = ("cases", "cin_census", "ssda903", DEMO_IMPORT_KIND)
# Counts that mean an import removes or changes what an earlier one wrote: the upload page then
# shows what it would do and asks to confirm before writing.
CHANGE_COUNTS = (
    "episodes_removed",
    "episodes_superseded",
    # A CIN census of a later year ends the earlier return's open episodes (LATER_RETURN), as
    # an SSDA903 return's cleaning does (RULE_2, which shows as episodes removed).
    "episodes_closed_by_a_later_return",
    "children_updated",
    "rows_removed",
    "updated",
    "replaced",
)


DASHBOARD_TITLES = {
    "dashboards:children": "the children's dashboard",
    "dashboards:workforce": "the workforce dashboard",
    "dashboards:front_door": "the front door dashboard",
}


@dataclass(frozen=True)
class FileSlot:
    field: str  # the upload form's field name
    label: str
    hint: str
    accept: str


@dataclass(frozen=True)
class ImportKind:
    slug: str  # also ImportRun.kind
    title: str  # "CIN census (XML)"
    description: str  # one sentence: what the file is and where it comes from
    importer: Callable[..., dict]
    files: tuple[FileSlot, ...]
    command: str  # the management command that does the same from a shell
    command_arguments: str  # "FILE.xml"
    same_data: tuple[str, ...]  # kinds writing the same tables (a repeated file is recognised)
    dashboard_url_name: str  # the dashboard the data feeds
    writes_episodes: bool = False
    layout_template: str = ""  # a template describing the layout, on the upload page
    asks_collection_year: bool = False  # SSDA903: the year may be given on upload
    # Extra context for the layout template (lists of codes, say), called as the page is made.
    layout_context: Callable[[], dict] | None = None

    @property
    def path_slug(self) -> str:
        return self.slug.replace("_", "-")

    @property
    def dashboard_title(self) -> str:
        return DASHBOARD_TITLES[self.dashboard_url_name]

    @property
    def shell_command(self) -> str:
        return f"python manage.py {self.command} {self.command_arguments}"

    def needs_confirmation(self, counts: dict) -> bool:
        """Whether the import would remove or change data an earlier import wrote."""
        return any(int(counts.get(key) or 0) > 0 for key in CHANGE_COUNTS)


def _front_door_layout() -> dict:
    """The code lists the front door's layouts print (referral sources, decisions, closures,
    early help teams)."""
    from arp_portal.core.models import Team
    from dashboards.front_door.models import CONTACT_SOURCES, ContactOutcome, EarlyHelpClosure

    return {
        "sources": CONTACT_SOURCES.items(),
        "outcomes": ContactOutcome.choices,
        "closures": EarlyHelpClosure.choices,
        "early_help_teams": Team.objects.filter(service_area="early_help"),
    }


def _columns(names) -> str:
    return "Columns: " + ", ".join(names) + "."


def _flat(columns) -> tuple[FileSlot, ...]:
    return (
        FileSlot(
            "file",
            "Upload a file",
            f"A CSV file or an Excel workbook (.xlsx, first sheet). {_columns(columns)}",
            FLAT,
        ),
    )


IMPORT_KINDS: list[ImportKind] = [
    ImportKind(
        slug="cases",
        title="Case-system export (CSV or Excel)",
        description="One row per episode (child in need, protection plan, in care) exported "
        "from your case management system, with the child's birth date, sex, ethnicity and "
        "team.",
        importer=children.import_cases,
        files=_flat(children.CASES_COLUMNS),
        command="import_cases",
        command_arguments="FILE.csv",
        same_data=EPISODE_DATA,
        dashboard_url_name="dashboards:children",
        writes_episodes=True,
        layout_template="dashboards/children/layouts/cases.html",
    ),
    ImportKind(
        slug="cin_census",
        title="CIN census (XML)",
        description="The children in need census return for a year: referrals, child in need "
        "plans and child protection plans.",
        importer=children.import_cin_census,
        files=(FileSlot("file", "Upload a file", "The CIN census return as an XML file.", XML),),
        command="import_cin_census",
        command_arguments="FILE.xml",
        same_data=EPISODE_DATA,
        dashboard_url_name="dashboards:children",
        writes_episodes=True,
        layout_template="dashboards/children/layouts/cin_census.html",
    ),
    ImportKind(
        slug="ssda903",
        title="SSDA903 children looked after (CSV)",
        description="The looked-after children return's Header and Episodes tables: who was in "
        "care, and when.",
        importer=children.import_ssda903,
        files=(
            FileSlot(
                "header",
                "Header file (CSV)",
                "CHILD, SEX, DOB, ETHNIC and the return's other Header columns.",
                CSV,
            ),
            FileSlot(
                "episodes",
                "Episodes file (CSV)",
                "CHILD, DECOM, RNE, LS, CIN, PLACE, ..., DEC, REC ...",
                CSV,
            ),
        ),
        command="import_ssda903",
        command_arguments="HEADER.csv EPISODES.csv [--year 2025]",
        same_data=EPISODE_DATA,
        dashboard_url_name="dashboards:children",
        writes_episodes=True,
        layout_template="dashboards/children/layouts/ssda903.html",
        asks_collection_year=True,
    ),
    ImportKind(
        slug="population",
        title="Child population estimates (CSV or Excel)",
        description="Children aged 0 to 17 by ethnicity, age band and locality: the "
        "denominator of every rate.",
        importer=children.import_population,
        files=_flat(children.POPULATION_COLUMNS),
        command="import_population",
        command_arguments="FILE.csv",
        same_data=("population", DEMO_IMPORT_KIND),
        dashboard_url_name="dashboards:children",
        layout_template="dashboards/children/layouts/population.html",
    ),
    ImportKind(
        slug="workforce_staff",
        title="Workforce: HR staff extract (CSV or Excel)",
        description="One row per member of staff, in post or left: ethnicity, grade band, "
        "role, team, FTE, hourly pay, start and leaving dates. Staff ids are replaced by a "
        "keyed hash.",
        importer=workforce.import_workforce,
        files=_flat(workforce.WORKFORCE_COLUMNS),
        command="import_workforce",
        command_arguments="FILE.csv",
        same_data=("workforce_staff", "csww", DEMO_IMPORT_KIND),
        dashboard_url_name="dashboards:workforce",
    ),
    ImportKind(
        slug="workforce_events",
        title="Workforce: HR events (CSV or Excel)",
        description="Disciplinary processes opened and their outcomes, shortlisting and "
        "appointment, and anti-racist practice training completed, for staff already imported.",
        importer=workforce.import_workforce_events,
        files=_flat(workforce.EVENT_COLUMNS),
        command="import_workforce_events",
        command_arguments="FILE.csv",
        same_data=("workforce_events", DEMO_IMPORT_KIND),
        dashboard_url_name="dashboards:workforce",
    ),
    ImportKind(
        slug="csww",
        title="Children's social work workforce census (XML)",
        description="The DfE CSWW return: ethnicity, role, FTE and dates of each social worker. "
        "Registration numbers are replaced by the same keyed hash as HR ids.",
        importer=workforce.import_csww,
        files=(FileSlot("file", "Upload a file", "CSWWWorker records, as an XML file.", XML),),
        command="import_csww",
        command_arguments="FILE.xml",
        same_data=("workforce_staff", "csww", DEMO_IMPORT_KIND),
        dashboard_url_name="dashboards:workforce",
    ),
    ImportKind(
        slug="working_age_population",
        title="Working-age population by ethnicity (CSV or Excel)",
        description="The local population aged 16 to 64 by DfE ethnicity code, for comparing "
        "the workforce with the community it serves.",
        importer=workforce.import_working_age_population,
        files=_flat(workforce.POPULATION_COLUMNS),
        command="import_working_age_population",
        command_arguments="FILE.csv",
        same_data=("working_age_population", DEMO_IMPORT_KIND),
        dashboard_url_name="dashboards:workforce",
    ),
    ImportKind(
        slug="contacts",
        title="Front door contacts (CSV or Excel)",
        description="One row per contact with the front door from your case system: the "
        "child's reference, the date, the CIN census referral source and the decision (no "
        "further action, information and advice, early help or referral to children's social "
        "care).",
        importer=front_door.import_contacts,
        files=_flat([*front_door.CONTACT_COLUMNS, "ethnicity (for children not held)"]),
        command="import_contacts",
        command_arguments="FILE.csv",
        same_data=("contacts", DEMO_IMPORT_KIND),
        dashboard_url_name="dashboards:front_door",
        layout_template="dashboards/front_door/layouts/contacts.html",
        layout_context=_front_door_layout,
    ),
    ImportKind(
        slug="early_help",
        title="Early help episodes (CSV or Excel)",
        description="One row per early help episode: the child's reference, start and end "
        "dates, the team and why it closed, including stepped up to children's social care.",
        importer=front_door.import_early_help,
        files=_flat([*front_door.EARLY_HELP_COLUMNS, "ethnicity (for children not held)"]),
        command="import_early_help",
        command_arguments="FILE.csv",
        same_data=("early_help", DEMO_IMPORT_KIND),
        dashboard_url_name="dashboards:front_door",
        layout_template="dashboards/front_door/layouts/early_help.html",
        layout_context=_front_door_layout,
    ),
]
KINDS: dict[str, ImportKind] = {kind.slug: kind for kind in IMPORT_KINDS}
BY_PATH: dict[str, ImportKind] = {kind.path_slug: kind for kind in IMPORT_KINDS}
EPISODE_IMPORTS = frozenset(kind.slug for kind in IMPORT_KINDS if kind.writes_episodes)


def children_dashboard_kinds() -> list[str]:
    """The kinds the children's dashboard counts from (it names the latest import), and the
    demo data."""
    return [
        *(kind.slug for kind in IMPORT_KINDS if kind.dashboard_url_name == "dashboards:children"),
        DEMO_IMPORT_KIND,
    ]


def registered_import_kinds() -> list[ImportKind]:
    return list(IMPORT_KINDS)


def max_upload_bytes() -> int:
    return settings.ARP_MAX_UPLOAD_BYTES
