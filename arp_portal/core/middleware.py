from django.conf import settings
from django.utils.cache import add_never_cache_headers


class SecurityHeadersMiddleware:
    """Headers Django has no setting for; for signed-in people, no caching of any page they see
    and an idle timeout that restarts with each request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # Slide the idle timeout for signed-in people only (see SESSION_COOKIE_AGE).
            request.session.modified = True
            # A shared council PC must not show a signed-in page from its cache after log-out.
            add_never_cache_headers(response)
            response.headers["Cache-Control"] = "no-store"
        return response
