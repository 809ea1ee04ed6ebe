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
    # A child is the child and what the episode copied of them (always the same in practice:
    # triggers keep the copies in step); counted once per distinct identity, as a GROUP BY of
    # child_id with ethnicity, sex and birth would.
    order = np.lexsort((e.birth_ymd, e.sex, e.ethnicity, e.child))
    keys = [column[order] for column in (e.child, e.ethnicity, e.sex, e.birth_ymd)]
    change = np.ones(len(order), dtype=bool)
    change[1:] = np.logical_or.reduce([key[1:] != key[:-1] for key in keys])
    identity = np.empty(len(order), dtype=np.int64)
    identity[order] = np.cumsum(change) - 1

    # 1. Spans: (episode, cohort, first month, last month), relative to lo.
    start = e.start.astype(np.int64) - lo
    if measure == "on_date":
        # every episode puts the child in need (cohort 0); CP and CIC in their own cohorts too
        picks = [np.arange(len(start))]
        cohort_of = [np.zeros(len(start), dtype=np.int64)]
        for cohort, kind in ((1, "CP"), (2, "CIC")):
            index = np.flatnonzero(e.kind == e.kinds.index(kind))
            picks.append(index)
            cohort_of.append(np.full(len(index), cohort, dtype=np.int64))
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

    # ... once per scope: locality, team, the whole authority (key 0).
    areas, locality_key = _dense(np.concatenate([e.locality, e.team, [NONE]]))
    n_episodes = len(e.locality)
    area_key = np.stack(
        [
            locality_key[:n_episodes][episode],
            locality_key[n_episodes : 2 * n_episodes][episode],
            np.full(len(episode), locality_key[-1]),
        ]
    ).reshape(-1)
    scope = np.repeat(np.arange(3, dtype=np.int64), len(episode))
    episode = np.tile(episode, 3)
    cohort = np.tile(cohort, 3)
    first = np.tile(first, 3)
    last = np.tile(last, 3)

    # 2. Islands: sort by (child, cohort, scope, area, first month); a span starts a new island
    # unless it begins by the month after the latest end so far in its group.
    n_areas, n_cohorts = len(areas), len(cohorts)
    group = ((identity[episode] * n_cohorts + cohort) * 3 + scope) * n_areas + area_key
    order = np.argsort(group * (months + 1) + first)
    group, first, last = group[order], first[order], last[order]
    episode, cohort, scope, area_key = episode[order], cohort[order], scope[order], area_key[order]
    new_group = np.ones(len(group), dtype=bool)
    new_group[1:] = group[1:] != group[:-1]
    # the running maximum of last within a group (groups ascend, so earlier groups' are lower)
    reach = np.maximum.accumulate(group * (months + 1) + last) - group * (months + 1)
    begins = new_group.copy()
    begins[1:] |= first[1:] > reach[:-1] + 1
    at = np.flatnonzero(begins)
    if not len(at):
        return _NO_COUNTS
    first = first[at]
    last = np.maximum.reduceat(last, at)
    episode, cohort, scope, area_key = episode[at], cohort[at], scope[at], area_key[at]

    # 3. Cut at the age bands. Months of age at a month-end: its index less the birth month's.
    ymd = e.birth_ymd[episode].astype(np.int64)
    birth_year = ymd // 10000
    born = birth_year * 12 + (ymd // 100) % 100 - 1 - lo
    leap_day = np.flatnonzero(ymd % 10000 == 229)
    leap_year = birth_year[leap_day]
    pieces = []
    for band, (low, high) in enumerate(_BAND_MONTHS):
        band_first = born + low
        band_first[leap_day] += ~_leap(leap_year + low // 12)
        band_last = born + high
        band_last[leap_day] += ~_leap(leap_year + (high + 1) // 12)
        piece_first = np.maximum(first, band_first)
        piece_last = np.minimum(last, band_last)
        inside = np.flatnonzero(piece_first <= piece_last)
        pieces.append((inside, np.full(len(inside), band), piece_first[inside], piece_last[inside]))
    island = np.concatenate([p[0] for p in pieces])
    band = np.concatenate([p[1] for p in pieces]).astype(np.int64)
    first = np.concatenate([p[2] for p in pieces])
    last = np.concatenate([p[3] for p in pieces])
    if not len(island):
        return _NO_COUNTS

    # 4. Cells, +1 from a piece's first month and -1 after its last, a running sum.
    n_ethnicities, n_sexes = len(e.ethnicities) + 1, int(e.sex.max(initial=0)) + 2
    episode = episode[island]
    cell_key = (
        (
            ((cohort[island] * 3 + scope[island]) * n_areas + area_key[island]) * n_ethnicities
            + (e.ethnicity[episode].astype(np.int64) + 1)
        )
        * n_sexes
        + (e.sex[episode].astype(np.int64) + 1)
    ) * len(BAND_NAMES) + band
    cells, cell = _dense(cell_key)
    width = months + 1
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
