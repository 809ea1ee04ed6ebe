"""Survey results as linked measures for the action plan (arp_portal/core/measures.py).

    survey:<slug|latest>:<question code>:<group>[:<option>]

group is all, black_asian, white, black, asian, mixed or other; option is an answer code or a
total ("agree_total", "disagree_total", "at_least_once"), by default the total the national
report quotes (agree for agreement questions, at least once for frequency questions). "latest"
is the most recently closed survey that asked the question. The trend runs over the closed waves
that asked it. Figures come from the results page's own computation, so a group under the
survey's threshold reads "c" here too.
"""

from django.urls import reverse

from arp_portal.core.measures import MeasureKey, MeasureReading, TrendPoint
from surveys import results as survey_results
from surveys.models import QuestionKind, Survey, SurveyStatus

GROUPS = {
    "all": survey_results.ALL,
    "black_asian": survey_results.BLACK_OR_ASIAN,
    **{name: f"major:{name.capitalize()}" for name in ("white", "black", "asian", "mixed")},
    "other": "major:Other",
}
DEFAULT_OPTION: dict[str, str] = {
    QuestionKind.AGREEMENT: "agree_total",
    QuestionKind.FREQUENCY: "at_least_once",
}


def _percent(survey: Survey, question_code: str, group_key: str, option_code: str | None):
    question = survey.questions.filter(code=question_code).first()
    if question is None:
        return None
    option_code = option_code or DEFAULT_OPTION.get(question.kind)
    computed = survey_results.compute_cached(survey)
    result = next((q for q in computed.questions if q.question.pk == question.pk), None)
    if result is None:
        return None
    codes = [option.code for option in result.options]
    if option_code not in codes:
        return None
    row = next((row for row in result.rows if row.group.key == group_key), None)
    if row is None:
        return None
    cell = row.cells[codes.index(option_code)]
    option_label = result.options[codes.index(option_code)].label
    return question, option_label, row.group.label, cell


def survey_measure(key: MeasureKey) -> MeasureReading | None:
    parts = key.parts
    if len(parts) not in (3, 4) or parts[2] not in GROUPS:
        return None
    slug, question_code, group_name = parts[:3]
    option_code = parts[3] if len(parts) == 4 else None
    waves = list(
        Survey.objects.filter(status=SurveyStatus.CLOSED, questions__code=question_code)
        .distinct()
        .order_by("closes_on")
    )
    if slug != "latest":
        chosen = Survey.objects.filter(slug=slug).first()
        if chosen is None:
            return None
        waves = [wave for wave in waves if wave.closes_on <= chosen.closes_on] or [chosen]
    if not waves:
        return None
    readings = [(wave, _percent(wave, question_code, GROUPS[group_name], option_code))
                for wave in waves]  # fmt: skip
    readings = [(wave, found) for wave, found in readings if found is not None]
    if not readings:
        return None
    trend = tuple(
        TrendPoint(str(wave.closes_on.year), round(cell.percent, 1))
        for wave, (_, _, _, cell) in readings
        if not cell.suppressed and cell.percent is not None
    )
    wave, (question, option_label, group_label, cell) = readings[-1]
    hidden = cell.suppressed or cell.percent is None
    note = ""
    if not hidden and cell.ci_low is not None:
        note = f"95% confidence interval {cell.ci_low:.1f}% to {cell.ci_high:.1f}%"
    worse_when_higher = question.kind == QuestionKind.FREQUENCY or (option_code or "").startswith(
        "disagree"
    )
    return MeasureReading(
        label=f"“{question.text}” {option_label.lower()}: {group_label} ({wave.title})",
        value=None if hidden else round(cell.percent, 1),
        display_value="c" if hidden else f"{cell.percent:.1f}%",
        as_of=str(wave.closes_on.year),
        trend=trend,
        better="down" if worse_when_higher else "up",
        url=reverse("surveys:results", kwargs={"slug": wave.slug}),
        note=note,
    )
