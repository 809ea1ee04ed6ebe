"""Writes for the children's imports: set-based, through Postgres COPY and staging tables.

An importer has validated the whole file before it gets here; these functions run inside the
transaction that run_import opens, so a failure leaves nothing behind. Writing is a diff, not a
delete-and-reload: episodes already held exactly as the file gives them are left alone, so
importing the same file again changes nothing.
"""

import datetime as dt
import io
from collections.abc import Iterable

from django.db import connection

from arp_portal.core.models import CareEpisodeRecord, EpisodeKind
from dashboards.children.episode_cleaning import (
    RULE_DESCRIPTIONS,
    CareEpisode,
    clean_episodes,
)
from dashboards.children.validation import EpisodeRecord

# Each format's episodes carry a source: "cases" for flat exports, "cin:2025" or "ssda903:2025"
# for a return (the year the collection ends, on 31 March).
CASES_SOURCE = "cases"
# A child held from a case export that a later export left out (CaseExportDate).
CASES_EARLIER = "cases:earlier"
# A load of at least this many episodes that more than doubles the table is written without the
# table's secondary indexes, which are then built in one pass each.
BULK_LOAD_ROWS = 100_000
_NULL = r"\N"
COPY_CHUNK_LINES = 50_000


def _copy_text(value) -> str:
    if value is None:
        return _NULL
    text = value if isinstance(value, str) else str(value)
    if "\t" in text or "\n" in text or "\r" in text or "\\" in text:
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


class _ChunkedCopy:
    """Lines for COPY ... FROM STDIN, sent every COPY_CHUNK_LINES lines: a million rows' text is
    never held at once (one buffer of it was a few hundred MB of an import's peak memory)."""

    def __init__(self, cursor, statement: str):
        self.cursor, self.statement = cursor, statement
        self.lines: list[str] = []

    def write(self, line: str) -> None:
        self.lines.append(line)
        if len(self.lines) >= COPY_CHUNK_LINES:
            self.flush()

    def flush(self) -> None:
        if self.lines:
            self.cursor.copy_expert(self.statement, io.StringIO("".join(self.lines)))
            self.lines = []


def _copy(cursor, table: str, columns: list[str], rows: Iterable[tuple]) -> None:
    buffer = io.StringIO()
    write = buffer.write
    for row in rows:
        write("\t".join(_copy_text(value) for value in row))
        write("\n")
    buffer.seek(0)
    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)


def _table_is_empty(cursor, table: str) -> bool:
    cursor.execute(f"SELECT NOT EXISTS (SELECT 1 FROM {table})")
    return cursor.fetchone()[0]


