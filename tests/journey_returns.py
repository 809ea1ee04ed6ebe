"""One authority's returns for two consecutive collection years, written for the import journey
tests (tests/dashboards_children/test_returns_journey_figures.py, and the browser journey): the
CIN census 2024-25 and 2025-26 (both the <Sex> M/F/U layout, from 2024-25 on) and the SSDA903
returns of the same two years.

Each story below is told for two groups of children, White British boys (sex M / 1) and Black
Caribbean girls (F / 2), all born on 1 June 2012 (aged 12 on 31 March 2025, 13 on 31 March 2026,
so every one is in the 10-15 band on both dates). The count is per group:

CIN census (LAchildID prefix)
- K x3: referred 1 May 2024, on a CP plan from 1 July 2024, both open at the end of 2024-25;
  the 2025-26 return closes the plan on 30 June 2025 and the episode on 30 September 2025.
- L x3: referred 1 September 2024, on a CIN plan from 1 October 2024, both open at the end of
  2024-25, and in no 2025-26 return: they left (LATER_RETURN ends both on 31 March 2025).
- S x3: referred 15 January 2025, on a CP plan from 1 February 2025, both still open at the end
  of 2025-26. The first White British S child's ethnicity is NOBT (not yet obtained) in 2024-25
  and WBRI in 2025-26: the later return wins.
- N x3: new in 2025-26: referred 1 October 2025, on a CP plan from 1 November 2025, open.
- X x1: referred 10 April 2024, closed 1 December 2024 (in 2024-25 only).
- and, in 2025-26 only, one unborn child (ExpectedPersonBirthDate 1 June 2026, <Sex>U</Sex>)
  referred 1 February 2026: counted in no cohort.

SSDA903 (CHILD prefix)
- R x3: in care from 1 August 2024, open in 2024-25; the 2025-26 return has the same episode
  ending 15 October 2025 (RESTATED: the later copy stands).
- G x3: in care from 1 May 2024, open in 2024-25, in no 2025-26 return (RULE_2: ends
  31 March 2025).
- T x3: in care from 1 February 2025, open in both returns.
- W x3: new in 2025-26: in care from 1 June 2025, open.

The expected figures are worked out by hand in the tests, not from this module.
"""

from dataclasses import dataclass

GROUPS = (("WBRI", "M", "1"), ("BCRB", "F", "2"))
BORN = "2012-06-01"
COPIES = 3


@dataclass(frozen=True)
class Returns:
    cin_2025: str
    cin_2026: str
    header_2025: str
    episodes_2025: str
    header_2026: str
    episodes_2026: str


def _child(ref, sex, ethnicity, details, *, born=BORN, expected=False):
    birth = (
        f"<ExpectedPersonBirthDate>{born}</ExpectedPersonBirthDate>"
        if expected
        else f"<PersonBirthDate>{born}</PersonBirthDate>"
    )
    return (
        "    <Child>\n"
        f"      <ChildIdentifiers><LAchildID>{ref}</LAchildID>{birth}<Sex>{sex}</Sex>"
        "</ChildIdentifiers>\n"
        f"      <ChildCharacteristics><Ethnicity>{ethnicity}</Ethnicity></ChildCharacteristics>\n"
        f"      {details}\n"
        "    </Child>\n"
    )


def _details(referral, closure=None, *, cin_plan=None, cp_plan=None):
    """cin_plan / cp_plan: (start, end or None)."""
    body = f"<CINreferralDate>{referral}</CINreferralDate>"
    if closure:
        body += f"<CINclosureDate>{closure}</CINclosureDate>"
    if cin_plan:
        start, end = cin_plan
        body += f"<CINPlanDates><CINPlanStartDate>{start}</CINPlanStartDate>"
        body += f"<CINPlanEndDate>{end}</CINPlanEndDate>" if end else ""
        body += "</CINPlanDates>"
    if cp_plan:
        start, end = cp_plan
        body += f"<ChildProtectionPlans><CPPstartDate>{start}</CPPstartDate>"
        body += f"<CPPendDate>{end}</CPPendDate>" if end else ""
        body += "<InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse></ChildProtectionPlans>"
    return f"<CINdetails>{body}</CINdetails>"


def cin_census(year: int, children: list[str], *, reference_date: str | None = None) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        "<Message>\n  <Header>\n    <CollectionDetails><Collection>CIN</Collection>"
        f"<Year>{year}</Year><ReferenceDate>{reference_date or f'{year}-03-31'}</ReferenceDate>"
        "</CollectionDetails>\n"
        "    <Source><SourceLevel>L</SourceLevel><LEA>999</LEA><SoftwareCode>Local</SoftwareCode>"
        "</Source>\n  </Header>\n  <Children>\n" + "".join(children) + "  </Children>\n</Message>\n"
    )


