from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "arp_portal.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self):
        from arp_portal.accounts.housekeeping import sign_in_records_delete_old
        from arp_portal.core import housekeeping

        housekeeping.register("sign-in records older than 30 days", sign_in_records_delete_old)
