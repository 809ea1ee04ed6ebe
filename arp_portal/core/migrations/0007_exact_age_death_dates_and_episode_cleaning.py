"""Exact ages (full date of birth), death dates, what each return said beside what is counted,
and the SSDA903 episodes as filed (for the episode cleaning).

The episodes' copied birth column becomes the birth date as the number YYYYMMDD (age on a date
is (its number - birth number) // 10000), so the triggers of migration 0003 that fill and sync it
are redefined around the change.
"""

from django.db import migrations, models


DROP_TRIGGERS = """
DROP TRIGGER core_child_sync_episodes ON core_child;
DROP FUNCTION core_child_sync_episodes();
DROP TRIGGER core_episode_refill_cohort_columns ON core_episode;
DROP TRIGGER core_episode_fill_cohort_columns ON core_episode;
DROP FUNCTION core_episode_fill_cohort_columns();
"""

_TRIGGERS = """
CREATE FUNCTION core_episode_fill_cohort_columns() RETURNS trigger AS $$
BEGIN
    IF NEW.child_ethnicity IS NULL OR NEW.{column} IS NULL
       OR NEW.child_sex IS NULL
       OR (TG_OP = 'UPDATE' AND NEW.child_id IS DISTINCT FROM OLD.child_id) THEN
        SELECT c.ethnicity_id, {value}, c.sex
          INTO NEW.child_ethnicity, NEW.{column}, NEW.child_sex
          FROM core_child c WHERE c.id = NEW.child_id;
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.team_id IS DISTINCT FROM OLD.team_id THEN
        NEW.locality_id := NULL;
    END IF;
    IF NEW.locality_id IS NULL AND NEW.team_id IS NOT NULL THEN
        SELECT t.locality_id INTO NEW.locality_id FROM core_team t WHERE t.id = NEW.team_id;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER core_episode_fill_cohort_columns
    BEFORE INSERT ON core_episode
    FOR EACH ROW
    WHEN (NEW.child_ethnicity IS NULL OR NEW.{column} IS NULL
          OR NEW.child_sex IS NULL OR (NEW.team_id IS NOT NULL AND NEW.locality_id IS NULL))
    EXECUTE FUNCTION core_episode_fill_cohort_columns();

CREATE TRIGGER core_episode_refill_cohort_columns
    BEFORE UPDATE OF child_id, team_id ON core_episode
    FOR EACH ROW EXECUTE FUNCTION core_episode_fill_cohort_columns();

CREATE FUNCTION core_child_sync_episodes() RETURNS trigger AS $$
BEGIN
    UPDATE core_episode
       SET child_ethnicity = NEW.ethnicity_id,
           {column} = {new_value},
           child_sex = NEW.sex
     WHERE child_id = NEW.id;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER core_child_sync_episodes
    AFTER UPDATE OF ethnicity_id, {watched}, sex ON core_child
    FOR EACH ROW
    WHEN ((OLD.ethnicity_id, {old_watched}, OLD.sex)
          IS DISTINCT FROM (NEW.ethnicity_id, {new_watched}, NEW.sex))
    EXECUTE FUNCTION core_child_sync_episodes();

UPDATE core_episode e
   SET {column} = {value}
  FROM core_child c WHERE c.id = e.child_id;
"""

OLD_TRIGGERS = _TRIGGERS.format(
    column="child_birth_month_index",
    value="c.birth_year * 12 + c.birth_month - 1",
    new_value="NEW.birth_year * 12 + NEW.birth_month - 1",
    watched="birth_year, birth_month",
    old_watched="OLD.birth_year, OLD.birth_month",
    new_watched="NEW.birth_year, NEW.birth_month",
)
NEW_TRIGGERS = _TRIGGERS.format(
    column="child_birth_ymd",
    value="c.birth_year * 10000 + c.birth_month * 100 + c.birth_day",
    new_value="NEW.birth_year * 10000 + NEW.birth_month * 100 + NEW.birth_day",
    watched="birth_year, birth_month, birth_day",
    old_watched="OLD.birth_year, OLD.birth_month, OLD.birth_day",
    new_watched="NEW.birth_year, NEW.birth_month, NEW.birth_day",
)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_cohort_snapshot_expiry_excludes_builds"),
    ]

    operations = [
        migrations.CreateModel(
            name="CareEpisodeRecord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("year", models.PositiveSmallIntegerField()),
                ("la", models.CharField(blank=True, max_length=10)),
                ("child_ref", models.CharField(max_length=64)),
                ("line", models.PositiveIntegerField()),
                ("decom", models.DateField()),
                ("rne", models.CharField(blank=True, max_length=2)),
                ("ls", models.CharField(blank=True, max_length=10)),
                ("cin", models.CharField(blank=True, max_length=4)),
                ("place", models.CharField(blank=True, max_length=4)),
                ("place_provider", models.CharField(blank=True, max_length=4)),
                ("dec", models.DateField(blank=True, null=True)),
                ("rec", models.CharField(blank=True, max_length=4)),
                ("reason_place_change", models.CharField(blank=True, max_length=10)),
                ("pl_post", models.CharField(blank=True, max_length=10)),
                ("urn", models.CharField(blank=True, max_length=10)),
                ("cleaned_dec", models.DateField(blank=True, null=True)),
                ("rule", models.CharField(blank=True, max_length=20)),
                ("removed", models.BooleanField(default=False)),
            ],
        ),
        migrations.RunSQL(sql=DROP_TRIGGERS, reverse_sql=OLD_TRIGGERS),
        migrations.RemoveIndex(
            model_name="episode",
            name="episode_cohort_covering",
        ),
        migrations.RemoveField(
            model_name="episode",
            name="child_birth_month_index",
        ),
        migrations.AddField(
            model_name="child",
            name="attributes_reference_date",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="child",
            name="attributes_source",
            field=models.CharField(blank=True, db_default="", default="", max_length=30),
        ),
        migrations.AddField(
            model_name="child",
            name="birth_day",
            field=models.PositiveSmallIntegerField(db_default=1, default=1),
        ),
        migrations.AddField(
            model_name="child",
            name="death_date",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="episode",
            name="child_birth_ymd",
            field=models.IntegerField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="episode",
            name="end_rule",
            field=models.CharField(blank=True, db_default="", default="", max_length=30),
        ),
        migrations.AddField(
            model_name="episode",
            name="recorded_end_date",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name="episode",
            index=models.Index(
                fields=["kind", "start_date"],
                include=(
                    "end_date",
                    "child_ethnicity",
                    "child_birth_ymd",
                    "child_sex",
                    "locality",
                    "team",
                    "child",
                ),
                name="episode_cohort_covering",
            ),
        ),
        migrations.AddConstraint(
            model_name="child",
            constraint=models.CheckConstraint(
                condition=models.Q(("birth_day__gte", 1), ("birth_day__lte", 31)),
                name="child_birth_day",
            ),
        ),
        migrations.AddIndex(
            model_name="careepisoderecord",
            index=models.Index(fields=["year"], name="core_careep_year_e0bdce_idx"),
        ),
        migrations.AddIndex(
            model_name="careepisoderecord",
            index=models.Index(
                fields=["child_ref", "decom"], name="core_careep_child_r_8d0a18_idx"
            ),
        ),
        migrations.RunSQL(sql=NEW_TRIGGERS, reverse_sql=DROP_TRIGGERS),
    ]
