"""The front door's two imports: contacts and early help episodes, as CSV or XLSX.

Each is a parse function (read the whole file, collect every problem with its line and field,
raise ImportRejected, or return the rows ready to write) and a write function (one transaction's
worth of SQL), joined by import_contacts / import_early_help for run_import. Layouts are in
docs/front-door.md; the template files in TEMPLATES.

pandas reads and checks the file column by column, so a national year of contacts (millions of
rows) is checked without a Python call per row; Postgres takes the rows by COPY.
"""

import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from django.db import DatabaseError, connection, transaction

from arp_portal.core.ethnicity import VALID_CODES
from arp_portal.core.importing import (
    MAX_FIELD_CHARACTERS,
    MAX_PROBLEMS_REPORTED,
    ImportProblem,
    ImportRejected,
    ProblemCollector,
    UploadedData,
    read_csv_values,
    sql_plain,
    stage_plain_csv,
)
from arp_portal.core.models import Team
from dashboards.children.importers import MAX_WARNINGS, PRE_BIRTH_LIMIT
from dashboards.children.services import describe_source
from dashboards.children.validation import (
    CONTROL_CHARACTER,
    EARLIEST_DATE,
    MAX_CHILD_REF,
    Place,
    check_ethnicity,
)
from dashboards.front_door.models import (
    CONTACT_SOURCES,
    REPEAT_WINDOW_DAYS,
    ContactOutcome,
    EarlyHelpClosure,
)
from dashboards.front_door.services import MONTH_OF_CONTACT, contact_months_rebuild

Progress = Callable[[int, int], None] | None
CONTACT_COLUMNS = ["child_id", "contact_date", "source", "outcome"]
EARLY_HELP_COLUMNS = ["child_id", "start_date", "end_date", "team", "closure_reason"]
OPTIONAL_COLUMNS = ["ethnicity"]

_OUTCOMES = {value: value for value in ContactOutcome.values} | {
    label.lower(): value for value, label in ContactOutcome.choices
}
_OUTCOMES |= {"referral to social care": ContactOutcome.REFERRAL}
_CLOSURES = {value: value for value in EarlyHelpClosure.values} | {
    label.lower(): value for value, label in EarlyHelpClosure.choices
}
_CLOSURES |= {"stepped up to social care": EarlyHelpClosure.STEPPED_UP}


# ---------------------------------------------------------------- reading


def _read_table(upload: UploadedData, required: Sequence[str]) -> pd.DataFrame:
    """Every cell as stripped text, whatever the file type (a CSV, or the first sheet of an
    .xlsx workbook, dates as YYYY-MM-DD), indexed by its line in the file. Read by the reader
    every flat import shares (arp_portal.core.importing.read_csv_values), so a file gets the
    same checks as any other: no NUL byte or byte that is not text, no column named twice, the
    required columns present, no row wider than the header, no quote left open; any of
    those raises ImportRejected. Rows of empty cells are skipped."""
    collector = ProblemCollector()
    lines: list[int] = []
    columns = [*required, *OPTIONAL_COLUMNS]
    # Column by column (a list a row cost more memory), each value held once a column: the
    # codes and dates repeat over millions of rows (the child's reference, first, rarely).
    values: list[list[str]] = [[] for _ in columns]
    references = values[0].append
    held: list[dict[str, str]] = [{} for _ in values[1:]]
    others = [
        (column.append, seen.setdefault) for column, seen in zip(values[1:], held, strict=True)
    ]
    for line, row in read_csv_values(upload, required, collector, optional=OPTIONAL_COLUMNS):
        lines.append(line)
        references(row[0])
        for (append, once), value in zip(others, row[1:], strict=True):
            append(once(value, value))
    collector.raise_if_any()
    return pd.DataFrame(
        dict(zip(columns, values, strict=True)), index=pd.Index(lines, dtype="int64")
    )


