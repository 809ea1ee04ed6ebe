"""Copies kept per process for a few seconds (arp_portal.core.local_cache), and the places that
must clear them."""

import pytest

from arp_portal.core import local_cache
from arp_portal.core.context_processors import synthetic_data_loaded
from arp_portal.core.models import DEMO_IMPORT_KIND, ImportRun


def test_a_value_is_kept_for_its_lifetime_then_computed_again(monkeypatch):
    now = [100.0]
    monkeypatch.setattr(local_cache.time, "monotonic", lambda: now[0])
    cache = local_cache.TimedCache(seconds=5)
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert cache.get("k", compute) == 1
    now[0] += 4.9
    assert cache.get("k", compute) == 1
    now[0] += 0.2
    assert cache.get("k", compute) == 2
    cache.clear()
    assert cache.get("k", compute) == 3


def test_an_exception_is_not_kept():
    cache = local_cache.TimedCache(seconds=5)

    def missing():
        raise LookupError

    with pytest.raises(LookupError):
        cache.get("k", missing)
    assert cache.get("k", lambda: "found") == "found"


def test_it_never_grows_past_its_limit():
    cache = local_cache.TimedCache(seconds=60, max_entries=3)
    for key in range(10):
        cache.get(key, lambda key=key: key)
    assert len(cache._values) <= 3


@pytest.mark.django_db
def test_the_synthetic_data_banner_follows_demo_imports_at_once():
    assert synthetic_data_loaded() is False
    run = ImportRun.objects.create(
        kind=DEMO_IMPORT_KIND, file_name="demo", status=ImportRun.Status.SUCCEEDED
    )
    assert synthetic_data_loaded() is True
    run.delete()
    assert synthetic_data_loaded() is False
