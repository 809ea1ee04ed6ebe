"""python manage.py clear_expired_imports: remove uploads held for confirmation past their
expiry, with their files (each upload also does this; run it from cron where uploads are rare)."""

from django.core.management.base import BaseCommand

from dashboards.import_services import pending_imports_expire


class Command(BaseCommand):
    help = "Remove uploads waiting for confirmation that have expired, with their staged files."

    def handle(self, *args, **options):
        cleared = pending_imports_expire()
        self.stdout.write(f"{cleared} expired upload(s) cleared.")
