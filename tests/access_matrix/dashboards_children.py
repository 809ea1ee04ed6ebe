from tests.access_matrix import DATA_MANAGERS, READERS, Route


def _a_run():
    from arp_portal.core.models import ImportRun

    run = ImportRun.objects.create(
        kind="cases", file_name="cases.csv", file_sha256="0" * 64, status="succeeded"
    )
    return {"pk": run.pk}


ROUTES = [
    Route("dashboards:children", READERS),
    Route("dashboards:children_csv", READERS),
    Route("dashboards:children_xlsx", READERS),
    Route("dashboards:imports", DATA_MANAGERS),
    Route("dashboards:import_run", DATA_MANAGERS, kwargs=_a_run),
    Route("dashboards:import_cases", DATA_MANAGERS),
    Route("dashboards:import_cin_census", DATA_MANAGERS),
    Route("dashboards:import_ssda903", DATA_MANAGERS),
    Route("dashboards:import_population", DATA_MANAGERS),
    Route("dashboards:import_template", DATA_MANAGERS, kwargs=lambda: {"slug": "cases"}),
]
