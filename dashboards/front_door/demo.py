"""Demoshire's front door: three years of contacts and early help, synthetic and deterministic.

The story agrees with the children's dashboard (arp_portal/core/demo.py): the groups referred
more often there (Black Caribbean, Mixed White and Black Caribbean, Gypsy/Roma and Irish
Traveller families) also come to the front door more often, and their contacts have led to a
referral rather than early help more often than White British families' (a decision-point ratio
near 0.6). From October 2025, when the action plan's culturally informed early help offer began,
the gap narrows. Asian families come to the front door least, as they are least often referred.
"""

import datetime as dt
import random

import numpy as np

from arp_portal.core.demo import ETHNIC_PROFILE, population_shares
from arp_portal.core.ethnicity import MAJOR_GROUP_OF
from arp_portal.core.models import ServiceArea, Team
from dashboards.front_door.importers import repeat_flags
from dashboards.front_door.models import (
    CONTACT_SOURCES,
    Contact,
    ContactOutcome,
    EarlyHelpClosure,
    EarlyHelpEpisode,
)
from dashboards.front_door.services import contact_months_rebuild

SEED = 20260331
PREFIX = "DEMO-F"
FIRST_CONTACT = dt.date(2023, 4, 1)
LAST_CONTACT = dt.date(2026, 3, 31)
CONTACTS_A_YEAR = 9_000
OFFER_STARTED = dt.date(2025, 10, 1)
# Groups whose contacts have led to a referral rather than early help more often.
STEERED_TO_REFERRAL = {"BCRB", "MWBC", "BOTH", "BAFR", "WIRT", "WROM"}
SOURCE_WEIGHTS = {"2A": 20, "6": 22, "3A": 6, "3B": 5, "3E": 5, "3F": 4, "1B": 8, "1D": 3,
                  "5A": 6, "5D": 5, "4": 3, "8": 8, "9": 3, "10": 2}  # fmt: skip
OUTCOME_WEIGHTS = {"nfa": 0.30, "advice": 0.25, "early_help": 0.25, "referral": 0.20}


def _weights_for(code: str, date: dt.date) -> dict[str, float]:
    weights = dict(OUTCOME_WEIGHTS)
    if code in STEERED_TO_REFERRAL:
        narrowing = date >= OFFER_STARTED
        weights["early_help"] *= 0.85 if narrowing else 0.7
        weights["referral"] *= 1.1 if narrowing else 1.25
    elif MAJOR_GROUP_OF.get(code) == "Asian":
        weights["early_help"] *= 0.9
    return weights


def _contacts(rng: random.Random) -> list[Contact]:
    cells = list(population_shares().items())
    codes = [code for (_, code), _ in cells]
    weights = [share * (0.5 + ETHNIC_PROFILE[code][1]) / 1.5 for (_, code), share in cells]
    sources = list(SOURCE_WEIGHTS)
    source_weights = list(SOURCE_WEIGHTS.values())
    days = (LAST_CONTACT - FIRST_CONTACT).days
    rows: list = []
    known: list = []
    for number in range(CONTACTS_A_YEAR * 3):
        if known and rng.random() < 0.18:
            reference, code = rng.choice(known)  # a family coming back
        else:
            code = rng.choices(codes, weights)[0]
            if rng.random() < 0.04:
                code = rng.choice(["REFU", "NOBT"])
            reference = f"{PREFIX}{number:06d}"
            known.append((reference, code))
        date = FIRST_CONTACT + dt.timedelta(days=rng.randrange(days + 1))
        weights_now = _weights_for(code, date)
        outcome = rng.choices(list(weights_now), list(weights_now.values()))[0]
        rows.append(
            Contact(
                child_ref=reference,
                contact_date=date,
                source=rng.choices(sources, source_weights)[0],
                outcome=outcome,
                ethnicity=code,
            )
        )
    flags = repeat_flags(
        np.array([row.child_ref for row in rows]),
        np.array([row.contact_date for row in rows], dtype="datetime64[D]"),
    )
    for row, flag in zip(rows, flags, strict=True):
        row.repeat_within_12_months = bool(flag)
    return rows


def _early_help(rng: random.Random, contacts: list[Contact]) -> list[EarlyHelpEpisode]:
    teams = list(Team.objects.filter(service_area=ServiceArea.EARLY_HELP).order_by("name"))
    episodes, seen = [], set()
    for contact in contacts:
        if contact.outcome != ContactOutcome.EARLY_HELP:
            continue
        start = contact.contact_date + dt.timedelta(days=rng.randrange(3, 21))
        if (contact.child_ref, start) in seen or start > LAST_CONTACT:
            continue
        seen.add((contact.child_ref, start))
        end = start + dt.timedelta(days=int(rng.triangular(30, 300, 120)))
        step_up = 0.22 if contact.ethnicity in STEERED_TO_REFERRAL else 0.12
        # An episode that would end after the last contact is still open.
        end_date = None if end > LAST_CONTACT else end
        if end_date is None:
            closure = ""
        else:
            closure = rng.choices(
                [EarlyHelpClosure.STEPPED_UP, EarlyHelpClosure.NEEDS_MET,
                 EarlyHelpClosure.STEPPED_DOWN, EarlyHelpClosure.DECLINED,
                 EarlyHelpClosure.MOVED_AWAY],
                [step_up, 0.55, 0.15, 0.1, 0.05],
            )[0]  # fmt: skip
        episodes.append(
            EarlyHelpEpisode(
                child_ref=contact.child_ref,
                start_date=start,
                end_date=end_date,
                team=rng.choice(teams) if teams else None,
                closure_reason=closure,
                ethnicity=contact.ethnicity,
            )
        )
    return episodes


def load_demo_data(*, log) -> dict:
    rng = random.Random(SEED)
    Contact.objects.filter(child_ref__startswith=PREFIX).delete()
    EarlyHelpEpisode.objects.filter(child_ref__startswith=PREFIX).delete()
    contacts = _contacts(rng)
    Contact.objects.bulk_create(contacts, batch_size=5_000)
    contact_months_rebuild(FIRST_CONTACT, LAST_CONTACT)
    episodes = _early_help(rng, contacts)
    EarlyHelpEpisode.objects.bulk_create(episodes, batch_size=5_000)
    log(f"  front door: {len(contacts)} contacts, {len(episodes)} early help episodes "
        f"({len(CONTACT_SOURCES)} source codes)")  # fmt: skip
    return {"contacts": len(contacts), "early_help_episodes": len(episodes)}
