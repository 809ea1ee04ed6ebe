from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from arp_portal.accounts.roles import ROLE_PERMISSIONS


@transaction.atomic
def user_create(*, username: str, email: str, role: str | None, password: str) -> AbstractUser:
    """A new portal account with one role (or none) and an initial password to pass on."""
    user = get_user_model()(username=username.strip(), email=email.strip())
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    _set_role(user, role)
    return user


@transaction.atomic
def user_update(
    *, user: AbstractUser, changed_by: AbstractUser, email: str, role: str | None, is_active: bool
) -> AbstractUser:
    if user.pk == changed_by.pk and (not is_active or role != _role_of(user)):
        # A data manager locking themselves out would leave no one able to undo it.
        raise ValidationError("You cannot remove your own role or switch off your own account")
    user.email = email.strip()
    user.is_active = is_active
    user.full_clean()
    user.save(update_fields=["email", "is_active"])
    _set_role(user, role)
    return user


def _role_of(user: AbstractUser) -> str | None:
    return user.groups.filter(name__in=ROLE_PERMISSIONS).values_list("name", flat=True).first()


def _set_role(user: AbstractUser, role: str | None) -> None:
    other_groups = user.groups.exclude(name__in=ROLE_PERMISSIONS)
    groups = list(other_groups)
    if role:
        groups.append(Group.objects.get(name=role))
    user.groups.set(groups)
