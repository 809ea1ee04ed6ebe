"""Contacts and early help written straight to the tables, for tests that read them."""

import datetime as dt

from dashboards.front_door.models import Contact, EarlyHelpEpisode
from dashboards.front_door.services import contact_months_rebuild


def add_contacts(code: str, outcome: str, count: int, *, date=dt.date(2025, 6, 2),
                 source="2A", prefix=None, repeat=False) -> None:  # fmt: skip
    prefix = prefix or f"{code}-{outcome}-{date.isoformat()}-"
    Contact.objects.bulk_create(
        Contact(child_ref=f"{prefix}{n}", contact_date=date, source=source, outcome=outcome,
                ethnicity=code, repeat_within_12_months=repeat)
        for n in range(count)
    )  # fmt: skip
    contact_months_rebuild()


def add_early_help(code: str, count: int, *, start=dt.date(2025, 5, 1), end=None,
                   closure="", prefix=None) -> None:  # fmt: skip
    prefix = prefix or f"EH-{code}-{start.isoformat()}-{closure}-"
    EarlyHelpEpisode.objects.bulk_create(
        EarlyHelpEpisode(child_ref=f"{prefix}{n}", start_date=start, end_date=end,
                         closure_reason=closure, ethnicity=code)
        for n in range(count)
    )  # fmt: skip


def some_contacts() -> dict:
    add_contacts("WBRI", "early_help", 40)
    add_contacts("WBRI", "referral", 30)
    add_contacts("BCRB", "early_help", 8)
    add_contacts("BCRB", "referral", 20)
    add_contacts("AIND", "nfa", 3)
    add_early_help("WBRI", 12, end=dt.date(2025, 12, 1), closure="stepped_up")
    return {}
