from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from arp_portal.core.roles import (
    AUDITOR,
    DATA_MANAGER,
    ROLE_PERMISSIONS,
    SERVICE_MANAGER,
    STEERING_GROUP,
)

# Who may manage whom (README, "Roles"): a data manager manages the accounts below their own
# role; only a superuser gives the data manager role, or changes a data manager or superuser.
# An auditor, like a service manager, edits nothing of the plan: both rank below the steering group.
_RANK = {None: 0, SERVICE_MANAGER: 1, AUDITOR: 1, STEERING_GROUP: 2, DATA_MANAGER: 3}
_SUPERUSER_RANK = 4


def account_rank(user: AbstractUser) -> int:
    if user.is_superuser:
        return _SUPERUSER_RANK
    return _RANK.get(_role_of(user), 0)


def may_manage(*, actor: AbstractUser, account: AbstractUser) -> bool:
    """Whether `actor` may change `account`: a superuser anyone; anyone else only accounts
    below their own rank, and their own (whose role and access they cannot change)."""
    if actor.is_superuser:
        return True
    if account.pk == actor.pk:
        return True
    return account_rank(account) < account_rank(actor)


def roles_grantable_by(actor: AbstractUser) -> list[str]:
    """The roles `actor` may give: a superuser any; anyone else those below their own."""
    if actor.is_superuser:
        return list(ROLE_PERMISSIONS)
    rank = account_rank(actor)
    return [role for role in ROLE_PERMISSIONS if _RANK[role] < rank]


def _check_role_grant(actor: AbstractUser, role: str | None) -> None:
    if role and role not in roles_grantable_by(actor):
        if role == DATA_MANAGER:
            raise ValidationError("Only a superuser can give someone the data manager role")
        raise ValidationError(f"You cannot give someone the {role.lower()} role")


@transaction.atomic
def user_create(
    *, username: str, email: str, role: str | None, password: str, created_by: AbstractUser
) -> AbstractUser:
    """A new portal account with one role (or none) and an initial password to pass on."""
    _check_role_grant(created_by, role)
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
    if not may_manage(actor=changed_by, account=user):
        raise PermissionDenied("Only a superuser can change this account")
    if user.pk == changed_by.pk and (not is_active or role != _role_of(user)):
        # A data manager locking themselves out would leave no one able to undo it.
        raise ValidationError("You cannot remove your own role or switch off your own account")
    if role != _role_of(user):
        _check_role_grant(changed_by, role)
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
