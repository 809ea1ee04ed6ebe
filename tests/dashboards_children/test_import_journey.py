"""The one import journey: an upload that would change earlier data is previewed and waits for
its uploader to confirm; an identical file changes nothing; only the month-ends an import
touched are prepared again; the command's --check writes nothing."""

import datetime as dt
import io
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from arp_portal.core.models import (
    DEMO_IMPORT_KIND,
    Child,
    CohortSnapshotBuild,
    Episode,
    ImportRun,
    PendingImport,
)
from dashboards.import_services import pending_imports_expire

HEADER = b"CHILD,SEX,DOB,ETHNIC\n101,1,27/03/2010,BCRB\n102,2,01/06/2012,WBRI\n"
EPISODES = b"CHILD,DECOM,RNE,LS,DEC\n101,15/05/2023,L,C2,\n102,01/09/2023,L,C2,20/01/2024\n"
CASES = (
    b"child_id,date_of_birth,sex,ethnicity,episode_type,start_date,end_date,team\n"
    b"C1,2015-06-14,1,BCRB,CIN,2024-05-02,2024-08-31,North care\n"
    b"C2,2012-01-20,2,WBRI,CIN,2021-02-01,2021-06-30,South care\n"
)


@pytest.fixture(autouse=True)
def _staging_in_tmp(settings, tmp_path):
    settings.ARP_IMPORT_STAGING_DIR = tmp_path / "staging"


def upload_903(client, header=HEADER, episodes=EPISODES, year="2024"):
    return client.post(
        reverse("dashboards:import_upload", args=["ssda903"]),
        {
            "header": SimpleUploadedFile("header.csv", header),
            "episodes": SimpleUploadedFile("episodes.csv", episodes),
            "year": year,
        },
        follow=True,
    )


def upload_cases(client, data=CASES, name="cases.csv"):
    return client.post(
        reverse("dashboards:import_upload", args=["cases"]),
        {"file": SimpleUploadedFile(name, data, content_type="text/csv")},
        follow=True,
    )


def test_a_first_import_changes_nothing_earlier_so_it_is_written_at_once(data_manager_client, db):
    response = upload_903(data_manager_client)
    assert "Imported: header.csv, episodes.csv" in response.content.decode()
    assert Episode.objects.count() == 2 and not PendingImport.objects.exists()


def test_a_return_that_would_remove_episodes_is_previewed_and_waits_for_confirmation(
    data_manager_client, data_manager, settings
):
    upload_903(data_manager_client)
    first = ImportRun.objects.get()
    changed = EPISODES.replace(b"101,15/05/2023,L,C2,", b"101,15/05/2023,L,C2,31/01/2024")
    changed = changed.replace(b"BCRB", b"BCRB")
    header = HEADER.replace(b"102,2,01/06/2012,WBRI", b"102,2,01/06/2012,BAFR")
    response = upload_903(data_manager_client, header=header, episodes=changed)
    page = response.content.decode()
    pending = PendingImport.objects.get()
    assert response.redirect_chain[-1][0] == f"/dashboards/imports/pending/{pending.pk}/"
    assert "Check what this import would change" in page
    expected = (
        f"Collection year 2023-24 (from the year given on upload); replaces the 2023-24 return "
        f"imported on "
        f"{timezone.localtime(first.finished_at):%-d %B %Y} by data.manager: 1 episode removed, "
        "1 added; 1 child&#x27;s ethnicity changes."
    )
    assert expected in page
    # Nothing written yet: the earlier return stands, the files wait on disk.
    assert Episode.objects.get(child__child_ref="101").end_date is None
    assert Child.objects.get(child_ref="102").ethnicity_id == "WBRI"
    assert ImportRun.objects.count() == 1
    folder = Path(pending.folder)
    assert sorted(p.suffix for p in folder.iterdir()) == [".csv", ".csv"]

    response = data_manager_client.post(
        reverse("dashboards:import_pending_decide", args=[pending.pk]),
        {"confirm": "1"},
        follow=True,
    )
    assert "Imported: header.csv, episodes.csv" in response.content.decode()
    assert Episode.objects.get(child__child_ref="101").end_date == dt.date(2024, 1, 31)
    assert Child.objects.get(child_ref="102").ethnicity_id == "BAFR"
    assert not PendingImport.objects.exists() and not folder.exists()