def _secondary_indexes(cursor, table: str) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of a table's indexes that back no constraint."""
    cursor.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
         WHERE i.schemaname = current_schema() AND i.tablename = %s
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        """,
        [table],
    )
    return cursor.fetchall()


MAX_CONFLICTS_REPORTED = 200
_CHILD_COLUMNS = (
    "child_ref, birth_year, birth_month, birth_day, sex, ethnicity, death_date,"
    " attributes_source, attributes_reference_date"
)


def describe_source(source: str) -> str:
    """ "cin:2025" -> "the CIN census 2024-25"; "cases" -> "a case-system export"."""
    kind, _, year = source.partition(":")
    name = {"cin": "the CIN census", "ssda903": "the SSDA903 return"}.get(kind)
    if name and year.isdigit():
        return f"{name} {int(year) - 1}-{year[2:]}"
    if source == CASES_EARLIER:
        return "an earlier case-system export"
    return "a case-system export" if source == CASES_SOURCE else (source or "an earlier import")


def cases_exported_on(cursor) -> dt.date | None:
    """The day of the latest case-system export imported (CaseExportDate), or None."""
    cursor.execute("SELECT max(exported_on) FROM core_caseexportdate")
    return cursor.fetchone()[0]


def cases_export_dated(
    cursor, today: dt.date, *, file_children: str | None = None, left_out: str | None = None
) -> None:
    """After a case export's children are written: the children held from the export before
    (source "cases") that this one leaves out keep the day of that export as their reference
    date, under the source "cases:earlier"; then this export's day is the day of every child
    it gave (CaseExportDate). The children in the file are not rewritten for it.

    file_children: a table of the file's child_ref (those left out are the others), or
    left_out: a query of the child_ref of those left out, where the importer knows them."""
    before = cases_exported_on(cursor)
    if before is not None:
        if left_out is not None:
            which = f"c.child_ref IN ({left_out})"
        else:
            which = f"NOT EXISTS (SELECT 1 FROM {file_children} f WHERE f.child_ref = c.child_ref)"
        # A hash anti-join: merged, it sorted the file's million references (1.2 s).
        cursor.execute("SET LOCAL enable_mergejoin = off")
        cursor.execute(
            f"""
            UPDATE core_child c
               SET attributes_source = %s,
                   attributes_reference_date = GREATEST(c.attributes_reference_date, %s)
             WHERE c.attributes_source = %s AND {which}
            """,
            [CASES_EARLIER, before, CASES_SOURCE],
        )
        cursor.execute("RESET enable_mergejoin")
    cursor.execute("DELETE FROM core_caseexportdate")
    cursor.execute("INSERT INTO core_caseexportdate (exported_on) VALUES (%s)", [today])


def _cases_dates_brought_up(cursor) -> None:
    """Before another source's children are weighed against those held: the children it names
    whose details the latest case export gave take that export's day as their reference date
    (CaseExportDate), the date the rule compares."""
    exported_on = cases_exported_on(cursor)
    if exported_on is None:
        return
    cursor.execute(
        """
        UPDATE core_child c SET attributes_reference_date = %s
         WHERE c.attributes_source = %s
           AND (c.attributes_reference_date IS NULL OR c.attributes_reference_date < %s)
           AND c.child_ref IN (SELECT child_ref FROM import_child)
        """,
        [exported_on, CASES_SOURCE, exported_on],
    )


def _child_conflicts(cursor, source: str) -> tuple[int, list[str]]:
    """Children this file describes differently from what another source gave (birth date,
    sex, ethnicity): each a warning, saying which value stands. The rule (docs): the source with
    the later reference date wins; on the same date, the import made last."""
    cursor.execute(
        """
        SELECT child_ref, held_birth_year, held_birth_month, held_birth_day, held_sex,
               held_ethnicity, held_source, held_reference_date,
               birth_year, birth_month, birth_day, sex, ethnicity, attributes_reference_date,
               held_reference_date IS NULL
                 OR attributes_reference_date >= held_reference_date AS incoming_wins,
               COUNT(*) OVER ()
          FROM import_child_changed
         WHERE held_id IS NOT NULL AND held_source IS DISTINCT FROM attributes_source
           AND (held_birth_year, held_birth_month, held_birth_day, held_sex, held_ethnicity)
               IS DISTINCT FROM (birth_year, birth_month, birth_day, sex, ethnicity)
         ORDER BY child_ref
         LIMIT %s
        """,
        [MAX_CONFLICTS_REPORTED],
    )
    rows = cursor.fetchall()
    warnings = []
    for row in rows:
        ref, oy, om, od, osex, oeth, osource, odate, ny, nm, nd, nsex, neth, ndate, wins, _ = row
        differences = []
        if (oy, om, od) != (ny, nm, nd):
            differences.append(
                ("date of birth", f"{ny:04d}-{nm:02d}-{nd:02d}", f"{oy:04d}-{om:02d}-{od:02d}")
            )
        if osex != nsex:
            differences.append(("sex", str(nsex), str(osex)))
        if oeth != neth:
            differences.append(("ethnicity", neth, oeth))
        held = describe_source(osource) + (f" (reference date {odate:%-d %B %Y})" if odate else "")
        if odate is not None and odate == ndate:
            # The rule on equal dates: the import made last, this one.
            rule = (
                "both have the same reference date, and then the import made last (this one) wins"
            )
        elif wins:
            rule = "the source with the later reference date (this file) wins"
        else:
            rule = f"the source with the later reference date ({describe_source(osource)}) wins"
        for field, new_value, old_value in differences:
            kept = new_value if wins else old_value
            warnings.append(
                f"child {ref}: {field} {new_value} in this file ({describe_source(source)}, "
                f"reference date {ndate:%-d %B %Y}) but {old_value} from {held}; {rule}, "
                f"so {kept} is kept"
            )
    total = rows[0][-1] if rows else 0
    return total, warnings


def children_upsert(
    cursor, children: Iterable[tuple], *, source: str = "", reference_date=None
) -> dict:
    """Add new children, correct changed ones (triggers carry the change to their episodes).

    children: (child_ref, birth date, sex, ethnicity, death date or None) tuples. source and
    reference_date say which file they come from: a child's birth date, sex and ethnicity are
    replaced only by a source whose reference date is as late as or later than the one they
    came from, and every disagreement between sources is reported (children_conflicts and the
    warnings). A death date, once given, is kept when a source without one follows.

    Into an empty table (a first load), the rows go in without the unique index, which is then
    built in one pass: several times faster than a million index insertions. The references are
    unique already (the importers key children by them).
    """
    children_staging_create(cursor)
    # Written by hand, as the episodes are: only the reference can hold a character COPY must
    # escape (the code is one of the DfE list), and a million calls of _copy_text per column
    # were a tenth of an import. Sent in chunks, so a million rows' text is never held at once.
    copy = _ChunkedCopy(cursor, f"COPY import_child ({_CHILD_COLUMNS}) FROM STDIN")
    write = copy.write
    tail = f"\t{_copy_text(source)}\t{_NULL if reference_date is None else reference_date}\n"
    for ref, birth, sex, ethnicity, death in children:
        write(
            f"{_copy_text(ref)}\t{birth.year}\t{birth.month}\t{birth.day}\t{sex}\t"
            f"{_copy_text(ethnicity)}\t{_NULL if death is None else death}{tail}"
        )
    copy.flush()
    return children_apply(cursor, source=source)


def children_staging_create(cursor) -> None:
    """The empty import_child table children_apply reads (an importer may fill it by SQL)."""
    cursor.execute("DROP TABLE IF EXISTS import_child")
    cursor.execute(
        "CREATE TEMP TABLE import_child (child_ref text, birth_year int, birth_month int,"
        " birth_day int, sex int, ethnicity text, death_date date, attributes_source text,"
        " attributes_reference_date date) ON COMMIT DROP"
    )


def children_apply(cursor, *, source: str) -> dict:
    """children_upsert's write, from import_child as staged."""
    if source != CASES_SOURCE:
        _cases_dates_brought_up(cursor)
    insert_from = (
        "INSERT INTO core_child (child_ref, birth_year, birth_month, birth_day, sex,"
        " ethnicity_id, death_date, attributes_source, attributes_reference_date)"
        f" SELECT {_CHILD_COLUMNS} FROM "
    )
    if _table_is_empty(cursor, "core_child"):
        cursor.execute("ALTER TABLE core_child DROP CONSTRAINT child_ref_unique")
        cursor.execute(insert_from + "import_child")
        added = cursor.rowcount
        cursor.execute("ALTER TABLE core_child ADD CONSTRAINT child_ref_unique UNIQUE (child_ref)")
        return {
            "children_added": added,
            "children_updated": 0,
            "children_conflicts": 0,
            "conflict_warnings": [],
            "children_ethnicity_changed": 0,
            "children_sex_changed": 0,
            "children_birth_changed": 0,
        }
    # Only the children new or different from those held are compared and written below: at a
    # re-import, almost none (one join, where each query below was one over every child).
    cursor.execute("DROP TABLE IF EXISTS import_child_changed")
    cursor.execute(
        """
        CREATE TEMP TABLE import_child_changed ON COMMIT DROP AS
        SELECT i.*, c.id AS held_id, c.birth_year AS held_birth_year,
               c.birth_month AS held_birth_month, c.birth_day AS held_birth_day,
               c.sex AS held_sex, c.ethnicity_id AS held_ethnicity,
               c.death_date AS held_death_date, c.attributes_source AS held_source,
               c.attributes_reference_date AS held_reference_date
          FROM import_child i LEFT JOIN core_child c ON c.child_ref = i.child_ref
         WHERE c.id IS NULL
            OR (c.birth_year, c.birth_month, c.birth_day, c.sex, c.ethnicity_id, c.death_date,
                c.attributes_source, c.attributes_reference_date)
               IS DISTINCT FROM (i.birth_year, i.birth_month, i.birth_day, i.sex, i.ethnicity,
                                 i.death_date, i.attributes_source, i.attributes_reference_date)
        """
    )
    conflicts, warnings = _child_conflicts(cursor, source)
    # What will change, field by field, for the preview (read before the upsert writes): only
    # where this file's values stand, by the rule below. A child whose details are the same and
    # only come from a later return now (their provenance) has no detail changed.
    cursor.execute(
        """
        SELECT COUNT(*) FILTER (WHERE wins AND held_ethnicity IS DISTINCT FROM ethnicity),
               COUNT(*) FILTER (WHERE wins AND held_sex IS DISTINCT FROM sex),
               COUNT(*) FILTER (WHERE wins
                                  AND (held_birth_year, held_birth_month, held_birth_day)
                                      IS DISTINCT FROM (birth_year, birth_month, birth_day)),
               COUNT(*) FILTER (WHERE (wins AND (held_birth_year, held_birth_month,
                                                 held_birth_day, held_sex, held_ethnicity)
                                       IS DISTINCT FROM (birth_year, birth_month, birth_day,
                                                         sex, ethnicity))
                                   OR (death_date IS NOT NULL
                                       AND death_date IS DISTINCT FROM held_death_date))
          FROM (SELECT *, held_reference_date IS NULL
                          OR attributes_reference_date >= held_reference_date AS wins
                  FROM import_child_changed WHERE held_id IS NOT NULL) changed
        """
    )
    ethnicity_changed, sex_changed, birth_changed, details_changed = cursor.fetchone()
    # The file's values stand unless those held came from a source with a later reference date.
    wins = (
        "(core_child.attributes_reference_date IS NULL"
        " OR EXCLUDED.attributes_reference_date >= core_child.attributes_reference_date)"
    )
    cursor.execute(
        f"""
        WITH written AS (
            {insert_from}import_child_changed
            ON CONFLICT (child_ref) DO UPDATE
               SET birth_year = CASE WHEN {wins} THEN EXCLUDED.birth_year
                                     ELSE core_child.birth_year END,
                   birth_month = CASE WHEN {wins} THEN EXCLUDED.birth_month
                                      ELSE core_child.birth_month END,
                   birth_day = CASE WHEN {wins} THEN EXCLUDED.birth_day
                                    ELSE core_child.birth_day END,
                   sex = CASE WHEN {wins} THEN EXCLUDED.sex ELSE core_child.sex END,
                   ethnicity_id = CASE WHEN {wins} THEN EXCLUDED.ethnicity_id
                                       ELSE core_child.ethnicity_id END,
                   attributes_source = CASE WHEN {wins} THEN EXCLUDED.attributes_source
                                            ELSE core_child.attributes_source END,
                   attributes_reference_date = CASE
                       WHEN {wins} THEN EXCLUDED.attributes_reference_date
                       ELSE core_child.attributes_reference_date END,
                   death_date = COALESCE(EXCLUDED.death_date, core_child.death_date)
             WHERE (core_child.birth_year, core_child.birth_month, core_child.birth_day,
                    core_child.sex, core_child.ethnicity_id, core_child.death_date,
                    core_child.attributes_source, core_child.attributes_reference_date)
                   IS DISTINCT FROM (
                    CASE WHEN {wins} THEN EXCLUDED.birth_year ELSE core_child.birth_year END,
                    CASE WHEN {wins} THEN EXCLUDED.birth_month ELSE core_child.birth_month END,
                    CASE WHEN {wins} THEN EXCLUDED.birth_day ELSE core_child.birth_day END,
                    CASE WHEN {wins} THEN EXCLUDED.sex ELSE core_child.sex END,
                    CASE WHEN {wins} THEN EXCLUDED.ethnicity_id ELSE core_child.ethnicity_id END,
                    COALESCE(EXCLUDED.death_date, core_child.death_date),
                    CASE WHEN {wins} THEN EXCLUDED.attributes_source
                         ELSE core_child.attributes_source END,
                    CASE WHEN {wins} THEN EXCLUDED.attributes_reference_date
                         ELSE core_child.attributes_reference_date END)
            RETURNING id, (xmax = 0) AS inserted
        ),
        -- A changed child's episodes carry the change (a trigger): their dates are touched.
        -- Looked up by the (child, kind, start) index: as a semi-join the planner scanned
        -- every episode held, for the few or no children changed.
        touched AS (
            INSERT INTO import_touched (start_date, end_date)
            SELECT e.start_date, e.end_date FROM core_episode e
             WHERE e.child_id = ANY(ARRAY(SELECT id FROM written WHERE NOT inserted))
        )
        SELECT COUNT(*) FILTER (WHERE inserted), COUNT(*) FILTER (WHERE NOT inserted)
          FROM written
        """
    )
    added, _rewritten = cursor.fetchone()
    return {
        "children_added": added,
        "children_updated": details_changed,
        "children_conflicts": conflicts,
        "conflict_warnings": warnings,
        "children_ethnicity_changed": ethnicity_changed,
        "children_sex_changed": sex_changed,
        "children_birth_changed": birth_changed,
    }


