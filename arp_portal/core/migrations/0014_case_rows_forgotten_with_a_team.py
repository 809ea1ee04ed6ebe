"""A team renamed (or given another id) or removed forgets the case export's digests
(core_case_export_child, ADR 057): a row's hash reads its team by name, so the next export is
checked whole, each row's team found afresh. And the digests held are forgotten once here:
they hashed the team's id, which the rows' hashes now leave out."""

from django.db import migrations

FORWARD = """
DELETE FROM core_case_export_child;

CREATE FUNCTION core_team_forget_case_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM core_case_export_child;
    RETURN NULL;
END
$$;

CREATE TRIGGER core_team_renamed_forgets_case_rows
AFTER UPDATE OF id, name ON core_team
FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.id IS DISTINCT FROM NEW.id)
EXECUTE FUNCTION core_team_forget_case_rows();

CREATE TRIGGER core_team_removed_forgets_case_rows
AFTER DELETE ON core_team
FOR EACH STATEMENT EXECUTE FUNCTION core_team_forget_case_rows();
"""

BACKWARD = """
DROP TRIGGER core_team_removed_forgets_case_rows ON core_team;
DROP TRIGGER core_team_renamed_forgets_case_rows ON core_team;
DROP FUNCTION core_team_forget_case_rows();
DELETE FROM core_case_export_child;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0013_case_export_date"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
