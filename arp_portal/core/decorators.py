"""Server-side access checks: sign-in first, then the role's permission.

Django's permission_required sends a signed-in person without the permission back to the sign-in
page, which reads as a bug; here they get a 403 page that says why.
"""

from functools import wraps
from typing import TYPE_CHECKING

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class AuthenticatedRequest(HttpRequest):
    """The request a view behind role_required receives: its user is signed in (for type
    checks; at run time it is Django's own HttpRequest)."""

    user: "User"  # narrower than HttpRequest's: signed in


def role_required(permission: str):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.has_perm(permission):
                raise PermissionDenied(f"Your role does not include “{permission}”.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
