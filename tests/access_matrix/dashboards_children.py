from tests.access_matrix import DATA_MANAGERS, READERS, Route, statuses


def _a_run():
    from arp_portal.core.models import ImportRun

    run = ImportRun.objects.create(
        kind="cases", file_name="cases.csv", file_sha256="0" * 64, status="succeeded"
    )
    return {"pk": run.pk}


def _someone_elses_pending_upload():
    """A held upload is its uploader's alone: another data manager gets a 404."""
    import datetime as dt
    import uuid

    from django.utils import timezone

    from arp_portal.core.models import PendingImport
    from tests.personas import make_user

    pending = PendingImport.objects.create(
        id=uuid.uuid4(),
        kind="cases",
        user=make_user("other.manager", "Data manager"),
        folder="/nonexistent",
        files=[],
        counts={},
        expires_at=timezone.now() + dt.timedelta(hours=1),
    )
    return {"pk": pending.pk}


ROUTES = [
    Route("dashboards:children", READERS),
    Route("dashboards:children_csv", READERS),
    Route("dashboards:children_xlsx", READERS),
    Route("dashboards:imports", DATA_MANAGERS),
    Route("dashboards:import_run", DATA_MANAGERS, kwargs=_a_run),
    *(
        Route("dashboards:import_upload", DATA_MANAGERS, kwargs=lambda slug=slug: {"slug": slug})
        for slug in ("cases", "cin-census", "ssda903", "population")
    ),
    Route(
        "dashboards:import_pending",
        statuses(302, 403, 403, 404),
        kwargs=_someone_elses_pending_upload,
    ),
    Route(
        "dashboards:import_pending_decide",
        statuses(405, 405, 405, 405),
        kwargs=_someone_elses_pending_upload,
    ),
    Route("dashboards:import_template", DATA_MANAGERS, kwargs=lambda: {"slug": "cases"}),
]
