"""A data manager uploads each format through the browser-facing pages and reads the report."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from arp_portal.core.dates import latest_31_march
from arp_portal.core.models import Child, CohortSnapshotBuild, ImportRun
from dashboards.import_kinds import registered_import_kinds

CASES = (
    b"child_id,date_of_birth,sex,ethnicity,episode_type,start_date,end_date,team\n"
    b"C1,2015-06-14,1,BCRB,CIN,2024-05-02,,North care\n"
)


def test_the_hub_lists_every_registered_kind_with_recent_runs(data_manager_client, db):
    ImportRun.objects.create(
        kind="cases", file_name="march.csv", file_sha256="a" * 64, status="succeeded"
    )
    response = data_manager_client.get(reverse("dashboards:imports"))
    page = response.content.decode()
    for kind in registered_import_kinds():
        assert escape(kind.title) in page
        assert reverse("dashboards:import_upload", args=[kind.path_slug]) in page
    assert "march.csv" in page


def test_a_good_upload_is_imported_and_reported(
    data_manager_client, authority, data_manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = data_manager_client.post(
            reverse("dashboards:import_upload", args=["cases"]),
            {"file": SimpleUploadedFile("cases.csv", CASES, content_type="text/csv")},
            follow=True,
        )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Imported: cases.csv" in page
    assert "Children added" in page and "Children_added" not in page
    assert 'href="/dashboards/children/"' in page
    assert Child.objects.filter(child_ref="C1").exists()
    run = ImportRun.objects.get()
    assert run.imported_by == data_manager and run.counts["episodes_added"] == 1
    # The task that prepares the dashboard ran (here as it was queued; in production the
    # worker runs it): every month-end, both measures.
    assert CohortSnapshotBuild.objects.filter(reference_date=dt.date(2024, 4, 30)).count() == 2
    report = data_manager_client.get(reverse("dashboards:import_run", args=[run.pk]))
    assert (
        "Its figures are prepared for every month-end from 31 March 2020 to "
        # to the latest 31 March the export (as of today) reaches: the default view
        f"{latest_31_march(timezone.localdate()):%-d %B %Y}" in report.content.decode()
    )


def test_the_report_shows_how_far_the_dashboard_is_prepared(
    data_manager_client, authority, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        data_manager_client.post(
            reverse("dashboards:import_upload", args=["cases"]),
            {"file": SimpleUploadedFile("cases.csv", CASES, content_type="text/csv")},
        )
    run = ImportRun.objects.get()
    total = CohortSnapshotBuild.objects.count() // 2  # every month-end, both measures
    CohortSnapshotBuild.objects.filter(reference_date__year=2024).delete()  # not yet built
    ready = CohortSnapshotBuild.objects.count() // 2
    page = data_manager_client.get(reverse("dashboards:import_run", args=[run.pk]))
    text = page.content.decode()
    assert (
        f"Preparing the dashboard: <strong>{ready} of {total} month-ends</strong> ready "
        f"({ready * 100 // total}%)" in text
    )
    assert "a date not yet prepared is counted straight from the episodes" in text
    # It refreshes itself (without JavaScript) when its reader asks: WCAG 2.2.1.
    assert 'http-equiv="refresh"' not in text
    page = data_manager_client.get(
        reverse("dashboards:import_run", args=[run.pk]), {"refresh": "auto"}
    )
    assert '<meta http-equiv="refresh" content="5">' in page.content.decode()


def test_a_population_import_says_nothing_of_preparing_the_dashboard(
    data_manager_client, authority
):
    run = ImportRun.objects.create(
        kind="population", file_name="pop.csv", file_sha256="b" * 64, status="succeeded"
    )
    page = data_manager_client.get(reverse("dashboards:import_run", args=[run.pk]))
    assert "The children&#x27;s dashboard" not in page.content.decode()
    assert "children's dashboard" not in page.content.decode()


def test_a_broken_upload_writes_nothing_and_lists_problems(data_manager_client, authority):
    broken = CASES.replace(b"BCRB", b"bcrb")
    response = data_manager_client.post(
        reverse("dashboards:import_upload", args=["cases"]),
        {"file": SimpleUploadedFile("cases.csv", broken, content_type="text/csv")},
        follow=True,
    )
    page = response.content.decode()
    assert "Rejected: nothing was imported" in page
    assert (
        "ethnicity codes are upper case: &#x27;bcrb&#x27; should be written &#x27;BCRB&#x27;"
        in page
    )
    assert "line 2" in page
    assert not Child.objects.exists()


def test_no_file_is_a_gov_uk_error(data_manager_client, db):
    response = data_manager_client.post(
        reverse("dashboards:import_upload", args=["population"]), {}
    )
    assert response.status_code == 200
    assert "Select a file to import" in response.content.decode()


def test_ssda903_takes_two_files(data_manager_client, db):
    header = b"CHILD,SEX,DOB,ETHNIC\n101,1,27/03/2010,BCRB\n"
    episodes = b"CHILD,DECOM,RNE,LS,DEC\n101,15/02/2024,L,C2,\n"
    response = data_manager_client.post(
        reverse("dashboards:import_upload", args=["ssda903"]),
        {
            "header": SimpleUploadedFile("header.csv", header),
            "episodes": SimpleUploadedFile("episodes.csv", episodes),
            "year": "2025",
        },
        follow=True,
    )
    assert "Imported: header.csv, episodes.csv" in response.content.decode()
    assert ImportRun.objects.get().counts["collection_year"] == 2025


def test_the_case_export_template_downloads(data_manager_client, db):
    response = data_manager_client.get(reverse("dashboards:import_template", args=["cases"]))
    assert response["Content-Disposition"].startswith("attachment")
    assert response.content.decode().startswith(
        "child_id,date_of_birth,sex,ethnicity,episode_type,start_date,end_date,team"
    )
