"""The people the suite plays: an anonymous visitor and one user per role."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from arp_portal.core import roles

PASSWORD = "correct-horse-battery-staple"

PERSONA_ROLES = {
    "service_manager": roles.SERVICE_MANAGER,
    "steering_member": roles.STEERING_GROUP,
    "data_manager": roles.DATA_MANAGER,
    "auditor": roles.AUDITOR,
}


def make_user(username: str, role: str | None = None, **extra):
    user = get_user_model().objects.create_user(
        username=username, email=f"{username}@example.org", password=PASSWORD, **extra
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


def make_persona(persona: str):
    """The user for a persona name ("anonymous" gives None)."""
    if persona == "anonymous":
        return None
    return make_user(persona.replace("_", "."), PERSONA_ROLES[persona])
