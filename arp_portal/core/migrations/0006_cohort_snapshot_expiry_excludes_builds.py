"""Writes to children or episodes and snapshot builds exclude each other.

Before, a build whose INSERT ... SELECT had read the episodes just before an import committed
could commit its "built" row after the import's trigger had emptied the table, and so mark as
current a snapshot of the data before the import. Now the trigger takes a transaction-level
advisory lock in exclusive mode before expiring the builds, and every build takes the same lock
in shared mode before reading (dashboards/children/snapshots.py): a build waits for a write in
progress to commit and then sees it, and a write waits for a build in progress to commit and
then expires it. Builds do not wait for one another.
"""

from django.db import migrations

EXPIRE_UNDER_LOCK = """
CREATE OR REPLACE FUNCTION core_cohort_snapshots_expire() RETURNS trigger AS $$
BEGIN
    -- The key is the one snapshots.DATA_LOCK takes in shared mode.
    PERFORM pg_advisory_xact_lock(hashtext('core_cohortsnapshot data'), 0);
    DELETE FROM core_cohortsnapshotbuild;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
"""

EXPIRE_UNLOCKED = """
CREATE OR REPLACE FUNCTION core_cohort_snapshots_expire() RETURNS trigger AS $$
BEGIN
    DELETE FROM core_cohortsnapshotbuild;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_child_ethnicity_without_index"),
    ]

    operations = [migrations.RunSQL(sql=EXPIRE_UNDER_LOCK, reverse_sql=EXPIRE_UNLOCKED)]