def episodes_replace(cursor, episodes: Iterable[EpisodeRecord], *, source: str, scope: str) -> dict:
    """Make the episodes held for `source` those of the file, changing only what differs.

    scope "source": the file is the whole of its source (a return for its year): episodes of
    that source missing from the file go. scope "children": the file speaks only for the
    children in it (a flat case export): their episodes of that source are replaced, others kept.
    Nothing of any other source is removed: a return is the truth for its own year only.
    """
    episodes_staging_create(cursor)
    escaped: dict[str, str] = {}
    copy = _ChunkedCopy(
        cursor,
        "COPY import_episode (child_ref, kind, start_date, end_date, team_id, plan_category,"
        " legal_status, recorded_end_date, end_rule) FROM STDIN",
    )
    lines = copy.lines
    append = lines.append
    for e in episodes:
        # Kinds, dates and rules need no escaping; references and codes from a file might
        # (one escape a child, not one call a value: this loop runs once an episode).
        ref = e.child_ref
        if ref in escaped:
            ref = escaped[ref]
        elif "\t" in ref or "\n" in ref or "\r" in ref or "\\" in ref:
            ref = escaped[ref] = _copy_text(ref)
        end = e.end_date
        team = e.team_id
        recorded = e.recorded_end_date
        append(
            f"{ref}\t{e.kind}\t{e.start_date}\t{_NULL if end is None else end}\t"
            f"{_NULL if team is None else team}\t"
            f"{_copy_text(e.plan_category) if e.plan_category else ''}\t"
            f"{_copy_text(e.legal_status) if e.legal_status else ''}\t"
            f"{_NULL if recorded is None else recorded}\t{e.end_rule}\n"
        )
        if len(lines) >= COPY_CHUNK_LINES:
            copy.flush()
            lines = copy.lines
            append = lines.append
    copy.flush()
    return episodes_apply(cursor, source=source, scope=scope)


