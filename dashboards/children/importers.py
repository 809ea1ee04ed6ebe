"""The four children's imports: flat case export, population estimates, CIN census, SSDA903.

Each reads and validates the whole of its files, collecting every problem (file, line or XML
element, field, what is wrong), raises ImportRejected if there is any, and only then writes, in
the transaction run_import holds. Layouts are documented in docs/children-dashboard.md.
"""

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence

from django.db import connection

from arp_portal.core.ethnicity import CENSUS_2021_TO_DFE, UNKNOWN_CODES, VALID_CODES
from arp_portal.core.importing import (
    ProblemCollector,
    UploadedData,
    decode_text,
    read_csv,
    read_csv_values,
)
from arp_portal.core.models import AgeBand, EpisodeKind, Locality, Team
from dashboards.children import services
from dashboards.children.validation import (
    ChildRecord,
    EpisodeRecord,
    Place,
    check_episode_rules,
    check_ethnicity,
    check_sex,
    parse_iso_date,
    parse_uk_date,
)

Progress = Callable[[int, int], None] | None
CASES_COLUMNS = [
    "child_id",
    "date_of_birth",
    "sex",
    "ethnicity",
    "episode_type",
    "start_date",
    "end_date",
    "team",
]
POPULATION_COLUMNS = ["area", "year", "source", "age_band", "ethnicity", "count"]
EPISODE_TYPES = {
    "CIN": EpisodeKind.CHILD_IN_NEED,
    "CP": EpisodeKind.CHILD_PROTECTION,
    "CIC": EpisodeKind.IN_CARE,
}
PROGRESS_EVERY = 20_000


def _tick(progress: Progress, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)


def _count_lines(upload: UploadedData) -> int:
    return max(1, upload.count(b"\n"))


def _child_rows(children: dict[str, ChildRecord]):
    return (
        (c.child_ref, c.birth_year, c.birth_month, c.sex, c.ethnicity) for c in children.values()
    )


def _team_lookup() -> tuple[dict[str, int], dict[str, str]]:
    teams = dict(Team.objects.values_list("name", "id"))
    folded = {name.casefold(): name for name in teams}
    return teams, folded


# ---------------------------------------------------------------- flat case-system export


def import_cases(files: Sequence[UploadedData], *, progress: Progress = None) -> dict:
    """child_id, date_of_birth, sex, ethnicity, episode_type (CIN|CP|CIC), start_date,
    end_date, team: one row per episode. Replaces, for each child in the file, the episodes
    earlier case exports gave them.

    Written for a million rows: a row that is plainly valid is checked with a few set and date
    look-ups; only a row that fails one is checked field by field for the report.
    """
    problems = ProblemCollector()
    upload = files[0]
    name = upload.name
    teams, folded_teams = _team_lookup()
    children: dict[str, tuple] = {}  # child_ref -> (birth date, sex, ethnicity, line)
    episodes: list[EpisodeRecord] = []
    total = _count_lines(upload)
    sexes = {"1": 1, "2": 2, "9": 9}
    from_iso = dt.date.fromisoformat
    append = episodes.append
    for line, row in read_csv_values(upload, CASES_COLUMNS, problems):
        if line % PROGRESS_EVERY == 0:
            _tick(progress, line, total)
        child_ref, born, sex, ethnicity, episode_type, start, end, team_name = row
        try:
            if not (
                child_ref
                and ethnicity in VALID_CODES
                and sex in sexes
                and episode_type in EPISODE_TYPES
                and len(born) == 10
                and len(start) == 10
                and (not end or len(end) == 10)
            ):
                raise ValueError
            birth = from_iso(born)
            start_date = from_iso(start)
            end_date = from_iso(end) if end else None
            team_id = teams[team_name] if team_name else None
        except (ValueError, KeyError):
            _case_row_problems(name, line, row, teams, folded_teams, problems)
            continue
        known = children.get(child_ref)
        if known is None:
            children[child_ref] = (birth, sex, ethnicity, line)
        elif known[:3] != (birth, sex, ethnicity):
            _case_child_disagrees(name, line, child_ref, known, (birth, sex, ethnicity), problems)
        append(
            EpisodeRecord(
                child_ref, EPISODE_TYPES[episode_type], start_date, end_date, line, team_id
            )
        )
    check_episode_rules(episodes, problems, referral_kind=EpisodeKind.CHILD_IN_NEED, file_name=name)
    problems.raise_if_any()
    _tick(progress, total, total)
    child_rows = (
        (ref, birth.year, birth.month, sexes[sex], ethnicity)
        for ref, (birth, sex, ethnicity, _line) in children.items()
    )
    counts = services.children_and_episodes_write(
        child_rows, episodes, source=services.CASES_SOURCE, scope="children"
    )
    return {"rows": len(episodes), "children": len(children), **counts}


