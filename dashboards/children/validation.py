"""Checks shared by the children's importers: codes, dates, and the sanity rules of the returns.

Each importer turns its format into ChildRecord and EpisodeRecord values, noting where each came
from (file and line, or XML element), and these checks report problems against those places.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone

from arp_portal.core.ethnicity import DFE_ETHNICITY_CODES, VALID_CODES
from arp_portal.core.importing import ProblemCollector
from arp_portal.core.models import EpisodeKind

LABEL_TO_CODE = {label.lower(): code for code, _, label in DFE_ETHNICITY_CODES}


@dataclass(slots=True)
class Place:
    """Where a value came from, for the report: a CSV line number, or an XML path."""

    file: str
    where: int | str  # 12 (a line), or "Child 3 (LAchildID X) > CINdetails 1"

    @property
    def location(self) -> str:
        return f"line {self.where}" if isinstance(self.where, int) else self.where


@dataclass(slots=True)
class ChildRecord:
    child_ref: str
    birth_date: dt.date
    sex: int
    ethnicity: str
    place: Place
    death_date: dt.date | None = None

    def row(self) -> tuple:
        """As services.children_upsert takes it."""
        return (self.child_ref, self.birth_date, self.sex, self.ethnicity, self.death_date)


@dataclass(slots=True)
class EpisodeRecord:
    child_ref: str
    kind: str
    start_date: dt.date
    end_date: dt.date | None
    # Where it came from; a bare line number for a CSV of a million rows (file given to the
    # checks), so no Place is made for a row unless it is reported.
    place: "Place | int"
    team_id: int | None = None
    plan_category: str = ""
    legal_status: str = ""
    start_field: str = "start_date"
    end_field: str = "end_date"
    # Set when a rule changed the end the file gave (end_date is then the rule's): the rule's
    # name and what the file said (docs/children-dashboard.md).
    end_rule: str = ""
    recorded_end_date: dt.date | None = None

    def end_by_rule(self, end: dt.date | None, rule: str) -> None:
        if not self.end_rule:
            self.recorded_end_date = self.end_date
            self.end_rule = rule
        else:
            self.end_rule = f"{self.end_rule}, {rule}"
        self.end_date = end


# The widest dates a return can hold: nobody in a children's return was born before 1900.
EARLIEST_DATE = dt.date(1900, 1, 1)
# The earliest collection year the portal takes (a return's year, ending 31 March).
MIN_COLLECTION_YEAR = 2000


def latest_collection_year() -> int:
    """The latest collection year a return can have yet: the one ending next 31 March."""
    return timezone.localdate().year + 1


MAX_CHILD_REF = 64
# A character no reference holds: a control character, a tab or a line break among them.
CONTROL_CHARACTER = r"[\x00-\x1f]"
_CONTROL_CHARACTER = re.compile(CONTROL_CHARACTER)
has_control_character = _CONTROL_CHARACTER.search
# dd/mm/YYYY in ASCII digits (a day or month of one digit, as Excel may save it, is read too).
_UK_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")


def check_ethnicity(value: str, place: Place, field: str, problems: ProblemCollector) -> str | None:
    """A DfE code, exactly: lower case, labels, blanks and "NA" are reported, never guessed."""
    if value in VALID_CODES:
        return value
    if not value:
        problems.add(place.file, place.location, field, "the ethnicity code is blank")
    elif value.upper() in VALID_CODES:
        problems.add(
            place.file,
            place.location,
            field,
            f"ethnicity codes are upper case: '{value}' should be written '{value.upper()}'",
        )
    elif value.lower() in LABEL_TO_CODE:
        problems.add(
            place.file,
            place.location,
            field,
            f"'{value}' is a label, not a DfE ethnicity code (the code is "
            f"{LABEL_TO_CODE[value.lower()]})",
        )
    else:
        problems.add(
            place.file, place.location, field, f"'{value[:40]}' is not a DfE ethnicity code"
        )
    return None


def check_sex(value: str, place: Place, field: str, problems: ProblemCollector) -> int | None:
    if value in ("1", "2", "9"):
        return int(value)
    problems.add(
        place.file,
        place.location,
        field,
        f"'{value}' is not a sex code: use 1 (male), 2 (female) or 9 (not known)"
        if value
        else "the sex code is blank: use 1 (male), 2 (female) or 9 (not known)",
    )
    return None


# The CIN census's <Sex> from the 2024-25 collection (DfE rule 4180; U for an unborn child,
# rule 8750), held as the portal's one sex code: 1 male, 2 female, 9 not known.
SEX_CODES = {"M": 1, "F": 2, "U": 9}
# <GenderCurrent> to 2023-24: 1 male, 2 female, 9 not known, 0 not recorded (held as 9).
GENDER_CURRENT_CODES = {"1": 1, "2": 2, "9": 9, "0": 9}
FIRST_SEX_YEAR = 2025  # the 2024-25 collection, ending 31 March 2025


def check_cin_sex(
    *, sex: str | None, gender: str | None, year: int, place: Place, problems: ProblemCollector
) -> int | None:
    """One sex code from whichever element the return's year uses: <GenderCurrent> to 2023-24,
    <Sex> from 2024-25. The other element, or a code of the other era, is an error."""
    era = f"{year - 1}-{str(year)[2:]}"
    if year >= FIRST_SEX_YEAR:
        if gender is not None:
            problems.add(
                place.file,
                place.location,
                "GenderCurrent",
                f"a {era} return gives sex as <Sex> (M, F or U; DfE rule 4180), not "
                "<GenderCurrent>, which ended with the 2023-24 collection",
            )
            return None
        value = (sex or "").strip()
        if value in SEX_CODES:
            return SEX_CODES[value]
        problems.add(
            place.file,
            place.location,
            "Sex",
            (f"'{value}' is not" if value else "blank is not")
            + " a sex code of DfE rule 4180: use M (male), F (female) or U (unknown, as for an"
            " unborn child, rule 8750)"
            + (
                " (1, 2 and 9 were GenderCurrent codes, to 2023-24)"
                if value in ("1", "2", "9")
                else ""
            ),
        )
        return None
    if sex is not None:
        problems.add(
            place.file,
            place.location,
            "Sex",
            f"a {era} return gives sex as <GenderCurrent> (1, 2, 9 or 0); <Sex> begins with "
            "the 2024-25 collection",
        )
        return None
    value = (gender or "").strip()
    if value in GENDER_CURRENT_CODES:
        return GENDER_CURRENT_CODES[value]
    problems.add(
        place.file,
        place.location,
        "GenderCurrent",
        (f"'{value}' is not" if value else "blank is not")
        + " a GenderCurrent code: use 1 (male), 2 (female), 9 (not known) or 0 (not recorded)",
    )
    return None


def check_date_range(
    value: dt.date | None,
    place: Place,
    field: str,
    problems: ProblemCollector,
    *,
    latest: dt.date | None = None,
    latest_rule: str = "",
) -> dt.date | None:
    """An impossible date is an error: before 1900, or after `latest` (the return's reference
    date, where there is one: DfE's rule that no date follows it)."""
    if value is None or (value >= EARLIEST_DATE and (latest is None or value <= latest)):
        return value
    if value < EARLIEST_DATE:
        problems.add(
            place.file,
            place.location,
            field,
            f"{value.isoformat()} is before 1900: not a real date",
        )
        return None
    if latest is not None and value > latest:
        problems.add(
            place.file,
            place.location,
            field,
            f"{value:%Y-%m-%d} is after the return's reference date ({latest:%Y-%m-%d})"
            + (f" ({latest_rule})" if latest_rule else ""),
        )
        return None
    return value


def check_child_ref(value: str, place: Place, field: str, problems: ProblemCollector) -> str:
    if not value:
        problems.add(place.file, place.location, field, "the child reference is missing")
    elif len(value) > MAX_CHILD_REF:
        problems.add(
            place.file,
            place.location,
            field,
            f"the child reference is {len(value):,} characters long; at most {MAX_CHILD_REF}",
        )
    elif _CONTROL_CHARACTER.search(value):
        problems.add(
            place.file, place.location, field, "the child reference holds a control character"
        )
    else:
        return value
    return ""


def parse_iso_date(
    value: str, place: Place, field: str, problems: ProblemCollector, *, required: bool = True
) -> dt.date | None:
    if not value:
        if required:
            problems.add(place.file, place.location, field, "the date is blank")
        return None
    try:
        if len(value) != 10:
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        problems.add(
            place.file, place.location, field, f"'{value}' is not a date in the form YYYY-MM-DD"
        )
        return None


def parse_uk_date(
    value: str, place: Place, field: str, problems: ProblemCollector, *, required: bool = True
) -> dt.date | None:
    """dd/mm/YYYY, as SSDA903 files carry dates."""
    if not value:
        if required:
            problems.add(place.file, place.location, field, "the date is blank")
        return None
    try:
        match = _UK_DATE.fullmatch(value)
        if match is None:
            raise ValueError
        day, month, year = match.groups()
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        problems.add(
            place.file, place.location, field, f"'{value}' is not a date in the form dd/mm/YYYY"
        )
        return None


class _Reporter:
    """Adds problems for episodes whose place may be a bare line number of `file_name`."""

    def __init__(self, problems: ProblemCollector, file_name: str):
        self.problems = problems
        self.file_name = file_name

    def place(self, episode: EpisodeRecord) -> Place:
        place = episode.place
        return place if isinstance(place, Place) else Place(self.file_name, place)

    def add(self, episode: EpisodeRecord, field: str, message: str) -> None:
        place = self.place(episode)
        self.problems.add(place.file, place.location, field, message)


def check_episode_rules(
    episodes: list[EpisodeRecord],
    problems: ProblemCollector,
    *,
    referral_kind: str,
    file_name: str = "",
    plans_after_first_referral: bool = True,
) -> None:
    """Sanity rules across a child's episodes (docs/domain.md):

    - an episode does not end before it starts;
    - a protection plan does not start before the child's first referral in the file (unless
      plans_after_first_referral is False: the CIN census checks each plan against its own
      referral, DfE rule 1105);
    - protection plans for one child do not overlap, and at most one is open.
    """
    report = _Reporter(problems, file_name)
    first_referral: dict[str, dt.date] = {}
    plans_by_child: dict[str, list[EpisodeRecord]] = {}
    protection = EpisodeKind.CHILD_PROTECTION
    for episode in episodes:
        end = episode.end_date
        if end is not None and end < episode.start_date:
            report.add(
                episode,
                episode.end_field,
                f"ends ({end:%Y-%m-%d}) before it starts ({episode.start_date:%Y-%m-%d})",
            )
        kind = episode.kind
        if kind == referral_kind:
            known = first_referral.get(episode.child_ref)
            if known is None or episode.start_date < known:
                first_referral[episode.child_ref] = episode.start_date
        elif kind == protection:
            plans_by_child.setdefault(episode.child_ref, []).append(episode)
    for child_ref, plans in plans_by_child.items():
        plans.sort(key=lambda e: e.start_date)
        referral = first_referral.get(child_ref) if plans_after_first_referral else None
        if referral is not None:
            for plan in plans:
                if plan.start_date < referral:
                    report.add(
                        plan,
                        plan.start_field,
                        f"the child protection plan starts ({plan.start_date:%Y-%m-%d}) before "
                        f"the child's referral ({referral:%Y-%m-%d})",
                    )
        open_plans = [plan for plan in plans if plan.end_date is None]
        if len(open_plans) > 1:
            plan = open_plans[-1]
            report.add(
                plan,
                plan.end_field,
                f"child {child_ref} has {len(open_plans)} open child protection plans; at most "
                "one may be open",
            )
        for before, after in zip(plans, plans[1:], strict=False):
            if before.end_date is None or after.start_date < before.end_date:
                report.add(
                    after,
                    after.start_field,
                    f"child {child_ref}'s child protection plan starting "
                    f"{after.start_date:%Y-%m-%d} overlaps the plan starting "
                    f"{before.start_date:%Y-%m-%d} ({report.place(before).location})",
                )