def cin_children(year: int) -> list[str]:
    children = []
    for ethnicity, sex, _code in GROUPS:
        for number in range(1, COPIES + 1):
            ref = f"{ethnicity}-{number}"
            if year == 2025:
                children.append(
                    _child(
                        f"K-{ref}",
                        sex,
                        ethnicity,
                        _details("2024-05-01", cp_plan=("2024-07-01", None)),
                    )
                )
                children.append(
                    _child(
                        f"L-{ref}",
                        sex,
                        ethnicity,
                        _details("2024-09-01", cin_plan=("2024-10-01", None)),
                    )
                )
            else:
                children.append(
                    _child(
                        f"K-{ref}",
                        sex,
                        ethnicity,
                        _details("2024-05-01", "2025-09-30", cp_plan=("2024-07-01", "2025-06-30")),
                    )
                )
                children.append(
                    _child(
                        f"N-{ref}",
                        sex,
                        ethnicity,
                        _details("2025-10-01", cp_plan=("2025-11-01", None)),
                    )
                )
            recorded = (
                "NOBT" if (year == 2025 and ethnicity == "WBRI" and number == 1) else ethnicity
            )
            children.append(
                _child(
                    f"S-{ref}", sex, recorded, _details("2025-01-15", cp_plan=("2025-02-01", None))
                )
            )
        if year == 2025:
            children.append(
                _child(f"X-{ethnicity}-1", sex, ethnicity, _details("2024-04-10", "2024-12-01"))
            )
    if year == 2026:
        children.append(
            _child("U-1", "U", "NOBT", _details("2026-02-01"), born="2026-06-01", expected=True)
        )
    return children


HEADER_COLUMNS = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB"
EPISODE_COLUMNS = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN"
)


def ssda903(year: int) -> tuple[str, str]:
    """(Header, Episodes) of the return for the year ending 31 March `year`; 2026 carries the
    YEAR column of a stacked file, 2025 does not (its year is given on upload)."""
    header = [HEADER_COLUMNS + (",YEAR" if year == 2026 else "")]
    episodes = [EPISODE_COLUMNS + (",YEAR" if year == 2026 else "")]
    tail = f",{year}" if year == 2026 else ""
    stories = (
        {"R": ("01/08/2024", ""), "G": ("01/05/2024", ""), "T": ("01/02/2025", "")}
        if year == 2025
        else {"R": ("01/08/2024", "15/10/2025"), "T": ("01/02/2025", ""), "W": ("01/06/2025", "")}
    )
    for ethnicity, _sex, code in GROUPS:
        for story, (start, end) in stories.items():
            for number in range(1, COPIES + 1):
                child = f"{story}-{ethnicity}-{number}"
                header.append(f"{child},{code},01/06/2012,{ethnicity},,,{tail}")
                reason = "E11" if end else ""
                episodes.append(f"{child},{start},S,C2,N1,U1,PR1,{end},{reason},,,,{tail}")
    return "\n".join(header) + "\n", "\n".join(episodes) + "\n"


def returns() -> Returns:
    header_2025, episodes_2025 = ssda903(2025)
    header_2026, episodes_2026 = ssda903(2026)
    return Returns(
        cin_2025=cin_census(2025, cin_children(2025)),
        cin_2026=cin_census(2026, cin_children(2026)),
        header_2025=header_2025,
        episodes_2025=episodes_2025,
        header_2026=header_2026,
        episodes_2026=episodes_2026,
    )


def write(folder) -> dict[str, object]:
    """The six files in folder, by name; and a 2025-26 return whose ReferenceDate is last
    year's (DfE rule 100)."""
    made = returns()
    files = {
        "cin-2025.xml": made.cin_2025,
        "cin-2026.xml": made.cin_2026,
        "cin-2026-wrong-reference-date.xml": cin_census(
            2026, cin_children(2026), reference_date="2025-03-31"
        ),
        "header-2025.csv": made.header_2025,
        "episodes-2025.csv": made.episodes_2025,
        "header-2026.csv": made.header_2026,
        "episodes-2026.csv": made.episodes_2026,
    }
    paths = {}
    for name, text in files.items():
        path = folder / name
        path.write_text(text)
        paths[name] = path
    return paths
