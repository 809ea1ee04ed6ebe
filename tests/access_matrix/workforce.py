from tests.access_matrix import DATA_MANAGERS, READERS, Route

ROUTES = [
    Route("dashboards:workforce", READERS),
    Route("dashboards:workforce", READERS, query="?year=2025&service_area=front_door"),
    Route("dashboards:workforce_csv", READERS),
    Route("dashboards:workforce_xlsx", READERS),
    *(
        Route("dashboards:import_upload", DATA_MANAGERS, kwargs=lambda slug=slug: {"slug": slug})
        for slug in ("workforce-staff", "workforce-events", "csww", "working-age-population")
    ),
    Route("dashboards:workforce_training_target", DATA_MANAGERS),
]