@dataclass
class _Checker:
    """Collects problems (the first MAX_PROBLEMS_REPORTED of them) from boolean masks."""

    file: str
    frame: pd.DataFrame
    problems: list[ImportProblem]
    rows_with_problems: np.ndarray

    @classmethod
    def start(cls, upload: UploadedData, frame: pd.DataFrame) -> "_Checker":
        return cls(upload.name, frame, [], np.zeros(len(frame), dtype=bool))

    def line(self, position: int) -> int:
        """The file line of the frame's row at position (the frame is indexed by line)."""
        return int(self.frame.index[position])

    def add(self, mask, field: str, message: Callable[[str], str], column: str | None = None):
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        self.rows_with_problems |= mask
        room = MAX_PROBLEMS_REPORTED - len(self.problems)
        if room <= 0:
            return
        values = self.frame[column or field].to_numpy()
        for position in np.flatnonzero(mask)[:room]:
            self.problems.append(
                ImportProblem(
                    self.file,
                    f"line {self.line(position)}",
                    field,
                    message(str(values[position])),
                )
            )

    def raise_if_any(self) -> None:
        if not self.problems:
            return
        problems = sorted(self.problems, key=lambda p: int(p.location.split()[1]))
        bad = int(self.rows_with_problems.sum())
        if len(self.problems) >= MAX_PROBLEMS_REPORTED:
            problems.append(
                ImportProblem(
                    self.file,
                    "",
                    "",
                    f"{bad:,} rows have problems; the first {MAX_PROBLEMS_REPORTED} are listed",
                )
            )
        raise ImportRejected(problems)


def _single(files: Sequence[UploadedData]) -> UploadedData:
    if len(files) != 1:
        raise ImportRejected([ImportProblem("", "", "", "upload one file (CSV or XLSX) at a time")])
    return files[0]


def _frame(upload: UploadedData, required: Sequence[str]) -> pd.DataFrame:
    frame = _read_table(upload, required)
    # Excel leaves rows of empty cells below the data.
    filled = (frame[list(required)] != "").any(axis=1)
    frame = frame[filled] if not filled.all() else frame
    if frame.empty:
        raise ImportRejected([ImportProblem(upload.name, "line 2", "", "the file has no rows")])
    return frame


def _dates(frame: pd.DataFrame, column: str) -> pd.Series:
    """YYYY-MM-DD exactly (ASCII digits, two for the month and the day), from 1900; anything
    else is missing (NaT), which _check_date reports."""
    values = frame[column]
    exact = values.str.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}") & ~_before_1900(values)
    return pd.to_datetime(values.where(exact), format="%Y-%m-%d", errors="coerce")


def _before_1900(values: pd.Series) -> pd.Series:
    # By the text: a year before 1677 is beyond what a pandas date can hold.
    return values.str.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}") & (values.str[:4] < "1900")


def _check_date(check, frame, column: str, parsed: pd.Series, *, required: bool = True) -> None:
    blank = frame[column] == ""
    if required:
        check.add(blank, column, lambda v: "the date is blank")
    early = _before_1900(frame[column])
    check.add(early, column, lambda v: f"{v} is before 1900: not a real date")
    check.add(
        parsed.isna() & ~blank & ~early,
        column,
        lambda v: f"'{v[:40]}' is not a date in the form YYYY-MM-DD",
    )
    today = pd.Timestamp(dt.date.today())
    check.add(parsed > today, column, lambda v: f"{v} is after today")


def _held_children() -> pd.DataFrame:
    """Every child the portal holds, by child_ref: their ethnicity (held), the source that gave
    it and their birth date (birth, YYYY-MM-DD): one COPY read by pandas, which at a million
    children is quicker than a lookup per reference in the file."""
    buffer = io.StringIO()
    with connection.cursor() as cursor:
        cursor.copy_expert(
            "COPY (SELECT child_ref, ethnicity_id, attributes_source,"
            " to_char(make_date(birth_year, birth_month, birth_day), 'YYYY-MM-DD')"
            " FROM core_child) TO STDOUT",
            buffer,
        )
    buffer.seek(0)
    held = pd.read_csv(
        buffer, sep="\t", header=None, names=["child_ref", "held", "source", "birth"],
        dtype=str, keep_default_na=False, quoting=3,
    )  # fmt: skip
    return held.set_index("child_ref")


@dataclass
class _Conflicts:
    """The rows whose ethnicity column differs from the held child's: a warning each (the
    first MAX_WARNINGS), with the rule applied, and how many."""

    count: int = 0
    warnings: list[str] = field(default_factory=list)

    def counts(self) -> dict:
        return {
            "ethnicity_conflicts": self.count,
            "warnings_count": self.count,
            "warnings": self.warnings,
        }


def ethnicity_conflict(
    file: str, line: int, child_ref: str, given: str, held: str, source: str, what: str
) -> str:
    """The warning for a row whose ethnicity differs from the held child's (issue 10, one child,
    one record: a conflict is reported with the rule applied, never dropped silently)."""
    return (
        f"{file}, line {line}, ethnicity: child {child_ref} is {given[:40]} in this file but "
        f"{held} in the portal (from {describe_source(source)}); {what} takes the ethnicity of "
        f"the child the portal holds, so {held} is kept"
    )


