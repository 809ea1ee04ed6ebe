"""The case export's rows held as one digest per child (ADR 057, "A digest per child"), in
place of core_case_export_row's one line per row.

For each child whose case-export episodes are held: how many rows the last export that named
the child gave, and two sums over those rows of a 64-bit hash of each row's line (its eight
values in the layout's order, joined by commas, then the id of the team its name named):
`hashtextextended(line, 0)`, its high 32 bits in d1 and its low 31 in d2 (so each sums as an
integer without overflow). A sum does not depend on the rows' order, and counts a duplicated
row twice. Still a bare, unlogged cache of what the import wrote (see 0011): no key, no index,
emptied by a crash.
"""

from django.db import migrations

CREATE = """
DROP TABLE core_case_export_row;
CREATE UNLOGGED TABLE core_case_export_child (
    child_ref text NOT NULL,
    rows integer NOT NULL,
    d1 bigint NOT NULL,
    d2 bigint NOT NULL
);
"""

DROP = """
DROP TABLE core_case_export_child;
CREATE UNLOGGED TABLE core_case_export_row (child_ref text NOT NULL, line text NOT NULL);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0011_case_export_rows"),
    ]

    operations = [
        migrations.RunSQL(CREATE, DROP),
    ]