def episodes_staging_create(cursor) -> None:
    """The empty import_episode table episodes_apply reads (an importer may fill it by SQL)."""
    cursor.execute("DROP TABLE IF EXISTS import_episode")
    cursor.execute(
        "CREATE TEMP TABLE import_episode (child_ref text, kind text, start_date date,"
        " end_date date, team_id int, plan_category text, legal_status text,"
        " recorded_end_date date, end_rule text) ON COMMIT DROP"
    )


def episodes_apply(cursor, *, source: str, scope: str) -> dict:
    """episodes_replace's write, from import_episode as staged."""
    keyed = """
        SELECT c.id AS child_id, i.kind, i.start_date, i.end_date, i.team_id, i.plan_category,
               i.legal_status, i.recorded_end_date, i.end_rule, c.ethnicity_id,
               c.birth_year * 10000 + c.birth_month * 100 + c.birth_day AS birth_ymd, c.sex,
               t.locality_id
          FROM import_episode i
          JOIN core_child c ON c.child_ref = i.child_ref
          LEFT JOIN core_team t ON t.id = i.team_id
    """
    # Nothing of this source held yet (a first import): nothing to compare each row with.
    cursor.execute("SELECT EXISTS (SELECT 1 FROM core_episode WHERE source = %s)", [source])
    compare = cursor.fetchone()[0]
    if not compare:
        # Nothing to compare or remove: insert straight from the staging table.
        return _episodes_first_load(cursor, keyed, source)
    cursor.execute("DROP TABLE IF EXISTS import_episode_keyed")
    cursor.execute(f"CREATE TEMP TABLE import_episode_keyed ON COMMIT DROP AS {keyed}")
    cursor.execute("ANALYZE import_episode_keyed")
    same = """
        e.child_id = k.child_id AND e.kind = k.kind AND e.start_date = k.start_date
        AND COALESCE(e.end_date, 'infinity') = COALESCE(k.end_date, 'infinity')
        AND COALESCE(e.team_id, 0) = COALESCE(k.team_id, 0)
        AND e.plan_category = k.plan_category AND e.legal_status = k.legal_status
        AND e.end_rule = k.end_rule
        AND COALESCE(e.recorded_end_date, 'infinity') = COALESCE(k.recorded_end_date, 'infinity')
    """
    cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'import_episode_keyed'::regclass")
    few = cursor.fetchone()[0] < FEW_ROWS
    if scope == "children" and few:
        # A few children's episodes found by the (child, kind, start) index: as a semi-join the
        # planner scanned every episode held, for a re-import's few thousand children.
        in_scope = (
            "e.source = %s"
            " AND e.child_id = ANY(ARRAY(SELECT DISTINCT child_id FROM import_episode_keyed))"
        )
    elif scope == "children":
        in_scope = (
            "e.source = %s AND e.child_id IN (SELECT DISTINCT child_id FROM import_episode_keyed)"
        )
    else:
        in_scope = "e.source = %s"
    cursor.execute(
        f"""
        WITH removed AS (
            DELETE FROM core_episode e WHERE {in_scope}
               AND NOT EXISTS (SELECT 1 FROM import_episode_keyed k WHERE {same})
            RETURNING e.start_date, e.end_date
        ), touched AS (INSERT INTO import_touched SELECT * FROM removed)
        SELECT COUNT(*) FROM removed
        """,
        [source],
    )
    (removed,) = cursor.fetchone()
    cursor.execute("SELECT COUNT(*) FROM import_episode_keyed")
    (incoming,) = cursor.fetchone()
    rebuilt = _drop_indexes_for_bulk_load(cursor, incoming)
    new_only = f"WHERE NOT EXISTS (SELECT 1 FROM core_episode e WHERE e.source = %s AND {same})"
    cursor.execute(
        "WITH added AS ("
        + _INSERT_EPISODES
        + f" FROM import_episode_keyed k {new_only if compare else ''}"
        + ("" if rebuilt else f" ORDER BY {_INDEX_ORDER}")
        + " RETURNING start_date, end_date"
        + "), touched AS (INSERT INTO import_touched SELECT * FROM added)"
        + " SELECT COUNT(*) FROM added",
        [source, source] if compare else [source],
    )
    (added,) = cursor.fetchone()
    for _name, definition in rebuilt:
        cursor.execute(definition)
    return {
        "episodes_added": added,
        "episodes_removed": removed,
        "episodes_unchanged": incoming - added,
    }


