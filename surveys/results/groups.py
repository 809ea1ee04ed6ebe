"""The groups results are given for, the options and totals of each question, and the views
(all respondents, or one value of one filter). Pure: questions in, labels out."""

from collections import defaultdict
from dataclasses import dataclass

from arp_portal.core.ethnicity import DFE_ETHNICITY_CODES, MajorGroup
from surveys.models import Question, QuestionKind

SUPPRESSED = "c"
DIMENSIONS = {
    "role": QuestionKind.ROLE,
    "grade": QuestionKind.GRADE,
    "locality": QuestionKind.LOCALITY,
}
DIMENSION_LABELS = {"role": "Role", "grade": "Grade band", "locality": "Locality"}
ALL = "all"
BLACK_OR_ASIAN = "black_or_asian"
NOT_STATED = "not_stated"
MAJORS = [
    MajorGroup.WHITE,
    MajorGroup.MIXED,
    MajorGroup.ASIAN,
    MajorGroup.BLACK,
    MajorGroup.OTHER,
]


@dataclass(frozen=True)
class DerivedOption:
    """A total of several answers, as the national report gives them ("at least once")."""

    pk: str
    code: str
    label: str
    members: tuple[str, ...]  # option codes
    is_prefer_not_to_say: bool = False
    derived: bool = True


DERIVED: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {
    QuestionKind.FREQUENCY: [("at_least_once", "At least once (total)", ("once", "2_4", "5_plus"))],
    QuestionKind.AGREEMENT: [
        ("agree_total", "Agree (total)", ("strongly_agree", "agree")),
        ("disagree_total", "Disagree (total)", ("disagree", "strongly_disagree")),
    ],
}


def result_options(question: Question) -> list:
    """The question's options, then any totals of them (DERIVED)."""
    options = list(question.options.all())
    codes = {o.code for o in options}
    derived = [
        DerivedOption(f"d:{code}", code, label, members)
        for code, label, members in DERIVED.get(question.kind, [])
        if set(members) <= codes
    ]
    return options + derived


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    kind: str  # all | comparison | major | detailed
    codes: frozenset


def ethnic_groups(labels: dict[str, str] | None = None) -> list[Group]:
    labels = labels or {}
    codes_of = defaultdict(set)
    detailed = []
    for code, major, default in DFE_ETHNICITY_CODES:
        if major == MajorGroup.UNKNOWN:
            continue
        codes_of[str(major)].add(code)
        detailed.append(
            Group(f"code:{code}", labels.get(code, default), "detailed", frozenset({code}))
        )
    all_codes = frozenset(c for codes in codes_of.values() for c in codes) | {""}
    groups = [Group(ALL, "All respondents", "all", all_codes)]
    groups.append(
        Group(
            BLACK_OR_ASIAN,
            "Black or Asian",
            "comparison",
            frozenset(codes_of["Black"] | codes_of["Asian"]),
        )
    )
    groups += [
        Group(f"major:{major}", str(major.label), "major", frozenset(codes_of[str(major)]))
        for major in MAJORS
    ]
    groups.append(Group(NOT_STATED, "Ethnic group not given", "major", frozenset({""})))
    return groups + detailed


def view_choices(questions: list[Question]) -> list:
    """The select's choices: everyone, or one value of one filter."""
    choices: list = [("", "All respondents")]
    for dimension, kind in DIMENSIONS.items():
        question = next((q for q in questions if q.kind == kind), None)
        if question is None:
            continue
        choices.append(
            (
                DIMENSION_LABELS[dimension],
                [
                    (f"{dimension}:{'' if o.is_prefer_not_to_say else o.code}", o.label)
                    for o in question.options.all()
                ],
            )
        )
    return choices


def _parse_view(view: str, questions) -> tuple[str | None, str, list[str]]:
    """(dimension, value, every value of the dimension) for a view like "role:social_worker"."""
    if not view:
        return None, "", []
    dimension, _, value = view.partition(":")
    question = next((q for q in questions if q.kind == DIMENSIONS.get(dimension)), None)
    if question is None:
        raise ValueError(f"No such view: {view}")
    values = ["" if o.is_prefer_not_to_say else o.code for o in question.options.all()]
    if value not in values:
        raise ValueError(f"No such view: {view}")
    return dimension, value, values


def _question_groups(question: Question, groups: list[Group]) -> list[Group]:
    # Who people are is not broken down by who people are: demographics show all respondents.
    return groups if not question.is_demographic else [groups[0]]


def filter_values(questions) -> dict[str, list[str]]:
    """Each filter's values ("" for "prefer not to say"), for the filters the survey asks."""
    values = {}
    for dimension, kind in DIMENSIONS.items():
        question = next((q for q in questions if q.kind == kind), None)
        if question is not None:
            values[dimension] = [
                "" if o.is_prefer_not_to_say else o.code for o in question.options.all()
            ]
    return values


def _choice_questions(questions) -> list[Question]:
    return [q for q in questions if not q.is_free_text and q.kind != QuestionKind.ETHNICITY]


def _view_label(questions, dimension, value) -> str:
    if not dimension:
        return "All respondents"
    option_label = dict(
        (code.partition(":")[2], text)
        for _, items in view_choices(questions)[1:]
        for code, text in items
        if code.startswith(f"{dimension}:")
    )
    return f"{DIMENSION_LABELS[dimension]}: {option_label.get(value, value)}"
