"""The access matrix: every URL the project defines, and the status each persona must get.

Each app has a module here exporting ROUTES. test_access_matrix.py walks the URL resolver and
fails when a URL is missing from the matrix, so a new page cannot ship without saying who may
see it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

PERSONAS = ("anonymous", "service_manager", "steering_member", "data_manager", "auditor")


def statuses(
    anonymous: int,
    service_manager: int,
    steering_member: int,
    data_manager: int,
    auditor: int | None = None,
):
    """The status each persona gets. An auditor holds only the audit permission, so unless
    said otherwise a page that needs signing in (anonymous 302) is refused them (403), and any
    other page answers them as it answers a data manager (public pages, sign-in, POST-only)."""
    if auditor is None:
        auditor = 403 if anonymous == 302 else data_manager
    return dict(
        zip(
            PERSONAS,
            (anonymous, service_manager, steering_member, data_manager, auditor),
            strict=True,
        )
    )


PUBLIC = statuses(200, 200, 200, 200)
SIGNED_IN = statuses(302, 200, 200, 200, auditor=200)  # anyone signed in, whatever their role
READERS = statuses(302, 200, 200, 200)  # service managers and up
EDITORS = statuses(302, 403, 200, 200)  # steering group and data managers
DATA_MANAGERS = statuses(302, 403, 403, 200)
AUDITORS = statuses(302, 403, 403, 200, auditor=200)  # auditors and data managers


@dataclass
class Route:
    name: str  # namespaced URL name, e.g. "core:home"
    expected: dict[str, int]
    # Builds whatever the URL needs in the database and returns its kwargs.
    kwargs: Callable[[], dict] = field(default=lambda: {})
    query: str = ""
