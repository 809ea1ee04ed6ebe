"""The cohort snapshots of many month-ends at once, counted in numpy from one read of the episodes
(snapshots.build_month_ends reads them and writes the result with COPY).

Each figure is what snapshots.build counts for that month-end alone (the tests hold them equal):
children open on it (or starting an episode in the year to it), aged 0 to 17 on it, counted
once per cohort, ethnicity, age band, sex and area. Counting every month-end at once without
expanding each episode into the month-ends it covers (some 30 million rows at national scale):

1. each episode becomes a span of month indexes (year * 12 + month - 1) in each cohort it puts
   the child in, once per scope (its locality, its team, the whole authority);
2. a child's spans in the same cohort and area are merged into disjoint islands (one sort), so
   a child counts once however many episodes they have open;
3. each island is cut where the child's age band changes, from the full date of birth: at a
   month-end a child has had that month's birthday (the last day is on or after it), except a
   child born on 29 February in a year without one, whose birthday falls on 1 March;
4. each piece adds 1 to its cell (cohort, area, ethnicity, sex, band) from its first month and
   takes it off after its last; a running sum along the months gives every month-end's count.

Steps 2 to 4 are a few passes over arrays of some 6 million elements at national scale: seconds,
where the same in one SQL statement sorted and hashed rows of a hundred bytes for minutes.
"""

from dataclasses import dataclass

import numpy as np
import pandas

ON_DATE_COHORTS = ("cin", "cp", "cic")
BAND_NAMES = ("under1", "1-4", "5-9", "10-15", "16-17")
# Months of age in each band: under 1 is 0 to 11 months, 16-17 is 192 to 215.
_BAND_MONTHS = ((0, 11), (12, 59), (60, 119), (120, 191), (192, 215))
SCOPES = ("locality", "team", "all")
NONE = -1  # no locality, team or sex


@dataclass(frozen=True)
class Episodes:
    """The episodes, one array element each (from snapshots._read_episodes)."""

    child: np.ndarray  # the child's id
    kind: np.ndarray  # index into kinds
    kinds: tuple[str, ...]  # EpisodeKind values
    start: np.ndarray  # month index of the start
    start_leap_day: np.ndarray  # started on 29 February
    last: np.ndarray  # month index of the last month-end the episode is open on; huge if open
    locality: np.ndarray  # NONE if none
    team: np.ndarray  # NONE if none
    ethnicity: np.ndarray  # index into ethnicities (NONE if none)
    ethnicities: tuple[str, ...]
    sex: np.ndarray  # NONE if none
    birth_ymd: np.ndarray  # YYYYMMDD

    @classmethod
    def empty(cls, kinds: tuple[str, ...]) -> "Episodes":
        none = np.zeros(0, dtype=np.int64)
        return cls(none, none, kinds, none, none.astype(bool), none, none, none, none, (), none,
                   none)  # fmt: skip


@dataclass(frozen=True)
class Cell:
    cohort: str
    scope: str
    locality_id: int | None
    team_id: int | None
    ethnicity: str | None
    age_band: str
    sex: int | None


def _leap(year: np.ndarray) -> np.ndarray:
    return (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))


