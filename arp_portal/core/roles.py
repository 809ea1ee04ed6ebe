"""The portal's roles: each is an auth group made of the permissions on core.PortalAccess.

Service managers read; the steering group also edits the action plan; data managers do everything,
including imports, surveys, users and practice audits. Auditors record the practice audits they
are given (and moderate colleagues' audits) and see nothing else. Data migrations create the
groups from ROLE_PERMISSIONS.
"""

from django.contrib.auth.models import AbstractUser, AnonymousUser

SERVICE_MANAGER = "Service manager"
STEERING_GROUP = "Steering group"
DATA_MANAGER = "Data manager"
AUDITOR = "Auditor"

_READ = ["view_dashboards", "view_survey_results", "view_action_plan"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    SERVICE_MANAGER: _READ,
    STEERING_GROUP: [*_READ, "edit_action_plan"],
    DATA_MANAGER: [
        *_READ,
        "edit_action_plan",
        "manage_surveys",
        "import_data",
        "manage_users",
        "manage_audits",
        "conduct_audits",
    ],
    AUDITOR: ["conduct_audits"],
}

ROLE_DESCRIPTIONS = {
    SERVICE_MANAGER: "Reads the dashboards, survey results and the action plan.",
    STEERING_GROUP: "Everything a service manager does, and edits the action plan.",
    DATA_MANAGER: "Everything the steering group does, and imports data, runs surveys and "
    "practice audits, and manages users.",
    AUDITOR: "Records the practice audits assigned to them and moderates colleagues' audits.",
}


def roles_of(user: AbstractUser | AnonymousUser) -> list[str]:
    if not user.is_authenticated:
        return []
    return sorted(user.groups.values_list("name", flat=True))
