"""The SSDA903 episode cleaning: what the field does to returns stacked across years before
counting anyone (liia-tools' "episodes fix", MIT, Social Finance; docs/domain.md).

Each year's return restates the episodes of the children still in care, and a return leaves
open the episode a child was in on its 31 March. Stacked, an episode left open in an old return
would keep the child in care for ever unless a later return says otherwise, so:

- RESTATED: the same episode (child and start) in several returns: the latest return's copy
  stands, the others are removed (liia-tools deduplicates on CHILD and DECOM, latest YEAR).
- For an episode left open in a return that is not the latest held (for its LA):
  - RULE_3: it duplicates the next or previous episode (same RNE, LS, PLACE, PLACE_PROVIDER,
    PL_POST and URN): removed;
  - RULE_3A: the previous episode came from a later return (this one was replaced): removed;
  - RULE_2: no later episode: the child left care; it ends on its return's 31 March;
  - RULE_1A: the next episode has RNE S (a new period of care): the child left and came back;
    it ends the day before the next start, or on its return's 31 March if that is earlier;
  - RULE_1: otherwise the child stayed in care and the episode changed: it ends when the next
    starts.
- RULE_4 (after those): an episode from an earlier return that overlaps the next episode, which
  a later return gave, ends when the next starts.

Pure: no Django, so the rules are tested on their own. Nothing is thrown away: each row comes
back with what the cleaning made of it (its end, its rule, whether it was removed).
"""

import datetime as dt
from dataclasses import dataclass, field
from itertools import groupby

RESTATED = "RESTATED"
RULE_1 = "RULE_1"
RULE_1A = "RULE_1A"
RULE_2 = "RULE_2"
RULE_3 = "RULE_3"
RULE_3A = "RULE_3A"
RULE_4 = "RULE_4"
REMOVING_RULES = frozenset({RESTATED, RULE_3, RULE_3A})
RULE_DESCRIPTIONS = {
    RESTATED: "the same episode is in a later return, whose copy stands: removed",
    RULE_1: "left open, and followed by a later episode: ends when the next starts",
    RULE_1A: "left open, and the child came back into care later (next RNE S): ends the day "
    "before the next start, or on the return's 31 March if earlier",
    RULE_2: "left open in a return that a later one follows, with no later episode: the child "
    "left care; ends on the return's 31 March",
    RULE_3: "left open, and a duplicate of the next or previous episode: removed",
    RULE_3A: "left open, and replaced by an episode of a later return: removed",
    RULE_4: "overlaps the next episode, which a later return gave: ends when the next starts",
}


@dataclass
class CareEpisode:
    """One Episodes row as filed, and (after clean_episodes) what the cleaning made of it."""

    key: object  # the caller's handle on the row (its id)
    year: int
    child: str
    decom: dt.date
    dec: dt.date | None
    rne: str = ""
    ls: str = ""
    place: str = ""
    place_provider: str = ""
    pl_post: str = ""
    urn: str = ""
    la: str = ""
    cleaned_dec: dt.date | None = None
    rules: list[str] = field(default_factory=list)

    @property
    def removed(self) -> bool:
        return any(rule in REMOVING_RULES for rule in self.rules)

    @property
    def rule(self) -> str:
        return ", ".join(self.rules)

    def _same_details(self, other: "CareEpisode") -> bool:
        return (self.rne, self.ls, self.place, self.place_provider, self.pl_post, self.urn) == (
            other.rne,
            other.ls,
            other.place,
            other.place_provider,
            other.pl_post,
            other.urn,
        )


def _year_end(year: int) -> dt.date:
    return dt.date(year, 3, 31)


def clean_episodes(episodes: list[CareEpisode]) -> list[CareEpisode]:
    """Apply the rules to every return's episodes at once; returns them, each with
    cleaned_dec (its end after cleaning) and rules (empty if as filed)."""
    for episode in episodes:
        episode.cleaned_dec = episode.dec
        episode.rules = []
    # liia-tools takes the latest year per LA; the portal holds one authority's returns, so the
    # LA column is kept for the record and the latest year is the latest held.
    latest = max((episode.year for episode in episodes), default=0)

    # The same episode restated in several returns: the latest return's copy stands.
    by_start = sorted(episodes, key=lambda e: (e.child, e.decom, -e.year))
    for _key, copies in groupby(by_start, key=lambda e: (e.child, e.decom)):
        for older in list(copies)[1:]:
            older.rules.append(RESTATED)

    kept = sorted((e for e in episodes if not e.removed), key=lambda e: (e.child, e.decom))
    for _key, group in groupby(kept, key=lambda e: e.child):
        child_episodes = list(group)
        decisions: list[tuple[CareEpisode, str, dt.date | None]] = []
        for index, episode in enumerate(child_episodes):
            if episode.dec is not None or episode.year == latest:
                continue
            previous = child_episodes[index - 1] if index > 0 else None
            following = child_episodes[index + 1] if index + 1 < len(child_episodes) else None
            year_end = _year_end(episode.year)
            if (following is not None and episode._same_details(following)) or (
                previous is not None and episode._same_details(previous)
            ):
                decisions.append((episode, RULE_3, None))
            elif previous is not None and previous.year > episode.year:
                decisions.append((episode, RULE_3A, None))
            elif following is None:
                decisions.append((episode, RULE_2, year_end))
            elif following.rne == "S":
                day_before = following.decom - dt.timedelta(days=1)
                decisions.append((episode, RULE_1A, min(year_end, day_before)))
            else:
                decisions.append((episode, RULE_1, following.decom))
        # Decided on the episodes as filed, then applied together (as liia-tools does).
        for episode, rule, end in decisions:
            episode.rules.append(rule)
            if end is not None:
                episode.cleaned_dec = max(end, episode.decom)

    kept = sorted((e for e in episodes if not e.removed), key=lambda e: (e.child, e.decom))
    for _key, group in groupby(kept, key=lambda e: e.child):
        child_episodes = list(group)
        for episode, following in zip(child_episodes, child_episodes[1:], strict=False):
            end = episode.cleaned_dec
            if episode.year < following.year and end is not None and end > following.decom:
                episode.cleaned_dec = following.decom
                episode.rules.append(RULE_4)
    return episodes