def test_cancelling_writes_nothing_and_removes_the_upload(data_manager_client, db):
    upload_903(data_manager_client)
    upload_903(data_manager_client, episodes=EPISODES.replace(b"20/01/2024", b"21/01/2024"))
    pending = PendingImport.objects.get()
    response = data_manager_client.post(
        reverse("dashboards:import_pending_decide", args=[pending.pk]),
        {"cancel": "1"},
        follow=True,
    )
    assert "the upload was cancelled and nothing was imported" in response.content.decode()
    assert Episode.objects.get(child__child_ref="102").end_date == dt.date(2024, 1, 20)
    assert not PendingImport.objects.exists() and not Path(pending.folder).exists()


def test_the_hub_lists_uploads_waiting_for_confirmation(data_manager_client, db):
    upload_903(data_manager_client)
    upload_903(data_manager_client, episodes=EPISODES.replace(b"20/01/2024", b"21/01/2024"))
    page = data_manager_client.get(reverse("dashboards:imports")).content.decode()
    assert "Waiting for you to confirm" in page
    assert reverse("dashboards:import_pending", args=[PendingImport.objects.get().pk]) in page


def test_another_years_return_removes_nothing_of_this_year(data_manager_client, db):
    upload_903(data_manager_client, year="2024")
    later = b"CHILD,DECOM,RNE,LS,DEC\n102,01/09/2024,L,C2,\n"
    response = upload_903(data_manager_client, episodes=later, year="2025")
    # The later return ends the 2023-24 return's open episode (RULE_2: the return is the truth
    # for its own year), a change to an earlier import, so it waits for confirmation first.
    assert "Check before importing" in response.content.decode()
    response = data_manager_client.post(
        reverse("dashboards:import_pending_decide", args=[PendingImport.objects.get().pk]),
        {"confirm": "1"},
        follow=True,
    )
    assert "Imported: header.csv, episodes.csv" in response.content.decode()
    assert set(Episode.objects.values_list("source", flat=True)) == {"ssda903:2024", "ssda903:2025"}
    assert Episode.objects.filter(source="ssda903:2024").count() == 2


def test_expired_uploads_are_cleared_with_their_files(data_manager_client, db):
    upload_903(data_manager_client)
    upload_903(data_manager_client, episodes=EPISODES.replace(b"20/01/2024", b"21/01/2024"))
    pending = PendingImport.objects.get()
    assert pending_imports_expire() == 0
    assert pending_imports_expire(now=pending.expires_at + dt.timedelta(seconds=1)) == 1
    assert not PendingImport.objects.exists() and not Path(pending.folder).exists()
    page = data_manager_client.get(reverse("dashboards:import_pending", args=[pending.pk]))
    assert page.status_code == 404


