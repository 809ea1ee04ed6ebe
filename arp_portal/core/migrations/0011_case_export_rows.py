"""The rows of the last case export per child (ADR 057): what the next export is compared with
as text, so a re-import checks and writes only the children whose rows changed.

A cache of what the imports wrote, read and written only in SQL by the case import
(dashboards/children/importers.py), so it is a bare table rather than a model: no key and no
index (a million-row export's rows go in at the speed of a COPY), and unlogged (kept out of the
write-ahead log and emptied by a crash). An import that finds it out of step with the episodes
held (a count differs) checks the whole file and writes its rows afresh.

line: the row's eight values in the layout's order (child_id first), joined by commas (a value
the comparison reads holds no comma), then the id of the team its name named then.
"""

from django.db import migrations

CREATE = """
CREATE UNLOGGED TABLE core_case_export_row (child_ref text NOT NULL, line text NOT NULL)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0010_audit_permissions"),
    ]

    operations = [
        migrations.RunSQL(CREATE, "DROP TABLE core_case_export_row"),
    ]
