from tests.access_matrix import DATA_MANAGERS, READERS, Route
from tests.front_door.helpers import some_contacts

ROUTES = [
    Route("dashboards:front_door", READERS),
    Route("dashboards:front_door", READERS, kwargs=some_contacts),
    Route("dashboards:front_door", READERS, kwargs=some_contacts, query="?year=2025&detail=x"),
    Route("dashboards:front_door_csv", READERS, kwargs=some_contacts),
    Route("dashboards:front_door_xlsx", READERS, kwargs=some_contacts),
    Route("dashboards:front_door_template", DATA_MANAGERS, kwargs=lambda: {"slug": "contacts"}),
    *(
        Route("dashboards:import_upload", DATA_MANAGERS, kwargs=lambda slug=slug: {"slug": slug})
        for slug in ("contacts", "early-help")
    ),
]
