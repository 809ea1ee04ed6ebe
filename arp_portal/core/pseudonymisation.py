"""The keyed hash that replaces an HR staff id or a social worker's registration number.

HMAC-SHA256 under settings.PSEUDONYMISATION_KEY: the same identifier always gives the same
reference (so a re-import updates the same row), and without the key nobody can go from a
reference back to the identifier by hashing guesses (which a plain SHA-256 of a short, structured
id would allow). The hex digest is 64 characters, the width of StaffMember.staff_ref.
"""

import hashlib
import hmac

from django.conf import settings


def pseudonymise(identifier: str, *, key: str | None = None) -> str:
    """The 64-character reference for an identifier; surrounding spaces are not part of an id."""
    identifier = identifier.strip()
    if not identifier:
        raise ValueError("an empty identifier cannot be pseudonymised")
    secret = (key if key is not None else settings.PSEUDONYMISATION_KEY).encode()
    return hmac.new(secret, identifier.encode(), hashlib.sha256).hexdigest()