def _case_row_problems(
    name: str,
    line: int,
    row: list[str],
    teams: dict[str, int],
    folded_teams: dict[str, str],
    problems: ProblemCollector,
) -> None:
    """Every problem with one row of a case export, field by field."""
    child_ref, born, sex, ethnicity, episode_type, start, end, team_name = row
    place = Place(name, line)
    location = place.location
    if not child_ref:
        problems.add(name, location, "child_id", "the child reference is missing")
    parse_iso_date(born, place, "date_of_birth", problems)
    check_sex(sex, place, "sex", problems)
    check_ethnicity(ethnicity, place, "ethnicity", problems)
    if episode_type not in EPISODE_TYPES:
        problems.add(
            name,
            location,
            "episode_type",
            f"'{episode_type}' is not an episode type: use CIN, CP or CIC",
        )
    parse_iso_date(start, place, "start_date", problems)
    parse_iso_date(end, place, "end_date", problems, required=False)
    if team_name and team_name not in teams:
        hint = folded_teams.get(team_name.casefold())
        problems.add(
            name,
            location,
            "team",
            f"the portal has no team called '{team_name}'"
            + (f" (did you mean '{hint}'?)" if hint else "")
            + "; add the team or correct the name",
        )


def _case_child_disagrees(
    name: str, line: int, child_ref: str, known: tuple, new: tuple, problems: ProblemCollector
) -> None:
    """Rows for one child must agree on birth date, sex and ethnicity."""
    for index, field in enumerate(("date_of_birth", "sex", "ethnicity")):
        if known[index] != new[index]:
            problems.add(
                name,
                f"line {line}",
                field,
                f"child {child_ref} has {field} '{new[index]}' here but '{known[index]}' at "
                f"line {known[3]}",
            )


# ---------------------------------------------------------------- population estimates