def _dense(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the distinct values, each value's index among them): by hashing, not sorting."""
    index, distinct = pandas.factorize(values)
    return np.asarray(distinct), index.astype(np.int64)


@dataclass(frozen=True)
class _People:
    """What the episodes copied of each distinct child (identity), one element each."""

    ethnicity: np.ndarray
    sex: np.ndarray
    birth_ymd: np.ndarray


def _identities(e: Episodes) -> tuple[np.ndarray, _People]:
    """Each episode's child as a number from 0, and what it copied of them. A child is the child
    and what their episodes copied (always the same in practice: triggers keep the copies in
    step); a child whose episodes disagree counts once per version, as a GROUP BY of child_id
    with ethnicity, sex and birth would."""
    identity, _children = pandas.factorize(e.child)
    identity = identity.astype(np.int64)
    n = int(identity.max(initial=-1)) + 1
    firsts = np.full(n, len(identity), dtype=np.int64)
    np.minimum.at(firsts, identity, np.arange(len(identity)))
    columns = (e.ethnicity, e.sex, e.birth_ymd)
    if all((column == column[firsts][identity]).all() for column in columns):
        return identity, _People(*(column[firsts].astype(np.int64) for column in columns))
    order = np.lexsort((e.birth_ymd, e.sex, e.ethnicity, e.child))
    keys = [column[order] for column in (e.child, *columns)]
    change = np.ones(len(order), dtype=bool)
    change[1:] = np.logical_or.reduce([key[1:] != key[:-1] for key in keys])
    identity = np.empty(len(order), dtype=np.int64)
    identity[order] = np.cumsum(change) - 1
    firsts = order[change]
    return identity, _People(*(column[firsts].astype(np.int64) for column in columns))


# The first and last month of age (from 0) in each band, and each month of age's band.
_BAND_FIRST = np.array([low for low, _high in _BAND_MONTHS], dtype=np.int64)
_BAND_LAST = np.array([high for _low, high in _BAND_MONTHS], dtype=np.int64)
_BAND_OF_AGE = np.repeat(np.arange(len(_BAND_MONTHS)), _BAND_LAST - _BAND_FIRST + 1)


def _band_pieces(
    first: np.ndarray, last: np.ndarray, birth_ymd: np.ndarray, lo: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Islands (months first to last, relative to lo) cut where the child's age band changes:
    (band, first, last, island) of each piece aged 0 to 17. Months of age at a month-end: its
    index less the birth month's, since the month's last day is on or after the birthday;
    except that a child born on 29 February has their birthday on 1 March in a year without
    one, so their band changes a month later then."""
    birth_year = birth_ymd // 10000
    born = birth_year * 12 + (birth_ymd // 100) % 100 - 1 - lo
    leap_day = birth_ymd % 10000 == 229
    pieces = []
    # Most children: the bands of the island's first and last month, and those between.
    ordinary = np.flatnonzero(~leap_day)
    age_first = first[ordinary] - born[ordinary]
    age_last = last[ordinary] - born[ordinary]
    aged = np.flatnonzero((age_last >= 0) & (age_first <= _BAND_LAST[-1]))
    ordinary, age_first, age_last = ordinary[aged], age_first[aged], age_last[aged]
    band_first = _BAND_OF_AGE[np.clip(age_first, 0, _BAND_LAST[-1])]
    band_last = _BAND_OF_AGE[np.clip(age_last, 0, _BAND_LAST[-1])]
    spans = band_last - band_first + 1
    island = np.repeat(ordinary, spans)
    starts = np.cumsum(spans) - spans
    band = np.repeat(band_first - starts, spans) + np.arange(len(island))
    pieces.append(
        (
            band,
            np.maximum(first[island], born[island] + _BAND_FIRST[band]),
            np.minimum(last[island], born[island] + _BAND_LAST[band]),
            island,
        )
    )
    # Born on 29 February: band by band.
    leap = np.flatnonzero(leap_day)
    leap_year = birth_year[leap]
    for number, (low, high) in enumerate(_BAND_MONTHS):
        piece_first = np.maximum(first[leap], born[leap] + low + ~_leap(leap_year + low // 12))
        piece_last = np.minimum(
            last[leap], born[leap] + high + ~_leap(leap_year + (high + 1) // 12)
        )
        inside = np.flatnonzero(piece_first <= piece_last)
        pieces.append(
            (
                np.full(len(inside), number, dtype=np.int64),
                piece_first[inside],
                piece_last[inside],
                leap[inside],
            )
        )
    return tuple(np.concatenate([piece[i] for piece in pieces]) for i in range(4))  # type: ignore[return-value]


def _compact(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the distinct keys, each key's index among them), keys being non-negative: by counting
    where the keys' range is small enough, else by hashing."""
    top = int(keys.max(initial=0)) + 1
    if top > 50_000_000:
        return _dense(keys)
    present = np.bincount(keys, minlength=top) > 0
    index = np.cumsum(present) - 1
    return np.flatnonzero(present), index[keys]


@dataclass(frozen=True)
class Counts:
    """Children in cells[cell[i]] on the month-end with month index month[i]: children[i]."""

    month: np.ndarray
    cell: np.ndarray
    children: np.ndarray
    cells: list[Cell]

    def __len__(self) -> int:
        return len(self.month)


_NO_COUNTS = Counts(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64), [])


def month_end_counts(episodes: Episodes, measure: str, wanted: list[int]) -> Counts:
    """The children in each cell with any on each month-end wanted (by month index).

    measure "on_date": the cohorts cin (any episode), cp and cic (their kinds' episodes);
    "starts": one cohort a kind, the children starting an episode of it in the year to the date.
    """
    if not wanted or not len(episodes.child):
        return _NO_COUNTS
    cohorts = ON_DATE_COHORTS if measure == "on_date" else episodes.kinds
    lo, hi = min(wanted), max(wanted)
    months = hi - lo + 1
    e = episodes
    identity, person = _identities(e)

    # 1. Spans: (episode, cohort, first month, last month), relative to lo.
    start = e.start.astype(np.int64) - lo
    if measure == "on_date":
        # every episode puts the child in need (cohort 0); CP and CIC in their own cohorts too
        picks = [np.arange(len(start))]
        cohort_of = [np.zeros(len(start), dtype=np.int64)]
        for number, kind in ((1, "CP"), (2, "CIC")):
            index = np.flatnonzero(e.kind == e.kinds.index(kind))
            picks.append(index)
            cohort_of.append(np.full(len(index), number, dtype=np.int64))
        episode = np.concatenate(picks)
        cohort = np.concatenate(cohort_of)
        first = start[episode]
        last = np.minimum(e.last[episode].astype(np.int64) - lo, months - 1)
    else:
        # a start counts on the month-ends of the year from it: its month's and the eleven
        # after, and a 29 February's also on the next 28 February (whose year starts then)
        episode = np.arange(len(start))
        cohort = e.kind.astype(np.int64)
        first = start
        last = start + 11 + e.start_leap_day.astype(np.int64)
    keep = (first <= last) & (last >= 0) & (first < months)
    episode, cohort = episode[keep], cohort[keep]
    first, last = np.maximum(first[keep], 0), np.minimum(last[keep], months - 1)

    # ... once per scope: locality, team, the whole authority (no area).
    areas, area_of = _dense(np.concatenate([e.locality, e.team, [NONE]]))
    n_episodes = len(e.locality)
    area_key = np.concatenate(
        [
            area_of[:n_episodes][episode],
            area_of[n_episodes : 2 * n_episodes][episode],
            np.full(len(episode), area_of[-1]),
        ]
    )
    n_areas, n_cohorts = len(areas), len(cohorts)
    base = (identity[episode] * n_cohorts + cohort) * 3
    group = np.concatenate([base, base + 1, base + 2]) * n_areas + area_key
    first, last = np.tile(first, 3), np.tile(last, 3)

    # 2. Islands: sort by (child, cohort, scope, area, first month); a span starts a new island
    # unless it begins by the month after the latest end so far in its group.
    width = months + 1
    order = np.argsort(group * width + first)
    group, first, last = group[order], first[order], last[order]
    begins = np.ones(len(group), dtype=bool)
    # the running maximum of last within a group (groups ascend, so earlier groups' are lower)
    reach = np.maximum.accumulate(group * width + last) - group * width
    begins[1:] = (group[1:] != group[:-1]) | (first[1:] > reach[:-1] + 1)
    at = np.flatnonzero(begins)
    first, last, group = first[at], np.maximum.reduceat(last, at), group[at]
    rest, area_key = np.divmod(group, n_areas)
    rest, scope = np.divmod(rest, 3)
    who, cohort = np.divmod(rest, n_cohorts)

    # 3. Cut at the age bands.
    band, first, last, island = _band_pieces(first, last, person.birth_ymd[who], lo)
    if not len(island):
        return _NO_COUNTS
    cohort, scope, area_key, who = cohort[island], scope[island], area_key[island], who[island]

    # 4. Cells, +1 from a piece's first month and -1 after its last, a running sum.
    n_ethnicities, n_sexes = len(e.ethnicities) + 1, int(e.sex.max(initial=0)) + 2
    cell_key = (
        (((cohort * 3 + scope) * n_areas + area_key) * n_ethnicities + (person.ethnicity[who] + 1))
        * n_sexes
        + (person.sex[who] + 1)
    ) * len(BAND_NAMES) + band
    cells, cell = _compact(cell_key)
    changes = np.bincount(cell * width + first, minlength=len(cells) * width) - np.bincount(
        cell * width + last + 1, minlength=len(cells) * width
    )
    counts = np.cumsum(changes.reshape(len(cells), width), axis=1)
    columns = np.array(sorted(set(wanted)), dtype=np.int64) - lo
    taken = counts[:, columns]
    rows, column_index = np.nonzero(taken > 0)
    children = taken[rows, column_index]
    used, cell_index = _dense(rows)
    decoded = []
    for index in used.tolist():
        key = int(cells[index])
        key, band_number = divmod(key, len(BAND_NAMES))
        key, sex_number = divmod(key, n_sexes)
        key, ethnicity_number = divmod(key, n_ethnicities)
        key, area_number = divmod(key, n_areas)
        cohort_number, scope_number = divmod(key, 3)
        area = int(areas[area_number])
        scope_name = SCOPES[scope_number]
        decoded.append(
            Cell(
                cohort=cohorts[cohort_number],
                scope=scope_name,
                locality_id=area if scope_name == "locality" and area != NONE else None,
                team_id=area if scope_name == "team" and area != NONE else None,
                ethnicity=e.ethnicities[ethnicity_number - 1] if ethnicity_number else None,
                age_band=BAND_NAMES[band_number],
                sex=sex_number - 1 if sex_number else None,
            )
        )
    return Counts(
        month=(columns + lo)[column_index],
        cell=cell_index,
        children=children,
        cells=decoded,
    )
