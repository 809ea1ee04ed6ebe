"""The client's network address behind the council's load balancer or proxies.

With DJANGO_TRUSTED_PROXY_COUNT = 0 (the default: nothing in front of the app server) the
address is the connection's own (REMOTE_ADDR) and X-Forwarded-For is ignored, since anyone can
send it. With N trusted proxies in front, the last of them connects to us and each appends the
address it saw to X-Forwarded-For, so the client is the header's entry N-1 from the right
(django-ipware, strict: a header with more or fewer entries than N proxies make, as when a
client sends its own X-Forwarded-For, is not believed, and the address falls back to the
connection's, which every such client then shares).

Used by the survey's rate limit (held in the cache only) and by django-axes' sign-in lock-out
(AXES_CLIENT_IP_CALLABLE). Never logged, never stored with a survey response.
"""

from django.conf import settings
from ipware import get_client_ip


def client_address(request) -> str:
    connection_address = request.META.get("REMOTE_ADDR", "") or ""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return connection_address
    address, _ = get_client_ip(
        request,
        proxy_order="left-most",
        # ipware counts the proxies listed in the header: all but the last, which connects.
        proxy_count=proxies - 1,
        request_header_order=["HTTP_X_FORWARDED_FOR"],
        strict=True,
    )
    return address or connection_address
