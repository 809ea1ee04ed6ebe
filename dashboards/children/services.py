"""Writes for the children's imports: set-based, through Postgres COPY and staging tables.

An importer has validated the whole file before it gets here; these functions run inside the
transaction that run_import opens, so a failure leaves nothing behind. Writing is a diff, not a
delete-and-reload: episodes already held exactly as the file gives them are left alone, so
importing the same file again changes nothing.
"""

import io
from collections.abc import Iterable

from django.db import connection

from dashboards.children.validation import EpisodeRecord

# Each format's episodes carry a source: "cases" for flat exports, "cin:2025" or "ssda903:2025"
# for a return (the year the collection ends, on 31 March).
CASES_SOURCE = "cases"
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


def children_upsert(cursor, children: Iterable[tuple]) -> dict:
    """Add new children, correct changed ones (triggers carry the change to their episodes).

    Into an empty table (a first load), the rows go in without the unique index, which is then
    built in one pass: several times faster than a million index insertions. The references are
    unique already (the importers key children by them).
    """
    cursor.execute("DROP TABLE IF EXISTS import_child")
    cursor.execute(
        "CREATE TEMP TABLE import_child (child_ref text, birth_year int, birth_month int,"
        " sex int, ethnicity text) ON COMMIT DROP"
    )
    # (child_ref, birth_year, birth_month, sex, ethnicity) tuples. Written by hand, as the
    # episodes are: only the reference can hold a character COPY must escape (the code is one
    # of the DfE list), and a million calls of _copy_text per column were a tenth of an import.
    copy = _ChunkedCopy(
        cursor, "COPY import_child (child_ref, birth_year, birth_month, sex, ethnicity) FROM STDIN"
    )
    write = copy.write
    for ref, year, month, sex, ethnicity in children:
        write(
            f"{_copy_text(ref)}\t{_NULL if year is None else year}\t"
            f"{_NULL if month is None else month}\t{_NULL if sex is None else sex}\t"
            f"{_copy_text(ethnicity)}\n"
        )
    copy.flush()
    if _table_is_empty(cursor, "core_child"):
        cursor.execute("ALTER TABLE core_child DROP CONSTRAINT child_ref_unique")
        cursor.execute(
            "INSERT INTO core_child (child_ref, birth_year, birth_month, sex, ethnicity_id)"
            " SELECT child_ref, birth_year, birth_month, sex, ethnicity FROM import_child"
        )
        added = cursor.rowcount
        cursor.execute("ALTER TABLE core_child ADD CONSTRAINT child_ref_unique UNIQUE (child_ref)")
        return {"children_added": added, "children_updated": 0}
    # What will change, field by field, for the preview (read before the upsert writes).
    cursor.execute(
        """
        SELECT COUNT(*) FILTER (WHERE c.ethnicity_id IS DISTINCT FROM i.ethnicity),
               COUNT(*) FILTER (WHERE c.sex IS DISTINCT FROM i.sex),
               COUNT(*) FILTER (WHERE (c.birth_year, c.birth_month)
                                      IS DISTINCT FROM (i.birth_year, i.birth_month))
          FROM import_child i JOIN core_child c ON c.child_ref = i.child_ref
        """
    )
    ethnicity_changed, sex_changed, birth_changed = cursor.fetchone()
    cursor.execute(
        """
        WITH written AS (
            INSERT INTO core_child (child_ref, birth_year, birth_month, sex, ethnicity_id)
            SELECT child_ref, birth_year, birth_month, sex, ethnicity FROM import_child
            ON CONFLICT (child_ref) DO UPDATE
               SET birth_year = EXCLUDED.birth_year, birth_month = EXCLUDED.birth_month,
                   sex = EXCLUDED.sex, ethnicity_id = EXCLUDED.ethnicity_id
             WHERE (core_child.birth_year, core_child.birth_month, core_child.sex,
                    core_child.ethnicity_id)
                   IS DISTINCT FROM (EXCLUDED.birth_year, EXCLUDED.birth_month, EXCLUDED.sex,
                    EXCLUDED.ethnicity_id)
            RETURNING id, (xmax = 0) AS inserted
        ),
        -- A changed child's episodes carry the change (a trigger): their dates are touched.
        touched AS (
            INSERT INTO import_touched (start_date, end_date)
            SELECT e.start_date, e.end_date FROM core_episode e
             WHERE e.child_id IN (SELECT id FROM written WHERE NOT inserted)
        )
        SELECT COUNT(*) FILTER (WHERE inserted), COUNT(*) FILTER (WHERE NOT inserted)
          FROM written
        """
    )
    added, updated = cursor.fetchone()
    return {
        "children_added": added,
        "children_updated": updated,
        "children_ethnicity_changed": ethnicity_changed,
        "children_sex_changed": sex_changed,
        "children_birth_changed": birth_changed,
    }


