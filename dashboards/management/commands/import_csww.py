from dashboards.management.commands._workforce_import import WorkforceImportCommand


class Command(WorkforceImportCommand):
    help = "Import the DfE children's social work workforce census (XML) (all or nothing)."
    import_key = "csww"
