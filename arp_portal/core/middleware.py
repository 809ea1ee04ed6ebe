from django.conf import settings
from django.utils.cache import add_never_cache_headers

# For responses no later middleware reached (a 400 for a bad Host header is made before the
# CSP middleware runs): nothing may frame, script or load from elsewhere.
FALLBACK_CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'self'"
)


class BaselineHeadersMiddleware:
    """First in MIDDLEWARE, so that every response, even one made when a later middleware
    refused the request, carries the headers that stop framing, content sniffing and scripts."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", settings.SECURE_REFERRER_POLICY)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response.headers.setdefault("Content-Security-Policy", FALLBACK_CONTENT_SECURITY_POLICY)
        return response


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
