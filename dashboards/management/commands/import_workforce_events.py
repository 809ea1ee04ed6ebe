from dashboards.management.commands._workforce_import import WorkforceImportCommand


class Command(WorkforceImportCommand):
    help = "Import HR events: disciplinary, recruitment and training (CSV) (all or nothing)."
    import_key = "events"
