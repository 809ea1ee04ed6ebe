"""A corpus of malformed files: each is rejected cleanly, with file, place and field in the
import log, and the database as it was. Nothing crashes."""

import pytest

from arp_portal.core.importing import ImportRejected, UploadedData, run_import
from arp_portal.core.models import CareEpisodeRecord, Child, Episode, ImportRun, PopulationEstimate
from dashboards.children.importers import (
    import_cases,
    import_cin_census,
    import_population,
    import_ssda903,
)

CASES_HEADER = b"child_id,date_of_birth,sex,ethnicity,episode_type,start_date,end_date,team\n"
GOOD_ROW = b"K1,2015-01-01,1,WBRI,CIN,2024-01-01,,\n"
POPULATION_HEADER = b"area,year,source,age_band,ethnicity,count\n"
CIN_HEAD = (
    b"<Message><Header><CollectionDetails><Collection>CIN</Collection><Year>2025</Year>"
    b"<ReferenceDate>2025-03-31</ReferenceDate></CollectionDetails></Header><Children>"
)
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE Message [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<Message>&lol3;</Message>
"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE Message [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Message><Header>&secret;</Header></Message>
"""


def cases(*rows: bytes, header: bytes = CASES_HEADER) -> list[UploadedData]:
    return [UploadedData("cases.csv", header + b"".join(rows))]


def ssda903(header: bytes, episodes: bytes) -> list[UploadedData]:
    return [UploadedData("header.csv", header), UploadedData("episodes.csv", episodes)]


def iso_dated_903():
    header = b"CHILD,SEX,DOB,ETHNIC\n" + b"".join(b"%d,1,01/01/2012,WBRI\n" % n for n in range(37))
    episodes = b"CHILD,DECOM,RNE,LS,DEC\n" + b"".join(
        b"%d,2024-05-01,S,C2,\n" % n for n in range(37)
    )
    return ssda903(header, episodes)


# (id, kind, importer, files, the problem as the log shows it: file, place, field, words)
CORPUS = [
    *[
        (
            f"byte-0x{byte:02x}",
            "cases",
            import_cases,
            lambda byte=byte: cases(
                GOOD_ROW, b"K2,2015-01-01,1,WBRI,CIN,2024-01-01,,Caf" + bytes([byte]) + b"\n"
            ),
            (
                "cases.csv",
                "line 3, column 41",
                "",
                f"byte 0x{byte:02X} is neither UTF-8 nor Windows-1252",
            ),
        )
        for byte in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
    ],
    (
        "reference-over-64",
        "cases",
        import_cases,
        lambda: cases(b"X" * 65 + b",2015-01-01,1,WBRI,CIN,2024-01-01,,\n"),
        (
            "cases.csv",
            "line 2",
            "child_id",
            "the child reference is 65 characters long; at most 64",
        ),
    ),
    (
        "nul-byte",
        "cases",
        import_cases,
        lambda: cases(GOOD_ROW, b"K2,2015-01-01,1,WB\x00RI,CIN,2024-01-01,,\n"),
        ("cases.csv", "line 3, column 19", "", "the file holds a NUL byte"),
    ),
    (
        "count-above-integer-range",
        "population",
        import_population,
        lambda: [
            UploadedData(
                "population.csv",
                POPULATION_HEADER + b"all,2024,ONS mid-2024,0-17,WBRI,3000000000\n",
            )
        ],
        (
            "population.csv",
            "line 2",
            "count",
            "3,000,000,000 is more than any population count can be",
        ),
    ),
    (
        "count-written-superscript",
        "population",
        import_population,
        lambda: [
            UploadedData(
                "population.csv", POPULATION_HEADER + "all,2024,ONS mid-2024,0-17,WBRI,²\n".encode()
            )
        ],
        ("population.csv", "line 2", "count", "'²' is not a whole number"),
    ),
    (
        "huge-field",
        "cases",
        import_cases,
        lambda: cases(
            GOOD_ROW, b'K2,2015-01-01,1,WBRI,CIN,2024-01-01,,"' + b"A" * 20_000_000 + b'"\n'
        ),
        ("cases.csv", "line 3", "", "a value longer than 131,072 characters"),
    ),
    (
        "header-only",
        "cases",
        import_cases,
        lambda: cases(),
        ("cases.csv", "line 2", "", "the file has a header but no rows of data"),
    ),
    (
        "duplicate-columns",
        "cases",
        import_cases,
        lambda: cases(GOOD_ROW, header=CASES_HEADER.replace(b",team", b",sex")),
        ("cases.csv", "line 1", "sex", "the column appears twice (columns 3 and 8)"),
    ),
    (
        "wrong-xml-root",
        "cin_census",
        import_cin_census,
        lambda: [UploadedData("cin.xml", b"<CSWWMessage><Header/></CSWWMessage>")],
        ("cin.xml", "line 1", "", "the root element is <CSWWMessage>, not <Message>"),
    ),
    (
        "birth-in-year-1",
        "cases",
        import_cases,
        lambda: cases(b"K1,0001-01-01,1,WBRI,CIN,2024-01-01,,\n"),
        ("cases.csv", "line 2", "date_of_birth", "0001-01-01 is before 1900"),
    ),
    (
        "birth-in-2090",
        "cases",
        import_cases,
        lambda: cases(b"K1,2090-01-01,1,WBRI,CIN,2024-01-01,,\n"),
        ("cases.csv", "line 2", "date_of_birth", "2090-01-01 is in the future: not a birth"),
    ),
    (
        "in-care-before-birth",
        "cases",
        import_cases,
        lambda: cases(b"K1,2015-01-01,1,WBRI,CIC,2014-12-01,,\n"),
        (
            "cases.csv",
            "line 2",
            "start_date",
            "the child comes into care (2014-12-01) before their birth",
        ),
    ),
    (
        "unbalanced-quote-to-the-end",
        "cases",
        import_cases,
        lambda: cases(GOOD_ROW, b'K2,"2015-01-01,1,WBRI,CIN,2024-01-01,,\n' + GOOD_ROW * 500),
        ("cases.csv", "line 3", "", 'a quote (") opens a value that is never closed'),
    ),
    (
        "unbalanced-quote-closed-later",
        "cases",
        import_cases,
        lambda: cases(
            GOOD_ROW, b'K2,"2015-01-01,1,WBRI,CIN,2024-01-01,,\n' + GOOD_ROW * 50 + b'K3,"x"y,1\n'
        ),
        ("cases.csv", "line 3", "", "the line cannot be read as CSV"),
    ),
    (
        "903-iso-dates",
        "ssda903",
        import_ssda903,
        iso_dated_903,
        ("episodes.csv", "", "", "column DECOM: dates must be dd/mm/YYYY, 37 rows"),
    ),
    (
        "entity-expansion",
        "cin_census",
        import_cin_census,
        lambda: [UploadedData("cin.xml", BILLION_LAUGHS)],
        ("cin.xml", "", "", "the XML declares a document type or entities"),
    ),
    (
        "external-entity",
        "cin_census",
        import_cin_census,
        lambda: [UploadedData("cin.xml", EXTERNAL_ENTITY)],
        ("cin.xml", "", "", "the XML declares a document type or entities"),
    ),
    (
        "doctype-after-a-comment",
        "cin_census",
        import_cin_census,
        lambda: [
            UploadedData(
                "cin.xml",
                b'<?xml version="1.0"?><!-- a return --><!DOCTYPE Message [<!ENTITY a "b">]>'
                b"<Message>&a;</Message>",
            )
        ],
        ("cin.xml", "", "", "the XML declares a document type or entities"),
    ),
    (
        "undeclared-entity",
        "cin_census",
        import_cin_census,
        lambda: [UploadedData("cin.xml", CIN_HEAD + b"<Child>&lol;</Child></Children></Message>")],
        ("cin.xml", "line 1, column 168", "", "the XML is not well formed: undefined entity"),
    ),
    (
        "cin-child-reference-over-64",
        "cin_census",
        import_cin_census,
        lambda: [
            UploadedData(
                "cin.xml",
                CIN_HEAD
                + b"<Child><ChildIdentifiers><LAchildID>"
                + b"Y" * 80
                + b"</LAchildID><PersonBirthDate>2015-01-01</PersonBirthDate><Sex>M</Sex>"
                b"</ChildIdentifiers><ChildCharacteristics><Ethnicity>WBRI</Ethnicity>"
                b"</ChildCharacteristics></Child></Children></Message>",
            )
        ],
        (
            "cin.xml",
            f"Child 1 (LAchildID {'Y' * 64}) > ChildIdentifiers",
            "LAchildID",
            "80 characters long",
        ),
    ),
]


@pytest.fixture
def existing_data(db):
    """Data already held, which no rejected file may touch."""
    run_import(
        kind="cases",
        files=cases(GOOD_ROW, b"K9,2016-02-02,2,BCRB,CIC,2024-02-01,,\n"),
        importer=import_cases,
    )
    run_import(
        kind="population",
        files=[
            UploadedData("p.csv", POPULATION_HEADER + b"all,2024,ONS mid-2024,0-17,WBRI,1000\n")
        ],
        importer=import_population,
    )


def _row_counts() -> tuple:
    return tuple(
        model.objects.count() for model in (Child, Episode, CareEpisodeRecord, PopulationEstimate)
    )


@pytest.mark.parametrize(
    ("kind", "importer", "make_files", "expected"),
    [case[1:] for case in CORPUS],
    ids=[case[0] for case in CORPUS],
)
def test_a_malformed_file_is_rejected_cleanly_and_logged(
    existing_data, kind, importer, make_files, expected
):
    before = _row_counts()
    with pytest.raises(ImportRejected) as rejected:
        run_import(kind=kind, files=make_files(), importer=importer)
    assert _row_counts() == before
    file, location, field, words = expected
    logged = ImportRun.objects.filter(status=ImportRun.Status.REJECTED).get()
    assert logged.kind == kind and logged.problems
    matching = [
        p
        for p in logged.problems
        if p["file"] == file
        and p["location"] == location
        and p["field"] == field
        and words in p["message"]
    ]
    assert matching, logged.problems
    # A message names the fault; it never carries the rest of the file.
    assert all(len(str(problem)) < 400 for problem in rejected.value.problems)
