"""What would stop a respondent answering a survey: the warnings on the survey's manage page.

Each intake page is rendered here exactly as a respondent would get it, so a page that could not
be shown (a fault in a form library, say) is found by the data manager, not by the respondents;
and each question is checked for answers a person could actually give.
"""

import logging

from crispy_forms.utils import render_crispy_form

from surveys.forms import QuestionPageForm
from surveys.models import PREFER_NOT_TO_SAY, Question
from surveys.selectors import intake_pages

logger = logging.getLogger(__name__)


def survey_problems_for_respondents(questions: list[Question]) -> list[str]:
    """Plain sentences, one per problem, for the survey's manage page; empty when every
    question can be answered."""
    problems = []
    if not any(not q.is_free_text for q in questions):
        problems.append(
            "The survey has no question people can choose an answer to: add one before opening it."
        )
    for question in questions:
        where = (
            f"Question {question.position} (“{question.text}”)"
            if question.text
            else (f"Question {question.position}")
        )
        if not question.text.strip():
            problems.append(f"{where} has no text: respondents would not know what it asks.")
        if question.is_free_text:
            continue
        options = list(question.options.all())
        answers = [o for o in options if o.code != PREFER_NOT_TO_SAY]
        if not answers:
            problems.append(f"{where} has no answers to choose, only “Prefer not to say”.")
        if any(not o.label.strip() for o in options):
            problems.append(f"{where} has an answer with no words: respondents could not read it.")
        labels = [o.label.strip().lower() for o in options]
        if len(set(labels)) != len(labels):
            problems.append(f"{where} offers the same answer twice.")
    for page in intake_pages(questions):
        try:
            form = QuestionPageForm(questions=page.questions)
            render_crispy_form(form, helper=form.helper)
        except Exception:
            # The page would fail for every respondent: say so here, where it can be fixed.
            logger.exception("Survey page %s cannot be shown", page.number)
            problems.append(
                f"Page {page.number} of the survey cannot be shown to respondents. Change or "
                "remove its questions, or ask the portal's support team."
            )
    return problems
