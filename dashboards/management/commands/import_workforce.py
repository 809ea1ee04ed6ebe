from dashboards.management.commands._workforce_import import WorkforceImportCommand


class Command(WorkforceImportCommand):
    help = "Import the HR staff extract (CSV) (all or nothing)."
    import_key = "staff"
