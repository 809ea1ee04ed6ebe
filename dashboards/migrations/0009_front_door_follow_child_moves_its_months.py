"""A child added or corrected by a children's import carries its ethnicity to its contacts and
early help episodes (migration 0005), and now to the monthly counts the front door dashboard
reads (ContactMonth, migration 0006), which stayed counted under the old ethnicity until the
next contacts import.

The function works out the contacts that move once, updates them by their id, and moves their
counts between the months' rows (one decrement and one increment a group, rows left at nought
removed), so its cost is that of the rows that change; it returns at once while the front
door holds nothing. Without just-in-time compilation: the transition table's rows are not
known when the statements are planned, and compiling for millions of guessed rows took longer
than the few thousand real ones. (The triggers stay statement-level with transition tables: one join a
statement. A column list, UPDATE OF ethnicity_id, would spare statements that set other
columns, but Postgres allows no transition table on such a trigger.)
"""

from django.db import migrations

FOLLOW = """
CREATE OR REPLACE FUNCTION dashboards_front_door_follow_child() RETURNS trigger AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM dashboards_contact)
       AND NOT EXISTS (SELECT 1 FROM dashboards_earlyhelpepisode) THEN
        RETURN NULL;
    END IF;
    WITH moved AS MATERIALIZED (
        SELECT c.id, c.ethnicity AS was, n.ethnicity_id AS now,
               date_trunc('month', c.contact_date::timestamp)::date AS month, c.source,
               c.outcome, c.repeat_within_12_months AS repeat
          FROM dashboards_contact AS c JOIN changed_children AS n ON n.child_ref = c.child_ref
         WHERE c.ethnicity IS DISTINCT FROM n.ethnicity_id
    ), updated AS (
        UPDATE dashboards_contact AS c SET ethnicity = m.now FROM moved AS m WHERE c.id = m.id
    ), deltas AS (
        SELECT month, ethnicity, source, outcome, repeat, SUM(change)::int AS change
          FROM (SELECT month, was AS ethnicity, source, outcome, repeat, -1 AS change FROM moved
                UNION ALL
                SELECT month, now, source, outcome, repeat, 1 FROM moved) AS d
         GROUP BY 1, 2, 3, 4, 5
        HAVING SUM(change) <> 0
    ), counted AS (
        UPDATE dashboards_contactmonth AS m SET contacts = m.contacts + d.change
          FROM deltas AS d
         WHERE m.month = d.month AND m.ethnicity = d.ethnicity AND m.source = d.source
           AND m.outcome = d.outcome AND m.repeat_within_12_months = d.repeat
        RETURNING d.month, d.ethnicity, d.source, d.outcome, d.repeat
    )
    INSERT INTO dashboards_contactmonth (month, ethnicity, source, outcome,
                                         repeat_within_12_months, contacts)
    SELECT d.month, d.ethnicity, d.source, d.outcome, d.repeat, d.change FROM deltas AS d
     WHERE d.change > 0
       -- Months not counted yet (before the first contacts import counts them) stay so.
       AND EXISTS (SELECT 1 FROM dashboards_contactmonth AS held WHERE held.month = d.month)
       AND NOT EXISTS (SELECT 1 FROM counted AS c
                        WHERE (c.month, c.ethnicity, c.source, c.outcome, c.repeat)
                              = (d.month, d.ethnicity, d.source, d.outcome, d.repeat));
    DELETE FROM dashboards_contactmonth WHERE contacts = 0;
    UPDATE dashboards_earlyhelpepisode AS e SET ethnicity = n.ethnicity_id
      FROM changed_children AS n
     WHERE e.child_ref = n.child_ref AND e.ethnicity IS DISTINCT FROM n.ethnicity_id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql SET jit = off;
"""

BEFORE = """
CREATE OR REPLACE FUNCTION dashboards_front_door_follow_child() RETURNS trigger AS $$
BEGIN
    UPDATE dashboards_contact AS c SET ethnicity = n.ethnicity_id
      FROM changed_children AS n
     WHERE c.child_ref = n.child_ref AND c.ethnicity IS DISTINCT FROM n.ethnicity_id;
    UPDATE dashboards_earlyhelpepisode AS e SET ethnicity = n.ethnicity_id
      FROM changed_children AS n
     WHERE e.child_ref = n.child_ref AND e.ethnicity IS DISTINCT FROM n.ethnicity_id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


class Migration(migrations.Migration):
    dependencies = [("dashboards", "0008_early_help_covering_indexes")]

    operations = [migrations.RunSQL(FOLLOW, BEFORE)]
