"""The issue's attack: an intruder with both downloads of every view of one date
(`/dashboards/children.csv` with detail=major and detail=detailed: the whole authority, each
locality, each team, each age band) and each page's headline sets up a linear programme and
works out hidden counts exactly.

The intruder here is written apart from the engine: it reads only what the pages and
downloads show ("c", counts, shares to one decimal place, the headline), knows how the
views nest (codes in major groups; groups and Unknown in the headline; localities in the
authority; each team in its locality; the age bands in all ages) and solves for the least and
greatest value of each hidden count with scipy's integer programme.

Measured with this test's data: on main before the engine (commit f6c2bb7) 40 counts were
hidden and the intruder worked out all 40 exactly, 18 of them not zero: AIND (3) in the North
from the North's shares, the North's Unknown (5) from its headline, the South's 4 Black
Caribbean children from the authority's 34 less the North's 30, and so on. With the engine,
24 counts are hidden and none can be worked out, nor narrowed to fewer than three values.
"""

import csv
import io
import math

import numpy as np
from django.urls import reverse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from arp_portal.core.ethnicity import MAJOR_GROUP_OF
from arp_portal.core.models import AgeBand
from tests.dashboards_children.conftest import MARCH_31, add_children

MAJORS = ["White", "Mixed", "Asian", "Black", "Other"]
CODES = {major: [c for c, g in MAJOR_GROUP_OF.items() if str(g) == major] for major in MAJORS}
KNOWN, TOTAL = "known", "total"


def _download(client, view: dict, detail: str) -> dict[str, dict]:
    params = {"cohort": "cic", "date": MARCH_31.isoformat(), "detail": detail, **view}
    response = client.get(reverse("dashboards:children_csv"), params)
    assert response.status_code == 200
    return {row["ethnic_group"]: row for row in csv.DictReader(io.StringIO(response.text))}


def _headline(client, view: dict) -> str:
    params = {"cohort": "cic", "date": MARCH_31.isoformat(), **view}
    return client.get(reverse("dashboards:children"), params).context["total"]


def _read_view(client, view: dict):
    """What one view publishes: {node: count or None if "c"}, and bounds on known from shares."""
    shown: dict[str, int | None] = {}
    low, high = 0, math.inf
    for detail in ("major", "detailed"):
        for group, row in _download(client, view, detail).items():
            count = None if row["count"] == "c" else int(row["count"].replace(",", ""))
            shown[group] = count
            share = row.get("share_of_cohort_pct", "")
            if count and share:
                # share = 100 count / known, to one decimal place.
                s = float(share)
                low = max(low, math.ceil(100 * count / (s + 0.05)))
                if s > 0.05:
                    high = min(high, math.floor(100 * count / (s - 0.05)))
    headline = _headline(client, view)
    shown[TOTAL] = None if headline == "c" else int(headline.replace(",", ""))
    return shown, (low, high)


def attack(client, views: dict[str, dict], nesting: list[tuple[str, list[str]]]):
    """views: name -> filters; nesting: (whole view, its parts). Returns {(view, node): (min,
    max)} for every hidden count."""
    nodes = [c for codes in CODES.values() for c in codes] + MAJORS + ["Unknown", KNOWN, TOTAL]
    keys = [(view, node) for view in views for node in nodes]
    index = {key: i for i, key in enumerate(keys)}
    low = np.zeros(len(keys))
    high = np.full(len(keys), np.inf)
    rows = []

    def equation(total, parts):
        row = np.zeros(len(keys))
        row[index[total]] = 1
        for part in parts:
            row[index[part]] -= 1
        rows.append(row)

    hidden = []
    for name, view in views.items():
        shown, (k_low, k_high) = _read_view(client, view)
        for node in nodes:
            value = shown.get(node)
            if node == KNOWN:
                low[index[(name, node)]], high[index[(name, node)]] = k_low, k_high
            elif value is None:
                if node in shown:
                    hidden.append((name, node))
            else:
                low[index[(name, node)]] = high[index[(name, node)]] = value
        for major in MAJORS:
            equation((name, major), [(name, code) for code in CODES[major]])
        equation((name, KNOWN), [(name, major) for major in MAJORS])
        equation((name, TOTAL), [(name, KNOWN), (name, "Unknown")])
    for whole, parts in nesting:
        for node in nodes:
            equation((whole, node), [(part, node) for part in parts])
    matrix = np.array(rows)
    found = {}
    for key in hidden:
        objective = np.zeros(len(keys))
        objective[index[key]] = 1
        bounds = []
        for sign in (1, -1):
            relaxed = linprog(
                sign * objective,
                A_eq=matrix,
                b_eq=np.zeros(len(rows)),
                bounds=list(zip(low, high, strict=True)),
                method="highs",
            )
            if relaxed.status == 3:
                bounds.append(math.inf)
                continue
            exact = milp(
                sign * objective,
                constraints=LinearConstraint(matrix, 0, 0),
                integrality=np.ones(len(keys)),
                bounds=Bounds(low, high),
            )
            assert exact.status == 0, exact.message
            bounds.append(round(exact.x[index[key]]))
        found[key] = tuple(bounds)
    return found