def _check_reference(check: _Checker, frame: pd.DataFrame) -> None:
    check.add(frame["child_id"] == "", "child_id", lambda v: "the child's reference is blank")
    check.add(
        frame["child_id"].str.len() > MAX_CHILD_REF,
        "child_id",
        lambda v: f"the child's reference is longer than {MAX_CHILD_REF} characters",
    )
    check.add(
        frame["child_id"].str.contains(CONTROL_CHARACTER, regex=True),
        "child_id",
        lambda v: "the child's reference holds a control character",
    )


def _resolve_ethnicity(
    check: _Checker, frame: pd.DataFrame, held_children: pd.DataFrame, what: str
) -> tuple[pd.Series, int, _Conflicts]:
    """Each row's ethnicity: the held child's, else the file's column. Returns the codes, how
    many rows took the held child's, and the rows whose column said otherwise (warnings)."""
    from_held = frame["child_id"].map(held_children["held"])
    known = from_held.notna()
    given = frame["ethnicity"]
    differs = (known & (given != "") & (given != from_held)).to_numpy()
    conflicts = _Conflicts(int(differs.sum()))
    if conflicts.count:
        sources = frame["child_id"].map(held_children["source"])
        for position in np.flatnonzero(differs)[:MAX_WARNINGS]:
            conflicts.warnings.append(
                ethnicity_conflict(
                    check.file,
                    check.line(position),
                    str(frame["child_id"].iloc[position]),
                    str(given.iloc[position]),
                    str(from_held.iloc[position]),
                    str(sources.iloc[position]),
                    what,
                )
            )
    needs_file = ~known & (frame["child_id"] != "")
    check.add(
        needs_file & (given == ""),
        "ethnicity",
        lambda v: (
            "the portal does not hold this child, so the ethnicity column must give "
            "their DfE ethnicity code"
        ),
    )
    bad_code = needs_file & (given != "") & ~given.isin(VALID_CODES)
    if bad_code.any():
        positions = np.flatnonzero(bad_code.to_numpy())
        check.rows_with_problems[positions] = True
        for position in positions[: max(0, MAX_PROBLEMS_REPORTED - len(check.problems))]:
            collector = ProblemCollector()
            check_ethnicity(
                str(given.iloc[position]),
                Place(check.file, check.line(position)),
                "ethnicity",
                collector,
            )
            check.problems.extend(collector.problems)
    codes = from_held.where(known, given)
    return codes, int(known.sum()), conflicts


def _check_not_before_birth(
    check: _Checker,
    frame: pd.DataFrame,
    held_children: pd.DataFrame,
    column: str,
    dates: pd.Series,
    what: str,
) -> None:
    """A row of a child the portal holds is not dated more than PRE_BIRTH_LIMIT before their
    birth: before birth is for an unborn child, within the allowance the case export gives a
    referral (importers.PRE_BIRTH_LIMIT)."""
    births = pd.to_datetime(
        frame["child_id"].map(held_children["birth"]), format="%Y-%m-%d", errors="coerce"
    )
    early = (dates.notna() & births.notna() & (dates < births - PRE_BIRTH_LIMIT)).to_numpy()
    if not early.any():
        return
    check.rows_with_problems |= early
    values = frame[column]
    for position in np.flatnonzero(early)[: max(0, MAX_PROBLEMS_REPORTED - len(check.problems))]:
        check.problems.append(
            ImportProblem(
                check.file,
                f"line {check.line(position)}",
                column,
                f"{what} ({values.iloc[position]}) is more than a year before the child's birth "
                f"({births.iloc[position]:%Y-%m-%d}, as the portal holds it)",
            )
        )


# ---------------------------------------------------------------- contacts


@dataclass
class ParsedContacts:
    file: str
    rows: pd.DataFrame  # child_ref, contact_date (datetime64), source, outcome, ethnicity
    from_held_children: int
    conflicts: "_Conflicts" = field(default_factory=lambda: _Conflicts())

    @property
    def first(self) -> dt.date:
        return self.rows["contact_date"].min().date()

    @property
    def last(self) -> dt.date:
        return self.rows["contact_date"].max().date()


