"""The workforce files a data manager can import (listed on the imports page)."""

from collections.abc import Callable
from dataclasses import dataclass

from dashboards.import_kinds import ImportKind
from dashboards.workforce import importers


@dataclass(frozen=True)
class WorkforceImport:
    kind: ImportKind
    importer: Callable[..., dict]
    accept: str  # the file input's accept attribute
    columns: str  # what the upload page says the file must hold


WORKFORCE_STAFF = ImportKind(
    slug="workforce_staff",
    title="Workforce: HR staff extract (CSV)",
    description="One row per member of staff, in post or left: ethnicity, grade band, role, team, "
    "FTE, hourly pay, start and leaving dates. Staff ids are replaced by a keyed hash.",
    url_name="dashboards:workforce_import_staff",
    command="python manage.py import_workforce FILE.csv",
)
WORKFORCE_EVENTS = ImportKind(
    slug="workforce_events",
    title="Workforce: HR events (CSV)",
    description="Disciplinary processes opened and their outcomes, shortlisting and appointment, "
    "and anti-racist practice training completed, for staff already imported.",
    url_name="dashboards:workforce_import_events",
    command="python manage.py import_workforce_events FILE.csv",
)
CSWW = ImportKind(
    slug="csww",
    title="Children's social work workforce census (XML)",
    description="The DfE CSWW return: ethnicity, role, FTE and dates of each social worker. "
    "Registration numbers are replaced by the same keyed hash as HR ids.",
    url_name="dashboards:workforce_import_csww",
    command="python manage.py import_csww FILE.xml",
)
WORKING_AGE_POPULATION = ImportKind(
    slug="working_age_population",
    title="Working-age population by ethnicity (CSV)",
    description="The local population aged 16 to 64 by DfE ethnicity code, for comparing the "
    "workforce with the community it serves.",
    url_name="dashboards:workforce_import_population",
    command="python manage.py import_working_age_population FILE.csv",
)

IMPORT_KINDS = [WORKFORCE_STAFF, WORKFORCE_EVENTS, CSWW, WORKING_AGE_POPULATION]

WORKFORCE_IMPORTS: dict[str, WorkforceImport] = {
    "staff": WorkforceImport(
        WORKFORCE_STAFF,
        importers.import_workforce,
        ".csv,text/csv",
        "Columns: " + ", ".join(importers.WORKFORCE_COLUMNS) + ".",
    ),
    "events": WorkforceImport(
        WORKFORCE_EVENTS,
        importers.import_workforce_events,
        ".csv,text/csv",
        "Columns: " + ", ".join(importers.EVENT_COLUMNS) + ".",
    ),
    "csww": WorkforceImport(
        CSWW, importers.import_csww, ".xml,text/xml,application/xml", "CSWWWorker records."
    ),
    "population": WorkforceImport(
        WORKING_AGE_POPULATION,
        importers.import_working_age_population,
        ".csv,text/csv",
        "Columns: " + ", ".join(importers.POPULATION_COLUMNS) + ".",
    ),
}