# Fewer rows than this are looked up one by one through an index rather than joined by a scan.
FEW_ROWS = 100_000

# The order of the episode table's covering index (kind, start_date), the largest.
_INDEX_ORDER = "k.kind, k.start_date"

_INSERT_EPISODES = """
    INSERT INTO core_episode (child_id, kind, start_date, end_date, team_id, plan_category,
                              legal_status, recorded_end_date, end_rule, source,
                              child_ethnicity, child_birth_ymd, child_sex, locality_id)
    SELECT k.child_id, k.kind, k.start_date, k.end_date, k.team_id, k.plan_category,
           k.legal_status, k.recorded_end_date, k.end_rule, %s, k.ethnicity_id, k.birth_ymd,
           k.sex, k.locality_id
"""


def _drop_indexes_for_bulk_load(cursor, incoming: int) -> list[tuple[str, str]]:
    """A load that more than doubles the table (a first import) inserts without the secondary
    indexes and rebuilds them after, in one pass each (returned: name, CREATE statement). The
    transaction holds the table's lock meanwhile; the dashboard reads cohort snapshots."""
    cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = 'core_episode'::regclass")
    (existing,) = cursor.fetchone()
    if incoming < BULK_LOAD_ROWS or incoming <= max(existing, 0):
        return []
    rebuilt = _secondary_indexes(cursor, "core_episode")
    for name, _definition in rebuilt:
        cursor.execute(f'DROP INDEX "{name}"')
    return rebuilt


