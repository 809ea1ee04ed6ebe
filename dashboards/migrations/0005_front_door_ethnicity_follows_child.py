"""Contacts and early help episodes take the ethnicity of a child the portal holds, whenever
that child is added or corrected by a children's import.

Statement-level triggers with transition tables: one join per import statement rather than a
probe per child, so a million-child import pays one pass over the front door's rows.
"""

from django.db import migrations

FOLLOW = """
CREATE FUNCTION dashboards_front_door_follow_child() RETURNS trigger AS $$
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

CREATE TRIGGER dashboards_front_door_child_insert AFTER INSERT ON core_child
    REFERENCING NEW TABLE AS changed_children
    FOR EACH STATEMENT EXECUTE FUNCTION dashboards_front_door_follow_child();
CREATE TRIGGER dashboards_front_door_child_update AFTER UPDATE ON core_child
    REFERENCING NEW TABLE AS changed_children
    FOR EACH STATEMENT EXECUTE FUNCTION dashboards_front_door_follow_child();
"""

UNFOLLOW = """
DROP TRIGGER IF EXISTS dashboards_front_door_child_insert ON core_child;
DROP TRIGGER IF EXISTS dashboards_front_door_child_update ON core_child;
DROP FUNCTION IF EXISTS dashboards_front_door_follow_child();
"""


class Migration(migrations.Migration):
    dependencies = [("dashboards", "0004_front_door"), ("core", "0010_audit_permissions")]

    operations = [migrations.RunSQL(FOLLOW, UNFOLLOW)]
