"""The children's imports, for the imports page (dashboards/import_kinds.py gathers them)."""

from dashboards.import_kinds import ImportKind

# The imports that write episodes, after which the dashboard's month-end figures are prepared.
EPISODE_IMPORTS = frozenset({"cases", "cin_census", "ssda903"})

IMPORT_KINDS = [
    ImportKind(
        slug="cases",
        title="Case-system export (CSV)",
        description="One row per episode (child in need, protection plan, in care) exported "
        "from your case management system, with the child's birth date, sex, ethnicity and "
        "team.",
        url_name="dashboards:import_cases",
        command="python manage.py import_cases FILE.csv",
    ),
    ImportKind(
        slug="cin_census",
        title="CIN census (XML)",
        description="The children in need census return for a year: referrals, child in need "
        "plans and child protection plans.",
        url_name="dashboards:import_cin_census",
        command="python manage.py import_cin_census FILE.xml",
    ),
    ImportKind(
        slug="ssda903",
        title="SSDA903 children looked after (CSV)",
        description="The looked-after children return's Header and Episodes tables: who was in "
        "care, and when.",
        url_name="dashboards:import_ssda903",
        command="python manage.py import_ssda903 HEADER.csv EPISODES.csv",
    ),
    ImportKind(
        slug="population",
        title="Child population estimates (CSV)",
        description="Children aged 0 to 17 by ethnicity, age band and locality: the "
        "denominator of every rate.",
        url_name="dashboards:import_population",
        command="python manage.py import_population FILE.csv",
    ),
]