def _episodes_first_load(cursor, keyed: str, source: str) -> dict:
    """The first import of a source: every row is new, so the rows go from the staging table
    into core_episode in one INSERT, with no keyed copy to compare or delete against (that copy
    and its statistics were a tenth of a national-scale first import)."""
    cursor.execute("SELECT COUNT(*) FROM import_episode")
    (incoming,) = cursor.fetchone()
    rebuilt = _drop_indexes_for_bulk_load(cursor, incoming)
    # Into indexes kept (a load smaller than the table), in the order of the largest one: its
    # pages are then written one after another rather than read back at random, which, with a
    # table larger than Postgres's buffers, cost more than the rows themselves.
    order = "" if rebuilt else f" ORDER BY {_INDEX_ORDER}"
    cursor.execute(_INSERT_EPISODES + f" FROM ({keyed}) k{order}", [source])
    added = cursor.rowcount
    # Every row is new: the dates they cover, merged, rather than a copy of each row, and each
    # distinct start as a day of its own (a merged range keeps only its first start, and the
    # starts of the year after every start change). Only if a month-end is prepared at all
    # (a first load usually finds none): the insert has taken the data lock the builds share
    # (migration 0008), so none can be added before this transaction ends.
    if _builds_exist(cursor):
        cursor.execute(
            f"""
            INSERT INTO import_touched (start_date, end_date)
            SELECT lower(r), upper(r) - 1
              FROM unnest((SELECT range_agg({_COVERED}) FROM import_episode)) r
            UNION ALL
            SELECT DISTINCT start_date, start_date FROM import_episode
            """
        )
    for _name, definition in rebuilt:
        cursor.execute(definition)
    return {
        "episodes_added": added,
        "episodes_removed": 0,
        "episodes_unchanged": incoming - added,
    }


def _builds_exist(cursor) -> bool:
    cursor.execute("SELECT EXISTS (SELECT 1 FROM core_cohortsnapshotbuild)")
    return cursor.fetchone()[0]


# The dates an episode covers: open episodes cover every date from their start.
_COVERED = (
    "daterange(start_date,"
    " CASE WHEN end_date IS NULL THEN NULL ELSE GREATEST(start_date, end_date) END, '[]')"
)


def _touched_dates_begin(cursor) -> None:
    """An import expires only the snapshot dates it touches (migration 0008): the trigger
    leaves the builds alone while arp.snapshot_expiry is 'by import', every write to children
    or episodes records the dates it changes in import_touched, and _touched_dates_expire
    deletes the builds of those dates. Both run inside the import's transaction."""
    cursor.execute("SET LOCAL arp.snapshot_expiry = 'by import'")
    cursor.execute("DROP TABLE IF EXISTS import_touched")
    cursor.execute(
        "CREATE TEMP TABLE import_touched (start_date date, end_date date) ON COMMIT DROP"
    )


def _touched_dates_expire(cursor) -> int:
    expired = snapshots_expire_touched(cursor)
    cursor.execute("SET LOCAL arp.snapshot_expiry = ''")
    return expired


def _touch(cursor, select_dates: str) -> None:
    """Record the (start_date, end_date) of the episodes a statement is about to change."""
    cursor.execute(f"INSERT INTO import_touched (start_date, end_date) {select_dates}")


def snapshots_expire_touched(cursor) -> int:
    """Delete the builds of the dates the import's changed episodes cover (import_touched):
    on_date snapshots of a date inside an episode, starts snapshots of a date in the year after
    a start. The other dates' snapshots stay current. How many builds were expired."""
    cursor.execute(
        f"""
        WITH touched AS (
            SELECT range_agg({_COVERED}) AS on_date,
                   range_agg(daterange(start_date, (start_date + interval '1 year')::date, '[]'))
                       AS starts
              FROM import_touched
        )
        DELETE FROM core_cohortsnapshotbuild b USING touched t
         WHERE (b.measure = 'on_date' AND t.on_date @> b.reference_date)
            OR (b.measure = 'starts' AND t.starts @> b.reference_date)
        """
    )
    return cursor.rowcount


def episodes_end_at_death(cursor) -> int:
    """A death date ends every cohort membership: any episode open past a child's death (from
    any source) ends on that day, with what its file said kept (end_rule DEATH). Returns how
    many episodes were ended."""
    _touch(
        cursor,
        """
        SELECT e.start_date, e.end_date FROM core_episode e JOIN core_child c ON c.id = e.child_id
         WHERE c.death_date IS NOT NULL AND e.start_date <= c.death_date
           AND (e.end_date IS NULL OR e.end_date > c.death_date)
        """,
    )
    cursor.execute(
        """
        UPDATE core_episode e
           SET recorded_end_date = CASE WHEN e.end_rule = '' THEN e.end_date
                                        ELSE e.recorded_end_date END,
               end_rule = CASE WHEN e.end_rule = '' THEN 'DEATH'
                               ELSE e.end_rule || ', DEATH' END,
               end_date = c.death_date
          FROM core_child c
         WHERE c.death_date IS NOT NULL AND c.id = e.child_id
           AND e.start_date <= c.death_date
           AND (e.end_date IS NULL OR e.end_date > c.death_date)
        """
    )
    return cursor.rowcount


