"""An intruder's linear programme, written apart from the engine: what can be deduced about each
hidden cell from everything shown.

Every cell, shown or hidden, is a variable; a shown cell is fixed at its value by its bounds, a
hidden one is any non-negative integer; every relation total = sum(parts) is an equality. The
least and greatest value of each hidden cell come from scipy's integer programme (milp), after
the relaxation (linprog) says whether the greatest is bounded at all. No peeling, components or
closed forms: the engine's shortcuts are what this checks.
"""

import math
from collections.abc import Hashable, Iterable, Mapping

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp


def deduce(
    values: Mapping[Hashable, int],
    relations: Iterable[tuple[Hashable, Iterable[Hashable]]],
    hidden: Iterable[Hashable],
) -> dict[Hashable, tuple[float, float]]:
    """values: the true value of every cell the intruder reasons about (shown ones are read off
    the page; hidden ones only give the system a feasible point, the bounds ignore them)."""
    keys = sorted(values, key=repr)
    index = {key: i for i, key in enumerate(keys)}
    hidden = set(hidden)
    rows = []
    for total, parts in relations:
        row = np.zeros(len(keys))
        row[index[total]] += 1
        for part in parts:
            row[index[part]] -= 1
        rows.append(row)
    matrix = np.array(rows) if rows else np.zeros((0, len(keys)))
    low = np.array([0.0 if k in hidden else float(values[k]) for k in keys])
    high = np.array([np.inf if k in hidden else float(values[k]) for k in keys])
    result = {}
    for key in hidden:
        objective = np.zeros(len(keys))
        objective[index[key]] = 1.0
        bounds = []
        for sign in (1.0, -1.0):
            relaxed = linprog(
                sign * objective,
                A_eq=matrix if rows else None,
                b_eq=np.zeros(len(rows)) if rows else None,
                bounds=list(zip(low, high, strict=True)),
                method="highs",
            )
            if relaxed.status == 3:
                bounds.append(math.inf)
                continue
            assert relaxed.status == 0, relaxed.message
            exact = milp(
                sign * objective,
                constraints=[LinearConstraint(matrix, 0, 0)] if rows else [],
                integrality=np.ones(len(keys)),
                bounds=Bounds(low, high),
            )
            assert exact.status == 0, exact.message
            bounds.append(round(exact.x[index[key]]))
        result[key] = (bounds[0], bounds[1])
    return result
