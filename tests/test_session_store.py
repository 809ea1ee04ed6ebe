"""The portal's session store (arp_portal.core.session_store): Django's table and meaning, one
round trip per operation."""

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from arp_portal.core.session_store import SessionStore

pytestmark = pytest.mark.django_db


def test_the_portal_uses_it():
    assert settings.SESSION_ENGINE == "arp_portal.core.session_store"


def test_create_save_load_and_delete_each_take_one_query():
    store = SessionStore()
    store["answers"] = {"1": "yes"}
    with CaptureQueriesContext(connection) as created:
        store.save()
    assert len(created) == 1 and created[0]["sql"].startswith("INSERT")
    key = store.session_key
    assert len(key) == 32

    again = SessionStore(session_key=key)
    with CaptureQueriesContext(connection) as loaded:
        assert again["answers"] == {"1": "yes"}
    assert len(loaded) == 1

    again["answers"] = {"1": "no"}
    with CaptureQueriesContext(connection) as saved:
        again.save()
    assert len(saved) == 1 and saved[0]["sql"].startswith("UPDATE")
    assert Session.objects.get(session_key=key).get_decoded() == {"answers": {"1": "no"}}

    with CaptureQueriesContext(connection) as deleted:
        again.delete()
    assert len(deleted) == 1
    assert not Session.objects.filter(session_key=key).exists()


def test_an_expired_session_loads_empty_and_gets_a_new_key():
    store = SessionStore()
    store["x"] = 1
    store.save()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    stale = SessionStore(session_key=store.session_key)
    assert stale.load() == {}
    assert stale.session_key is None


def test_saving_a_session_deleted_meanwhile_does_not_bring_it_back():
    """Signed out in another tab: Django raises UpdateError (the middleware then answers with
    SessionInterrupted) rather than recreating the session."""
    store = SessionStore()
    store["x"] = 1
    store.save()
    other = SessionStore(session_key=store.session_key)
    other.delete()
    store["x"] = 2
    with pytest.raises(UpdateError):
        store.save()
    assert not Session.objects.filter(session_key=store.session_key).exists()


def test_a_taken_key_is_never_overwritten(monkeypatch):
    first = SessionStore()
    first["owner"] = "first"
    first.save()
    keys = iter([first.session_key, "b" * 32])
    monkeypatch.setattr("arp_portal.core.session_store.get_random_string", lambda *args: next(keys))
    second = SessionStore()
    second["owner"] = "second"
    second.save()
    assert second.session_key == "b" * 32
    assert SessionStore(session_key=first.session_key)["owner"] == "first"


def test_sign_in_and_sign_out_work_through_it(client, service_manager):
    client.force_login(service_manager)
    key = client.session.session_key
    assert Session.objects.filter(session_key=key).exists()
    assert client.get("/").status_code == 200
    client.post(reverse("accounts:logout"))
    assert not Session.objects.filter(session_key=key).exists()
