"""The write path sends its rows to Postgres in chunks, so a national file's text is never held
at once; every row arrives whatever the chunk size. Files on disk are read as streams."""

from arp_portal.core.importing import UploadedData, run_import
from arp_portal.core.models import Child, Episode
from dashboards.children import services
from dashboards.children.importers import import_cases

HEADER = "child_id,date_of_birth,sex,ethnicity,episode_type,start_date,end_date,team\n"


def test_rows_cross_chunk_boundaries_intact(tmp_path, authority, monkeypatch):
    monkeypatch.setattr(services, "COPY_CHUNK_LINES", 7)
    lines = [
        f"C{n:03d},2015-06-14,{1 + n % 2},BCRB,CIN,2024-05-02,,North care\n" for n in range(50)
    ]
    path = tmp_path / "cases.csv"
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    result = run_import(kind="cases", files=[UploadedData.from_path(path)], importer=import_cases)
    assert result.counts["children_added"] == 50 and result.counts["episodes_added"] == 50
    assert Child.objects.filter(sex=2).count() == 25
    assert Episode.objects.filter(team__name="North care").count() == 50


def test_a_file_on_disk_is_hashed_and_decoded_as_a_stream(tmp_path):
    path = tmp_path / "pop.csv"
    path.write_bytes("\ufeffarea,count\nNörth,12\n".encode())
    upload = UploadedData.from_path(path)
    in_memory = UploadedData("pop.csv", path.read_bytes())
    assert upload.sha256 == in_memory.sha256 and upload.size == in_memory.size
    assert upload.encoding() == "utf-8-sig"
    with upload.text() as text:
        assert text.read() == "area,count\nNörth,12\n"
    path.write_bytes("area\nN\xf6rth\n".encode("cp1252"))
    assert UploadedData.from_path(path).encoding() == "cp1252"
