"""Demo surveys: the closed 2025 wave with 750 synthetic responses and the open 2026 wave.

Respondents come from Demoshire's staff in post when the wave closed (about 1,340, from
arp_portal/core/demo.py): no more respondents of any ethnic group than staff recorded in it, and
a response rate of 56%, higher among White staff (66%) than Black (50%), Asian (49%) or Mixed
(35%) staff, as staff surveys often find. That mix is also the national survey's (docs/domain.md:
56% White, a third Black or Asian respondents), so the 2025 answers, made with exact quotas per
ethnic group (then shuffled), reproduce its headline figures: 34% of Black or Asian respondents
reported racism from service users or families against 5% of White respondents; 20% had seen
colleagues experience it; 9% reported racism from colleagues; about 1 in 10 had considered leaving
the organisation (8% the profession); 19-20% said it increased their anxiety and 13% that it
worsened their mental health; 80% felt confident to intervene; 76% had someone to approach; 40% of
Black and 34% of Asian respondents disagreed that the organisation does enough.
"""

import datetime as dt
import random
from collections.abc import Callable

from django.utils import timezone

from surveys import services
from surveys.models import (
    PREFER_NOT_TO_SAY,
    Answer,
    FollowUpVolunteer,
    FreeTextAnswer,
    ModerationStatus,
    Response,
    Survey,
    SurveyStatus,
)

SEED = 20250617
SLUG_2025 = "experiences-of-racism-2025"
SLUG_2026 = "experiences-of-racism-2026"
VOLUNTEERS = 175
OPENED = dt.date(2025, 6, 17)
CLOSED = dt.date(2025, 8, 11)

# Respondents by DfE code ("" = prefer not to say): 250 Black or Asian, 420 White. Demoshire's
# staff hold no Chinese or "any other" code, so neither do its respondents; tests/surveys/
# test_demo_survey.py checks each code against staff in post.
RESPONDENTS = {
    "WBRI": 335, "WIRI": 30, "WOTH": 55,
    "BAFR": 93, "BCRB": 57, "BOTH": 15,
    "AIND": 33, "APKN": 32, "ABAN": 10, "AOTH": 10,
    "MWBC": 22, "MWBA": 10, "MWAS": 10, "MOTH": 8,
    "": 30,
}  # fmt: skip
RESPONSES = sum(RESPONDENTS.values())
GROUP_OF = {
    **dict.fromkeys(["WBRI", "WIRI", "WOTH"], "white"),
    **dict.fromkeys(["BAFR", "BCRB", "BOTH"], "black"),
    **dict.fromkeys(["AIND", "APKN", "ABAN", "AOTH"], "asian"),
}

# Share answering "yes" (once or more; agree; disagree for "does enough") by group.
#              black  asian  white  others
EXPERIENCE = {
    "racism_from_service_users": (0.34, 0.34, 0.05, 0.20),
    "racism_from_colleagues": (0.17, 0.17, 0.04, 0.12),
    "racism_from_managers": (0.12, 0.12, 0.02, 0.08),
    "witnessed_from_service_users": (0.24, 0.24, 0.17, 0.22),
    "witnessed_from_colleagues": (0.16, 0.16, 0.09, 0.12),
}
IMPACT = {
    "anxiety": (0.33, 0.33, 0.11, 0.22),
    "mental_health": (0.22, 0.22, 0.07, 0.15),
    "leave_organisation": (0.18, 0.18, 0.05, 0.10),
    "leave_profession": (0.14, 0.14, 0.04, 0.08),
}
AGREE = {
    "confident_to_intervene": (0.76, 0.76, 0.83, 0.78),
    "someone_to_approach": (0.70, 0.70, 0.80, 0.75),
    "career_progression": (0.30, 0.30, 0.06, 0.15),
    "workload_and_scrutiny": (0.25, 0.25, 0.04, 0.12),
}
DISAGREE = {"organisation_does_enough": (0.40, 0.34, 0.15, 0.25)}
PREFER_NOT = 0.02  # of those not answering "yes", the share who prefer not to say
COLUMN = {"black": 0, "asian": 1, "white": 2, "others": 3}