def parse_contacts(upload: UploadedData) -> ParsedContacts:
    """Check a contacts file; every problem is reported at once (ImportRejected)."""
    frame = _frame(upload, CONTACT_COLUMNS)
    check = _Checker.start(upload, frame)
    _check_reference(check, frame)
    dates = _dates(frame, "contact_date")
    _check_date(check, frame, "contact_date", dates)
    check.add(
        ~frame["source"].isin(CONTACT_SOURCES.keys()),
        "source",
        lambda v: (
            f"'{v}' is not a CIN census referral source code (1A to 10)"
            if v
            else "the source is blank: use a CIN census referral source code (1A to 10)"
        ),
    )
    outcomes = frame["outcome"].str.lower().map(_OUTCOMES)
    check.add(
        outcomes.isna(),
        "outcome",
        lambda v: (
            f"'{v}' is not an outcome: use nfa, advice, early_help or referral"
            if v
            else "the outcome is blank: use nfa, advice, early_help or referral"
        ),
    )
    held_children = _held_children()
    _check_not_before_birth(check, frame, held_children, "contact_date", dates, "the contact")
    ethnicity, from_held, conflicts = _resolve_ethnicity(check, frame, held_children, "a contact")
    check.raise_if_any()
    rows = pd.DataFrame(
        {
            "child_ref": frame["child_id"].to_numpy(),
            "contact_date": dates.to_numpy(),
            "source": frame["source"].to_numpy(),
            "outcome": outcomes.to_numpy(),
            "ethnicity": ethnicity.to_numpy(),
        }
    )
    return ParsedContacts(upload.name, rows, from_held, conflicts)


def repeat_flags(refs: np.ndarray, dates: np.ndarray, window_days: int = REPEAT_WINDOW_DAYS):
    """For each contact, whether the same child had a contact on an earlier day within the
    window (days, inclusive) before it. refs and dates are parallel arrays (dates datetime64)."""
    frame = pd.DataFrame({"ref": refs, "date": dates.astype("datetime64[D]")})
    days = frame.drop_duplicates().sort_values(["ref", "date"])
    same_child = days["ref"].eq(days["ref"].shift())
    gap = (days["date"] - days["date"].shift()).dt.days
    days = days.assign(repeat=same_child & (gap >= 1) & (gap <= window_days))
    merged = frame.merge(days, on=["ref", "date"], how="left")
    return merged["repeat"].to_numpy(dtype=bool)


