"""Importers for the workforce files: the HR staff extract, HR events, the DfE children's social
work workforce census (CSWW) and the working-age population.

Each validates the whole file and reports every problem (file, line or record, field, message)
before writing anything; then writes in the transaction `run_import` opens. Staff are known by a
keyed hash of their HR id or registration number (arp_portal.core.pseudonymisation), so no HR id
is stored, and the same id always lands on the same row: re-importing a file changes nothing.

Problems never quote a staff id or registration number: the report is kept in ImportRun.
"""

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from arp_portal.core.ethnicity import UNKNOWN_CODES, VALID_CODES
from arp_portal.core.importing import (
    MAX_COUNT,
    ProblemCollector,
    UploadedData,
    decode_text,
    read_csv,
)
from arp_portal.core.models import GradeBand, StaffMember, StaffRole, Team
from arp_portal.core.pseudonymisation import pseudonymise
from dashboards.children.validation import EARLIEST_DATE
from dashboards.models import WorkforceEvent, WorkforceEventKind, WorkingAgePopulation

Progress = Callable[[int, int], None] | None

WORKFORCE_COLUMNS = [
    "staff_id",
    "ethnicity",
    "grade_band",
    "role",
    "team",
    "fte",
    "hourly_pay",
    "start_date",
    "leaving_date",
]
EVENT_COLUMNS = ["staff_id", "event", "date", "detail"]
POPULATION_COLUMNS = ["year", "source", "ethnicity", "count"]

MAX_FTE = Decimal("1.5")
MAX_HOURLY_PAY = Decimal("500")

# CSWW OrgRole (DfE CSWW guide) -> the portal's grade bands and roles. Every worker in the
# census is a registered social worker; the census has no pay band, so its organisational role
# stands in for the grade (docs/adr/031-csww-roles-as-grade-bands.md).
CSWW_ORG_ROLES: dict[str, tuple[str, str, str]] = {
    "1": ("Senior manager", GradeBand.SENIOR_LEADER, StaffRole.MANAGER),
    "2": ("Middle manager", GradeBand.SERVICE_MANAGER, StaffRole.MANAGER),
    "3": ("First line manager", GradeBand.TEAM_MANAGER, StaffRole.MANAGER),
    "4": ("Senior practitioner", GradeBand.SENIOR_PRACTITIONER, StaffRole.SOCIAL_WORKER),
    "5": ("Case holder", GradeBand.PRACTITIONER, StaffRole.SOCIAL_WORKER),
    "6": ("Qualified without cases", GradeBand.PRACTITIONER, StaffRole.SOCIAL_WORKER),
}
SWE_NUMBER = re.compile(r"[A-Za-z]{2}[0-9]{10}")
# An authority's census is a few thousand workers, a few megabytes.
MAX_CSWW_BYTES = 64 * 1024 * 1024
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
PLAIN_DECIMAL = re.compile(r"[0-9]{1,10}(\.[0-9]*)?|\.[0-9]+")
# An HR extract may name a starter or a leaver a little ahead; a date further on is a typing
# error (2090 for 2009).
FUTURE_STAFF_DATES = dt.timedelta(days=366)


def _choice_lookup(choices) -> dict[str, str]:
    """Accept a choice by its value ("4_team_manager"), that without the order prefix
    ("team_manager") or its label ("Team manager"), case-blind."""
    lookup = {}
    for value, label in choices.choices:
        lookup[value.lower()] = value
        lookup[value.split("_", 1)[1].lower() if value[0].isdigit() else value.lower()] = value
        lookup[label.lower()] = value
    return lookup


GRADE_BANDS = _choice_lookup(GradeBand)
STAFF_ROLES = _choice_lookup(StaffRole)