ROLE_WEIGHTS = {
    "social_worker": 45, "family_support": 15, "personal_adviser": 6, "residential": 8,
    "manager": 14, "business_support": 9, "other": 3,
}  # fmt: skip
GRADE_WEIGHTS = {
    "1_support": 20, "2_practitioner": 40, "3_senior_practitioner": 18, "4_team_manager": 12,
    "5_service_manager": 6, "6_senior_leader": 2,
}  # fmt: skip
# Written answers, each from a group it fits: experiences of racism from the people it targets,
# what White colleagues saw, and what anyone might say.
FREE_TEXT_OF_COLOUR = [
    "Families have refused to work with me because of my colour and managers just reallocated "
    "the case without talking to me about it.",
    "I have been passed over for progression more than once while less experienced colleagues "
    "were promoted.",
    "My caseload is higher and my work is scrutinised more closely than my white colleagues'.",
    "Comments about my accent from colleagues have made me consider leaving.",
    "Microaggressions in team meetings are treated as banter. Nobody challenges them.",
]
FREE_TEXT_WHITE = [
    "I have seen families ask for a white worker and the request be agreed without anyone "
    "asking the colleague how they felt.",
    "The training made me notice comments I used to let pass, and I now challenge them.",
    "I was not sure how to raise what I saw in a team meeting, and nobody else did either.",
]
FREE_TEXT_ANYONE = [
    "The anti-racist practice training helped me feel able to challenge what I see.",
    "I do not think senior leaders understand what staff of colour experience day to day.",
    "I have a good manager who listens, but the organisation's policies do not back them up.",
]
FREE_TEXT = {
    "black": FREE_TEXT_OF_COLOUR + FREE_TEXT_ANYONE,
    "asian": FREE_TEXT_OF_COLOUR + FREE_TEXT_ANYONE,
    "white": FREE_TEXT_WHITE + FREE_TEXT_ANYONE,
    "others": FREE_TEXT_ANYONE,
}
# Mixed-heritage respondents can experience racism too; those who did not give their ethnic
# group get only the texts anyone might write.
FREE_TEXT_OF_CODE = {code: FREE_TEXT_OF_COLOUR + FREE_TEXT_ANYONE for code in ("MWBC", "MWBA",
                     "MWAS", "MOTH")}  # fmt: skip


def _quota(rng: random.Random, people: list[int], share: float) -> set[int]:
    """Exactly round(share x n) of the people, chosen at random."""
    return set(rng.sample(people, round(share * len(people))))


def _split_yes_no(rng, people, share, yes_codes, yes_weights, no_code):
    """{person: code}: the quota answers one of yes_codes, 2% of the rest prefer not to say."""
    yes = _quota(rng, people, share)
    rest = [p for p in people if p not in yes]
    prefer_not = _quota(rng, rest, PREFER_NOT)
    answers = {}
    for person in people:
        if person in yes:
            answers[person] = rng.choices(yes_codes, yes_weights)[0]
        elif person in prefer_not:
            answers[person] = PREFER_NOT_TO_SAY
        else:
            answers[person] = rng.choice(no_code) if isinstance(no_code, list) else no_code
    return answers


def _people_by_group(codes: list[str]) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = {"black": [], "asian": [], "white": [], "others": []}
    for person, code in enumerate(codes):
        groups[GROUP_OF.get(code, "others")].append(person)
    return groups


def synthetic_answers(rng: random.Random) -> list[dict]:
    """One dict per respondent: {question code: option code | [codes] | text}."""
    codes = [code for code, n in RESPONDENTS.items() for _ in range(n)]
    rng.shuffle(codes)
    people: list[dict[str, str | list[str]]] = [
        {"ethnic_group": code or PREFER_NOT_TO_SAY} for code in codes
    ]
    groups = _people_by_group(codes)
    for group, members in groups.items():
        column = COLUMN[group]
        for question, shares in EXPERIENCE.items():
            answers = _split_yes_no(
                rng, members, shares[column], ["once", "2_4", "5_plus"], [45, 35, 20], "never"
            )
            for person, code in answers.items():
                people[person][question] = code
        impact: dict[int, list[str]] = {person: [] for person in members}
        for option, shares in IMPACT.items():
            for person in _quota(rng, members, shares[column]):
                impact[person].append(option)
        unaffected = [p for p, chosen in impact.items() if not chosen]
        prefer_not = _quota(rng, unaffected, PREFER_NOT)
        for person, chosen in impact.items():
            if chosen:
                people[person]["impact"] = chosen
            else:
                people[person]["impact"] = [PREFER_NOT_TO_SAY if person in prefer_not else "none"]
        for question, shares in AGREE.items():
            answers = _split_yes_no(
                rng,
                members,
                shares[column],
                ["strongly_agree", "agree"],
                [35, 65],
                ["neither", "disagree", "strongly_disagree"],
            )
            for person, code in answers.items():
                people[person][question] = code
        for question, shares in DISAGREE.items():
            answers = _split_yes_no(
                rng,
                members,
                shares[column],
                ["disagree", "strongly_disagree"],
                [60, 40],
                ["strongly_agree", "agree", "neither"],
            )
            for person, code in answers.items():
                people[person][question] = code
    for person, code in zip(people, codes, strict=True):
        person["role"] = rng.choices(list(ROLE_WEIGHTS), list(ROLE_WEIGHTS.values()))[0]
        person["grade_band"] = rng.choices(list(GRADE_WEIGHTS), list(GRADE_WEIGHTS.values()))[0]
        person["locality"] = rng.choice(["north", "south", "east", "west"])
        if rng.random() < 0.02:
            person[rng.choice(["role", "grade_band", "locality"])] = PREFER_NOT_TO_SAY
        if rng.random() < 0.12:
            texts = FREE_TEXT_OF_CODE.get(code) or FREE_TEXT[GROUP_OF.get(code, "others")]
            person["in_your_own_words"] = rng.choice(texts)
    return people


