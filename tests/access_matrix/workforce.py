from tests.access_matrix import DATA_MANAGERS, READERS, Route

ROUTES = [
    Route("dashboards:workforce", READERS),
    Route("dashboards:workforce", READERS, query="?year=2025&service_area=front_door"),
    Route("dashboards:workforce_csv", READERS),
    Route("dashboards:workforce_xlsx", READERS),
    Route("dashboards:workforce_import_staff", DATA_MANAGERS),
    Route("dashboards:workforce_import_events", DATA_MANAGERS),
    Route("dashboards:workforce_import_csww", DATA_MANAGERS),
    Route("dashboards:workforce_import_population", DATA_MANAGERS),
    Route("dashboards:workforce_training_target", DATA_MANAGERS),
]
