"""The access matrix: every URL the project defines, and the status each persona must get.

Each app has a module here exporting ROUTES. test_access_matrix.py walks the URL resolver and
fails when a URL is missing from the matrix, so a new page cannot ship without saying who may
see it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

PERSONAS = ("anonymous", "service_manager", "steering_member", "data_manager")


def statuses(anonymous: int, service_manager: int, steering_member: int, data_manager: int):
    return dict(
        zip(PERSONAS, (anonymous, service_manager, steering_member, data_manager), strict=True)
    )


PUBLIC = statuses(200, 200, 200, 200)
SIGNED_IN = statuses(302, 200, 200, 200)
READERS = SIGNED_IN  # service managers and up
EDITORS = statuses(302, 403, 200, 200)  # steering group and data managers
DATA_MANAGERS = statuses(302, 403, 403, 200)


@dataclass
class Route:
    name: str  # namespaced URL name, e.g. "core:home"
    expected: dict[str, int]
    # Builds whatever the URL needs in the database and returns its kwargs.
    kwargs: Callable[[], dict] = field(default=lambda: {})
    query: str = ""
