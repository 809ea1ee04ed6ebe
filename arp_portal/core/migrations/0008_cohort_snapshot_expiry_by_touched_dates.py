"""An import expires only the snapshot dates it touched.

The trigger still takes the data lock in exclusive mode on every write to children or episodes
(migration 0006), and still expires every build, except inside a transaction that has set
arp.snapshot_expiry to 'by import': dashboards/children/services.py does, and then deletes the
builds of the dates its changed episodes cover itself, so a re-import that changes 1% of the
rows leaves the other month-ends prepared (docs/adr/052-one-import-pipeline.md).
"""

from django.db import migrations

EXPIRE_UNLESS_AN_IMPORT_DOES = """
CREATE OR REPLACE FUNCTION core_cohort_snapshots_expire() RETURNS trigger AS $$
BEGIN
    -- The key is the one snapshots.DATA_LOCK takes in shared mode.
    PERFORM pg_advisory_xact_lock(hashtext('core_cohortsnapshot data'), 0);
    IF current_setting('arp.snapshot_expiry', true) = 'by import' THEN
        RETURN NULL;  -- the import expires the dates it touched
    END IF;
    DELETE FROM core_cohortsnapshotbuild;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
"""

EXPIRE_UNDER_LOCK = """
CREATE OR REPLACE FUNCTION core_cohort_snapshots_expire() RETURNS trigger AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('core_cohortsnapshot data'), 0);
    DELETE FROM core_cohortsnapshotbuild;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_exact_age_death_dates_and_episode_cleaning"),
    ]

    operations = [
        migrations.RunSQL(sql=EXPIRE_UNLESS_AN_IMPORT_DOES, reverse_sql=EXPIRE_UNDER_LOCK)
    ]
