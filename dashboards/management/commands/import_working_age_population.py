from dashboards.management.commands._workforce_import import WorkforceImportCommand


class Command(WorkforceImportCommand):
    help = "Import the working-age population by ethnicity (CSV) (all or nothing)."
    import_key = "population"