def import_population(files: Sequence[UploadedData], *, progress: Progress = None) -> dict:
    """area, year, source, age_band, ethnicity, count. Replaces every row held for each
    (area, year, source) the file gives. Ethnicity may be a DfE code or a Census 2021 category
    (mapped to DfE codes and added up, docs/ethnicity.md)."""
    problems = ProblemCollector()
    upload = files[0]
    name = upload.name
    localities = dict(Locality.objects.values_list("name", "id"))
    folded = {key.casefold(): key for key in localities}
    bands = set(AgeBand.values)
    cells: dict[tuple, int] = {}
    first_seen: dict[tuple, str] = {}
    for line, row in read_csv(upload, POPULATION_COLUMNS, problems):
        location = f"line {line}"
        before = len(problems.problems)
        area = row["area"]
        locality_id = None
        if not area:
            problems.add(name, location, "area", "the area is blank: use all or a locality name")
        elif area.casefold() != "all":
            locality_id = localities.get(area)
            if locality_id is None:
                hint = folded.get(area.casefold())
                problems.add(
                    name,
                    location,
                    "area",
                    f"the portal has no locality called '{area}'"
                    + (f" (did you mean '{hint}'?)" if hint else ""),
                )
        year = row["year"]
        if not re.fullmatch(r"(19|20)\d\d", year):
            problems.add(name, location, "year", f"'{year}' is not a year such as 2024")
        source = row["source"]
        if not source:
            problems.add(name, location, "source", "name the estimate and its vintage")
        elif len(source) > 200:
            problems.add(name, location, "source", "the source is longer than 200 characters")
        band = row["age_band"]
        if band not in bands:
            problems.add(
                name,
                location,
                "age_band",
                f"'{band}' is not an age band: use under1, 1-4, 5-9, 10-15, 16-17 or 0-17",
            )
        value = row["ethnicity"]
        code = CENSUS_2021_TO_DFE.get(value, value)
        if code in UNKNOWN_CODES:
            problems.add(
                name, location, "ethnicity", f"'{value}' is not an ethnic group of a population"
            )
        elif code not in VALID_CODES:
            check_ethnicity(value, Place(name, location), "ethnicity", problems)
        count = row["count"].replace(",", "")
        if not count.isdigit():
            problems.add(name, location, "count", f"'{row['count']}' is not a whole number")
        if len(problems.problems) != before:
            continue
        key = (locality_id, int(year), source, band, code)
        if key in cells and value == code:
            problems.add(
                name,
                location,
                "ethnicity",
                f"a second count for {area} {year} {band} {code} (first at {first_seen[key]})",
            )
            continue
        first_seen.setdefault(key, location)
        cells[key] = cells.get(key, 0) + int(count)
    if not cells and not problems:
        problems.add(name, "line 2", "", "the file has no rows of data")
    problems.raise_if_any()
    vintages = {(locality_id, year, source) for locality_id, year, source, _, _ in cells}
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS import_population")
        cursor.execute(
            "CREATE TEMP TABLE import_population (locality_id int, year int, source text,"
            " age_band text, ethnicity text, count int) ON COMMIT DROP"
        )
        services._copy(
            cursor,
            "import_population",
            ["locality_id", "year", "source", "age_band", "ethnicity", "count"],
            (key + (count,) for key, count in cells.items()),
        )
        cursor.execute(
            """
            DELETE FROM core_populationestimate p
             USING (SELECT DISTINCT locality_id, year, source FROM import_population) v
             WHERE p.locality_id IS NOT DISTINCT FROM v.locality_id AND p.year = v.year
               AND p.source = v.source
               AND NOT EXISTS (
                   SELECT 1 FROM import_population i
                    WHERE i.locality_id IS NOT DISTINCT FROM p.locality_id
                      AND i.year = p.year AND i.source = p.source
                      AND i.age_band = p.age_band AND i.ethnicity = p.ethnicity_id
                      AND i.count = p.count)
            """
        )
        removed = cursor.rowcount
        cursor.execute(
            """
            INSERT INTO core_populationestimate (locality_id, year, source, age_band,
                                                 ethnicity_id, count)
            SELECT i.locality_id, i.year, i.source, i.age_band, i.ethnicity, i.count
              FROM import_population i
             WHERE NOT EXISTS (
                   SELECT 1 FROM core_populationestimate p
                    WHERE p.locality_id IS NOT DISTINCT FROM i.locality_id
                      AND p.year = i.year AND p.source = i.source
                      AND p.age_band = i.age_band AND p.ethnicity_id = i.ethnicity)
            """
        )
        added = cursor.rowcount
    _tick(progress, 1, 1)
    return {
        "rows": len(cells),
        "estimates": len(vintages),
        "rows_added": added,
        "rows_removed": removed,
        "rows_unchanged": len(cells) - added,
    }


# ---------------------------------------------------------------- CIN census XML


def _text(element: ET.Element | None, tag: str) -> str:
    if element is None:
        return ""
    found = element.find(tag)
    return (found.text or "").strip() if found is not None else ""


def collection_year(reference_date: dt.date) -> int:
    """The year a collection ends: 31 March 2025 -> 2025; a date after March -> next year."""
    return reference_date.year if reference_date.month <= 3 else reference_date.year + 1


def import_cin_census(files: Sequence[UploadedData], *, progress: Progress = None) -> dict:
    """The CIN census XML: Message > Header > Children > Child. Reads CINdetails (referral and
    closure), CINPlanDates and ChildProtectionPlans. Replaces the return for its year."""
    problems = ProblemCollector()
    upload = files[0]
    name = upload.name
    total_children = max(1, upload.count(b"<Child>"))
    children: dict[str, ChildRecord] = {}
    episodes: list[EpisodeRecord] = []
    reference_date = None
    number = 0
    try:
        for _event, element in ET.iterparse(upload.open_without_bom(), events=("end",)):
            tag = element.tag
            if tag == "CollectionDetails":
                value = _text(element, "ReferenceDate")
                reference_date = parse_iso_date(
                    value, Place(name, "Header > CollectionDetails"), "ReferenceDate", problems
                )
            elif tag == "Child":
                number += 1
                _cin_child(element, number, name, problems, children, episodes)
                element.clear()
                if number % 2_000 == 0:
                    _tick(progress, number, total_children)
    except ET.ParseError as error:
        line, column = error.position
        problems.add(
            name, f"line {line}, column {column}", "", f"the XML is not well formed: {error}"
        )
        problems.raise_if_any()
    if reference_date is None and not problems:
        problems.add(
            name, "Header > CollectionDetails", "ReferenceDate", "the return has no reference date"
        )
    if number == 0 and not problems:
        problems.add(name, "Children", "", "the return has no Child elements")
    check_episode_rules(episodes, problems, referral_kind=EpisodeKind.CHILD_IN_NEED)
    if reference_date is not None:
        year = collection_year(reference_date)
        period_start = dt.date(year - 1, 4, 1)
        _check_in_collection_year(episodes, period_start, problems)
    problems.raise_if_any()
    _tick(progress, total_children, total_children)
    counts = services.children_and_episodes_write(
        _child_rows(children),
        episodes,
        source=f"cin:{year}",
        scope="source",
        supersedes="cin:%",
        period_start=period_start,
    )
    return {"children": len(children), "episodes": len(episodes), "collection_year": year, **counts}