def test_an_identical_file_is_recognised_at_once_and_changes_nothing(
    data_manager_client, authority, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload_cases(data_manager_client)
    builds = dict(CohortSnapshotBuild.objects.values_list("reference_date", "built_at"))
    assert builds
    started = time.perf_counter()
    with django_capture_on_commit_callbacks(execute=True):
        response = upload_cases(data_manager_client, name="cases-again.csv")
    assert time.perf_counter() - started < 1
    page = response.content.decode()
    assert "Already imported: cases-again.csv" in page
    assert "identical (the same SHA-256) to the one" in page and "nothing was changed" in page
    assert dict(CohortSnapshotBuild.objects.values_list("reference_date", "built_at")) == builds
    again = ImportRun.objects.order_by("-pk").first()
    assert again.counts == {"identical_to_run": ImportRun.objects.order_by("pk").first().pk}
    log = data_manager_client.get(reverse("dashboards:imports")).content.decode()
    assert "Already imported: nothing changed" in log


def test_the_same_file_after_another_import_of_the_same_data_is_read_again(
    data_manager_client, authority
):
    upload_cases(data_manager_client)
    upload_cases(data_manager_client, data=CASES.replace(b"C2,", b"C3,"))  # adds C3 only
    upload_cases(data_manager_client)
    assert "identical_to_run" not in ImportRun.objects.order_by("-pk").first().counts


def test_only_the_month_ends_an_import_touched_are_prepared_again(
    data_manager_client, authority, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload_cases(data_manager_client)
    before = set(CohortSnapshotBuild.objects.values_list("reference_date", "measure"))
    # C2's 2021 episode now ends a month later: the on-date month-ends it covers and the starts
    # of the year after its start change; 2024's month-ends do not.
    response = upload_cases(data_manager_client, data=CASES.replace(b"2021-06-30", b"2021-07-31"))
    pending = PendingImport.objects.get()
    assert "1 episode removed, 1 added" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        data_manager_client.post(
            reverse("dashboards:import_pending_decide", args=[pending.pk]), {"confirm": "1"}
        )
    expired = before - set(CohortSnapshotBuild.objects.values_list("reference_date", "measure"))
    on_date = {date for date, measure in expired if measure == "on_date"}
    starts = {date for date, measure in expired if measure == "starts"}
    assert on_date == {
        dt.date(2021, month, 1) + dt.timedelta(days=-1) for month in range(3, 9)
    }  # 28 February to 31 July 2021
    assert min(starts) == dt.date(2021, 2, 28) and max(starts) == dt.date(2022, 1, 31)
    assert len(expired) == 6 + 12
    # The task queued on commit prepares them again.
    for callback in queued:
        callback()
    assert set(CohortSnapshotBuild.objects.values_list("reference_date", "measure")) == before


def test_the_report_agrees_with_the_demo_data(data_manager_client, db):
    ImportRun.objects.create(
        kind=DEMO_IMPORT_KIND,
        file_name="synthetic Demoshire data (load_demo_data)",
        file_sha256="synthetic",
        status="succeeded",
        finished_at=timezone.now(),
        counts={"core": {"children": 6000}},
    )
    page = data_manager_client.get(reverse("dashboards:imports")).content.decode()
    assert "Nothing has been imported yet" not in page
    assert "includes the synthetic Demoshire demo data" in page
    assert "Demo data (synthetic Demoshire)" in page


def test_the_check_option_prints_what_would_change_and_writes_nothing(tmp_path, authority):
    path = tmp_path / "cases.csv"
    path.write_bytes(CASES)
    call_command("import_cases", str(path), stdout=io.StringIO())
    path.write_bytes(CASES.replace(b"2021-06-30", b"2021-07-31"))
    out = io.StringIO()
    call_command("import_cases", str(path), "--check", stdout=out)
    text = out.getvalue()
    assert "nothing was written" in text
    assert "1 episode removed, 1 added" in text
    assert Episode.objects.get(child__child_ref="C2").end_date == dt.date(2021, 6, 30)
    assert ImportRun.objects.count() == 1


def test_a_file_that_is_not_text_is_rejected_cleanly_and_logged(data_manager_client, authority):
    response = upload_cases(
        data_manager_client, data=CASES + b"C9,2015-06-14,1,BCRB,CIN,2024-05-02,,\x81\n"
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Rejected: nothing was imported" in page
    assert "byte 0x81 is neither UTF-8 nor Windows-1252" in page
    assert ImportRun.objects.get().status == "rejected" and not Child.objects.exists()


def test_the_clean_up_command_clears_expired_uploads(data_manager_client, db):
    upload_903(data_manager_client)
    upload_903(data_manager_client, episodes=EPISODES.replace(b"20/01/2024", b"21/01/2024"))
    pending = PendingImport.objects.get()
    PendingImport.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    out = io.StringIO()
    call_command("clear_expired_imports", stdout=out)
    assert "1 expired upload(s) cleared." in out.getvalue()
    assert not Path(pending.folder).exists()


def test_a_first_import_of_a_source_expires_the_starts_of_the_year_after_each_start(
    data_manager_client, authority, django_capture_on_commit_callbacks
):
    """A first load records its dates merged (one range for overlapping episodes): the starts
    snapshots of the year after every start in it expire too, not only after the range's
    first, or the dashboard would read starts counted before the import (as it did)."""
    later = CASES + b"C3,2016-01-01,1,WBRI,CIN,2025-06-01,,North care\n"
    with django_capture_on_commit_callbacks(execute=True):
        upload_cases(data_manager_client, data=later)  # month-ends to May 2025 prepared
    built = set(CohortSnapshotBuild.objects.values_list("reference_date", "measure"))
    assert (dt.date(2024, 9, 30), "starts") in built
    # A first SSDA903 return: care from 15 May 2023 (open) and 1 September 2023.
    with django_capture_on_commit_callbacks(execute=False):
        upload_903(data_manager_client)
    expired = built - set(CohortSnapshotBuild.objects.values_list("reference_date", "measure"))
    starts = {date for date, measure in expired if measure == "starts"}
    # Starts of 15 May 2023 count to 30 April 2024, of 1 September 2023 to 31 August 2024.
    assert dt.date(2024, 7, 31) in starts and dt.date(2023, 5, 31) in starts
    assert dt.date(2023, 4, 30) not in starts and dt.date(2024, 9, 30) not in starts