def test_no_hidden_count_can_be_worked_out_from_every_download_of_a_date(
    service_manager_client, children_in_care
):
    teams = children_in_care["teams"]
    # A few more children so that some age bands are small.
    add_children("WBRI", 7, team=teams["north"], born=(2022, 2), prefix="young")
    add_children("BAFR", 2, team=teams["south"], born=(2008, 1), prefix="older")
    views = {"all": {}, "North": {"locality": "North"}, "South": {"locality": "South"}}
    views |= {"North care": {"team": "North care"}, "South care": {"team": "South care"}}
    bands = [band for band in AgeBand.values if band != AgeBand.ALL]
    views |= {band: {"age_band": band} for band in bands}
    nesting = [
        ("all", ["North", "South"]),
        ("North", ["North care"]),
        ("South", ["South care"]),
        ("all", bands),
    ]
    found = attack(service_manager_client, views, nesting)
    assert found, "the views hide something"
    exact = {key: interval for key, interval in found.items() if interval[0] == interval[1]}
    assert exact == {}
    # Nor narrowed to two values: each hidden count keeps at least three possible values.
    assert all(high - low >= 2 for low, high in found.values())


SEXES = ["1", "2", "9"]
# Everything a download derives from a count: blank where the count is withheld.
FIGURES = ["rate_per_10k", "rate_ci_low", "rate_ci_high", "rri", "rri_ci_low", "rri_ci_high",
           "disproportionality_index", "share_of_cohort_pct"]  # fmt: skip


def test_no_hidden_count_can_be_worked_out_from_every_filter_value_of_a_date(
    service_manager_client, children_in_care
):
    """The intruder with every download of the date on every filter value: each area
    (authority, localities, teams) in each age band and all ages, for each sex and all. The
    sexes add up to all (per area and band), the bands to all ages (per area and sex), the
    localities to the authority and each team to its locality (per band and sex).

    With each combined view decided on its own (its parents known) the intruder's programme
    over all of them worked out 127 of this data's hidden counts exactly, release cells among
    them (a tester's attack on the demo: Mixed = 448 - 240 - 205, the sexes of the whole
    authority). Now a view outside the release publishes no number: checked for every one
    below. A view that publishes nothing adds only unknowns, each free to take any split of
    what the views it lies in hold (a table of non-negative counts with given totals always
    exists), so it narrows nothing: the intruder's programme is the release's, solved last."""
    teams = children_in_care["teams"]
    add_children("WBRI", 7, team=teams["north"], born=(2022, 2), prefix="young")
    add_children("BAFR", 2, team=teams["south"], born=(2008, 1), prefix="older")
    add_children("BCRB", 9, team=teams["north"], sex=2, prefix="girls")
    add_children("WBRI", 14, team=teams["south"], sex=2, born=(2010, 5), prefix="girls")
    add_children("AIND", 3, team=teams["south"], sex=2, prefix="girls")
    add_children("WOTH", 2, team=teams["north"], sex=9, prefix="unknown-sex")
    areas = {
        "all": {},
        "North": {"locality": "North"},
        "South": {"locality": "South"},
        "North care": {"team": "North care"},
        "South care": {"team": "South care"},
    }
    bands = [band for band in AgeBand.values if band != AgeBand.ALL]
    release: dict[str, dict] = {}
    for area, area_filters in areas.items():
        for band in [AgeBand.ALL, *bands]:
            for sex in ["", *SEXES]:
                view = {**area_filters, **({"age_band": band} if band != AgeBand.ALL else {})}
                view |= {"sex": sex} if sex else {}
                if not sex and (band == AgeBand.ALL or area == "all"):
                    release[area if band == AgeBand.ALL else band] = view
                    continue
                shown, _known = _read_view(service_manager_client, view)
                published = {node: n for node, n in shown.items() if n is not None}
                assert published == {}, (view, published)
                for detail in ("major", "detailed"):
                    for row in _download(service_manager_client, view, detail).values():
                        figures = [row[name] for name in FIGURES]
                        assert row["count"] == "c" and not any(figures), (view, row)
    nesting = [
        ("all", ["North", "South"]),
        ("North", ["North care"]),
        ("South", ["South care"]),
        ("all", bands),
    ]
    found = attack(service_manager_client, release, nesting)
    assert found, "the views hide something"
    exact = {key: interval for key, interval in found.items() if interval[0] == interval[1]}
    assert exact == {}
    assert all(high - low >= 2 for low, high in found.values())
