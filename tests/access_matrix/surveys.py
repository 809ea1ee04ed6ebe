from tests.access_matrix import DATA_MANAGERS, PUBLIC, READERS, Route, statuses
from tests.surveys.helpers import make_survey


def _survey(**extra):
    return lambda: {"slug": make_survey(**extra).slug}


def _question():
    survey = make_survey(status="draft")
    return {"slug": survey.slug, "pk": survey.questions.first().pk}


def _free_text():
    from tests.surveys.helpers import submit

    survey = make_survey()
    submit(survey, free_text="A written answer.")
    answer = survey.responses.get().free_text.get()
    return {"slug": survey.slug, "pk": answer.pk}


ROUTES = [
    Route("surveys:index", READERS),
    Route("surveys:new", DATA_MANAGERS),
    Route("surveys:new_from_template", DATA_MANAGERS),
    Route("surveys:detail", DATA_MANAGERS, kwargs=_survey()),
    Route("surveys:edit", DATA_MANAGERS, kwargs=_survey()),
    Route("surveys:status", DATA_MANAGERS, kwargs=lambda: {**_survey()(), "status": "closed"}),
    Route("surveys:next_wave", DATA_MANAGERS, kwargs=_survey()),
    Route("surveys:question_new", DATA_MANAGERS, kwargs=_survey(status="draft")),
    Route("surveys:question_edit", DATA_MANAGERS, kwargs=_question),
    Route("surveys:question_delete", DATA_MANAGERS, kwargs=_question),
    # Moving a question is POST only.
    Route(
        "surveys:question_move",
        statuses(302, 403, 403, 405),
        kwargs=lambda: {**_question(), "direction": "down"},
    ),
    Route("surveys:invitations", DATA_MANAGERS, kwargs=_survey(access="invitation")),
    Route("surveys:moderation", DATA_MANAGERS, kwargs=_survey()),
    Route("surveys:moderation_edit", DATA_MANAGERS, kwargs=_free_text),
    Route("surveys:volunteers", DATA_MANAGERS, kwargs=_survey()),
    Route("surveys:delete_responses", DATA_MANAGERS, kwargs=_survey(status="closed")),
    Route("surveys:results", READERS, kwargs=_survey(status="closed")),
    Route("surveys:results_csv", READERS, kwargs=_survey(status="closed")),
    Route("surveys:written_answers", READERS, kwargs=_survey(status="closed")),
    Route("surveys:results_xlsx", READERS, kwargs=_survey(status="closed")),
    # The intake is public: no sign-in.
    Route("surveys:start", PUBLIC, kwargs=_survey()),
    Route("surveys:page", PUBLIC, kwargs=lambda: {**_survey()(), "number": 1}),
    # With nothing answered yet, check-your-answers still shows (every row "Not answered").
    Route("surveys:check", PUBLIC, kwargs=_survey()),
    Route("surveys:confirmation", PUBLIC, kwargs=_survey()),
    Route("surveys:follow_up", PUBLIC, kwargs=_survey()),
    Route("surveys:follow_up_done", PUBLIC, kwargs=_survey()),
]