@dataclass
class _Field:
    """Reports problems for one row, so each check reads as one line."""

    collector: ProblemCollector
    file: str
    location: str

    def problem(self, field_name: str, message: str) -> None:
        self.collector.add(self.file, self.location, field_name, message)

    def date(
        self, field_name: str, value: str, *, required: bool, latest: dt.date | None = None
    ) -> dt.date | None:
        """YYYY-MM-DD from 1900 (no one on the workforce started earlier) and, given latest,
        not after it."""
        if not value:
            if required:
                self.problem(field_name, "is blank: enter a date as YYYY-MM-DD")
            return None
        try:
            if not ISO_DATE.fullmatch(value):
                raise ValueError
            date = dt.date.fromisoformat(value)
        except ValueError:
            self.problem(field_name, f"'{value[:40]}' is not a date as YYYY-MM-DD")
            return None
        if date < EARLIEST_DATE:
            self.problem(field_name, f"{date} is before 1900: not a real date")
            return None
        if latest is not None and date > latest:
            self.problem(field_name, f"{date} is after {latest}: not a date this file can hold")
            return None
        return date

    def decimal(
        self,
        field_name: str,
        value: str,
        *,
        low: Decimal,
        high: Decimal,
        low_inclusive: bool,
        places: int = 2,
    ) -> Decimal | None:
        """A number written plainly (digits and a point: not 1e3, not Arabic-Indic digits),
        rounded to `places` decimal places as it is held, within its range once rounded."""
        if not PLAIN_DECIMAL.fullmatch(value):
            self.problem(field_name, f"'{value[:40]}' is not a number")
            return None
        number = Decimal(value).quantize(Decimal(1).scaleb(-places))
        too_low = number < low if low_inclusive else number <= low
        if too_low or number > high:
            above = "from" if low_inclusive else "above"
            self.problem(
                field_name, f"{value} is out of range: enter a number {above} {low} up to {high}"
            )
            return None
        return number

    def ethnicity(self, field_name: str, value: str) -> str | None:
        if value in VALID_CODES:
            return value
        shown = f"'{value[:40]}'" if value else "blank"
        self.problem(
            field_name,
            f"{shown} is not a DfE ethnicity code (upper case, e.g. WBRI, BCRB; REFU if refused, "
            "NOBT if not yet obtained)",
        )
        return None


def _staff_refs_in_file(ids: dict[str, int]) -> dict[str, str]:
    return {staff_id: pseudonymise(staff_id) for staff_id in ids}


# --- HR staff extract ----------------------------------------------------------------------


