from tests.access_matrix import AUDITORS, DATA_MANAGERS, READERS, Route
from tests.audits.factories import a_recorded_case, a_round


def _template():
    return {"pk": a_round().template_id}


def _with_results():
    a_recorded_case()
    return {}


def _question():
    return {"pk": a_round().template.questions.first().pk}


ROUTES = [
    Route("dashboards:audit_results", READERS),
    Route("dashboards:audit_results", READERS, kwargs=_with_results),
    Route("dashboards:audit_results_csv", READERS, kwargs=_with_results),
    Route("dashboards:audit_results_csv", READERS),
    Route("dashboards:audit_results_xlsx", READERS),
    Route("dashboards:audits", DATA_MANAGERS),
    Route("dashboards:audit_template_new", DATA_MANAGERS),
    Route("dashboards:audit_template", DATA_MANAGERS, kwargs=_template),
    Route("dashboards:audit_template_edit", DATA_MANAGERS, kwargs=_template),
    Route(
        "dashboards:audit_question_new",
        DATA_MANAGERS,
        kwargs=lambda: {"template_pk": a_round().template_id},
    ),
    Route("dashboards:audit_question_edit", DATA_MANAGERS, kwargs=_question),
    Route("dashboards:audit_question_delete", DATA_MANAGERS, kwargs=_question),
    Route("dashboards:audit_round_new", DATA_MANAGERS),
    Route("dashboards:audit_round", DATA_MANAGERS, kwargs=lambda: {"pk": a_round().pk}),
    Route("dashboards:audit_mine", AUDITORS),
    # A case assigned to someone else: only a data manager may record it for them.
    Route(
        "dashboards:audit_record",
        DATA_MANAGERS,
        kwargs=lambda: {"pk": a_round().cases.first().pk},
    ),
    # Recorded by someone else, so any auditor (or data manager) may moderate it.
    Route("dashboards:audit_moderate", AUDITORS, kwargs=lambda: {"pk": a_recorded_case().pk}),
]
