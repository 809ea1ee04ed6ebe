"""Can a hidden cell be worked out from the shown ones? Linear algebra, independent of the code.

Each constraint says total = sum(members). With shown cells known, what is left is a linear
system in the hidden cells; a hidden cell is determined exactly when it is the same in every
solution, that is when it is zero in every vector of the system's null space.
"""

import numpy as np
from scipy.linalg import null_space


def recoverable(constraints, hidden) -> set:
    """constraints: iterable of (total_key, [member keys]); hidden: the keys shown as "c"."""
    hidden = sorted(hidden, key=repr)
    index = {key: i for i, key in enumerate(hidden)}
    rows = []
    for total, members in constraints:
        row = np.zeros(len(hidden))
        if total in index:
            row[index[total]] += 1
        for member in members:
            if member in index:
                row[index[member]] -= 1
        if row.any():
            rows.append(row)
    if not rows:
        return set()
    # x_i is pinned down exactly when every solution of the homogeneous system has x_i = 0,
    # i.e. the i-th row of a basis of the null space is zero.
    basis = null_space(np.array(rows))
    return {key for key, i in index.items() if np.allclose(basis[i], 0, atol=1e-9)}
