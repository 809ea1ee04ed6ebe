import pytest

from arp_portal.core.importing import (
    ImportRejected,
    ProblemCollector,
    UploadedData,
    decode_text,
    read_csv,
    run_import,
)
from arp_portal.core.models import ImportRun, Locality


def test_it_reads_utf8_with_a_bom_and_windows_1252():
    assert decode_text("\ufeffarea,count\n".encode()) == "area,count\n"
    assert decode_text("Café".encode("cp1252")) == "Café"
    assert decode_text("Café".encode()) == "Café"


def test_it_reads_rows_with_stray_spaces_and_mixed_case_headers():
    upload = UploadedData("pop.csv", b" Area , COUNT \r\n North , 12 \r\n\r\n")
    collector = ProblemCollector()
    assert list(read_csv(upload, ["area", "count"], collector)) == [
        (2, {"area": "North", "count": "12"})
    ]
    assert not collector


def test_it_reports_missing_columns_on_line_1():
    collector = ProblemCollector()
    rows = list(read_csv(UploadedData("pop.csv", b"area\nNorth\n"), ["area", "count"], collector))
    assert rows == []
    assert str(collector.problems[0]) == (
        "pop.csv, line 1, count: missing column(s); the header must include area, count"
    )


def _importer_that_writes_then(problem: bool):
    def importer(files, *, progress=None):
        Locality.objects.create(name="Written before the check")
        collector = ProblemCollector()
        if problem:
            collector.add(files[0].name, "line 3", "count", "not a whole number: 'ten'")
        collector.raise_if_any()
        return {"rows": 1}

    return importer


@pytest.mark.django_db
def test_a_rejected_import_writes_nothing_but_is_logged():
    with pytest.raises(ImportRejected) as rejected:
        run_import(
            kind="population",
            files=[UploadedData("pop.csv", b"x")],
            importer=_importer_that_writes_then(problem=True),
        )
    assert str(rejected.value.problems[0]) == "pop.csv, line 3, count: not a whole number: 'ten'"
    assert not Locality.objects.filter(name="Written before the check").exists()
    run = ImportRun.objects.get()
    assert run.status == "rejected"
    assert run.problems[0]["field"] == "count"


@pytest.mark.django_db
def test_a_successful_import_is_logged_with_its_hash_and_counts():
    result = run_import(
        kind="population",
        files=[UploadedData("pop.csv", b"x")],
        importer=_importer_that_writes_then(problem=False),
    )
    assert result.succeeded
    assert result.run.counts == {"rows": 1}
    assert result.run.file_sha256 == (
        "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"
    )


def test_read_csv_values_gives_the_asked_columns_in_order_and_skips_empty_rows():
    from arp_portal.core.importing import read_csv_values

    upload = UploadedData(
        "cases.csv",
        b"\xef\xbb\xbfTeam , Child_ID,extra\r\n North , C1 ,x\r\n,,\r\n\r\nSouth,C2\r\n",
    )
    collector = ProblemCollector()
    rows = list(read_csv_values(upload, ["child_id", "team"], collector))
    assert rows == [(2, ["C1", "North"]), (5, ["C2", "South"])]
    assert not collector


def test_read_csv_values_reports_missing_columns_and_long_rows():
    from arp_portal.core.importing import read_csv_values

    collector = ProblemCollector()
    assert list(read_csv_values(UploadedData("a.csv", b"a\n1\n"), ["a", "b"], collector)) == []
    assert (
        str(collector.problems[0])
        == "a.csv, line 1, b: missing column(s); the header must include a, b"
    )
    collector = ProblemCollector()
    rows = list(read_csv_values(UploadedData("a.csv", b"a,b\n1,2,3\n4,5\n"), ["a", "b"], collector))
    assert rows == [(3, ["4", "5"])]
    assert str(collector.problems[0]) == "a.csv, line 2: 3 values but the header has 2 columns"


def test_read_csv_values_gives_an_absent_optional_column_as_blank():
    from arp_portal.core.importing import read_csv_values

    collector = ProblemCollector()
    with_it = UploadedData("a.csv", b"a,note,b\n1,x,2\n")
    without = UploadedData("a.csv", b"b,a\n2,1\n,\n3\n")
    assert list(read_csv_values(with_it, ["a", "b"], collector, optional=["note"])) == [
        (2, ["1", "2", "x"])
    ]
    assert list(read_csv_values(without, ["a", "b"], collector, optional=["note"])) == [
        (2, ["1", "2", ""]),
        (4, ["", "3", ""]),
    ]
    assert not collector