def cin_returns_close_superseded(cursor) -> int:
    """A CIN census is the truth for its own year: an episode left open in a return that a
    later return follows ends at its own return's year end (31 March), with what its file said
    kept (end_rule LATER_RETURN). If the child was still in need, the later return has the
    episode again; if not, they left. Returns how many episodes were ended."""
    superseded = """
         WHERE e.source LIKE 'cin:%%' AND e.end_date IS NULL AND e.end_rule = ''
           AND e.source < (SELECT MAX(source) FROM core_episode WHERE source LIKE 'cin:%%')
           AND e.start_date <= make_date(substr(e.source, 5)::int, 3, 31)
    """
    # One pass: the dates touched are those before the update (each was open: end NULL).
    cursor.execute(
        """
        WITH closed AS (
            UPDATE core_episode e
               SET recorded_end_date = NULL, end_rule = 'LATER_RETURN',
                   end_date = make_date(substr(e.source, 5)::int, 3, 31)
        """
        + superseded
        + """
            RETURNING e.start_date
        ), touched AS (
            INSERT INTO import_touched (start_date, end_date)
            SELECT start_date, NULL FROM closed
        )
        SELECT COUNT(*) FROM closed
        """
    )
    return cursor.fetchone()[0]


def children_left_between(cursor, *, earlier: str, later: str, limit: int = 200) -> tuple:
    """Children open at the end of return `earlier` (their file left an episode open) who are
    not in return `later` and did not die: they left in between. (count, their references,
    the first `limit`)."""
    # One pass over the episodes for the open ones (no index on source), then a probe per
    # child of the (child, kind, start) index: cheap next to a probe per child held.
    cursor.execute(
        """
        SELECT c.child_ref, COUNT(*) OVER ()
          FROM (SELECT DISTINCT child_id FROM core_episode
                 WHERE source = %s
                   AND CASE WHEN end_rule = '' THEN end_date
                            ELSE recorded_end_date END IS NULL) o
          JOIN core_child c ON c.id = o.child_id
         WHERE c.death_date IS NULL
           AND NOT EXISTS (SELECT 1 FROM core_episode e
                            WHERE e.child_id = o.child_id AND e.source = %s)
         ORDER BY c.child_ref LIMIT %s
        """,
        [earlier, later, limit],
    )
    rows = cursor.fetchall()
    return (rows[0][1] if rows else 0), [ref for ref, _ in rows]


def children_and_episodes_write(
    children: Iterable[tuple],
    episodes: list[EpisodeRecord],
    *,
    source: str,
    scope: str,
    reference_date,
    after_write=None,
    staged: bool = False,
) -> dict:
    """Children, then their episodes of `source`, then the rules that span sources (episodes
    end at a death). after_write(cursor) -> dict runs last, in the same transaction, for a
    format's own cross-return rules; its counts are added.

    staged: the importer has filled import_child and import_episode by SQL (it checked its
    file set-based, ADR 056; children_staging_create and episodes_staging_create give their
    columns, and import_episode may carry more), in place of `children` and `episodes`, which
    are then not read."""
    with connection.cursor() as cursor:
        # Memory for this transaction's sorts and hashes: building an index over a million
        # episodes, or joining them to their children, in memory rather than on disk.
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        cursor.execute("SET LOCAL work_mem = '128MB'")
        # The tables are read from memory, not a spinning disk (Postgres's default of 4 for a
        # random page read): a re-import's few thousand changed rows then find what is held
        # through the (child, kind, start) index, not a pass over every episode.
        cursor.execute("SET LOCAL random_page_cost = 1.1")
        # Check foreign keys as each statement runs: Postgres's queue of deferred checks costs
        # several times more at COMMIT for a million rows.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'core_episode'::regclass")
        held_before = max(cursor.fetchone()[0], 0)
        _touched_dates_begin(cursor)
        if staged:
            counts = children_apply(cursor, source=source)
            counts |= episodes_apply(cursor, source=source, scope=scope)
        else:
            counts = children_upsert(cursor, children, source=source, reference_date=reference_date)
            counts |= episodes_replace(cursor, episodes, source=source, scope=scope)
        if after_write is not None:
            counts |= after_write(cursor)
        counts["episodes_ended_at_death"] = episodes_end_at_death(cursor)
        _touched_dates_expire(cursor)
        # Fresh statistics for the planner after a large change (cheap next to the import):
        # at least a tenth of the episodes held, autovacuum's own rule, so a re-import's 1% is
        # left to it.
        changed = counts["episodes_added"] + counts["episodes_removed"]
        if changed > 10_000 and changed > held_before / 10:
            cursor.execute("ANALYZE core_child")
            cursor.execute("ANALYZE core_episode")
    return counts


