"""`manage.py check --deploy` passes with the README's load-balancer settings (issue 11, point
7: it warned W008), and still warns when the redirect is off with nothing in front."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "check-deploy-" + secrets.token_urlsafe(50),
    "ARP_PSEUDONYMISATION_KEY": "check-deploy-key",
    "DJANGO_ALLOWED_HOSTS": "arp.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://arp.example.org",
}


def _check_deploy(**extra) -> subprocess.CompletedProcess:
    # The browser tests' conftest sets this for Playwright; a deployment never would.
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env={**environment, **PRODUCTION, **extra},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"DJANGO_BEHIND_PROXY": "true", "DJANGO_SECURE_SSL_REDIRECT": "false"},
        {"DJANGO_BEHIND_PROXY": "true", "DJANGO_TRUSTED_PROXY_COUNT": "1"},
    ],
)
def test_the_recommended_settings_pass_check_deploy(extra):
    result = _check_deploy(**extra)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "W008" not in result.stdout + result.stderr


def test_switching_the_redirect_off_with_no_proxy_still_warns():
    result = _check_deploy(DJANGO_SECURE_SSL_REDIRECT="false")
    assert result.returncode != 0
    assert "security.W008" in result.stdout + result.stderr
