"""Abuse control without tracking people: a count per client address, held only in the cache.

The address is never stored in the database or logged. Even in the cache it is only a keyed hash
inside a key that expires with its window. Behind a council's proxy many staff share one
address, so the limits are generous (settings ARP_SURVEY_SUBMISSIONS_PER_HOUR and
ARP_SURVEY_CODE_ATTEMPTS_PER_HOUR).
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

from arp_portal.core.client_address import client_address

WINDOW_SECONDS = 60 * 60


def _key(scope: str, request) -> str:
    # Behind the load balancer, the client's own address (DJANGO_TRUSTED_PROXY_COUNT).
    address = client_address(request)
    digest = salted_hmac("arp.surveys.ratelimit", address).hexdigest()[:32]
    window = int(time.time() // WINDOW_SECONDS)
    return f"survey-rate:{scope}:{digest}:{window}"


def within_limit(request, *, scope: str, limit: int) -> bool:
    """Counts this request and says whether the address is still within `limit` an hour."""
    if limit <= 0:
        return True
    key = _key(scope, request)
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        count = 1
    return count <= limit


def submissions_within_limit(request) -> bool:
    return within_limit(request, scope="submit", limit=settings.SURVEY_SUBMISSIONS_PER_HOUR)


def code_attempts_within_limit(request) -> bool:
    return within_limit(request, scope="code", limit=settings.SURVEY_CODE_ATTEMPTS_PER_HOUR)