def _care_episode_report(episode: CareEpisode, line: int) -> str:
    what = "; ".join(RULE_DESCRIPTIONS[rule] for rule in episode.rules)
    filed = "open" if episode.dec is None else f"ending {episode.dec:%d/%m/%Y}"
    result = (
        "removed"
        if episode.removed
        else f"now ends {episode.cleaned_dec:%d/%m/%Y}"
        if episode.cleaned_dec
        else "open"
    )
    return (
        f"{episode.year - 1}-{str(episode.year)[2:]} return, line {line}: child "
        f"{episode.child}'s episode starting {episode.decom:%d/%m/%Y} ({filed} in the file) "
        f"{result} ({episode.rule}: {what})"
    )


_RECORD_FIELDS = (
    "year",
    "la",
    "child_ref",
    "line",
    "decom",
    "rne",
    "ls",
    "cin",
    "place",
    "place_provider",
    "dec",
    "rec",
    "reason_place_change",
    "pl_post",
    "urn",
)


def care_returns_write(
    *, children: list[tuple], records: list[dict], years: list[int], reference_date
) -> dict:
    """Write SSDA903 returns: the children, then the Episodes rows of `years` as filed
    (replacing those years' rows only), then the cleaning of every return held together, whose
    result is what core_episode holds for each "ssda903:YEAR" source.

    Returns counts, the children's conflict warnings and one report line per episode the
    cleaning changed in the returns just imported (or, for earlier returns, changed anew).
    """
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        _touched_dates_begin(cursor)
        counts = children_upsert(
            cursor, children, source=f"ssda903:{max(years)}", reference_date=reference_date
        )
    before = {
        row[0]: (row[1], row[2], row[3])
        for row in CareEpisodeRecord.objects.values_list("id", "cleaned_dec", "rule", "removed")
    }
    CareEpisodeRecord.objects.filter(year__in=years).delete()
    CareEpisodeRecord.objects.bulk_create(
        [CareEpisodeRecord(**{key: record[key] for key in _RECORD_FIELDS}) for record in records],
        batch_size=5_000,
    )
    held = list(CareEpisodeRecord.objects.all())
    cleaned = clean_episodes(
        [
            CareEpisode(
                key=row.pk,
                year=row.year,
                child=row.child_ref,
                decom=row.decom,
                dec=row.dec,
                rne=row.rne,
                ls=row.ls,
                place=row.place,
                place_provider=row.place_provider,
                pl_post=row.pl_post,
                urn=row.urn,
                la=row.la,
            )
            for row in held
        ]
    )
    by_key = {episode.key: episode for episode in cleaned}
    report: list[str] = []
    changed_rows = []
    for row in held:
        episode = by_key[row.pk]
        result = (episode.cleaned_dec, episode.rule, episode.removed)
        if (row.cleaned_dec, row.rule, row.removed) != result:
            row.cleaned_dec, row.rule, row.removed = result
            changed_rows.append(row)
        if episode.rules and (row.year in years or before.get(row.pk) != result):
            report.append(_care_episode_report(episode, row.line))
    CareEpisodeRecord.objects.bulk_update(
        changed_rows, ["cleaned_dec", "rule", "removed"], batch_size=5_000
    )
    counts |= {
        "episodes_added": 0,
        "episodes_removed": 0,
        "episodes_unchanged": 0,
        # Of those, in the returns of years not in these files (the cleaning's changes there).
        "other_years_episodes_removed": 0,
        "other_years_episodes_added": 0,
        "episodes_cleaned": sum(1 for e in cleaned if e.rules and not e.removed),
        "episodes_removed_by_cleaning": sum(1 for e in cleaned if e.removed),
    }
    rows_by_year: dict[int, list[EpisodeRecord]] = {}
    for row in held:
        episode = by_key[row.pk]
        rows_by_year.setdefault(row.year, [])
        if episode.removed:
            continue
        record = EpisodeRecord(
            row.child_ref,
            EpisodeKind.IN_CARE,
            row.decom,
            row.dec,
            row.line,
            legal_status=row.ls,
        )
        if episode.cleaned_dec != row.dec:
            record.end_by_rule(episode.cleaned_dec, episode.rule)
        rows_by_year[row.year].append(record)
    with connection.cursor() as cursor:
        for year, year_episodes in sorted(rows_by_year.items()):
            written = episodes_replace(
                cursor, year_episodes, source=f"ssda903:{year}", scope="source"
            )
            for key in ("episodes_added", "episodes_removed", "episodes_unchanged"):
                counts[key] += written[key]
            if year not in years:
                counts["other_years_episodes_removed"] += written["episodes_removed"]
                counts["other_years_episodes_added"] += written["episodes_added"]
        counts["episodes_ended_at_death"] = episodes_end_at_death(cursor)
        _touched_dates_expire(cursor)
    counts["cleaning_report"] = report
    return counts