def _cin_child(
    element: ET.Element,
    number: int,
    name: str,
    problems: ProblemCollector,
    children: dict[str, ChildRecord],
    episodes: list[EpisodeRecord],
) -> None:
    identifiers = element.find("ChildIdentifiers")
    child_ref = _text(identifiers, "LAchildID")
    where = f"Child {number}" + (f" (LAchildID {child_ref})" if child_ref else "")
    place = Place(name, f"{where} > ChildIdentifiers")
    before = len(problems.problems)
    if not child_ref:
        problems.add(name, place.location, "LAchildID", "the child reference is missing")
    birth_text = _text(identifiers, "PersonBirthDate") or _text(
        identifiers, "ExpectedPersonBirthDate"
    )
    birth = parse_iso_date(birth_text, place, "PersonBirthDate", problems)
    # GenderCurrent until 2023-24; Sex from the 2024 collection on. 0 is "not known" in both.
    sex_text = _text(identifiers, "Sex") or _text(identifiers, "GenderCurrent")
    sex = check_sex("9" if sex_text == "0" else sex_text, place, "GenderCurrent/Sex", problems)
    ethnicity = check_ethnicity(
        _text(element.find("ChildCharacteristics"), "Ethnicity"),
        Place(name, f"{where} > ChildCharacteristics"),
        "Ethnicity",
        problems,
    )
    child_ok = len(problems.problems) == before
    if child_ok:
        child = ChildRecord(child_ref, birth.year, birth.month, sex, ethnicity, place, birth)
        if child_ref in children:
            problems.add(
                name,
                place.location,
                "LAchildID",
                f"child {child_ref} appears twice in the return "
                f"(first at {children[child_ref].place.location})",
            )
        children[child_ref] = child
    for index, details in enumerate(element.findall("CINdetails"), start=1):
        details_place = Place(name, f"{where} > CINdetails {index}")
        referral = parse_iso_date(
            _text(details, "CINreferralDate"), details_place, "CINreferralDate", problems
        )
        closure = parse_iso_date(
            _text(details, "CINclosureDate"),
            details_place,
            "CINclosureDate",
            problems,
            required=False,
        )
        if referral is not None and birth is not None and child_ok:
            age_at_referral = (referral - birth).days / 365.25
            if age_at_referral >= 18:
                problems.add(
                    name,
                    details_place.location,
                    "CINreferralDate",
                    f"the referral ({referral:%Y-%m-%d}) is after the child's 18th birthday "
                    f"(born {birth:%Y-%m-%d})",
                )
        if referral is not None and child_ok:
            episodes.append(
                EpisodeRecord(
                    child_ref,
                    EpisodeKind.CHILD_IN_NEED,
                    referral,
                    closure,
                    details_place,
                    start_field="CINreferralDate",
                    end_field="CINclosureDate",
                )
            )
        for plan_index, plan in enumerate(details.findall("CINPlanDates"), start=1):
            plan_place = Place(name, f"{details_place.location} > CINPlanDates {plan_index}")
            start = parse_iso_date(
                _text(plan, "CINPlanStartDate"), plan_place, "CINPlanStartDate", problems
            )
            end = parse_iso_date(
                _text(plan, "CINPlanEndDate"),
                plan_place,
                "CINPlanEndDate",
                problems,
                required=False,
            )
            if referral is not None and start is not None and start < referral:
                problems.add(
                    name,
                    plan_place.location,
                    "CINPlanStartDate",
                    f"the child in need plan starts ({start:%Y-%m-%d}) before its referral "
                    f"({referral:%Y-%m-%d})",
                )
            _check_within_closure(start, end, closure, plan_place, "CINPlan", problems)
            if start is not None and child_ok:
                episodes.append(
                    EpisodeRecord(
                        child_ref,
                        EpisodeKind.CIN_PLAN,
                        start,
                        end,
                        plan_place,
                        start_field="CINPlanStartDate",
                        end_field="CINPlanEndDate",
                    )
                )
        for plan_index, plan in enumerate(details.findall("ChildProtectionPlans"), start=1):
            plan_place = Place(
                name, f"{details_place.location} > ChildProtectionPlans {plan_index}"
            )
            start = parse_iso_date(
                _text(plan, "CPPstartDate"), plan_place, "CPPstartDate", problems
            )
            end = parse_iso_date(
                _text(plan, "CPPendDate"), plan_place, "CPPendDate", problems, required=False
            )
            _check_within_closure(start, end, closure, plan_place, "CPP", problems)
            if start is not None and child_ok:
                episodes.append(
                    EpisodeRecord(
                        child_ref,
                        EpisodeKind.CHILD_PROTECTION,
                        start,
                        end,
                        plan_place,
                        plan_category=_text(plan, "InitialCategoryOfAbuse")[:10],
                        start_field="CPPstartDate",
                        end_field="CPPendDate",
                    )
                )