def _remove(slug: str) -> None:
    survey = Survey.objects.filter(slug=slug).first()
    if survey is None:
        return
    Answer.objects.filter(survey=survey).delete()
    FreeTextAnswer.objects.filter(response__survey=survey).delete()
    Response.objects.filter(survey=survey).delete()
    survey.delete()


def load_responses(survey: Survey, rng: random.Random) -> dict:
    """Stores the synthetic responses in the same shape response_submit stores them."""
    questions = {q.code: q for q in survey.questions.prefetch_related("options")}
    options = {q.code: {o.code: o for o in q.options.all()} for q in questions.values()}
    demographic_field = {
        "ethnic_group": "ethnicity",
        "role": "role",
        "grade_band": "grade_band",
        "locality": "locality",
    }
    days = (CLOSED - OPENED).days
    responses, answers, texts = [], [], []
    for person in synthetic_answers(rng):
        demographics = {
            field: "" if person[code] == PREFER_NOT_TO_SAY else person[code]
            for code, field in demographic_field.items()
        }
        # Most answers arrive in the first fortnight, as with any staff survey.
        submitted = OPENED + dt.timedelta(days=min(days, int(rng.expovariate(1 / 12))))
        response = Response(survey=survey, submitted_on=submitted, **demographics)
        responses.append(response)
        for code, value in person.items():
            question = questions[code]
            if question.is_free_text:
                status = rng.choice([ModerationStatus.APPROVED] * 3 + [ModerationStatus.PENDING])
                texts.append(
                    FreeTextAnswer(
                        response=response,
                        question=question,
                        text=value,
                        moderated_text=value if status == ModerationStatus.APPROVED else "",
                        status=status,
                    )
                )
                continue
            for option_code in value if isinstance(value, list) else [value]:
                answers.append(
                    Answer(
                        response=response,
                        option=options[code][option_code],
                        question=question,
                        survey=survey,
                        **demographics,
                    )
                )
    Response.objects.bulk_create(responses, batch_size=2_000)
    Answer.objects.bulk_create(answers, batch_size=5_000)
    FreeTextAnswer.objects.bulk_create(texts, batch_size=2_000)
    services.answer_tally_rebuild(survey)
    return {"responses": len(responses), "answers": len(answers), "free_text": len(texts)}


def load_demo_data(*, log: Callable[[str], object]) -> dict:
    rng = random.Random(SEED)
    _remove(SLUG_2026)
    _remove(SLUG_2025)
    survey = services.survey_create_from_template(
        title="Experiences of racism at work 2025", slug=SLUG_2025, today=OPENED
    )
    Survey.objects.filter(pk=survey.pk).update(
        opens_on=OPENED,
        closes_on=CLOSED,
        retain_responses_until=dt.date(2027, 8, 11),
        status=SurveyStatus.CLOSED,
    )
    survey.refresh_from_db()
    counts = load_responses(survey, rng)
    FollowUpVolunteer.objects.bulk_create(
        FollowUpVolunteer(
            survey=survey,
            name=f"Demo volunteer {number:03d}",
            contact=f"volunteer{number:03d}@demoshire.example",
            preferred_contact="email",
            volunteered_on=OPENED + dt.timedelta(days=number % 50),
        )
        for number in range(1, VOLUNTEERS + 1)
    )

    today = timezone.localdate()
    wave = services.survey_copy_as_next_wave(
        survey=survey,
        title="Experiences of racism at work 2026",
        slug=SLUG_2026,
        today=dt.date(2026, 6, 17),
    )
    Survey.objects.filter(pk=wave.pk).update(
        opens_on=min(dt.date(2026, 6, 17), today),
        closes_on=max(dt.date(2026, 8, 11), today + dt.timedelta(days=56)),
        retain_responses_until=max(dt.date(2028, 8, 11), today + dt.timedelta(days=800)),
        status=SurveyStatus.OPEN,
    )
    log(
        f"  surveys: {SLUG_2025} (closed, {counts['responses']} responses, "
        f"{counts['free_text']} written answers, {VOLUNTEERS} offers to talk) "
        f"and {SLUG_2026} (open)"
    )
    return {**counts, "volunteers": VOLUNTEERS}


def quoted_figures() -> dict[str, str]:
    """The survey figures the demo plan's updates quote (the 2025 wave's responses and response
    rate, the day the 2026 wave opened), as the results page shows them, after this app's demo
    data is loaded (the load_demo_data command collects them)."""
    from surveys.models import Response, Survey
    from surveys.results import ResponseRate, staff_counted_on, staff_in_post_by_code

    closed = Survey.objects.get(slug=SLUG_2025)
    wave = Survey.objects.get(slug=SLUG_2026)
    responses = Response.objects.filter(survey=closed).count()
    staff = sum(staff_in_post_by_code(staff_counted_on(closed, closed.closes_on)).values())
    return {
        "survey_2025_responses": f"{responses:,}",
        "survey_2025_rate": ResponseRate("", responses, staff).rate_text,
        "survey_2026_opened": f"{wave.opens_on.day} {wave.opens_on:%B %Y}",
    }
