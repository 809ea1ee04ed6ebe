"""A 403 is logged once, as one line, without a traceback."""

import logging


def test_a_forbidden_page_is_logged_once_without_a_traceback(service_manager_client, caplog):
    with caplog.at_level(logging.INFO):
        response = service_manager_client.get("/dashboards/imports/")
    assert response.status_code == 403
    forbidden = [r for r in caplog.records if "Forbidden" in r.getMessage()]
    assert len(forbidden) == 1
    assert forbidden[0].exc_info is None
    assert forbidden[0].getMessage() == "Forbidden (Permission denied): /dashboards/imports/"


def test_the_django_logger_has_no_handler_of_its_own_so_nothing_prints_twice():
    assert logging.getLogger("django").handlers == []
    assert logging.getLogger("django").propagate is True