def _check_within_closure(start, end, closure, place: Place, prefix: str, problems) -> None:
    """A plan lies within its child in need episode: it cannot outlast the episode's closure."""
    if closure is None or start is None:
        return
    field = f"{prefix}EndDate" if prefix == "CINPlan" else f"{prefix}endDate"
    if end is None:
        problems.add(
            place.file,
            place.location,
            field,
            f"the plan is still open but its child in need episode closed on {closure:%Y-%m-%d}",
        )
    elif end > closure:
        problems.add(
            place.file,
            place.location,
            field,
            f"the plan ends ({end:%Y-%m-%d}) after its child in need episode closed "
            f"({closure:%Y-%m-%d})",
        )


def _check_in_collection_year(
    episodes: list[EpisodeRecord], period_start: dt.date, problems: ProblemCollector
) -> None:
    """A return holds children in need during its year: an episode closed before the year
    began does not belong in it."""
    for episode in episodes:
        closed = episode.end_date
        is_referral = episode.kind == EpisodeKind.CHILD_IN_NEED
        if is_referral and closed is not None and closed < period_start:
            problems.add(
                episode.place.file,
                episode.place.location,
                episode.end_field,
                f"the episode closed ({closed:%Y-%m-%d}) before the collection year began "
                f"({period_start:%Y-%m-%d})",
            )


# ---------------------------------------------------------------- SSDA903


HEADER_COLUMNS = ["child", "sex", "dob", "ethnic"]
EPISODE_COLUMNS = ["child", "decom", "dec", "ls"]


def _which_903_file(upload: UploadedData) -> str | None:
    first_line = decode_text(upload.head(2000)).splitlines()[0:1]
    header = {name.strip().lower() for name in (first_line[0].split(",") if first_line else [])}
    if {"child", "decom"} <= header:
        return "episodes"
    if {"child", "dob", "ethnic"} <= header:
        return "header"
    return None