def import_workforce(files: Sequence[UploadedData], *, progress: Progress = None) -> dict:
    """The HR extract: one row per member of staff (in post or left). Creates or updates staff by
    their pseudonymised id; staff not in the file are left as they are."""
    (upload,) = files
    collector = ProblemCollector()
    teams = {team.name.lower(): team for team in Team.objects.all()}
    rows = list(read_csv(upload, WORKFORCE_COLUMNS, collector))
    latest = dt.date.today() + FUTURE_STAFF_DATES
    seen: dict[str, int] = {}
    parsed: dict[str, dict] = {}
    for index, (line, row) in enumerate(rows, start=1):
        check = _Field(collector, upload.name, f"line {line}")
        staff_id = row["staff_id"]
        if not staff_id:
            check.problem("staff_id", "is blank: every row needs the HR staff id")
        elif staff_id in seen:
            check.problem("staff_id", f"the same staff id is on line {seen[staff_id]}")
        else:
            seen[staff_id] = line
        ethnicity = check.ethnicity("ethnicity", row["ethnicity"])
        grade = GRADE_BANDS.get(row["grade_band"].lower())
        if grade is None:
            check.problem(
                "grade_band",
                f"'{row['grade_band']}' is not a grade band; use one of "
                + ", ".join(label for _, label in GradeBand.choices),
            )
        role = STAFF_ROLES.get(row["role"].lower())
        if role is None:
            check.problem(
                "role",
                f"'{row['role']}' is not a role; use one of "
                + ", ".join(label for _, label in StaffRole.choices),
            )
        team = None
        if row["team"]:
            team = teams.get(row["team"].lower())
            if team is None:
                check.problem(
                    "team",
                    f"'{row['team']}' is not a team the portal knows: check the spelling, or "
                    "leave it blank",
                )
        fte = None
        if not row["fte"]:
            check.problem("fte", "is blank: enter the contracted full-time equivalent, e.g. 0.8")
        else:
            fte = check.decimal(
                "fte", row["fte"], low=Decimal(0), high=MAX_FTE, low_inclusive=False
            )
        pay = None
        if row["hourly_pay"]:
            pay = check.decimal(
                "hourly_pay",
                row["hourly_pay"].lstrip("£"),
                low=Decimal(0),
                high=MAX_HOURLY_PAY,
                low_inclusive=False,
            )
            if pay is not None:
                pay = pay.quantize(Decimal("0.01"))
        start = check.date("start_date", row["start_date"], required=True, latest=latest)
        leaving = check.date("leaving_date", row["leaving_date"], required=False, latest=latest)
        if start and leaving and leaving < start:
            check.problem("leaving_date", f"{leaving} is before the start date {start}")
        if staff_id:
            parsed[staff_id] = {
                "ethnicity_id": ethnicity,
                "grade_band": grade,
                "role": role,
                "team": team,
                "fte": fte,
                "hourly_pay": pay,
                "start_date": start,
                "leaving_date": leaving,
            }
        if progress and index % 200 == 0:
            progress(index, len(rows) * 2)
    if not rows and not collector:
        collector.add(upload.name, "line 2", "", "the file has a header but no staff rows")
    collector.raise_if_any()

    refs = _staff_refs_in_file(seen)
    return _upsert_staff(
        {refs[staff_id]: values for staff_id, values in parsed.items()},
        fields=list(next(iter(parsed.values())).keys()),
        progress=progress,
        done_before=len(rows),
    )