def episodes_replace(
    cursor,
    episodes: Iterable[EpisodeRecord],
    *,
    source: str,
    scope: str,
    supersedes: str | None = None,
    period_start=None,
) -> dict:
    """Make the episodes held for `source` those of the file, changing only what differs.

    scope "source": the file is the whole of its source (a return for its period): episodes of
    that source missing from the file go. scope "children": the file speaks only for the
    children in it (a flat case export): their episodes of that source are replaced, others kept.
    supersedes: a LIKE pattern of older returns of the same collection ("cin:%"); for children
    in this return, their episodes from those returns that were still open when this return's
    period began are restated by this return, so the older copies go.
    """
    cursor.execute("DROP TABLE IF EXISTS import_episode")
    cursor.execute(
        "CREATE TEMP TABLE import_episode (child_ref text, kind text, start_date date,"
        " end_date date, team_id int, plan_category text, legal_status text) ON COMMIT DROP"
    )
    copy = _ChunkedCopy(
        cursor,
        "COPY import_episode (child_ref, kind, start_date, end_date, team_id, plan_category,"
        " legal_status) FROM STDIN",
    )
    write = copy.write
    for e in episodes:
        # Kinds and dates need no escaping; references and codes from a file might.
        write(
            f"{_copy_text(e.child_ref)}\t{e.kind}\t{e.start_date}\t"
            f"{_NULL if e.end_date is None else e.end_date}\t"
            f"{_NULL if e.team_id is None else e.team_id}\t"
            f"{_copy_text(e.plan_category) if e.plan_category else ''}\t"
            f"{_copy_text(e.legal_status) if e.legal_status else ''}\n"
        )
    copy.flush()
    keyed = """
        SELECT c.id AS child_id, i.kind, i.start_date, i.end_date, i.team_id, i.plan_category,
               i.legal_status, c.ethnicity_id,
               c.birth_year * 12 + c.birth_month - 1 AS birth_month_index, c.sex,
               t.locality_id
          FROM import_episode i
          JOIN core_child c ON c.child_ref = i.child_ref
          LEFT JOIN core_team t ON t.id = i.team_id
    """
    # Nothing of this source held yet (a first import): nothing to compare each row with.
    cursor.execute("SELECT EXISTS (SELECT 1 FROM core_episode WHERE source = %s)", [source])
    compare = cursor.fetchone()[0]
    if not compare and not (supersedes and period_start is not None):
        # Nothing to compare, remove or supersede: insert straight from the staging table.
        return _episodes_first_load(cursor, keyed, source)
    cursor.execute("DROP TABLE IF EXISTS import_episode_keyed")
    cursor.execute(f"CREATE TEMP TABLE import_episode_keyed ON COMMIT DROP AS {keyed}")
    cursor.execute("ANALYZE import_episode_keyed")
    same = """
        e.child_id = k.child_id AND e.kind = k.kind AND e.start_date = k.start_date
        AND COALESCE(e.end_date, 'infinity') = COALESCE(k.end_date, 'infinity')
        AND COALESCE(e.team_id, 0) = COALESCE(k.team_id, 0)
        AND e.plan_category = k.plan_category AND e.legal_status = k.legal_status
    """
    if scope == "children":
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
    superseded = 0
    if supersedes and period_start is not None:
        cursor.execute(
            """
            WITH superseded AS (
                DELETE FROM core_episode e
                 WHERE e.source LIKE %s AND e.source < %s
                   AND (e.end_date IS NULL OR e.end_date >= %s)
                   AND e.child_id IN (SELECT DISTINCT child_id FROM import_episode_keyed)
                RETURNING e.start_date, e.end_date
            ), touched AS (INSERT INTO import_touched SELECT * FROM superseded)
            SELECT COUNT(*) FROM superseded
            """,
            [supersedes, source, period_start],
        )
        (superseded,) = cursor.fetchone()
    cursor.execute("SELECT COUNT(*) FROM import_episode_keyed")
    (incoming,) = cursor.fetchone()
    rebuilt = _drop_indexes_for_bulk_load(cursor, incoming)
    new_only = f"WHERE NOT EXISTS (SELECT 1 FROM core_episode e WHERE e.source = %s AND {same})"
    cursor.execute(
        "WITH added AS ("
        + _INSERT_EPISODES
        + f" FROM import_episode_keyed k {new_only if compare else ''}"
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
        "episodes_superseded": superseded,
        "episodes_unchanged": incoming - added,
    }


