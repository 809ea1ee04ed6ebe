import pytest
from django.core.exceptions import ImproperlyConfigured

from arp_portal.env import env_bool, env_int, env_list, parse_database_url


def test_it_reads_a_database_url_into_django_settings():
    db = parse_database_url("postgres://arp:s%40cret@db.internal:6543/arp_portal?sslmode=require")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"]) == ("arp_portal", "arp", "s@cret")
    assert (db["HOST"], db["PORT"]) == ("db.internal", "6543")
    assert db["OPTIONS"] == {"sslmode": "require"}


def test_it_reads_a_socket_directory_from_the_host_parameter():
    db = parse_database_url("postgresql://postgres:@/arp_portal?host=/tmp/pg")
    assert db["HOST"] == "/tmp/pg"
    assert db["OPTIONS"] == {}


@pytest.mark.parametrize(
    "url", ["sqlite:///db.sqlite3", "mysql://root@localhost/arp", "postgres://localhost/"]
)
def test_it_refuses_anything_but_a_named_postgres_database(url):
    with pytest.raises(ImproperlyConfigured):
        parse_database_url(url)


def test_it_rejects_a_boolean_it_cannot_read(monkeypatch):
    monkeypatch.setenv("DJANGO_DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DJANGO_DEBUG"):
        env_bool("DJANGO_DEBUG")


def test_it_reads_booleans_numbers_and_lists(monkeypatch):
    monkeypatch.setenv("A_FLAG", "Yes")
    monkeypatch.setenv("A_NUMBER", "42")
    monkeypatch.setenv("A_LIST", "arp.example.org, www.arp.example.org,")
    assert env_bool("A_FLAG") is True
    assert env_int("A_NUMBER", 1) == 42
    assert env_list("A_LIST") == ["arp.example.org", "www.arp.example.org"]
    monkeypatch.setenv("A_NUMBER", "forty")
    with pytest.raises(ImproperlyConfigured, match="A_NUMBER"):
        env_int("A_NUMBER", 1)


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
    env["DJANGO_DEBUG"] = "false"
    env["DATABASE_URL"] = "postgres://127.0.0.1/unused"
    result = subprocess.run(
        [sys.executable, "-c", "import django; from django.conf import settings; settings.DEBUG"],
        env={**env, "DJANGO_SETTINGS_MODULE": "arp_portal.settings"},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr
