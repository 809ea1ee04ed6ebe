"""Email each owner the actions they own that are due within N days or overdue: one email each.

Run daily or weekly from cron, for example `python manage.py send_action_reminders --days 14`.
In development the console email backend prints the emails instead of sending them.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from actions.reminders import send_reminders


class Command(BaseCommand):
    help = "Email each action owner their actions due within --days days and those overdue."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=14, help="Remind about actions due within this many days."
        )
        parser.add_argument(
            "--base-url",
            default=getattr(settings, "ARP_BASE_URL", "") or "http://127.0.0.1:8000",
            help="The portal's address, for the links in the email.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say who would be emailed; send nothing."
        )

    def handle(self, *args, days: int, base_url: str, dry_run: bool, **options):
        if days < 0:
            raise CommandError("--days must be 0 or more")
        result = send_reminders(days=days, base_url=base_url.rstrip("/"), dry_run=dry_run)
        verb = "Would send" if dry_run else "Sent"
        for owner, count in result.sent:
            self.stdout.write(f"{verb} a reminder to {owner} about {count} action(s)")
        for owner, count in result.skipped:
            self.stderr.write(
                f"Not sent: {owner} owns {count} action(s) due or overdue but has no email address"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {len(result.sent)} reminder(s) for actions due within {days} days "
                f"or overdue."
            )
        )
