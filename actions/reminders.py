"""Reminder emails to action owners: what is overdue and what falls due soon, one email each."""

import dataclasses
from itertools import groupby

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from actions import selectors
from arp_portal.core.people import display_name


@dataclasses.dataclass
class ReminderResult:
    sent: list[tuple[str, int]]  # (owner's username, actions in the email)
    skipped: list[tuple[str, int]]  # owners with no email address


def send_reminders(*, days: int, base_url: str, dry_run: bool = False) -> ReminderResult:
    today = timezone.localdate()
    actions = selectors.reminder_actions(days, today)
    result = ReminderResult(sent=[], skipped=[])
    messages = []
    for _owner_id, group in groupby(actions, key=lambda action: action.owner_id):
        owned = list(group)
        owner = owned[0].owner
        if not owner.email:
            result.skipped.append((owner.get_username(), len(owned)))
            continue
        overdue = [action for action in owned if action.due_date < today]
        due_soon = [action for action in owned if action.due_date >= today]
        context = {
            "owner": owner,
            "name": display_name(owner),
            "overdue": overdue,
            "due_soon": due_soon,
            "days": days,
            "today": today,
            "base_url": base_url,
            "organisation_name": settings.ORGANISATION_NAME,
            "my_actions_url": base_url + reverse("actions:my_actions"),
        }
        for action in owned:
            action.url = base_url + reverse("actions:update_create", args=[action.pk])
        subject = "Your ARP actions: " + ", ".join(
            part
            for part in (
                f"{len(overdue)} overdue" if overdue else "",
                f"{len(due_soon)} due in the next {days} days" if due_soon else "",
            )
            if part
        )
        body = render_to_string("actions/email/reminder.txt", context)
        messages.append(EmailMessage(subject=subject, body=body, to=[owner.email]))
        result.sent.append((owner.get_username(), len(owned)))
    if messages and not dry_run:
        get_connection().send_messages(messages)
    return result
