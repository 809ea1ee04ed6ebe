"""Fixed answer scales, the demographic lists, and the default questionnaire (docs/domain.md).

The default questionnaire mirrors the national anti-racism survey of social workers (2021): racism
experienced from service users and families, colleagues and managers; racism witnessed; its
impact; confidence to intervene; support; whether the organisation does enough; career and
workload; free text; and the demographics that allow breakdowns without identifying anyone.
"""

from dataclasses import dataclass, field

from arp_portal.core.ethnicity import DFE_ETHNICITY_CODES, UNKNOWN_CODES
from arp_portal.core.models import GradeBand, Locality, StaffRole
from surveys.models import (
    AGREEMENT_SCALE,
    FREQUENCY_SCALE,
    PREFER_NOT_TO_SAY,
    PREFER_NOT_TO_SAY_LABEL,
    QuestionKind,
)

QUESTIONS_PER_PAGE = 5
# Options that cannot be chosen alongside others in a multiple-choice question.
EXCLUSIVE_OPTION_CODES = {PREFER_NOT_TO_SAY, "none"}


def ethnicity_options() -> list[tuple[str, str]]:
    """The DfE list, grouped as its labels read, without the two "unknown" codes: a respondent
    who prefers not to say chooses that instead."""
    from arp_portal.core.models import Ethnicity

    labels = dict(Ethnicity.objects.values_list("code", "label"))
    return [
        (code, f"{group}: {labels.get(code, default)}")
        for code, group, default in DFE_ETHNICITY_CODES
        if code not in UNKNOWN_CODES
    ]


def standard_options(kind: str) -> list[tuple[str, str]] | None:
    """The options of a kind with a fixed list, without "prefer not to say" (always added)."""
    if kind == QuestionKind.AGREEMENT:
        return list(AGREEMENT_SCALE)
    if kind == QuestionKind.FREQUENCY:
        return list(FREQUENCY_SCALE)
    if kind == QuestionKind.ETHNICITY:
        return ethnicity_options()
    if kind == QuestionKind.ROLE:
        return list(StaffRole.choices)
    if kind == QuestionKind.GRADE:
        return list(GradeBand.choices)
    if kind == QuestionKind.LOCALITY:
        names = list(Locality.objects.values_list("name", flat=True))
        return [(name.lower().replace(" ", "_")[:60], name) for name in names] + [
            ("outside", "I do not work in one locality")
        ]
    if kind == QuestionKind.FREE_TEXT:
        return []
    return None


def with_prefer_not_to_say(options: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [*options, (PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY_LABEL)]


@dataclass
class TemplateQuestion:
    code: str
    kind: str
    text: str
    section: str
    hint: str = ""
    options: list[tuple[str, str]] = field(default_factory=list)


RACISM_TEMPLATE_TITLE = "Experiences of racism at work"
RACISM_TEMPLATE_INTRODUCTION = (
    "This survey asks about racism you may have experienced or seen at work in the last 12 "
    "months, how it affected you, and what support you have. It takes about 10 minutes. "
    "It is anonymous: we do not ask your name, and nothing you answer can be traced back to you. "
    "Every question can be answered “Prefer not to say”."
)
RACISM_TEMPLATE_PRIVACY = (
    "We store your answers and the date you sent them, and nothing else: not the time, your "
    "computer's address, your browser, or any sign-in. Results are only ever shown for groups of "
    "at least 10 people, and written answers are read by a data manager, who removes names and "
    "other identifying details, before anyone else sees them. If you would like to talk to us "
    "about your experience, there is a separate form at the end that is not linked to your "
    "answers."
)

# Sections: consecutive questions of one section share an intake page.
EXPERIENCE = "Racism at work in the last 12 months"
IMPACT = "How racism affects you, and the support you have"
CAREER = "Your career and workload, in your own words"
ABOUT_YOU = "About you"

_FROM = "In the last 12 months, how often have you experienced racism"
_SAW = "In the last 12 months, how often have you seen a colleague experience racism"

RACISM_TEMPLATE: list[TemplateQuestion] = [
    TemplateQuestion(
        "racism_from_service_users",
        QuestionKind.FREQUENCY,
        f"{_FROM} from people who use our services or their families?",
        EXPERIENCE,
    ),
    TemplateQuestion(
        "racism_from_colleagues",
        QuestionKind.FREQUENCY,
        f"{_FROM} from colleagues?",
        EXPERIENCE,
    ),
    TemplateQuestion(
        "racism_from_managers",
        QuestionKind.FREQUENCY,
        f"{_FROM} from managers?",
        EXPERIENCE,
    ),
    TemplateQuestion(
        "witnessed_from_service_users",
        QuestionKind.FREQUENCY,
        f"{_SAW} from people who use our services or their families?",
        EXPERIENCE,
    ),
    TemplateQuestion(
        "witnessed_from_colleagues",
        QuestionKind.FREQUENCY,
        f"{_SAW} from other colleagues or managers?",
        EXPERIENCE,
    ),
    TemplateQuestion(
        "impact",
        QuestionKind.MULTIPLE,
        "In the last 12 months, has racism at work done any of the following?",
        IMPACT,
        hint="Select all that apply.",
        options=[
            ("anxiety", "Increased my anxiety"),
            ("mental_health", "Made my mental health worse"),
            ("leave_organisation", "Made me consider leaving this organisation"),
            ("leave_profession", "Made me consider leaving my profession"),
            ("none", "None of these"),
        ],
    ),
    TemplateQuestion(
        "confident_to_intervene",
        QuestionKind.AGREEMENT,
        "I feel confident to intervene when I see racism at work.",
        IMPACT,
    ),
    TemplateQuestion(
        "someone_to_approach",
        QuestionKind.AGREEMENT,
        "I have someone at work I can approach for support if I experience racism.",
        IMPACT,
    ),
    TemplateQuestion(
        "organisation_does_enough",
        QuestionKind.AGREEMENT,
        "This organisation is doing enough to tackle racism.",
        IMPACT,
    ),
    TemplateQuestion(
        "career_progression",
        QuestionKind.AGREEMENT,
        "Racism has held back my career progression here.",
        CAREER,
    ),
    TemplateQuestion(
        "workload_and_scrutiny",
        QuestionKind.AGREEMENT,
        "I am given a higher workload, or more scrutiny, than colleagues because of my ethnicity.",
        CAREER,
    ),
    TemplateQuestion(
        "in_your_own_words",
        QuestionKind.FREE_TEXT,
        "Is there anything else you would like to tell us about racism at work?",
        CAREER,
        hint="Optional. Please do not name anyone or describe anything that could identify you "
        "or someone else: a data manager removes such details before anyone reads it.",
    ),
    TemplateQuestion(
        "ethnic_group", QuestionKind.ETHNICITY, "What is your ethnic group?", ABOUT_YOU
    ),
    TemplateQuestion("role", QuestionKind.ROLE, "What is your role?", ABOUT_YOU),
    TemplateQuestion("grade_band", QuestionKind.GRADE, "What is your grade band?", ABOUT_YOU),
    TemplateQuestion(
        "locality",
        QuestionKind.LOCALITY,
        "Which locality do you mostly work in?",
        ABOUT_YOU,
    ),
]
