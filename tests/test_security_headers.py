def test_every_page_sends_the_security_headers(client, db):
    response = client.get("/privacy/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    csp = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp


def test_the_only_inline_script_carries_the_pages_nonce(client, db):
    response = client.get("/privacy/")
    nonce = response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    html = response.content.decode()
    assert html.count("<script nonce=") == html.count(f'<script nonce="{nonce}"') == 1


def test_signed_in_pages_are_never_cached(service_manager_client):
    response = service_manager_client.get("/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_public_pages_for_anonymous_visitors_may_be_cached(client, db):
    assert "no-store" not in client.get("/privacy/").get("Cache-Control", "")


def test_a_bad_host_gets_a_400_with_the_security_headers(client, db):
    response = client.get("/privacy/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response["Permissions-Policy"]
    csp = response["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp


def test_a_form_sent_without_its_csrf_token_gets_a_gov_uk_page(db):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/accounts/sign-in/", {"username": "x"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "Your form could not be sent" in page
    assert "govuk-header" in page and "Privacy" in page
    assert "CSRF verification failed" not in page
    # Still the full policy of a portal page.
    assert "script-src 'self' 'nonce-" in response["Content-Security-Policy"]


def test_the_survey_s_csrf_page_points_back_to_the_survey(db):
    from django.test import Client

    from tests.surveys.helpers import make_survey

    survey = make_survey()
    response = Client(enforce_csrf_checks=True).post(f"/surveys/{survey.slug}/check-your-answers/")
    assert response.status_code == 403
    assert f'href="/surveys/{survey.slug}/"' in response.content.decode()