def write_contacts(parsed: ParsedContacts, *, progress: Progress = None) -> dict:
    """Replace the contacts dated within the file's first and last dates with the file's, and
    work out which are repeats (the contacts just after the file's period too)."""
    first, last = parsed.first, parsed.last
    window = dt.timedelta(days=REPEAT_WINDOW_DAYS)
    rows = parsed.rows
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM dashboards_contact WHERE contact_date BETWEEN %s AND %s", [first, last]
        )
        replaced = cursor.rowcount
        # Contacts of the year before, for repeats early in the file's period.
        before = io.StringIO()
        cursor.copy_expert(
            cursor.mogrify(
                "COPY (SELECT child_ref, contact_date FROM dashboards_contact"
                " WHERE contact_date >= %s AND contact_date < %s) TO STDOUT WITH (FORMAT csv)",
                [first - window, first],
            ).decode(),
            before,
        )
        before.seek(0)
        earlier = pd.read_csv(
            before, header=None, names=["child_ref", "contact_date"], dtype=str,
            keep_default_na=False,
        )  # fmt: skip
        refs = rows["child_ref"].to_numpy()
        dates = rows["contact_date"].to_numpy()
        if len(earlier):
            all_refs = np.concatenate([refs, earlier["child_ref"].to_numpy()])
            all_dates = np.concatenate([dates, pd.to_datetime(earlier["contact_date"]).to_numpy()])
            flags = repeat_flags(all_refs, all_dates)[: len(rows)]
        else:
            flags = repeat_flags(refs, dates)
        if progress:
            progress(len(rows) // 2, len(rows))
        out = rows.assign(
            contact_date=rows["contact_date"].dt.strftime("%Y-%m-%d"),
            repeat=np.where(flags, "t", "f"),
        )
        buffer = io.StringIO()
        out.to_csv(buffer, header=False, index=False)
        buffer.seek(0)
        cursor.execute("SELECT NOT EXISTS (SELECT 1 FROM dashboards_contact)")
        first_load = cursor.fetchone()[0]
        # Into an empty table, a large file goes in faster with its indexes built after it
        # than kept up row by row (as the children's first load does).
        rebuilt = _secondary_indexes(cursor) if first_load and len(rows) >= 100_000 else []
        for name, _definition in rebuilt:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.copy_expert(
            "COPY dashboards_contact (child_ref, contact_date, source, outcome, ethnicity,"
            " repeat_within_12_months) FROM STDIN WITH (FORMAT csv)",
            buffer,
        )
        for _name, definition in rebuilt:
            cursor.execute(definition)
        # Contacts in the year after the file's period may have gained or lost a contact
        # before them.
        cursor.execute(_LATER_REPEATS, [REPEAT_WINDOW_DAYS, last, last + window])
        later_changed = cursor.rowcount
        if first_load:
            # The file is every contact there is: its monthly counts come from the frame.
            months = (
                out.assign(
                    month=rows["contact_date"]
                    .dt.to_period("M")
                    .dt.start_time.dt.strftime("%Y-%m-%d")
                )
                .groupby(["month", "ethnicity", "source", "outcome", "repeat"])
                .size()
            )
            buffer = io.StringIO()
            months.to_csv(buffer, header=False)
            buffer.seek(0)
            cursor.execute("DELETE FROM dashboards_contactmonth")
            cursor.copy_expert(
                "COPY dashboards_contactmonth (month, ethnicity, source, outcome,"
                " repeat_within_12_months, contacts) FROM STDIN WITH (FORMAT csv)",
                buffer,
            )
    if not first_load:
        contact_months_rebuild(first, last)  # the dashboard's monthly counts
    if progress:
        progress(len(rows), len(rows))
    return {
        "contacts": len(rows),
        "replaced": replaced,
        "repeat_contacts": int(flags.sum()),
        "ethnicity_from_children_held": parsed.from_held_children,
        "later_contacts_rechecked": later_changed,
        "period": f"{first.isoformat()} to {last.isoformat()}",
        **parsed.conflicts.counts(),
    }


# Contacts in the year after a file's period may have gained or lost a contact before them.
_LATER_REPEATS = """
    UPDATE dashboards_contact AS c
       SET repeat_within_12_months = r.repeat
      FROM (
        SELECT c2.id, EXISTS (
            SELECT 1 FROM dashboards_contact p
             WHERE p.child_ref = c2.child_ref AND p.contact_date < c2.contact_date
               AND p.contact_date >= c2.contact_date - %s
        ) AS repeat
          FROM dashboards_contact c2
         WHERE c2.contact_date > %s AND c2.contact_date <= %s
      ) AS r
     WHERE c.id = r.id AND c.repeat_within_12_months IS DISTINCT FROM r.repeat
"""


def _secondary_indexes(cursor) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of the contact table's indexes that back no constraint."""
    cursor.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
         WHERE i.schemaname = current_schema() AND i.tablename = 'dashboards_contact'
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        """
    )
    return cursor.fetchall()


def import_contacts(files: Sequence[UploadedData], *, progress: Progress = None) -> dict:
    """Set-based where the file allows (ADR 056): staged by COPY and checked and written in
    SQL; a file any check fails, or one not plain enough to stage, goes through pandas
    (parse_contacts), which reports every problem with its line and field."""
    upload = _single(files)
    staged = _import_contacts_staged(upload, progress)
    if staged is not None:
        return staged
    return write_contacts(parse_contacts(upload), progress=progress)


_CONTACTS_RAW = "import_contacts_raw"
# An outcome as parse_contacts reads it (its code or label, any case), or NULL.
# lower() in the "C" collation changes only A to Z (Python's lower() changes those the same way,
# and more), so the SQL accepts no outcome pandas would not, and is quicker.
_OUTCOME_CASE = (
    'CASE lower({} COLLATE "C") '
    + " ".join(
        "WHEN '{}' THEN '{}'".format(key.replace("'", "''"), str(value).replace("'", "''"))
        for key, value in _OUTCOMES.items()
    )
    + " END"
)


class _NotStaged(Exception):
    """Raised inside the staged check's savepoint: the file goes through pandas."""


def _import_contacts_staged(upload: UploadedData, progress: Progress) -> dict | None:
    """import_contacts in SQL, or None (nothing left behind) when parse_contacts must judge
    the file. Each row is checked as parse_contacts checks it, or more strictly (a row this
    refuses is only left to pandas to judge and report): a reference of 1 to 64 characters, a
    date YYYY-MM-DD not after today (and, for a child the portal holds, not more than
    PRE_BIRTH_LIMIT before their birth), a referral source code, an outcome (code or label,
    any case), and an ethnicity from the held child or else a DfE code in the file. A row
    whose ethnicity differs from the held child's is a warning (pandas' words)."""
    today = dt.date.today()
    with connection.cursor() as cursor:
        staged = stage_plain_csv(cursor, upload, CONTACT_COLUMNS, _CONTACTS_RAW)
        if staged is None:
            return None
        if progress:
            progress(staged.rows // 3, staged.rows)
        c = {name: f"r.{staged.column(name)}" for name in CONTACT_COLUMNS}
        ethnicity = f"r.{staged.column('ethnicity')}" if "ethnicity" in staged.columns else "NULL"
        required_blank = " AND ".join(f"{c[name]} IS NULL" for name in CONTACT_COLUMNS)
        too_long = " OR ".join(
            f"COALESCE(octet_length(r.{column}), 0) > {MAX_FIELD_CHARACTERS}"
            for column in staged.all_columns
        )
        # A clean file's references are plain (StagedCsv.clean); OFFSET 0 keeps the subquery
        # whole, so each date is read once, not once for each check that reads it.
        plain = "" if staged.clean else f"{sql_plain('child_ref')} AND"
        try:
            with transaction.atomic():
                cursor.execute("SET LOCAL DateStyle = 'ISO, MDY'")
                cursor.execute(
                    f"""
                    CREATE TEMP TABLE import_contact ON COMMIT DROP AS
                    SELECT n, child_ref, contact_date, source, outcome,
                           COALESCE(held, given) AS ethnicity, held IS NOT NULL AS from_held,
                           COALESCE({plain} NOT too_long
                           AND child_ref IS NOT NULL AND length(child_ref) <= 64
                           AND child_ref !~ '[\x01-\x1f]'
                           AND contact_date::text = date_text AND contact_date <= %(today)s
                           AND contact_date >= %(earliest)s
                           AND source = ANY(%(sources)s) AND outcome IS NOT NULL
                           AND (held IS NOT NULL OR given = ANY(%(codes)s))
                           AND (birth IS NULL OR contact_date >= birth - %(pre_birth)s),
                           false) AS ok,
                           CASE WHEN given <> held THEN given END AS given_other, held_source
                      FROM (
                        SELECT r.n, {c["child_id"]} AS child_ref,
                               {c["contact_date"]}::date AS contact_date,
                               {c["contact_date"]} AS date_text, {c["source"]} AS source,
                               {_OUTCOME_CASE.format(c["outcome"])} AS outcome,
                               {ethnicity} AS given, h.ethnicity_id AS held,
                               make_date(h.birth_year, h.birth_month, h.birth_day) AS birth,
                               CASE WHEN {ethnicity} <> h.ethnicity_id
                                    THEN h.attributes_source END AS held_source,
                               ({too_long}) AS too_long
                          FROM {_CONTACTS_RAW} r
                          LEFT JOIN core_child h ON h.child_ref = {c["child_id"]}
                         WHERE NOT ({required_blank})
                        OFFSET 0
                      ) s
                    """,
                    {
                        "today": today,
                        "earliest": EARLIEST_DATE,
                        "sources": sorted(CONTACT_SOURCES),
                        "codes": sorted(VALID_CODES),
                        "pre_birth": PRE_BIRTH_LIMIT.days,
                    },
                )
                cursor.execute(
                    "SELECT COUNT(*), bool_and(ok), min(contact_date), max(contact_date),"
                    " COUNT(*) FILTER (WHERE from_held), COUNT(given_other) FROM import_contact"
                )
                rows, all_ok, first, last, from_held, differing = cursor.fetchone()
                if not rows or not all_ok:
                    raise _NotStaged
                conflicts = _Conflicts(differing)
                if differing:
                    cursor.execute(
                        "SELECT n + 1, child_ref, given_other, ethnicity, held_source"
                        " FROM import_contact WHERE given_other IS NOT NULL ORDER BY n LIMIT %s",
                        [MAX_WARNINGS],
                    )
                    conflicts.warnings = [
                        ethnicity_conflict(upload.name, line, ref, given, code, source, "a contact")
                        for line, ref, given, code, source in cursor.fetchall()
                    ]
        except (_NotStaged, DatabaseError):
            cursor.execute(f"DROP TABLE IF EXISTS {_CONTACTS_RAW}")
            return None
        cursor.execute(f"DROP TABLE {_CONTACTS_RAW}")
        if progress:
            progress(staged.rows // 2, staged.rows)
        counts = _write_staged_contacts(cursor, first, last)
    if not counts.pop("first_load"):
        contact_months_rebuild(first, last)  # the dashboard's monthly counts
    if progress:
        progress(staged.rows, staged.rows)
    return {
        "contacts": rows,
        **counts,
        "ethnicity_from_children_held": from_held,
        "period": f"{first.isoformat()} to {last.isoformat()}",
        **conflicts.counts(),
    }


def _write_staged_contacts(cursor, first: dt.date, last: dt.date) -> dict:
    """write_contacts, from import_contact: the contacts dated within the file's period
    replaced by the file's; each a repeat if the same child had a contact on an earlier day
    within REPEAT_WINDOW_DAYS (those held before the period included): the latest of the
    child's contacts at least a day earlier, one window in date order (references compared
    byte by byte, "C", for a sort several times quicker than by the language's rules; only
    the grouping matters)."""
    window = dt.timedelta(days=REPEAT_WINDOW_DAYS)
    cursor.execute(
        "DELETE FROM dashboards_contact WHERE contact_date BETWEEN %s AND %s", [first, last]
    )
    replaced = cursor.rowcount
    cursor.execute("SELECT NOT EXISTS (SELECT 1 FROM dashboards_contact)")
    first_load = cursor.fetchone()[0]
    cursor.execute("SELECT COUNT(*) FROM import_contact")
    (rows,) = cursor.fetchone()
    rebuilt = _secondary_indexes(cursor) if first_load and rows >= 100_000 else []
    for name, _definition in rebuilt:
        cursor.execute(f'DROP INDEX "{name}"')
    cursor.execute(
        """
        WITH written AS (
            INSERT INTO dashboards_contact (child_ref, contact_date, source, outcome, ethnicity,
                                            repeat_within_12_months)
            SELECT child_ref, contact_date, source, outcome, ethnicity, repeat
              FROM (
                SELECT u.*, COALESCE(contact_date - max(contact_date) OVER (
                           PARTITION BY child_ref COLLATE "C"
                           ORDER BY contact_date - DATE '2000-01-01'
                           RANGE BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
                       ) <= %(days)s, false) AS repeat
                  FROM (SELECT n, child_ref, contact_date, source, outcome, ethnicity
                          FROM import_contact
                        UNION ALL
                        SELECT NULL, child_ref, contact_date, NULL, NULL, NULL
                          FROM dashboards_contact
                         WHERE contact_date >= %(before)s AND contact_date < %(first)s) u
              ) flagged
             WHERE n IS NOT NULL
            RETURNING repeat_within_12_months
        )
        SELECT COUNT(*) FILTER (WHERE repeat_within_12_months) FROM written
        """,
        {"days": REPEAT_WINDOW_DAYS, "before": first - window, "first": first},
    )
    (repeats,) = cursor.fetchone()
    for _name, definition in rebuilt:
        cursor.execute(definition)
    cursor.execute("DROP TABLE import_contact")
    cursor.execute(_LATER_REPEATS, [REPEAT_WINDOW_DAYS, last, last + window])
    later_changed = cursor.rowcount
    if first_load:
        # The file is every contact there is: its monthly counts, all of them.
        cursor.execute("DELETE FROM dashboards_contactmonth")
        cursor.execute(
            "INSERT INTO dashboards_contactmonth (month, ethnicity, source, outcome,"
            " repeat_within_12_months, contacts)"
            f" SELECT {MONTH_OF_CONTACT}, ethnicity, source, outcome,"
            " repeat_within_12_months, COUNT(*) FROM dashboards_contact GROUP BY 1, 2, 3, 4, 5"
        )
    return {
        "replaced": replaced,
        "repeat_contacts": repeats,
        "later_contacts_rechecked": later_changed,
        "first_load": first_load,
    }


# ---------------------------------------------------------------- early help


@dataclass
class ParsedEarlyHelp:
    file: str
    rows: pd.DataFrame  # child_ref, start_date, end_date, team_id, closure_reason, ethnicity
    from_held_children: int
    conflicts: "_Conflicts" = field(default_factory=lambda: _Conflicts())


def parse_early_help(upload: UploadedData) -> ParsedEarlyHelp:
    frame = _frame(upload, EARLY_HELP_COLUMNS)
    check = _Checker.start(upload, frame)
    _check_reference(check, frame)
    starts = _dates(frame, "start_date")
    ends = _dates(frame, "end_date")
    _check_date(check, frame, "start_date", starts)
    _check_date(check, frame, "end_date", ends, required=False)
    check.add(
        ends.notna() & starts.notna() & (ends < starts),
        "end_date",
        lambda v: f"the episode ends ({v}) before it starts",
    )
    teams = {name.casefold(): pk for name, pk in Team.objects.values_list("name", "id")}
    team_ids = frame["team"].str.casefold().map(teams)
    check.add(
        (frame["team"] != "") & team_ids.isna(),
        "team",
        lambda v: f"'{v}' is not a team the portal knows",
    )
    closures = frame["closure_reason"].str.lower().map(_CLOSURES)
    closed = frame["end_date"] != ""
    check.add(
        closed & (frame["closure_reason"] == ""),
        "closure_reason",
        lambda v: "the episode has ended, so give the closure reason",
    )
    check.add(
        (frame["closure_reason"] != "") & closures.isna(),
        "closure_reason",
        lambda v: f"'{v}' is not a closure reason: use " + ", ".join(EarlyHelpClosure.values),
    )
    check.add(
        ~closed & (frame["closure_reason"] != ""),
        "closure_reason",
        lambda v: "the episode has no end date, so it cannot have a closure reason",
    )
    duplicate = frame.duplicated(["child_id", "start_date"], keep="first") & (
        frame["start_date"] != ""
    )
    check.add(
        duplicate,
        "start_date",
        lambda v: f"the child has another episode starting {v} earlier in the file",
    )
    held_children = _held_children()
    _check_not_before_birth(
        check, frame, held_children, "start_date", starts, "the early help episode's start"
    )
    ethnicity, from_held, conflicts = _resolve_ethnicity(
        check, frame, held_children, "an early help episode"
    )
    check.raise_if_any()
    rows = pd.DataFrame(
        {
            "child_ref": frame["child_id"].to_numpy(),
            "start_date": starts.dt.strftime("%Y-%m-%d").to_numpy(),
            "end_date": ends.dt.strftime("%Y-%m-%d").fillna("").to_numpy(),
            "team_id": team_ids.astype("Int64").astype(str).replace("<NA>", "").to_numpy(),
            "closure_reason": closures.fillna("").to_numpy(),
            "ethnicity": ethnicity.to_numpy(),
        }
    )
    return ParsedEarlyHelp(upload.name, rows, from_held, conflicts)


def write_early_help(parsed: ParsedEarlyHelp, *, progress: Progress = None) -> dict:
    """Add new episodes and update those already held (the same child and start date)."""
    buffer = io.StringIO()
    parsed.rows.to_csv(buffer, header=False, index=False)
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE early_help_staging (child_ref text, start_date date,"
            " end_date date, team_id integer, closure_reason text, ethnicity text)"
            " ON COMMIT DROP"
        )
        cursor.copy_expert("COPY early_help_staging FROM STDIN WITH (FORMAT csv, NULL '')", buffer)
        cursor.execute(
            """
            INSERT INTO dashboards_earlyhelpepisode
                   (child_ref, start_date, end_date, team_id, closure_reason, ethnicity)
            SELECT child_ref, start_date, end_date, team_id, COALESCE(closure_reason, ''),
                   ethnicity
              FROM early_help_staging
            ON CONFLICT (child_ref, start_date) DO UPDATE
               SET end_date = EXCLUDED.end_date, team_id = EXCLUDED.team_id,
                   closure_reason = EXCLUDED.closure_reason, ethnicity = EXCLUDED.ethnicity
            RETURNING (xmax = 0)
            """
        )
        inserted = [row[0] for row in cursor.fetchall()]
        cursor.execute("DROP TABLE early_help_staging")
    if progress:
        progress(len(parsed.rows), len(parsed.rows))
    return {
        "episodes": len(inserted),
        "created": sum(inserted),
        "updated": len(inserted) - sum(inserted),
        "stepped_up": int((parsed.rows["closure_reason"] == EarlyHelpClosure.STEPPED_UP).sum()),
        "ethnicity_from_children_held": parsed.from_held_children,
        **parsed.conflicts.counts(),
    }


def import_early_help(files: Sequence[UploadedData], *, progress: Progress = None) -> dict:
    return write_early_help(parse_early_help(_single(files)), progress=progress)


# ---------------------------------------------------------------- templates

TEMPLATES = {
    "contacts": (
        "contacts-template.csv",
        ",".join([*CONTACT_COLUMNS, "ethnicity"])
        + "\r\nC000123,2025-04-02,2A,early_help,"
        + "\r\nC000123,2025-09-14,6,referral,"
        + "\r\nF004567,2025-05-20,3A,advice,BAFR"
        + "\r\nF004890,2025-06-01,1B,nfa,WBRI\r\n",
    ),
    "early_help": (
        "early-help-template.csv",
        ",".join([*EARLY_HELP_COLUMNS, "ethnicity"])
        + "\r\nC000123,2025-04-10,2025-08-29,,stepped_up,"
        + "\r\nF004567,2025-06-03,,,,BAFR\r\n",
    ),
}