def _upsert_staff(
    values_by_ref: dict[str, dict], *, fields: list[str], progress: Progress, done_before: int
) -> dict:
    existing = {
        staff.staff_ref: staff
        for staff in StaffMember.objects.filter(staff_ref__in=list(values_by_ref))
    }
    created, changed = [], []
    update_fields = [name.removesuffix("_id") for name in fields]
    for ref, values in values_by_ref.items():
        staff = existing.get(ref)
        if staff is None:
            created.append(StaffMember(staff_ref=ref, **values))
            continue
        if any(getattr(staff, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(staff, name, value)
            changed.append(staff)
    StaffMember.objects.bulk_create(created, batch_size=1_000)
    StaffMember.objects.bulk_update(changed, update_fields, batch_size=1_000)
    total = done_before + len(values_by_ref)
    if progress:
        progress(total, total)
    return {
        "staff": len(values_by_ref),
        "created": len(created),
        "updated": len(changed),
        "unchanged": len(existing) - len(changed),
    }


# --- HR events -----------------------------------------------------------------------------


def import_workforce_events(files: Sequence[UploadedData], *, progress: Progress = None) -> dict:
    """Disciplinary, recruitment and training events for staff already imported."""
    (upload,) = files
    collector = ProblemCollector()
    rows = list(read_csv(upload, EVENT_COLUMNS, collector))
    refs = {
        staff_id: pseudonymise(staff_id)
        for staff_id in {row["staff_id"] for _, row in rows}
        if staff_id
    }
    staff_ids = dict(
        StaffMember.objects.filter(staff_ref__in=list(refs.values())).values_list("staff_ref", "pk")
    )
    kinds = {value: value for value in WorkforceEventKind.values}
    today = dt.date.today()
    seen: dict[tuple, int] = {}
    events: dict[tuple, str] = {}
    for index, (line, row) in enumerate(rows, start=1):
        check = _Field(collector, upload.name, f"line {line}")
        staff_pk = None
        if not row["staff_id"]:
            check.problem("staff_id", "is blank: every row needs the HR staff id")
        else:
            staff_pk = staff_ids.get(refs[row["staff_id"]])
            if staff_pk is None:
                check.problem(
                    "staff_id",
                    "no member of staff has this staff id: import the workforce file with them "
                    "first",
                )
        kind = kinds.get(row["event"].lower())
        if kind is None:
            check.problem(
                "event",
                f"'{row['event']}' is not an event; use one of "
                + ", ".join(WorkforceEventKind.values),
            )
        date = check.date("date", row["date"], required=True)
        if date and date > today:
            check.problem("date", f"{date} is in the future")
        if len(row["detail"]) > 200:
            check.problem("detail", f"is {len(row['detail'])} characters: keep it to 200")
        if staff_pk and kind and date:
            key = (staff_pk, kind, date)
            if key in seen:
                check.problem(
                    "event", f"the same event for the same person and date is on line {seen[key]}"
                )
            else:
                seen[key] = line
                events[key] = row["detail"][:200]
        if progress and index % 500 == 0:
            progress(index, len(rows) * 2)
    if not rows and not collector:
        collector.add(upload.name, "line 2", "", "the file has a header but no event rows")
    collector.raise_if_any()

    existing = {
        (event.staff_id, event.event, event.date): event
        for event in WorkforceEvent.objects.filter(staff_id__in={key[0] for key in events})
    }
    created, changed = [], []
    for key, detail in events.items():
        event = existing.get(key)
        if event is None:
            created.append(
                WorkforceEvent(staff_id=key[0], event=key[1], date=key[2], detail=detail)
            )
        elif event.detail != detail:
            event.detail = detail
            changed.append(event)
    WorkforceEvent.objects.bulk_create(created, batch_size=2_000)
    WorkforceEvent.objects.bulk_update(changed, ["detail"], batch_size=2_000)
    if progress:
        progress(len(rows) * 2, len(rows) * 2)
    by_kind: dict[str, int] = {}
    for _, kind, _ in events:
        by_kind[kind] = by_kind.get(kind, 0) + 1
    return {
        "events": len(events),
        "created": len(created),
        "updated": len(changed),
        "unchanged": len(events) - len(created) - len(changed),
        **by_kind,
    }


# --- CSWW census ---------------------------------------------------------------------------


def _text(element: ET.Element, tag: str) -> str:
    child = element.find(tag)
    return (child.text or "").strip() if child is not None else ""


def import_csww(files: Sequence[UploadedData], *, progress: Progress = None) -> dict:
    """The DfE children's social work workforce census (XML, CSWWWorker records).

    Agency workers are counted and skipped: the equality measures are about the authority's own
    staff, and the census holds few items for agency workers. A missing Ethnicity is recorded as
    NOBT ("information not yet obtained"), which is what its absence means. Team and pay are not
    in the census, so a worker already imported from the HR file keeps theirs.
    """
    (upload,) = files
    collector = ProblemCollector()
    if upload.size > MAX_CSWW_BYTES:
        # The census is parsed whole (a tree several times the file's size in memory).
        collector.add(
            upload.name,
            "",
            "",
            f"the file is {upload.size:,} bytes: larger than any CSWW return "
            f"({MAX_CSWW_BYTES:,} at most)",
        )
        collector.raise_if_any()
    data = upload.data
    try:
        # defusedxml: a document type or entity declaration (entity expansion, a file on the
        # server) is refused before anything is expanded; a return never needs a DOCTYPE.
        # UTF-16 (its byte order mark first) is XML's other encoding, read as the bytes say;
        # anything else is text as Excel and case systems save it (decode_text).
        text = data if data.startswith(UTF16_BOMS) else decode_text(data, name=upload.name)
        root = SafeET.fromstring(text, forbid_dtd=True)
    except ET.ParseError as error:
        line, column = error.position
        collector.add(upload.name, f"line {line}", "", f"not well-formed XML (column {column})")
        collector.raise_if_any()
    except DefusedXmlException as error:
        collector.add(
            upload.name,
            "",
            "",
            f"the XML declares a document type or entities, which the portal refuses: {error}",
        )
        collector.raise_if_any()
    if root.tag != "Message":
        collector.add(upload.name, "", "", f"the root element is <{root.tag}>, not <Message>")
        collector.raise_if_any()
    workers = root.findall("CSWWWorker")
    if not workers:
        collector.add(upload.name, "", "", "there are no CSWWWorker records in the file")
        collector.raise_if_any()
    reference = _csww_reference_date(root, upload.name, collector)
    collector.raise_if_any()
    assert reference is not None  # else a problem was raised just above
    reference_date = reference.isoformat()

    numbers = {}
    for position, worker in enumerate(workers, start=1):
        number = _text(worker, "SWENo")
        if number:
            numbers[position] = number
    refs = {number: pseudonymise(number) for number in numbers.values()}
    existing = {
        staff.staff_ref: staff
        for staff in StaffMember.objects.filter(staff_ref__in=list(refs.values()))
    }

    seen: dict[str, int] = {}
    parsed: dict[str, dict] = {}
    agency = 0
    for position, worker in enumerate(workers, start=1):
        check = _Field(collector, upload.name, f"CSWWWorker {position}")
        agency_flag = _text(worker, "AgencyWorker")
        if agency_flag not in {"0", "1"}:
            check.problem("AgencyWorker", f"'{agency_flag}' is not 0 (employee) or 1 (agency)")
            continue
        number = numbers.get(position, "")
        if not number:
            check.problem("SWENo", "is missing: every worker needs a registration number")
            continue
        if not SWE_NUMBER.fullmatch(number):
            check.problem("SWENo", "is not a registration number (two letters, then ten digits)")
            continue
        if number in seen:
            check.problem("SWENo", f"the same registration number is in CSWWWorker {seen[number]}")
            continue
        seen[number] = position
        if agency_flag == "1":
            agency += 1
            continue
        known = existing.get(refs[number])

        ethnicity = _text(worker, "Ethnicity") or "NOBT"
        if ethnicity not in VALID_CODES:
            check.ethnicity("Ethnicity", ethnicity)

        org_role = _text(worker, "OrgRole")
        grade = role = None
        if org_role:
            if org_role not in CSWW_ORG_ROLES:
                check.problem("OrgRole", f"'{org_role}' is not a CSWW role code (1 to 6)")
            else:
                _, grade, role = CSWW_ORG_ROLES[org_role]
        elif known:
            grade, role = known.grade_band, known.role
        else:
            check.problem(
                "OrgRole",
                "is missing: the portal needs the worker's role to place them in a grade band",
            )

        fte = None
        for tag in ("FTE", "FTE30"):
            value = _text(worker, tag)
            if not value:
                continue
            number_value = check.decimal(
                tag, value, low=Decimal(0), high=Decimal(1), low_inclusive=True, places=6
            )
            if number_value:
                fte = number_value.quantize(Decimal("0.01")) or Decimal("0.01")
                break
        if fte is None:
            if known:
                fte = known.fte
            else:
                check.problem(
                    "FTE", "is missing or 0 (and so is FTE30): the portal needs the worker's FTE"
                )

        start = check.date(
            "RoleStartDate", _text(worker, "RoleStartDate"), required=False, latest=reference
        )
        if start is None and not _text(worker, "RoleStartDate"):
            if known:
                start = known.start_date
            else:
                check.problem(
                    "RoleStartDate", "is missing: the portal needs the date the worker started"
                )
        end = check.date(
            "RoleEndDate", _text(worker, "RoleEndDate"), required=False, latest=reference
        )
        if start and end and end < start:
            check.problem("RoleEndDate", f"{end} is before the start date {start}")
        parsed[refs[number]] = {
            "ethnicity_id": ethnicity,
            "grade_band": grade,
            "role": role,
            "fte": fte,
            "start_date": start,
            "leaving_date": end,
        }
        if progress and position % 200 == 0:
            progress(position, len(workers) * 2)
    collector.raise_if_any()

    counts = (
        _upsert_staff(
            parsed,
            fields=list(next(iter(parsed.values())).keys()),
            progress=progress,
            done_before=len(workers),
        )
        if parsed
        else {"staff": 0, "created": 0, "updated": 0, "unchanged": 0}
    )
    return {**counts, "agency_workers_skipped": agency, "reference_date": reference_date}


def _csww_reference_date(root: ET.Element, name: str, collector: ProblemCollector):
    """The census date (Header > CollectionDetails > ReferenceDate), checked with the
    collection's Year: no worker's dates come after it."""
    details = root.find("Header/CollectionDetails")
    check = _Field(collector, name, "Header > CollectionDetails")
    if details is None:
        check.problem("", "the return has no Header > CollectionDetails: this is not a CSWW return")
        return None
    year = _text(details, "Year")
    this_year = dt.date.today().year
    if year and not (re.fullmatch(r"[0-9]{4}", year) and 2000 <= int(year) <= this_year + 1):
        check.problem("Year", f"'{year[:20]}' is not a collection year such as 2025")
    reference_text = _text(details, "ReferenceDate")
    if not reference_text:
        check.problem("ReferenceDate", "is missing: the census is of the workforce on that date")
        return None
    return check.date(
        "ReferenceDate", reference_text, required=True, latest=dt.date(this_year + 1, 12, 31)
    )


# --- Working-age population ----------------------------------------------------------------


def import_working_age_population(
    files: Sequence[UploadedData], *, progress: Progress = None
) -> dict:
    """Working-age (16-64) population by DfE ethnicity code for a year and source. Re-importing a
    year and source replaces its rows."""
    (upload,) = files
    collector = ProblemCollector()
    rows = list(read_csv(upload, POPULATION_COLUMNS, collector))
    seen: dict[tuple, int] = {}
    parsed: dict[tuple, int] = {}
    this_year = dt.date.today().year
    for line, row in rows:
        check = _Field(collector, upload.name, f"line {line}")
        year = None
        if (
            not re.fullmatch(r"[0-9]{4}", row["year"])
            or not 2001 <= int(row["year"]) <= this_year + 1
        ):
            check.problem("year", f"'{row['year']}' is not a year such as 2021")
        else:
            year = int(row["year"])
        if not row["source"]:
            check.problem(
                "source", "is blank: name the estimate and its vintage, e.g. 'Census 2021'"
            )
        elif len(row["source"]) > 200:
            check.problem("source", "is longer than 200 characters")
        ethnicity = check.ethnicity("ethnicity", row["ethnicity"])
        if ethnicity in UNKNOWN_CODES:
            check.problem(
                "ethnicity", f"{ethnicity} is an unknown category: population estimates have none"
            )
            ethnicity = None
        count = None
        digits = row["count"].replace(",", "")
        if not re.fullmatch(r"[0-9]{1,10}", digits):
            check.problem("count", f"'{row['count'][:40]}' is not a whole number")
        elif int(digits) > MAX_COUNT:
            check.problem(
                "count", f"{int(digits):,} is more than any population count can be ({MAX_COUNT:,})"
            )
        else:
            count = int(digits)
        if year and ethnicity and row["source"]:
            key = (year, row["source"], ethnicity)
            if key in seen:
                check.problem("ethnicity", f"{ethnicity} for {year} is also on line {seen[key]}")
            else:
                seen[key] = line
                if count is not None:
                    parsed[key] = count
    if not rows and not collector:
        collector.add(upload.name, "line 2", "", "the file has a header but no population rows")
    collector.raise_if_any()
    replaced = 0
    for year, source in {(year, source) for year, source, _ in parsed}:
        replaced += WorkingAgePopulation.objects.filter(year=year, source=source).delete()[0]
    WorkingAgePopulation.objects.bulk_create(
        WorkingAgePopulation(year=year, source=source, ethnicity_id=code, count=count)
        for (year, source, code), count in parsed.items()
    )
    if progress:
        progress(len(rows), len(rows))
    return {"rows": len(parsed), "replaced": replaced}
