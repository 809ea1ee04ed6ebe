"""The four children's imports: flat case export, population estimates, CIN census, SSDA903.

Each reads and validates the whole of its files, collecting every problem (file, line or XML
element, field, what is wrong), raises ImportRejected if there is any, and only then writes, in
the transaction run_import holds. Layouts are documented in docs/children-dashboard.md.
"""

import csv
import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from arp_portal.core.ethnicity import CENSUS_2021_TO_DFE, UNKNOWN_CODES, VALID_CODES
from arp_portal.core.importing import (
    MAX_COUNT,
    MAX_FIELD_CHARACTERS,
    ImportProblem,
    ImportRejected,
    ProblemCollector,
    StagedCsv,
    UploadedData,
    checked_bytes,
    collector_paused,
    excel_rows,
    read_csv,
    read_csv_values,
    sql_plain,
    stage_plain_csv,
    stage_plain_lines,
)
from arp_portal.core.models import (
    AgeBand,
    Episode,
    EpisodeKind,
    Locality,
    Team,
    age_on,
)
from dashboards.children import services
from dashboards.children.validation import (
    EARLIEST_DATE,
    FIRST_SEX_YEAR,
    MAX_CHILD_REF,
    MIN_COLLECTION_YEAR,
    ChildRecord,
    EpisodeRecord,
    Place,
    check_child_ref,
    check_cin_sex,
    check_date_range,
    check_episode_rules,
    check_ethnicity,
    check_sex,
    has_control_character,
    latest_collection_year,
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
MAX_WARNINGS = 200
# The largest count a population cell holds (a Postgres integer).
# Before birth by more than this is not a pre-birth referral or plan but a wrong date.
PRE_BIRTH_LIMIT = dt.timedelta(days=366)
# A case export's reference date is the day it is imported (check_date_range's message).
EXPORT_DATE_RULE = "the day of the import: no date in an export follows it"


def _tick(progress: Progress, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)


def _count_lines(upload: UploadedData) -> int:
    return max(1, upload.count(b"\n"))


def _team_lookup() -> tuple[dict[str, int], dict[str, str]]:
    teams = dict(Team.objects.values_list("name", "id"))
    folded = {name.casefold(): name for name in teams}
    return teams, folded


# ---------------------------------------------------------------- flat case-system export


def import_cases(files: Sequence[UploadedData], *, progress: Progress = None) -> dict:
    """child_id, date_of_birth, sex, ethnicity, episode_type (CIN|CP|CIC), start_date,
    end_date, team: one row per episode. Replaces, for each child in the file, the episodes
    earlier case exports gave them.

    Written for a million rows, set-based (ADR 056): a plain file is COPYed into a staging
    table and checked there in SQL, and if every row passes it is written from there. A file
    any check fails (or one not plain enough to stage) is read again row by row below, which
    reports each problem with its line and field; a row that is plainly valid is checked there
    with a few set and date look-ups, and only a row that fails one field by field.
    """
    upload = files[0]
    today = timezone.localdate()
    staged = _import_cases_staged(upload, progress, today)
    if staged is not None:
        return staged
    problems = ProblemCollector()
    name = upload.name
    teams, folded_teams = _team_lookup()
    children: dict[str, tuple] = {}  # child_ref -> (birth date, sex, ethnicity, line)
    episodes: list[EpisodeRecord] = []
    total = _count_lines(upload)
    sexes = {"1": 1, "2": 2, "9": 9}
    from_iso = dt.date.fromisoformat
    append = episodes.append
    # An export is as of the day it is imported: no one in it is born later.
    earliest = EARLIEST_DATE
    rows = 0
    for line, row in read_csv_values(upload, CASES_COLUMNS, problems):
        rows += 1
        if line % PROGRESS_EVERY == 0:
            _tick(progress, line, total)
        child_ref, born, sex, ethnicity, episode_type, start, end, team_name = row
        try:
            if not (
                child_ref
                and len(child_ref) <= MAX_CHILD_REF
                and not has_control_character(child_ref)
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
            if not (
                earliest <= birth <= today
                and earliest <= start_date <= today
                and (end_date is None or earliest <= end_date <= today)
                and (
                    start_date >= birth
                    if episode_type == "CIC"
                    else start_date >= birth - PRE_BIRTH_LIMIT
                )
            ):
                raise ValueError
        except (ValueError, KeyError):
            _case_row_problems(name, line, row, teams, folded_teams, problems, today)
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
    if rows == 0 and not problems:
        problems.add(name, "line 2", "", "the file has a header but no rows of data")
    check_episode_rules(episodes, problems, referral_kind=EpisodeKind.CHILD_IN_NEED, file_name=name)
    problems.raise_if_any()
    _tick(progress, total, total)
    child_rows = (
        (ref, birth, sexes[sex], ethnicity, None)
        for ref, (birth, sex, ethnicity, _line) in children.items()
    )
    counts = services.children_and_episodes_write(
        child_rows,
        episodes,
        source=services.CASES_SOURCE,
        scope="children",
        reference_date=today,
        after_write=_cases_dated(today, file_children="import_child"),
    )
    with connection.cursor() as cursor:
        case_rows_forget(cursor)
    warnings = counts.pop("conflict_warnings")
    return {
        "rows": len(episodes),
        "children": len(children),
        **counts,
        "warnings_count": max(len(warnings), counts["children_conflicts"]),
        "warnings": warnings[:MAX_WARNINGS],
    }


_CASES_RAW = "import_cases_raw"
# The rows of the last export per child, as a digest (migrations core 0011 and 0012, ADR 057).
CASE_ROWS_HELD = "core_case_export_child"


def _import_cases_staged(upload: UploadedData, progress: Progress, today: dt.date) -> dict | None:
    """import_cases, set-based: the file staged by COPY, each row checked in SQL against what
    the row-by-row reader accepts (the same rules, or stricter: a row this refuses is not
    necessarily wrong, only left to the row-by-row reader to judge and report), the rules
    across a child's rows likewise, then children and episodes written from the staging
    tables. None, with nothing left behind, when the file must be read row by row.

    A re-import is compared with the rows the last exports gave (CASE_ROWS_HELD, ADR 057):
    only the children whose rows differ (by their digest; or whose details another source now
    gives) are checked and written; the others' rows are those already checked and written.
    The staged check holds the digests of the children it checks."""
    with connection.cursor() as cursor:
        # A re-import of a simple file is compared line by line (the staging of its values
        # was half the comparison's time), and only its changed children's rows are staged.
        staged = _cases_lines_against_held(cursor, upload)
        whole: bool | None = False
        if staged is None:
            staged = stage_plain_csv(cursor, upload, CASES_COLUMNS, _CASES_RAW)
            if staged is None:
                return None
            whole = None
        _tick(progress, staged.rows // 2, staged.rows)
        try:
            with transaction.atomic():
                if whole is None:
                    whole = _cases_file_against_held(cursor, staged, today)
                if whole is None:
                    raise _NotStaged
                children = _cases_staged_check(cursor, staged, today, whole=whole)
                if children is None:
                    raise _NotStaged
        except (_NotStaged, DatabaseError):
            # The savepoint took the staging tables with it; a value Postgres could not read
            # as a date (2025-02-30) is among what lands here.
            cursor.execute(f"DROP TABLE IF EXISTS {_CASES_RAW}")
            return None
    counts = services.children_and_episodes_write(
        (),
        [],
        source=services.CASES_SOURCE,
        scope="children",
        reference_date=today,
        staged=True,
        after_write=_cases_dated(today, file_children="import_child")
        if whole
        else _cases_dated(today, left_out=_LEFT_OUT),
    )
    if not whole:
        counts["episodes_unchanged"] += staged.rows_kept - staged.rows_checked
        children = staged.children
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {_CASES_RAW}")
    _tick(progress, staged.rows, staged.rows)
    warnings = counts.pop("conflict_warnings")
    return {
        "rows": staged.rows_kept,
        "children": children,
        **counts,
        "warnings_count": max(len(warnings), counts["children_conflicts"]),
        "warnings": warnings[:MAX_WARNINGS],
    }


def _case_hash(staged) -> str:
    """The 64-bit hash of a staged row r that CASE_ROWS_HELD's digests sum: of its line, its
    values in the file's order joined by commas (a blank as ""): a simple file's line as it is
    (_cases_lines_against_held hashes that). A team renamed or removed since forgets the
    digests (migration core 0014's trigger), so the team's name stands for its id here."""
    # concat() reads a blank (NULL) as "", in one call where || took two a value.
    values = ", ',', ".join(f"r.{column}" for column in staged.all_columns)
    return f"hashtextextended(concat({values}), 0)"


# A child's digest from its rows' hashes h: their number and the sums of each hash's high 32
# and low 31 bits (integers that add up without overflow), in any order.
_DIGEST = "COUNT(*) AS rows, sum((h >> 32)::int) AS d1, sum((h & 2147483647)::int) AS d2"


def _cases_file_against_held(cursor, staged, today: dt.date) -> bool | None:
    """Which of the file's children to check and write. True: all of them (the rows held
    cannot be compared with: none held, or out of step with the episodes). False: those in
    import_cases_children, the children whose rows differ from the rows held (by the child's
    digest: the number of rows and the sums of their hashes, so multiplicity counts and order
    does not; a new child has none held), whose details another source gave since, or with two
    protection plans starting on one day (the one check that reads the file's order of a
    child's rows: which plan comes first). The others' rows are those the last export gave,
    which were checked then, and nothing a check reads besides a row's own text (a team
    renamed or removed forgets the digests) and today (a birth not after it: later passes
    too) has changed since.
    (Children and their episodes are written only by imports; a child deleted takes its
    episodes, and so the count, with it.) Two different sets of rows share a digest with a
    chance of about one in 2**63 (two 64-bit hashes alike, in 63 of their bits). None: a row
    without a child reference, which the row-by-row reader reports.

    Sets staged.rows_kept and staged.children (the file's) when False."""
    ref = f"r.{staged.column('child_id')}"
    held = _case_rows_held(cursor)
    if held is None:
        return True
    held_rows, held_children = held
    blank = " AND ".join(f"r.{column} IS NULL" for column in staged.all_columns)
    compared = _cases_compared(
        cursor,
        f"SELECT COALESCE({ref}, '') AS child_ref, {_case_hash(staged)} AS h"
        f" FROM {staged.table} r WHERE NOT ({blank})",
        held,
    )
    if compared is None:
        return None
    staged.rows_kept, staged.children = compared
    episode_type = f"r.{staged.column('episode_type')}"
    start = f"r.{staged.column('start_date')}"
    _cases_children_to_check(
        cursor,
        described_elsewhere=f"""
            SELECT {ref} FROM {staged.table} r
             WHERE {ref} IN (SELECT child_ref FROM core_child
                             WHERE attributes_source IS DISTINCT FROM %s)""",
        plans_on_one_day=f"""
            SELECT {ref} FROM {staged.table} r WHERE {episode_type} = 'CP'
             GROUP BY {ref}, {start} HAVING COUNT(*) > 1""",
    )
    cursor.execute("RESET max_parallel_workers_per_gather")
    cursor.execute("RESET enable_mergejoin")
    return False


def _cases_compared(
    cursor, file_rows: str, held: tuple[int, int], params: Sequence | None = None
) -> tuple[int, int] | None:
    """import_cases_compared: the file's children whose digest differs from the one held
    (child_ref and held_ref), new to the rows held (no held_ref), or held but left out of this
    file (no child_ref), with their rows in the file and held. file_rows: a query of each row
    (rows of empty cells left out) as its child_ref ('' where it has none) and its hash h.
    The file's rows and children (those held, less those it leaves out, and those new), or
    None if a row has no child reference, or there are no rows.

    One hash aggregate, compared as it comes out with the digests held in one full hash join.
    The aggregate in this process, not in parallel: the planner cannot know how many groups
    there are (it guesses 200), so in parallel it merges the workers' partial aggregates by
    sorting a million references in the language's collation, which took longer than the
    aggregate itself. Joined by hashing, not merged: merged, it sorted a million references on
    both sides (2.5 s, where the hash join takes a fifth of that). (OFFSET 0 keeps the subquery
    whole: each row's hash is worked out once, not once for each sum.) The caller resets the
    two settings."""
    held_rows, held_children = held
    cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
    cursor.execute("SET LOCAL enable_mergejoin = off")
    cursor.execute("DROP TABLE IF EXISTS import_cases_compared")
    cursor.execute(
        f"""
        CREATE TEMP TABLE import_cases_compared ON COMMIT DROP AS
        SELECT f.child_ref, h.child_ref AS held_ref, f.rows AS file_rows,
               h.rows AS held_rows
          FROM (
            SELECT child_ref, {_DIGEST} FROM ({file_rows} OFFSET 0) s GROUP BY child_ref
        ) f FULL JOIN {CASE_ROWS_HELD} h ON h.child_ref = f.child_ref
         WHERE f.child_ref IS NULL OR h.child_ref IS NULL
            OR (f.rows, f.d1, f.d2) <> (h.rows, h.d1, h.d2)
        """,
        params,
    )
    # An unchanged child has as many rows in the file as held.
    cursor.execute(
        "SELECT COUNT(*) FILTER (WHERE child_ref IS NULL),"
        " COUNT(*) FILTER (WHERE held_ref IS NULL),"
        " (COALESCE(sum(file_rows), 0) - COALESCE(sum(held_rows), 0))::bigint,"
        " COUNT(*) FILTER (WHERE child_ref = '')"
        " FROM import_cases_compared"
    )
    left_out, new, rows_more, without_reference = cursor.fetchone()
    rows = held_rows + rows_more
    if without_reference or not rows:
        return None
    return rows, held_children - left_out + new


def _cases_children_to_check(cursor, *, described_elsewhere: str, plans_on_one_day: str) -> None:
    """import_cases_children: the children whose rows differ from those held (in
    import_cases_compared), those of the file whose details another source gave (the query
    described_elsewhere, with the cases source its one parameter), and those with two
    protection plans starting on one day (plans_on_one_day: the file's order of their rows
    counts)."""
    cursor.execute("DROP TABLE IF EXISTS import_cases_children")
    cursor.execute(
        f"""
        CREATE TEMP TABLE import_cases_children ON COMMIT DROP AS
        SELECT child_ref FROM import_cases_compared WHERE child_ref IS NOT NULL
        UNION {described_elsewhere}
        UNION {plans_on_one_day}
        """,
        [services.CASES_SOURCE],
    )
    cursor.execute("ANALYZE import_cases_children")


def _case_rows_held(cursor) -> tuple[int, int] | None:
    """The rows and children CASE_ROWS_HELD holds digests of, or None when a file cannot be
    compared with them: none held, or out of step with the episodes held (one changed
    outside an import)."""
    cursor.execute(
        "SELECT COALESCE(sum(rows), 0), COUNT(*),"
        f" (SELECT COUNT(*) FROM core_episode WHERE source = %s) FROM {CASE_ROWS_HELD}",
        [services.CASES_SOURCE],
    )
    held_rows, held_children, held_episodes = cursor.fetchone()
    if not held_rows or held_rows != held_episodes:
        return None
    return held_rows, held_children


_CASES_LINES = "import_cases_lines"


def _cases_lines_against_held(cursor, upload: UploadedData) -> StagedCsv | None:
    """_cases_file_against_held's comparison for a simple file (StagedLines), read line by
    line: each line's hash is the one its staged values give (_case_hash), so the digests are
    the same. Only the changed children's rows are then staged as values (import_cases_raw,
    `n` their order in the file), for the staged check of those children (whole=False).

    None (with nothing left behind) where the file is not simple, there are no rows held to
    compare with, or a row is not one the comparison can read (no child reference, or not the
    header's width): the file is then staged as values, and checked as such."""
    held = _case_rows_held(cursor)
    if held is None:
        return None
    lines = stage_plain_lines(cursor, upload, CASES_COLUMNS, _CASES_LINES)
    if lines is None:
        return None
    ref = lines.value("child_id")
    width = len(lines.columns)
    try:
        with transaction.atomic():
            compared = _cases_compared(
                cursor,
                f"SELECT {ref} AS child_ref, hashtextextended(line, 0) AS h"
                f" FROM {lines.table} WHERE line <> %s",
                held,
                [lines.blank_line],
            )
            if compared is None:
                raise _NotStaged
            rows_kept, children = compared
            # The children to check: of the file's, those held (less those left out) whose
            # details another source gave; the plans read from the lines that name CP.
            _cases_children_to_check(
                cursor,
                described_elsewhere=f"""
                    SELECT h.child_ref FROM {CASE_ROWS_HELD} h
                      JOIN core_child c ON c.child_ref = h.child_ref
                     WHERE c.attributes_source IS DISTINCT FROM %s
                       AND h.child_ref NOT IN (SELECT held_ref FROM import_cases_compared
                                                WHERE child_ref IS NULL)""",
                plans_on_one_day=f"""
                    SELECT {ref} FROM {lines.table}
                     WHERE line LIKE '%%CP%%' AND {lines.value("episode_type")} = 'CP'
                     GROUP BY {ref}, {lines.value("start_date")} HAVING COUNT(*) > 1""",
            )
            # Their rows, as values (a blank NULL, as COPY's CSV reads it), in file order.
            values = ", ".join(f"a[{position + 1}]" for position in range(width))
            columns = ", ".join(f"c{position}" for position in range(width))
            cursor.execute(f"DROP TABLE IF EXISTS {_CASES_RAW}")
            cursor.execute(
                f"CREATE TEMP TABLE {_CASES_RAW} (n bigint GENERATED ALWAYS AS IDENTITY,"
                f" {', '.join(f'c{position} text' for position in range(width))})"
                " ON COMMIT DROP"
            )
            cursor.execute(
                f"""
                WITH picked AS (
                    SELECT ctid AS at, string_to_array(line, ',', '') AS a FROM {lines.table}
                     WHERE {ref} IN (SELECT child_ref FROM import_cases_children)
                ), taken AS (
                    INSERT INTO {_CASES_RAW} ({columns})
                    SELECT {values} FROM picked WHERE cardinality(a) = %s ORDER BY at
                    RETURNING 1
                )
                SELECT (SELECT COUNT(*) FROM picked), (SELECT COUNT(*) FROM taken)
                """,
                [width],
            )
            picked, taken = cursor.fetchone()
            if picked != taken:
                raise _NotStaged  # a row not of the header's width
            cursor.execute("RESET max_parallel_workers_per_gather")
            cursor.execute("RESET enable_mergejoin")
            cursor.execute(f"DROP TABLE {lines.table}")
    except (_NotStaged, DatabaseError):
        cursor.execute(f"DROP TABLE IF EXISTS {lines.table}")
        return None
    staged = StagedCsv(_CASES_RAW, lines.columns, lines.rows, clean=True)
    staged.rows_kept, staged.children = rows_kept, children
    return staged


# A file compared with the rows held: the children it leaves out (every child a case export
# gave has rows held: an export read row by row forgets them all, and the next is whole).
_LEFT_OUT = "SELECT held_ref FROM import_cases_compared WHERE child_ref IS NULL"


def _cases_dated(today: dt.date, **children: str) -> Callable[[Any], dict]:
    """The after_write that makes today the day of every child the export gave, and keeps the
    earlier day for those it leaves out (services.cases_export_dated, which `children` names
    them to). The children whose rows are unchanged are not rewritten for it: CaseExportDate
    holds the day."""

    def dated(cursor) -> dict:
        services.cases_export_dated(cursor, today, **children)
        return {}

    return dated


def case_rows_forget(cursor) -> None:
    """The rows held for comparison no longer describe what is held (a file read row by row
    wrote its children): the next export is checked in full, and held afresh."""
    cursor.execute(f"DELETE FROM {CASE_ROWS_HELD}")


class _NotStaged(Exception):
    """Raised inside the staged check's savepoint: the file goes row by row."""


def _cases_staged_check(cursor, staged, today: dt.date, *, whole: bool = True) -> int | None:
    """Fill import_episode (with each row's checks) and import_child from the staged file, or
    None if any row fails a check import_cases makes: each row's; a child's rows agreeing on
    birth, sex and ethnicity; and check_episode_rules (no episode ends before it starts; a
    protection plan neither starts before the child's first referral in the file, nor overlaps
    the plan before it, in start order then file order; at most one open). How many children.

    whole: every row of the file; else only the rows of the children in import_cases_children
    (_cases_file_against_held), whose checks are then the file's."""
    c = {name: f"r.{staged.column(name)}" for name in CASES_COLUMNS}
    rows_from = (
        staged.table
        if whole
        else f"(SELECT * FROM {staged.table} WHERE {staged.column('child_id')} IN"
        " (SELECT child_ref FROM import_cases_children))"
    )
    blank = " AND ".join(f"r.{column} IS NULL" for column in staged.all_columns)
    too_long = " OR ".join(
        f"COALESCE(octet_length(r.{column}), 0) > {MAX_FIELD_CHARACTERS}"
        for column in staged.all_columns
    )

    def iso_date(column: str) -> str:
        # Postgres reads the value as a date (or fails, and the file goes row by row); it is
        # the file's if it prints back the same: YYYY-MM-DD exactly.
        return f"{column}::date"

    # A clean file's values are plain, with no control character: only a file with other
    # bytes has each checked (a fifth of the check's time).
    plain = (
        ""
        if staged.clean
        else f"{sql_plain('ref')} AND {sql_plain('team')} AND ref !~ '[\x01-\x1f]' AND"
    )
    # DateStyle ISO: a date prints as YYYY-MM-DD, for the comparison below.
    cursor.execute("SET LOCAL DateStyle = 'ISO, MDY'")
    cursor.execute("DROP TABLE IF EXISTS import_episode")
    # The row-by-row reader's checks (import_cases): a reference of at most 64 characters (and
    # no control character), codes of the lists, dates YYYY-MM-DD from 1900, a birth not after
    # today, an episode not before birth (care) or a year before it (others), a team the portal
    # has, no value longer than the csv module reads. Rows of empty cells are skipped, as
    # Excel leaves them. import_episode carries the row's number and checks besides the
    # columns services.episodes_apply reads. A check on a blank value is NULL, so `ok` is
    # false unless every check is true. (OFFSET 0 keeps the subquery whole: each value is read
    # as a date once, not once for each check that reads it, a third of the check's time.)
    cursor.execute(
        f"""
        CREATE TEMP TABLE import_episode ON COMMIT DROP AS
        SELECT ref AS child_ref,
               CASE episode_type WHEN 'CIN' THEN %(cin)s WHEN 'CP' THEN %(cp)s
                                 ELSE %(cic)s END AS kind,
               start_date, end_date, team_id, ''::text AS plan_category,
               ''::text AS legal_status, NULL::date AS recorded_end_date, ''::text AS end_rule,
               n, birth, sex, ethnicity, h,
               COALESCE({plain} NOT too_long
               AND ref IS NOT NULL AND length(ref) <= {MAX_CHILD_REF}
               AND ethnicity = ANY(%(codes)s) AND sex IN ('1', '2', '9')
               AND episode_type IN ('CIN', 'CP', 'CIC')
               AND birth::text = birth_text AND start_date::text = start_text
               AND (end_text IS NULL OR end_date::text = end_text)
               AND birth BETWEEN %(earliest)s AND %(today)s
               AND start_date BETWEEN %(earliest)s AND %(today)s
               AND (end_date IS NULL OR end_date BETWEEN %(earliest)s AND %(today)s)
               AND (team IS NULL OR team_id IS NOT NULL)
               AND start_date >= CASE WHEN episode_type = 'CIC' THEN birth
                                      ELSE birth - %(pre_birth)s END, false) AS ok
          FROM (
            SELECT r.n, {c["child_id"]} AS ref, {c["sex"]} AS sex,
                   {c["ethnicity"]} AS ethnicity, {c["episode_type"]} AS episode_type,
                   {iso_date(c["date_of_birth"])} AS birth, {c["date_of_birth"]} AS birth_text,
                   {iso_date(c["start_date"])} AS start_date, {c["start_date"]} AS start_text,
                   {iso_date(c["end_date"])} AS end_date, {c["end_date"]} AS end_text,
                   {c["team"]} AS team, t.id AS team_id, ({too_long}) AS too_long,
                   {_case_hash(staged)} AS h
              FROM {rows_from} r LEFT JOIN core_team t ON t.name = {c["team"]}
             WHERE NOT ({blank})
            OFFSET 0
          ) s
        """,
        {
            "cin": EPISODE_TYPES["CIN"],
            "cp": EPISODE_TYPES["CP"],
            "cic": EPISODE_TYPES["CIC"],
            "codes": sorted(VALID_CODES),
            "today": today,
            "earliest": EARLIEST_DATE,
            "pre_birth": PRE_BIRTH_LIMIT.days,
        },
    )
    cursor.execute("SELECT COUNT(*), COALESCE(bool_and(ok), true) FROM import_episode")
    rows, all_ok = cursor.fetchone()
    if (whole and not rows) or not all_ok:
        return None
    staged.rows_checked = rows
    if whole:
        staged.rows_kept = rows
    cursor.execute(
        """
        SELECT EXISTS (SELECT 1 FROM import_episode WHERE end_date < start_date)
            OR (
                WITH plans AS (
                    SELECT child_ref, start_date, end_date,
                           lag(n) OVER w AS before_n, lag(end_date) OVER w AS before_end,
                           COUNT(*) FILTER (WHERE end_date IS NULL)
                               OVER (PARTITION BY child_ref) AS open_plans
                      FROM import_episode WHERE kind = %(cp)s
                    WINDOW w AS (PARTITION BY child_ref ORDER BY start_date, n)
                ), referrals AS (
                    -- Of the children with a plan only (a fifth): the others' first referral
                    -- bounds nothing.
                    SELECT child_ref, min(start_date) AS first_referral FROM import_episode
                     WHERE kind = %(cin)s
                       AND child_ref IN (SELECT child_ref FROM import_episode WHERE kind = %(cp)s)
                     GROUP BY child_ref
                )
                -- Counted, not EXISTS: for the first row a nested loop looks cheapest, and a
                -- file with none (every good file) would then join each plan to every child.
                SELECT COUNT(*) > 0 FROM plans p LEFT JOIN referrals r USING (child_ref)
                 WHERE p.open_plans > 1
                    OR (p.before_n IS NOT NULL
                        AND (p.before_end IS NULL OR p.start_date < p.before_end))
                    OR p.start_date < r.first_referral
            )
        """,
        {"cin": EPISODE_TYPES["CIN"], "cp": EPISODE_TYPES["CP"]},
    )
    if cursor.fetchone()[0]:
        return None
    services.children_staging_create(cursor)
    # The digests held for the children checked are theirs from this file (undone with the
    # savepoint if the file goes row by row after all).
    if not whole:
        cursor.execute(
            f"DELETE FROM {CASE_ROWS_HELD}"
            " WHERE child_ref IN (SELECT child_ref FROM import_cases_children)"
        )
    else:
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {CASE_ROWS_HELD})")
        if cursor.fetchone()[0]:
            cursor.execute(
                f"DELETE FROM {CASE_ROWS_HELD}"
                " WHERE child_ref IN (SELECT child_ref FROM import_episode)"
            )
    # Each child once; one whose rows disagree sends the file row by row. (Codes compared
    # byte by byte, "C": the same answer as the language's rules for equality, and quicker.)
    # In no order: sorting a million children into the order they first appear took a fifth
    # of this statement, and nothing reads children by the order of their ids.
    cursor.execute(
        f"""
        WITH children AS (
            SELECT child_ref, min(birth) AS birth,
                   min(sex COLLATE "C") AS sex, min(ethnicity COLLATE "C") AS ethnicity,
                   min(birth) = max(birth) AND min(sex COLLATE "C") = max(sex COLLATE "C")
                   AND min(ethnicity COLLATE "C") = max(ethnicity COLLATE "C") AS agrees,
                   {_DIGEST}
              FROM import_episode GROUP BY child_ref
        ), held AS (
            INSERT INTO {CASE_ROWS_HELD} (child_ref, rows, d1, d2)
            SELECT child_ref, rows, d1, d2 FROM children WHERE agrees
        ), staged AS (
            INSERT INTO import_child (child_ref, birth_year, birth_month, birth_day, sex,
                                      ethnicity, death_date, attributes_source,
                                      attributes_reference_date)
            SELECT child_ref, extract(year FROM birth), extract(month FROM birth),
                   extract(day FROM birth), sex::int, ethnicity, NULL, %s, %s
              FROM children WHERE agrees
            RETURNING 1
        )
        SELECT (SELECT COUNT(*) FROM staged), (SELECT COUNT(*) FROM children WHERE NOT agrees)
        """,
        [services.CASES_SOURCE, today],
    )
    children, disagreeing = cursor.fetchone()
    return None if disagreeing else children


def _case_row_problems(
    name: str,
    line: int,
    row: list[str],
    teams: dict[str, int],
    folded_teams: dict[str, str],
    problems: ProblemCollector,
    today: dt.date,
) -> None:
    """Every problem with one row of a case export, field by field."""
    child_ref, born, sex, ethnicity, episode_type, start, end, team_name = row
    place = Place(name, line)
    location = place.location
    check_child_ref(child_ref, place, "child_id", problems)
    birth = parse_iso_date(born, place, "date_of_birth", problems)
    if birth is not None and birth > today:
        problems.add(
            name, location, "date_of_birth", f"{birth:%Y-%m-%d} is in the future: not a birth"
        )
        birth = None
    birth = check_date_range(birth, place, "date_of_birth", problems)
    check_sex(sex, place, "sex", problems)
    check_ethnicity(ethnicity, place, "ethnicity", problems)
    if episode_type not in EPISODE_TYPES:
        problems.add(
            name,
            location,
            "episode_type",
            f"'{episode_type}' is not an episode type: use CIN, CP or CIC",
        )
    # An export is of what has happened by the day it is imported: a later date is not known.
    start_date = check_date_range(
        parse_iso_date(start, place, "start_date", problems),
        place,
        "start_date",
        problems,
        latest=today,
        latest_rule=EXPORT_DATE_RULE,
    )
    check_date_range(
        parse_iso_date(end, place, "end_date", problems, required=False),
        place,
        "end_date",
        problems,
        latest=today,
        latest_rule=EXPORT_DATE_RULE,
    )
    if start_date is not None and birth is not None:
        if episode_type == "CIC" and start_date < birth:
            problems.add(
                name,
                location,
                "start_date",
                f"the child comes into care ({start_date:%Y-%m-%d}) before their birth "
                f"({birth:%Y-%m-%d})",
            )
        elif start_date < birth - PRE_BIRTH_LIMIT:
            problems.add(
                name,
                location,
                "start_date",
                f"the episode starts ({start_date:%Y-%m-%d}) more than a year before the "
                f"child's birth ({birth:%Y-%m-%d})",
            )
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
        if not re.fullmatch(r"[0-9]{1,10}", count):
            problems.add(name, location, "count", f"'{row['count'][:40]}' is not a whole number")
        elif int(count) > MAX_COUNT:
            problems.add(
                name,
                location,
                "count",
                f"{int(count):,} is more than any population count can be ({MAX_COUNT:,})",
            )
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


# DfE's validation rules for the CIN census that decide who is in a cohort, by number.
RULE_REFERENCE_DATE = "DfE rule 100"
RULE_CLOSED_BEFORE_YEAR = "DfE rule 8620"
RULE_CPP_BEFORE_REFERRAL = "DfE rule 1105"
RULE_CIN_PLAN_BEFORE_REFERRAL = "DfE rule 4015"
RULE_UNBORN_SEX = "DfE rule 8750"


def _text(element: ET.Element | None, tag: str) -> str:
    """The first child element's text, stripped; "" when it is absent or empty. (findtext is
    one call into the C parser's elements, where find then .text was two.)"""
    if element is None:
        return ""
    return (element.findtext(tag) or "").strip()


def _optional_text(element: ET.Element | None, tag: str) -> str | None:
    """The element's text, or None when the element is absent (not the same as blank)."""
    if element is None:
        return None
    found = element.findtext(tag)
    return None if found is None else found.strip()


# The prolog: whitespace, the XML declaration, comments, processing instructions and a DOCTYPE
# (with its internal subset, where entities would be declared). A DOCTYPE may stand only here.
_PROLOG = re.compile(
    rb"\A(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>)*", re.DOTALL
)
_ELEMENT_START = re.compile(rb"<[A-Za-z_]")
_PROLOG_BYTES = 65_536


def _safe_iterparse(upload: UploadedData):
    """Elements as they end, parsed safely and streamed from the file. Entities can be declared
    only in the prolog's DOCTYPE, so defusedxml checks the prolog (refusing any entity
    declaration: entity expansion, external entities), and the body is parsed by the standard
    library's C parser, which then knows no entity to expand (an entity reference is an error).
    defusedxml's own parser is pure Python and would take twice as long over a national return.
    A prolog this cannot delimit within its first 64 KiB (another encoding, an odd DOCTYPE) goes
    through defusedxml whole."""
    head = upload.head(_PROLOG_BYTES)
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    prolog = _PROLOG.match(head)
    end = prolog.end() if prolog else 0
    if end < len(head) and _ELEMENT_START.match(head, end):
        try:
            SafeET.fromstring(head[:end] + b"<prolog-check/>", forbid_dtd=True)
        except ET.ParseError:
            pass  # let the whole document be parsed below, to report where it breaks
        else:
            return ET.iterparse(upload.open_without_bom(), events=("end",))
    return SafeET.iterparse(upload.open_without_bom(), events=("end",), forbid_dtd=True)


def _local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


@dataclass
class _CinReturn:
    """What the header says: the collection year (from <Year>) and its reference date."""

    name: str
    year: int | None = None
    reference_date: dt.date | None = None

    @property
    def period_start(self) -> dt.date:
        assert self.year is not None  # read once the header is checked
        return dt.date(self.year - 1, 4, 1)


def _cin_header(element: ET.Element, header: _CinReturn, problems: ProblemCollector) -> None:
    """Header > CollectionDetails: <Year> is the collection year (ending 31 March);
    <ReferenceDate> must be 31 March of it (DfE rule 100)."""
    name = header.name
    where = "Header > CollectionDetails"
    for tag in ("Year", "ReferenceDate"):
        if len(element.findall(tag)) > 1:
            problems.add(name, where, tag, f"<{tag}> appears twice: which is meant cannot be told")
    year_text = _text(element, "Year")
    latest_year = latest_collection_year()
    if not re.fullmatch(r"20[0-9][0-9]", year_text) or int(year_text) > latest_year:
        problems.add(
            name,
            where,
            "Year",
            f"'{year_text[:20]}' is not a collection year such as 2025 (the year ending 31 March"
            f", at the latest {latest_year})"
            if year_text
            else "the return has no <Year>: the collection year comes from it",
        )
    else:
        header.year = int(year_text)
    reference_text = _text(element, "ReferenceDate")
    reference = parse_iso_date(reference_text, Place(name, where), "ReferenceDate", problems)
    if reference is not None and header.year is not None:
        expected = dt.date(header.year, 3, 31)
        if reference != expected:
            problems.add(
                name,
                where,
                "ReferenceDate",
                f"the reference date is {reference:%Y-%m-%d} but a {header.year - 1}-"
                f"{str(header.year)[2:]} return (Year {header.year}) has {expected:%Y-%m-%d} "
                f"({RULE_REFERENCE_DATE})",
            )
            reference = None
    header.reference_date = reference


def import_cin_census(files: Sequence[UploadedData], *, progress: Progress = None) -> dict:
    """The CIN census XML: Message > Header > Children > Child. Reads CINdetails (referral and
    closure), CINPlanDates and ChildProtectionPlans. Replaces the return for its year, which
    is the header's <Year>; nothing of any other year is removed.

    Parsed with defusedxml: a document type or entity declaration (an entity expansion attack,
    or a reference to a file on the server) is refused before anything is expanded. Python's
    garbage collector is paused meanwhile (collector_paused: it was most of the parsing).
    """
    with collector_paused():
        return _import_cin_census(files, progress)


def _import_cin_census(files: Sequence[UploadedData], progress: Progress) -> dict:
    problems = ProblemCollector()
    upload = files[0]
    name = upload.name
    total_children = max(1, upload.count(b"<Child>"))
    children: dict[str, ChildRecord] = {}
    episodes: list[EpisodeRecord] = []
    header = _CinReturn(name)
    number = 0
    details_seen = 0
    element = None
    try:
        # "end" events only: a start event for each of a million elements costs a quarter of
        # the import. The root is the last element to end, checked after the loop.
        for _event, element in _safe_iterparse(upload):
            tag = element.tag
            if tag[0] == "{":
                # A return in a namespace (<Message xmlns="...">): each element is given its
                # local name as it ends, so those inside a Child or the header (which end
                # first) are found by it. A file without one pays one comparison an element.
                tag = element.tag = _local_name(tag)
            if tag == "CollectionDetails":
                details_seen += 1
                if details_seen == 1:
                    _cin_header(element, header, problems)
                elif details_seen == 2:
                    problems.add(
                        name,
                        "Header > CollectionDetails",
                        "",
                        "the return has a second CollectionDetails: which gives its year "
                        "cannot be told",
                    )
            elif tag == "Child":
                number += 1
                if header.year is None or header.reference_date is None:
                    if not problems:
                        problems.add(
                            name,
                            "Header > CollectionDetails",
                            "Year",
                            "the header (Year and ReferenceDate) must come before the children",
                        )
                else:
                    _cin_child(element, number, header, problems, children, episodes)
                element.clear()
                if number % 2_000 == 0:
                    _tick(progress, number, total_children)
    except ET.ParseError as error:
        line, column = error.position
        problems.add(
            name, f"line {line}, column {column}", "", f"the XML is not well formed: {error}"
        )
        problems.raise_if_any()
    except DefusedXmlException as error:
        problems.add(
            name,
            "",
            "",
            "the XML declares a document type or entities, which a return never needs and "
            f"the portal refuses (a defence against entity expansion attacks): {error}",
        )
        problems.raise_if_any()
    root = _local_name(element.tag) if element is not None else ""
    if root != "Message":
        # Whatever else was found, the file is not a CIN census return: say that alone.
        problems.problems[:] = []
        problems.add(
            name,
            "line 1",
            "",
            f"the root element is <{root}>, not <Message>: this is not a CIN census return",
        )
        problems.raise_if_any()
    if header.year is None and header.reference_date is None and not problems:
        problems.add(name, "Header > CollectionDetails", "", "the return has no header")
    if number == 0 and not problems:
        problems.add(name, "Children", "", "the return has no Child elements")
    if header.year is None or header.reference_date is None:
        problems.raise_if_any()
    # A header without either is always a problem, raised just above.
    assert header.year is not None and header.reference_date is not None
    check_episode_rules(
        episodes,
        problems,
        referral_kind=EpisodeKind.CHILD_IN_NEED,
        plans_after_first_referral=False,
    )
    _check_in_collection_year(episodes, header.period_start, problems)
    problems.raise_if_any()
    _tick(progress, total_children, total_children)
    year = header.year
    source = f"cin:{year}"
    later_held = Episode.objects.filter(source__startswith="cin:", source__gt=source).exists()
    if later_held:
        # A later return is the truth from its own year on (as for the returns already held).
        year_end = dt.date(year, 3, 31)
        for episode in episodes:
            if episode.end_date is None:
                episode.end_by_rule(year_end, "LATER_RETURN")

    def across_returns(cursor) -> dict:
        closed = services.cin_returns_close_superseded(cursor)
        result: dict[str, int | list[str]] = {"episodes_closed_by_a_later_return": closed}
        cursor.execute(
            "SELECT DISTINCT source FROM core_episode WHERE source LIKE 'cin:%%' ORDER BY source"
        )
        held = [row[0] for row in cursor.fetchall()]
        position = held.index(source) if source in held else -1
        left: list[str] = []
        if position > 0:
            count, refs = services.children_left_between(
                cursor, earlier=held[position - 1], later=source
            )
            result["children_left_since_previous_return"] = count
            if count:
                left.append(
                    f"{count} child(ren) open at the end of {_return_label(held[position - 1])}"
                    " are not in this return, so they left before "
                    f"{header.period_start:%-d %B %Y} and are not counted in "
                    f"{year - 1}-{str(year)[2:]}: "
                    + ", ".join(refs)
                    + (" ..." if count > len(refs) else "")
                )
        if 0 <= position < len(held) - 1:
            count, refs = services.children_left_between(
                cursor, earlier=source, later=held[position + 1]
            )
            result["children_left_before_next_return"] = count
            if count:
                left.append(
                    f"{count} child(ren) open at the end of this return are not in "
                    f"{_return_label(held[position + 1])}, so they left by "
                    f"{dt.date(year, 3, 31):%-d %B %Y}: "
                    + ", ".join(refs)
                    + (" ..." if count > len(refs) else "")
                )
        result["left_warnings"] = left
        return result

    counts = services.children_and_episodes_write(
        (child.row() for child in children.values()),
        episodes,
        source=source,
        scope="source",
        reference_date=header.reference_date,
        after_write=across_returns,
    )
    left = counts.pop("left_warnings")
    conflicts = counts.pop("conflict_warnings")
    warnings = left + conflicts
    return {
        "children": len(children),
        "episodes": len(episodes),
        "collection_year": year,
        "collection_year_from": "the header's Year",
        "reference_date": header.reference_date.isoformat(),
        **counts,
        "warnings_count": len(left) + max(len(conflicts), counts["children_conflicts"]),
        "warnings": warnings[:MAX_WARNINGS],
    }


def _return_label(source: str) -> str:
    kind, _, year = source.partition(":")
    name = {"cin": "the CIN census", "ssda903": "the SSDA903 return"}.get(kind, kind)
    return f"{name} {int(year) - 1}-{year[2:]}"


def _cin_child(
    element: ET.Element,
    number: int,
    header: _CinReturn,
    problems: ProblemCollector,
    children: dict[str, ChildRecord],
    episodes: list[EpisodeRecord],
) -> None:
    name = header.name
    reference = header.reference_date
    # Children are read only once the header has given both (import_cin_census).
    assert header.year is not None and reference is not None
    identifiers = element.find("ChildIdentifiers")
    raw_ref = _text(identifiers, "LAchildID")
    where = f"Child {number}" + (f" (LAchildID {raw_ref[:64]})" if raw_ref else "")
    place = Place(name, f"{where} > ChildIdentifiers")
    before = len(problems.problems)
    child_ref = check_child_ref(raw_ref, place, "LAchildID", problems)
    born_text = _text(identifiers, "PersonBirthDate")
    expected_text = _text(identifiers, "ExpectedPersonBirthDate")
    born = bool(born_text)
    birth_field = "PersonBirthDate" if born else "ExpectedPersonBirthDate"
    birth = parse_iso_date(born_text or expected_text, place, birth_field, problems)
    # An expected birth lies ahead (within the year after the reference date); a birth cannot.
    birth = check_date_range(
        birth,
        place,
        birth_field,
        problems,
        latest=reference if born else dt.date(reference.year + 1, 3, 31),
    )
    sex = check_cin_sex(
        sex=_optional_text(identifiers, "Sex"),
        gender=_optional_text(identifiers, "GenderCurrent"),
        year=header.year,
        place=place,
        problems=problems,
    )
    if not born and sex in (1, 2) and header.year >= FIRST_SEX_YEAR:
        # An unborn child's sex is not known: U (DfE rule 8750, from the 2024-25 collection).
        problems.add(
            name,
            place.location,
            "Sex",
            f"the child is unborn (an ExpectedPersonBirthDate, no PersonBirthDate), so their "
            f"<Sex> is U, not {'M' if sex == 1 else 'F'} ({RULE_UNBORN_SEX})",
        )
        sex = None
    death = parse_iso_date(
        _text(identifiers, "PersonDeathDate"), place, "PersonDeathDate", problems, required=False
    )
    death = check_date_range(death, place, "PersonDeathDate", problems, latest=reference)
    if death is not None and birth is not None and death < birth:
        problems.add(
            name,
            place.location,
            "PersonDeathDate",
            f"the death date ({death:%Y-%m-%d}) is before the birth ({birth:%Y-%m-%d})",
        )
    ethnicity = check_ethnicity(
        _text(element.find("ChildCharacteristics"), "Ethnicity"),
        Place(name, f"{where} > ChildCharacteristics"),
        "Ethnicity",
        problems,
    )
    child_ok = len(problems.problems) == before
    if child_ok:
        # No problem was added for the child, so each of these was read.
        assert birth is not None and sex is not None and ethnicity is not None
        child = ChildRecord(child_ref, birth, sex, ethnicity, place, death)
        if child_ref in children:
            problems.add(
                name,
                place.location,
                "LAchildID",
                f"child {child_ref} appears twice in the return "
                f"(first at {children[child_ref].place.location})",
            )
        children[child_ref] = child

    # A date that passes every check below, taken at once (most of a return's dates): the same
    # parse, the same bounds; any other goes the full way, which reports it.
    from_iso = dt.date.fromisoformat
    latest = reference if reference is not None else dt.date.max
    earliest_ok = (
        birth - PRE_BIRTH_LIMIT if child_ok and born and birth is not None else EARLIEST_DATE
    )
    latest_start = death if child_ok and death is not None else latest

    def checked_date(parent, tag: str, at: Place, *, required: bool) -> dt.date | None:
        text = (parent.findtext(tag) or "").strip()
        if len(text) == 10:
            try:
                parsed = from_iso(text)
            except ValueError:
                pass
            else:
                if (
                    EARLIEST_DATE <= parsed <= latest
                    and parsed >= earliest_ok
                    and (parsed <= latest_start or tag not in _CIN_START_TAGS)
                ):
                    return parsed
        value = parse_iso_date(text, at, tag, problems, required=required)
        value = check_date_range(
            value, at, tag, problems, latest=reference, latest_rule="no date follows it"
        )
        if value is not None and child_ok:
            if born and birth is not None and value < birth - PRE_BIRTH_LIMIT:
                problems.add(
                    name,
                    at.location,
                    tag,
                    f"{value:%Y-%m-%d} is more than a year before the child's birth "
                    f"({birth:%Y-%m-%d})",
                )
                return None
            if death is not None and value > death and tag in _CIN_START_TAGS:
                problems.add(
                    name,
                    at.location,
                    tag,
                    f"{value:%Y-%m-%d} is after the child's death ({death:%Y-%m-%d})",
                )
                return None
        return value

    def add_episode(episode: EpisodeRecord) -> None:
        if death is not None and (episode.end_date is None or episode.end_date > death):
            episode.end_by_rule(death, "DEATH")
        episodes.append(episode)

    for index, details in enumerate(element.findall("CINdetails"), start=1):
        details_place = Place(name, f"{where} > CINdetails {index}")
        referral = checked_date(details, "CINreferralDate", details_place, required=True)
        closure = checked_date(details, "CINclosureDate", details_place, required=False)
        if (
            referral is not None
            and birth is not None
            and child_ok
            and age_on(birth, referral) >= 18
        ):
            problems.add(
                name,
                details_place.location,
                "CINreferralDate",
                f"the referral ({referral:%Y-%m-%d}) is on or after the child's 18th "
                f"birthday (born {birth:%Y-%m-%d})",
            )
        if referral is not None and child_ok:
            add_episode(
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
        for plans in _CIN_PLANS:
            for plan_index, plan in enumerate(details.findall(plans.element), start=1):
                plan_place = Place(name, f"{details_place.location} > {plans.element} {plan_index}")
                start = checked_date(plan, plans.start_field, plan_place, required=True)
                end = checked_date(plan, plans.end_field, plan_place, required=False)
                if referral is not None and start is not None and start < referral:
                    problems.add(
                        name,
                        plan_place.location,
                        plans.start_field,
                        f"the {plans.name} starts ({start:%Y-%m-%d}) before its referral "
                        f"({referral:%Y-%m-%d}) ({plans.rule_before_referral})",
                    )
                _check_within_closure(start, end, closure, plan_place, plans.end_field, problems)
                if start is not None and child_ok:
                    add_episode(
                        EpisodeRecord(
                            child_ref,
                            plans.kind,
                            start,
                            end,
                            plan_place,
                            plan_category=_text(plan, plans.category_field)[:10]
                            if plans.category_field
                            else "",
                            start_field=plans.start_field,
                            end_field=plans.end_field,
                        )
                    )


@dataclass(frozen=True)
class _CinPlans:
    """A kind of plan a CIN census child's CINdetails holds, and how its return spells it."""

    element: str
    start_field: str
    end_field: str
    kind: str
    name: str
    rule_before_referral: str
    category_field: str = ""


_CIN_PLANS = (
    _CinPlans(
        "CINPlanDates",
        "CINPlanStartDate",
        "CINPlanEndDate",
        EpisodeKind.CIN_PLAN,
        "child in need plan",
        RULE_CIN_PLAN_BEFORE_REFERRAL,
    ),
    _CinPlans(
        "ChildProtectionPlans",
        "CPPstartDate",
        "CPPendDate",
        EpisodeKind.CHILD_PROTECTION,
        "child protection plan",
        RULE_CPP_BEFORE_REFERRAL,
        category_field="InitialCategoryOfAbuse",
    ),
)
# The dates that start an episode (a referral, a plan): none is after the child's death.
_CIN_START_TAGS = frozenset({"CINreferralDate", *(plans.start_field for plans in _CIN_PLANS)})


def _check_within_closure(start, end, closure, place: Place, field: str, problems) -> None:
    """A plan lies within its child in need episode: it cannot outlast the episode's closure
    (field: the plan's end date's)."""
    if closure is None or start is None:
        return
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
    began does not belong in it (DfE rule 8620)."""
    for episode in episodes:
        closed = episode.recorded_end_date if episode.end_rule else episode.end_date
        is_referral = episode.kind == EpisodeKind.CHILD_IN_NEED
        if is_referral and closed is not None and closed < period_start:
            place = episode.place
            assert isinstance(place, Place)  # the CIN census gives each episode its Place
            problems.add(
                place.file,
                place.location,
                episode.end_field,
                f"the episode closed ({closed:%Y-%m-%d}) before the collection year began "
                f"({period_start:%Y-%m-%d}) ({RULE_CLOSED_BEFORE_YEAR})",
            )


# ---------------------------------------------------------------- SSDA903


HEADER_COLUMNS = ["child", "sex", "dob", "ethnic"]
EPISODE_COLUMNS = ["child", "decom", "dec"]
# Read where present: the cleaning compares them (RNE, LS, PLACE, PLACE_PROVIDER, PL_POST, URN),
# REC and REASON_PLACE_CHANGE are kept for the record, YEAR and LA come with stacked files.
EPISODE_OPTIONAL = [
    "rne",
    "ls",
    "cin",
    "place",
    "place_provider",
    "rec",
    "reason_place_change",
    "pl_post",
    "urn",
    "year",
    "la",
]
OPTIONAL_WIDTHS = {"rne": 2, "ls": 10, "cin": 4, "place": 4, "place_provider": 4, "rec": 4,
                   "reason_place_change": 10, "pl_post": 10, "urn": 10, "la": 10}  # fmt: skip
# More bad dates than this in one column are reported as one line for the column.
DATE_SUMMARY_AFTER = 5
# A workbook's date cell, as the workbook reader gives it.
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _which_903_file(upload: UploadedData) -> str | None:
    """Which table a file is, from its header's column names (a CSV's first line read as CSV,
    so quoted names are names, with or without a byte order mark; or a workbook's first row).
    A CSV is first given every flat file's byte checks (checked_bytes: a NUL byte, as UTF-16
    has, or a byte that is not text raises ImportRejected with its line and column)."""
    if upload.is_excel:
        try:
            first_row = next(iter(excel_rows(upload, rows=1)), [])
        except ImportRejected:
            return None
        header = {str(name).strip().lower() for name in first_row}
    else:
        # Only the header is read here; the reader checks every byte of the file after. A
        # NUL byte at the start (UTF-16) or a header that is not text is refused now, with
        # the byte's line and column as for every flat file, not as "not an SSDA903 file".
        if b"\x00" in upload.head(4096):
            checked_bytes(upload)
        try:
            with upload.text() as text:
                first_row = next(csv.reader(text), [])
        except csv.Error:
            first_row = []
        except UnicodeDecodeError:
            checked_bytes(upload)
            raise
        header = {name.strip().lower() for name in first_row}
    if {"child", "decom"} <= header:
        return "episodes"
    if {"child", "dob", "ethnic"} <= header:
        return "header"
    return None


class _UkDates:
    """dd/mm/YYYY dates of one file, with bad ones reported per row, or, when a column has
    more than DATE_SUMMARY_AFTER of them (a file saved with ISO dates, say), as one line for
    the column: "column DECOM: dates must be dd/mm/YYYY, 37 rows (first at line 2, ...)".

    A workbook's date cells are real dates, which the workbook reader gives as YYYY-MM-DD
    (arp_portal.core.importing's _excel_cell): in a workbook those are read too. A CSV's dates
    are text, and DfE's SSDA903 CSV format is dd/mm/YYYY: there YYYY-MM-DD is refused."""

    def __init__(self, upload: UploadedData, problems: ProblemCollector):
        self.file_name = upload.name
        self.workbook = upload.is_excel
        self.problems = problems
        self.bad: dict[str, list[ImportProblem]] = {}

    def parse(self, value: str, line: int, field: str, *, required: bool = True):
        if not value:
            if required:
                self.problems.add(self.file_name, f"line {line}", field, "the date is blank")
            return None
        if self.workbook and _ISO_DATE.fullmatch(value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass  # reported below, as any other date that is not one
        before = len(self.problems.problems)
        date = parse_uk_date(value, Place(self.file_name, line), field, self.problems)
        if date is None:
            self.bad.setdefault(field, []).extend(self.problems.problems[before:])
        return date

    def summarise(self) -> None:
        """Replace the rows' messages of a column with many bad dates by one line."""
        for field, rows in self.bad.items():
            if len(rows) <= DATE_SUMMARY_AFTER:
                continue
            ids = {id(problem) for problem in rows}
            self.problems.problems[:] = [p for p in self.problems.problems if id(p) not in ids]
            iso = sum(1 for problem in rows if re.search(r"'\d{4}-\d\d-\d\d'", problem.message))
            self.problems.add(
                self.file_name,
                "",
                "",
                f"column {field}: dates must be dd/mm/YYYY, {len(rows)} rows (first at "
                f"{rows[0].location}: {rows[0].message.split(' is not')[0]})"
                + (f"; {iso} of them are written YYYY-MM-DD" if iso else ""),
            )


def _optional_values(row: dict[str, str]) -> dict[str, str]:
    return {name: row.get(name, "")[: OPTIONAL_WIDTHS.get(name, 10)] for name in EPISODE_OPTIONAL}


def import_ssda903(
    files: Sequence[UploadedData], *, progress: Progress = None, year: int | None = None
) -> dict:
    """SSDA903 Header (CHILD, SEX, DOB, ETHNIC) and Episodes (CHILD, DECOM, RNE, LS, ..., DEC)
    CSVs, dates dd/mm/YYYY. The return's year (ending 31 March) is the YEAR column where the
    file has one (a stacked file may hold several years), else `year`, which an Episodes file
    without a YEAR column must be given (never guessed from its dates: a return in which
    nothing moved would look like an earlier year's, and replace it). A return holds the
    episodes open during its year (and may carry a child's earlier ones, kept and counted in a
    warning; a year none of whose episodes is open in it is refused as the wrong year), and no
    date (a birth among them) is after its 31 March. Replaces the returns of those years only,
    then cleans the episodes of every return held together (episode_cleaning) and counts what
    that makes.
    """
    problems = ProblemCollector()
    latest_year = latest_collection_year()
    if year is not None and not MIN_COLLECTION_YEAR <= year <= latest_year:
        problems.add(
            "(upload)",
            "",
            "year",
            f"{year} is not a collection year: give one from {MIN_COLLECTION_YEAR} to "
            f"{latest_year} (the year the return ends, on 31 March)",
        )
        problems.raise_if_any()
    by_kind: dict[str, UploadedData] = {}
    for upload in files:
        try:
            kind = _which_903_file(upload)
        except ImportRejected as unreadable:
            problems.problems.extend(unreadable.problems)
            continue
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
    child_years: dict[str, int] = {}
    header_dates = _UkDates(header, problems)

    rows_seen = 0
    for line, row in read_csv(header, HEADER_COLUMNS, problems, optional=["year"]):
        rows_seen += 1
        place = Place(header.name, f"line {line}")
        before = len(problems.problems)
        child_ref = check_child_ref(row["child"], place, "CHILD", problems)
        header_refs.add(child_ref)
        birth = header_dates.parse(row["dob"], line, "DOB")
        sex = check_sex(row["sex"], place, "SEX", problems)
        ethnicity = check_ethnicity(row["ethnic"], place, "ETHNIC", problems)
        row_year = _year_value(row.get("year", ""), place, problems)
        birth = check_date_range(birth, place, "DOB", problems)
        # Not born after the return's year ends: the row's YEAR, else the year given (else,
        # the Episodes file's YEARs, checked once they are known, below).
        return_year = row_year or year
        if birth is not None and return_year is not None:
            birth = _born_by_year_end(birth, return_year, place, problems)
        if len(problems.problems) != before or birth is None:
            continue
        # No problem was added for the row, so both were read.
        assert sex is not None and ethnicity is not None
        if child_ref in children:
            if row_year is not None and row_year != child_years.get(child_ref):
                # A stacked Header: the child in each year's return; the latest year's stands.
                if row_year > child_years[child_ref]:
                    children[child_ref] = ChildRecord(child_ref, birth, sex, ethnicity, place)
                    child_years[child_ref] = row_year
                continue
            problems.add(
                header.name,
                place.location,
                "CHILD",
                f"child {child_ref} is in the Header twice (first at "
                f"{children[child_ref].place.location})",
            )
            continue
        children[child_ref] = ChildRecord(child_ref, birth, sex, ethnicity, place)
        child_years[child_ref] = row_year or 0
    header_dates.summarise()
    # A Header file refused as a whole (a column named twice, no rows) gives no children: its
    # own problem says so, without one more for each episode.
    header_refused = rows_seen == 0
    if rows_seen == 0 and not problems:
        problems.add(header.name, "line 2", "", "the Header file has no rows")
    _tick(progress, _count_lines(header), total)

    episode_dates = _UkDates(episodes_file, problems)
    records: list[dict] = []
    file_years: set[int] = set()
    for line, row in read_csv(episodes_file, EPISODE_COLUMNS, problems, optional=EPISODE_OPTIONAL):
        place = Place(episodes_file.name, f"line {line}")
        before = len(problems.problems)
        child_ref = check_child_ref(row["child"], place, "CHILD", problems)
        if child_ref and child_ref not in header_refs and not header_refused:
            problems.add(
                episodes_file.name,
                place.location,
                "CHILD",
                f"child {child_ref} is not in the Header file",
            )
        start = check_date_range(episode_dates.parse(row["decom"], line, "DECOM"), place,
                                 "DECOM", problems)  # fmt: skip
        end = check_date_range(episode_dates.parse(row["dec"], line, "DEC", required=False),
                               place, "DEC", problems)  # fmt: skip
        row_year = _year_value(row.get("year", ""), place, problems)
        if row_year is not None:
            file_years.add(row_year)
        for column, width in OPTIONAL_WIDTHS.items():
            if len(row.get(column, "")) > width:
                # Not cut to fit: a code longer than the return allows is a wrong code.
                problems.add(
                    episodes_file.name,
                    place.location,
                    column.upper(),
                    f"'{row[column][:20]}' is {len(row[column]):,} characters long: an "
                    f"SSDA903 {column.upper()} has at most {width}",
                )
        if len(problems.problems) != before or start is None:
            continue
        if end is not None and end < start:
            problems.add(
                episodes_file.name,
                place.location,
                "DEC",
                f"ends ({end:%d/%m/%Y}) before it starts ({start:%d/%m/%Y})",
            )
            continue
        if child_ref not in children:
            continue  # the child's Header row has problems of its own, reported
        birth = children[child_ref].birth_date
        if start < birth:
            problems.add(
                episodes_file.name,
                place.location,
                "DECOM",
                f"the episode starts ({start:%d/%m/%Y}) before the child's birth "
                f"({birth:%d/%m/%Y})",
            )
            continue
        records.append(
            {
                **_optional_values(row),
                "line": line,
                "child_ref": child_ref,
                "decom": start,
                "dec": end,
                "year": row_year,
            }
        )
    episode_dates.summarise()
    if year is None and file_years and max(file_years) <= latest_year:
        # The Header rows without a YEAR: born by the end of the file's latest year.
        for child_ref, child in children.items():
            if not child_years[child_ref]:
                _born_by_year_end(child.birth_date, max(file_years), child.place, problems)
    if not records and not problems:
        problems.add(episodes_file.name, "line 2", "", "the Episodes file has no rows")
    if not records:
        problems.raise_if_any()

    with_year = sum(1 for record in records if record["year"] is not None)
    year_from = "the YEAR column" if with_year else "the year given on upload"
    if year is None and with_year < len(records):
        if not with_year:
            problems.add(
                episodes_file.name,
                "line 1",
                "YEAR",
                "the Episodes file has no YEAR column, so give the return's collection year "
                "(the year it ends, on 31 March: 2025 for 2024-25) on the upload form, or "
                "--year 2025 to the command",
            )
        else:
            for record in records:
                if record["year"] is None:
                    problems.add(
                        episodes_file.name,
                        f"line {record['line']}",
                        "YEAR",
                        "the YEAR is blank: give the return's year (2025 for 2024-25) here, "
                        "or a collection year on upload",
                    )
        problems.raise_if_any()
    for record in records:
        if record["year"] is None:
            record["year"] = year
    years = sorted({record["year"] for record in records})
    if years[-1] > latest_year:
        # A YEAR beyond any return that can exist yet (the year given is checked above).
        first = next(record for record in records if record["year"] > latest_year)
        problems.add(
            episodes_file.name,
            f"line {first['line']}",
            "YEAR",
            f"{first['year']} is after the latest collection year, {latest_year - 1}-"
            f"{str(latest_year)[2:]} (the year ending 31 March {latest_year})",
        )
        problems.raise_if_any()
    history: dict[int, int] = {}  # year -> episodes of its return ended before it began
    for record in records:
        year_end = dt.date(record["year"], 3, 31)
        if record["dec"] is not None and record["dec"] < dt.date(record["year"] - 1, 4, 1):
            history[record["year"]] = history.get(record["year"], 0) + 1
        for field in ("decom", "dec"):
            value = record[field]
            if value is not None and value > year_end:
                problems.add(
                    episodes_file.name,
                    f"line {record['line']}",
                    field.upper(),
                    f"{value:%d/%m/%Y} is after the end of the {record['year'] - 1}-"
                    f"{str(record['year'])[2:]} return's year ({year_end:%d/%m/%Y})",
                )
    # A return holds the episodes open during its year, and may carry a child's earlier ones
    # (a case system's history, as the shared samples do): those are kept. A year none of whose
    # episodes is open in it is the wrong year (the 903 counterpart of CIN rule 8620).
    per_year = {year: sum(1 for r in records if r["year"] == year) for year in history}
    history_warnings = []
    for year, ended in sorted(history.items()):
        label = f"{year - 1}-{str(year)[2:]}"
        if ended == per_year[year]:
            first = next(r for r in records if r["year"] == year)
            problems.add(
                episodes_file.name,
                f"line {first['line']}",
                "YEAR" if with_year else "year",
                f"every episode of the {label} return ended before its year began "
                f"(1 April {year - 1}): a return holds the episodes open during its year, "
                "so the collection year is wrong",
            )
        else:
            history_warnings.append(
                f"{episodes_file.name}: {ended:,} episode{'s' if ended != 1 else ''} of the "
                f"{label} return ended before its year began (1 April {year - 1}); kept as "
                "the children's earlier history"
            )
    problems.raise_if_any()
    warnings = history_warnings + _care_overlaps(records, episodes_file.name)
    _tick(progress, total, total)
    counts = services.care_returns_write(
        children=[child.row() for child in children.values()],
        records=records,
        years=years,
        reference_date=dt.date(max(years), 3, 31),
    )
    all_warnings = warnings + counts.pop("conflict_warnings") + counts.pop("cleaning_report")
    return {
        "children": len(children),
        "episodes": len(records),
        "collection_year": max(years),
        "collection_year_from": year_from,
        "collection_years": years,
        **counts,
        "warnings_count": len(all_warnings),
        "warnings": all_warnings[:MAX_WARNINGS],
    }


def _born_by_year_end(
    birth: dt.date, year: int, place: Place, problems: ProblemCollector
) -> dt.date | None:
    """A child in a return is born by its year's end (31 March), as a CIN census child is by
    its reference date."""
    year_end = dt.date(year, 3, 31)
    if birth <= year_end:
        return birth
    problems.add(
        place.file,
        place.location,
        "DOB",
        f"{birth:%d/%m/%Y} is after the end of the {year - 1}-{str(year)[2:]} return's year "
        f"({year_end:%d/%m/%Y}): no child in the return is born later",
    )
    return None


def _year_value(value: str, place: Place, problems: ProblemCollector) -> int | None:
    if not value:
        return None
    if re.fullmatch(r"20[0-9][0-9]", value):
        return int(value)
    problems.add(place.file, place.location, "YEAR", f"'{value[:20]}' is not a year such as 2025")
    return None


def _care_overlaps(records: list[dict], file_name: str) -> list[str]:
    """A child's episodes in one return follow one another: the next may start the day one
    ends. An overlap within a return is a fault DfE's validator reports, but it does not change
    whether the child was in care on a date (each child is counted once), so it is a warning:
    the return is imported and the data manager is told which lines to correct. (Overlaps
    between returns are trimmed by the cleaning, RULE_4.)"""
    warnings: list[str] = []
    by_child: dict[tuple, list[dict]] = {}
    for record in records:
        by_child.setdefault((record["year"], record["child_ref"]), []).append(record)
    for (_year, child_ref), child_records in by_child.items():
        child_records.sort(key=lambda r: r["decom"])
        for before, after in zip(child_records, child_records[1:], strict=False):
            if before["dec"] is None or after["decom"] < before["dec"]:
                warnings.append(
                    f"{file_name}, line {after['line']}, DECOM: child {child_ref}'s episode "
                    f"starting {after['decom']:%d/%m/%Y} overlaps the episode starting "
                    f"{before['decom']:%d/%m/%Y} (line {before['line']})"
                )
    return warnings