_INSERT_EPISODES = """
    INSERT INTO core_episode (child_id, kind, start_date, end_date, team_id, plan_category,
                              legal_status, source, child_ethnicity, child_birth_month_index,
                              child_sex, locality_id)
    SELECT k.child_id, k.kind, k.start_date, k.end_date, k.team_id, k.plan_category,
           k.legal_status, %s, k.ethnicity_id, k.birth_month_index, k.sex, k.locality_id
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
    cursor.execute(_INSERT_EPISODES + f" FROM ({keyed}) k", [source])
    added = cursor.rowcount
    # Every row is new: the dates they cover, merged, rather than a copy of each row.
    cursor.execute(
        """
        INSERT INTO import_touched (start_date, end_date)
        SELECT lower(r), upper(r) - 1
          FROM unnest((SELECT range_agg(daterange(start_date, GREATEST(start_date, end_date),
                                                  '[]'))
                         FROM import_episode)) r
        """
    )
    for _name, definition in rebuilt:
        cursor.execute(definition)
    return {
        "episodes_added": added,
        "episodes_removed": 0,
        "episodes_superseded": 0,
        "episodes_unchanged": incoming - added,
    }


def snapshots_expire_touched(cursor) -> int:
    """Delete the builds of the dates the import's changed episodes cover (import_touched):
    on_date snapshots of a date inside an episode, starts snapshots of a date in the year after
    a start. The other dates' snapshots stay current. How many builds were expired."""
    cursor.execute(
        """
        WITH touched AS (
            SELECT range_agg(daterange(start_date, GREATEST(start_date, end_date), '[]'))
                       AS on_date,
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


def children_and_episodes_write(
    children: Iterable[tuple],
    episodes: list[EpisodeRecord],
    **episode_options,
) -> dict:
    with connection.cursor() as cursor:
        # Memory for this transaction's sorts and hashes: building an index over a million
        # episodes, or joining them to their children, in memory rather than on disk.
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        cursor.execute("SET LOCAL work_mem = '128MB'")
        # Check foreign keys as each statement runs: Postgres's queue of deferred checks costs
        # several times more at COMMIT for a million rows.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # Expire only the snapshot dates this import touches (migration 0007): the trigger
        # leaves the builds alone, and snapshots_expire_touched deletes those the changed
        # episodes cover. The setting ends with the transaction, or is reset below.
        cursor.execute("SET LOCAL arp.snapshot_expiry = 'by import'")
        cursor.execute("DROP TABLE IF EXISTS import_touched")
        cursor.execute(
            "CREATE TEMP TABLE import_touched (start_date date, end_date date) ON COMMIT DROP"
        )
        counts = children_upsert(cursor, children)
        counts |= episodes_replace(cursor, episodes, **episode_options)
        snapshots_expire_touched(cursor)
        cursor.execute("SET LOCAL arp.snapshot_expiry = ''")
        # Fresh statistics for the planner after a large change (cheap next to the import).
        if counts["episodes_added"] + counts["episodes_removed"] > 10_000:
            cursor.execute("ANALYZE core_child")
            cursor.execute("ANALYZE core_episode")
    return counts
