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