def import_ssda903(
    files: Sequence[UploadedData], *, progress: Progress = None, year: int | None = None
) -> dict:
    """SSDA903 Header (CHILD, SEX, DOB, ETHNIC) and Episodes (CHILD, DECOM, DEC, LS ...) CSVs,
    dates dd/mm/YYYY. Each run of episodes is a period in care. Replaces the return for its
    year (the year ending 31 March after the latest date in the file, unless given)."""
    problems = ProblemCollector()
    by_kind: dict[str, UploadedData] = {}
    for upload in files:
        kind = _which_903_file(upload)
        if kind is None:
            problems.add(
                upload.name,
                "line 1",
                "",
                "not an SSDA903 Header (CHILD, SEX, DOB, ETHNIC) or Episodes (CHILD, DECOM, "
                "DEC ...) file; other tables are not needed",
            )
        elif kind in by_kind:
            problems.add(upload.name, "line 1", "", f"a second {kind} file ({by_kind[kind].name})")
        else:
            by_kind[kind] = upload
    for needed in ("header", "episodes"):
        if needed not in by_kind and not problems:
            problems.add("(upload)", "", "", f"the {needed.title()} file is missing")
    problems.raise_if_any()

    header, episodes_file = by_kind["header"], by_kind["episodes"]
    total = _count_lines(header) + _count_lines(episodes_file)
    children: dict[str, ChildRecord] = {}
    header_refs: set[str] = set()
    for line, row in read_csv(header, HEADER_COLUMNS, problems):
        place = Place(header.name, f"line {line}")
        before = len(problems.problems)
        child_ref = row["child"]
        header_refs.add(child_ref)
        if not child_ref:
            problems.add(header.name, place.location, "CHILD", "the child reference is missing")
        birth = parse_uk_date(row["dob"], place, "DOB", problems)
        sex = check_sex(row["sex"], place, "SEX", problems)
        ethnicity = check_ethnicity(row["ethnic"], place, "ETHNIC", problems)
        if len(problems.problems) != before:
            continue
        if child_ref in children:
            problems.add(
                header.name,
                place.location,
                "CHILD",
                f"child {child_ref} is in the Header twice (first at "
                f"{children[child_ref].place.location})",
            )
            continue
        children[child_ref] = ChildRecord(
            child_ref, birth.year, birth.month, sex, ethnicity, place, birth
        )
    _tick(progress, _count_lines(header), total)
    episodes: list[EpisodeRecord] = []
    latest = None
    for line, row in read_csv(episodes_file, EPISODE_COLUMNS, problems):
        place = Place(episodes_file.name, f"line {line}")
        before = len(problems.problems)
        child_ref = row["child"]
        if not child_ref:
            problems.add(
                episodes_file.name, place.location, "CHILD", "the child reference is missing"
            )
        elif child_ref not in header_refs:
            problems.add(
                episodes_file.name,
                place.location,
                "CHILD",
                f"child {child_ref} is not in the Header file",
            )
        start = parse_uk_date(row["decom"], place, "DECOM", problems)
        end = parse_uk_date(row["dec"], place, "DEC", problems, required=False)
        if len(problems.problems) != before:
            continue
        latest = max(filter(None, (latest, start, end)))
        episodes.append(
            EpisodeRecord(
                child_ref,
                EpisodeKind.IN_CARE,
                start,
                end,
                place,
                legal_status=row["ls"][:10],
                start_field="DECOM",
                end_field="DEC",
            )
        )
    check_episode_rules(episodes, problems, referral_kind=EpisodeKind.CHILD_IN_NEED)
    warnings = _care_overlaps(episodes)
    if not episodes and not problems:
        problems.add(episodes_file.name, "line 2", "", "the Episodes file has no rows")
    problems.raise_if_any()
    if year is None:
        year = collection_year(latest)
    _tick(progress, total, total)
    counts = services.children_and_episodes_write(
        _child_rows(children),
        episodes,
        source=f"ssda903:{year}",
        scope="source",
        supersedes="ssda903:%",
        period_start=dt.date(year - 1, 4, 1),
    )
    return {
        "children": len(children),
        "episodes": len(episodes),
        "collection_year": year,
        **counts,
        "warnings_count": len(warnings),
        "warnings": warnings[:MAX_WARNINGS],
    }


MAX_WARNINGS = 200


def _care_overlaps(episodes: list[EpisodeRecord]) -> list[str]:
    """A child's episodes in care follow one another: the next may start the day one ends.

    An overlap is a fault in the return that DfE's validator reports, but it does not change
    whether the child was in care on a date (each child is counted once), so it is a warning:
    the return is imported and the data manager is told which lines to correct.
    """
    warnings: list[str] = []
    by_child: dict[str, list[EpisodeRecord]] = {}
    for episode in episodes:
        by_child.setdefault(episode.child_ref, []).append(episode)
    for child_ref, child_episodes in by_child.items():
        child_episodes.sort(key=lambda e: e.start_date)
        for before, after in zip(child_episodes, child_episodes[1:], strict=False):
            if before.end_date is None or after.start_date < before.end_date:
                warnings.append(
                    f"{after.place.file}, {after.place.location}, DECOM: child {child_ref}'s "
                    f"episode starting {after.start_date:%d/%m/%Y} overlaps the episode "
                    f"starting {before.start_date:%d/%m/%Y} ({before.place.location})"
                )
    return warnings
