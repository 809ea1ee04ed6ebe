"""Protection intervals: what an intruder can still work out about each hidden cell.

For a hidden cell, its protection interval is the least and the greatest value it can take in
any assignment of non-negative integers to the hidden cells that satisfies every relation, the
shown cells and the known totals being fixed at their values (tau-argus's protection intervals).
A width of 0 means the cell is worked out exactly.

How it is computed, fast and exactly:

1. Relations become equations in the hidden cells (shown cells move to the right-hand side).
   An equation left with one hidden cell pins it; it is substituted into the others, and so on
   until no equation has a single unknown ("peeling").
2. The rest splits into independent connected components (hidden cells sharing an equation).
   A hidden cell in no equation is free: [0, inf). A component of one equation has a closed
   form: parts x_1..x_k hidden under a shown total c each lie in [0, c]; a hidden total over
   hidden parts is unbounded above, and so on (`_one_equation`).
3. Any other component is a small linear programme: min and max of each cell under A x = b,
   x >= 0, solved by HiGHS (scipy.optimize.linprog). Where a vertex is integral it is the
   integer optimum too (it is feasible and no integer point beats the relaxation); where it is
   not, scipy.optimize.milp solves the integer programme. Every integral solution found is a
   feasible point, so a lower bound of 0 seen in any of them needs no programme of its own.

`audit` compares each interval's width (max - min) with the protection the cell's true value
requires. An upper bound may be math.inf: nothing published bounds the cell.
"""

import math
from collections.abc import Callable, Collection, Hashable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from arp_portal.statistics.disclosure.publication import Publication

try:  # scipy's own binding of HiGHS, the solver behind linprog and milp
    from scipy.optimize._highspy import _core
except ImportError:  # pragma: no cover - a scipy without it falls back to linprog
    _core = None

Interval = tuple[int, float]  # (min, max); max is an int or math.inf
Protection = Callable[[Hashable, int], int] | int

INTEGRAL = 1e-6


def required_protection(protection: Protection, key: Hashable, value: int) -> int:
    """The width a hidden cell's interval needs. An int applies to every cell of a non-zero
    value: a zero names nobody, so a hidden zero worked out exactly discloses nothing."""
    if callable(protection):
        return protection(key, value)
    return protection if value > 0 else 0


@dataclass
class _Equation:
    coefficients: dict[Hashable, int]  # hidden key -> +1 (total) or -1 (part)
    rhs: int


def _highs_model(matrix: sparse.csc_array, rhs: np.ndarray) -> Any:
    n_rows, n_cols = matrix.shape
    highs = _core._Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("threads", 1)
    highs.setOptionValue("presolve", "off")
    lp = _core.HighsLp()
    lp.num_col_ = n_cols
    lp.num_row_ = n_rows
    lp.col_cost_ = np.zeros(n_cols)
    lp.col_lower_ = np.zeros(n_cols)
    lp.col_upper_ = np.full(n_cols, _core.kHighsInf)
    lp.row_lower_ = rhs
    lp.row_upper_ = rhs
    lp.a_matrix_.format_ = _core.MatrixFormat.kColwise
    lp.a_matrix_.start_ = matrix.indptr
    lp.a_matrix_.index_ = matrix.indices
    lp.a_matrix_.value_ = matrix.data
    lp.a_matrix_.num_col_ = n_cols
    lp.a_matrix_.num_row_ = n_rows
    highs.passModel(lp)
    return highs


def _equations(publication: Publication, variables: set[Hashable]) -> list[_Equation]:
    values = publication.values
    equations = []
    touching = sorted({i for key in variables for i in publication.relations_of.get(key, ())})
    for relation in (publication.relations[i] for i in touching):
        coefficients: dict[Hashable, int] = {}
        rhs = 0
        for key, sign in ((relation.total, 1), *((part, -1) for part in relation.parts)):
            if key in variables:
                coefficients[key] = sign
            else:
                rhs -= sign * values[key]
        if coefficients:
            equations.append(_Equation(coefficients, rhs))
    return equations


def _peel(
    equations: list[_Equation], values: Mapping[Hashable, int]
) -> tuple[set[Hashable], list[_Equation]]:
    """Cells pinned by an equation with one unknown, repeatedly; and the equations left."""
    by_key: dict[Hashable, list[int]] = {}
    for i, equation in enumerate(equations):
        for key in equation.coefficients:
            by_key.setdefault(key, []).append(i)
    pinned: set[Hashable] = set()
    queue = [i for i, eq in enumerate(equations) if len(eq.coefficients) == 1]
    while queue:
        i = queue.pop()
        equation = equations[i]
        if len(equation.coefficients) != 1:
            continue
        (key,) = equation.coefficients
        pinned.add(key)
        for j in by_key[key]:
            other = equations[j]
            sign = other.coefficients.pop(key, None)
            if sign is None:
                continue
            other.rhs -= sign * values[key]
            if len(other.coefficients) == 1:
                queue.append(j)
    return pinned, [eq for eq in equations if eq.coefficients]


def _components(
    variables: set[Hashable], equations: list[_Equation]
) -> list[tuple[list[Hashable], list[_Equation]]]:
    parent: dict[Hashable, Hashable] = {key: key for key in variables}

    def find(key: Hashable) -> Hashable:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for equation in equations:
        keys = iter(equation.coefficients)
        root = find(next(keys))
        for key in keys:
            other = find(key)
            if other != root:
                parent[other] = root
    members: dict[Hashable, list[Hashable]] = {}
    # In a fixed order, not the set's (which follows the process's hash seed), so a programme's
    # columns, and so HiGHS's path through it, are the same in every process.
    for key in sorted(variables, key=repr):
        members.setdefault(find(key), []).append(key)
    grouped: dict[Hashable, list[_Equation]] = {}
    for equation in equations:
        grouped.setdefault(find(next(iter(equation.coefficients))), []).append(equation)
    return [(keys, grouped.get(root, [])) for root, keys in members.items()]


def _one_equation(equation: _Equation) -> dict[Hashable, Interval]:
    """Closed form for sum(P) - sum(N) = c over non-negative integers (P: coefficient +1)."""
    plus = [k for k, s in equation.coefficients.items() if s > 0]
    minus = [k for k, s in equation.coefficients.items() if s < 0]
    c = equation.rhs
    intervals: dict[Hashable, Interval] = {}
    for same, other, bound in ((plus, minus, c), (minus, plus, -c)):
        for key in same:
            high: float = math.inf if other else bound
            low = 0 if len(same) > 1 else max(bound, 0)
            intervals[key] = (low, high)
    return intervals


class _Programme:
    """min/max of single cells of one component under A x = b, x >= 0 integer.

    The model is passed to HiGHS once and only the objective changes between solves, so each
    solve starts from the last basis (scipy's own HiGHS binding; `linprog` where it is missing,
    which is the same solver at about six times the cost per solve)."""

    def __init__(self, keys: list[Hashable], equations: list[_Equation]):
        self.keys = keys
        self.index = {key: i for i, key in enumerate(keys)}
        rows, cols, data = [], [], []
        for r, equation in enumerate(equations):
            for key, sign in equation.coefficients.items():
                rows.append(r)
                cols.append(self.index[key])
                data.append(sign)
        shape = (len(equations), len(keys))
        self.matrix = sparse.csc_array((data, (rows, cols)), shape=shape, dtype=float)
        self.rhs = np.array([eq.rhs for eq in equations], dtype=float)
        self.highs = _highs_model(self.matrix, self.rhs) if _core is not None else None
        self.columns = np.arange(len(keys), dtype=np.int32)

    def _relaxation(
        self, objective: np.ndarray, cap: tuple[int, float] | None = None
    ) -> tuple[str, float, np.ndarray | None]:
        if self.highs is None:
            return self._linprog(objective, cap)
        highs = self.highs
        highs.changeColsCost(len(self.keys), self.columns, objective)
        if cap is not None:
            highs.changeColBounds(cap[0], 0.0, cap[1])
        try:  # read before the bound is lifted: a change clears the solution
            solved = self._solved(highs)
            if solved[0] not in ("optimal", "unbounded"):
                # A warm start can end in HiGHS's "Unknown" (numerical trouble on some CPUs):
                # solve again from scratch, then with linprog's own instance and presolve.
                highs.clearSolver()
                solved = self._solved(highs)
        finally:
            if cap is not None:
                highs.changeColBounds(cap[0], 0.0, _core.kHighsInf)
        if solved[0] in ("optimal", "unbounded"):
            return solved
        return self._linprog(objective, cap)

    def _linprog(
        self, objective: np.ndarray, cap: tuple[int, float] | None
    ) -> tuple[str, float, np.ndarray | None]:
        bounds: list[tuple[float, float | None]] = [(0, None)] * len(self.keys)
        if cap is not None:
            bounds[cap[0]] = (0, cap[1])
        result = linprog(objective, A_eq=self.matrix, b_eq=self.rhs, bounds=bounds, method="highs")
        status = {0: "optimal", 3: "unbounded"}.get(result.status, result.message)
        return status, result.fun, result.x

    @staticmethod
    def _solved(highs: Any) -> tuple[str, float, np.ndarray | None]:
        highs.run()
        status = highs.getModelStatus()
        if status == _core.HighsModelStatus.kOptimal:
            return (
                "optimal",
                highs.getInfo().objective_function_value,
                np.array(highs.getSolution().col_value),
            )
        if status in (
            _core.HighsModelStatus.kUnbounded,
            # The programme is feasible (the true values satisfy it), so this is unbounded.
            _core.HighsModelStatus.kUnboundedOrInfeasible,
        ):
            return "unbounded", -math.inf, None
        return highs.modelStatusToString(status), math.nan, None

    def optimise(
        self, objective: np.ndarray, *, exact: bool = True, cap: tuple[int, float] | None = None
    ) -> tuple[float, np.ndarray | None]:
        """Minimum of objective . x over integer points: (value, an optimal point or None).
        -inf if unbounded below. With exact False, a fractional optimum of the relaxation is
        returned as it is (a bound on the integer optimum, with no point), and no integer
        programme is solved. cap (column, upper) bounds one cell above for this solve only."""
        status, value, x = self._relaxation(objective, cap)
        if status == "unbounded":
            return -math.inf, None
        if status == "optimal" and x is not None:
            if np.all(np.abs(x - np.round(x)) < INTEGRAL):
                point = np.round(x)
                return float(objective @ point), point
            if not exact:
                return value, None
        # A fractional vertex, or (rarely) no verdict from any relaxation: the integer
        # programme itself, in a fresh solver of its own, settles it.
        upper = np.full(len(self.keys), np.inf)
        if cap is not None:
            upper[cap[0]] = cap[1]
        result = milp(
            objective,
            constraints=LinearConstraint(self.matrix, self.rhs, self.rhs),
            integrality=np.ones(len(self.keys)),
            bounds=Bounds(0, upper),
        )
        if result.status == 3 or "unbounded" in result.message.lower():
            # Unbounded, when no relaxation could say so ("unbounded or infeasible" is
            # unbounded: the true values satisfy the programme).
            return -math.inf, None
        if result.status != 0 or result.x is None:
            raise RuntimeError(f"Protection interval programme failed: {result.message}")
        point = np.round(result.x)
        return float(objective @ point), point

    def unit(self, key: Hashable, sign: float) -> np.ndarray:
        objective = np.zeros(len(self.keys))
        objective[self.index[key]] = sign
        return objective


def _solve_component(
    keys: list[Hashable],
    equations: list[_Equation],
    values: Mapping[Hashable, int],
    required: Mapping[Hashable, int] | None,
    exact: bool = True,
) -> dict[Hashable, Interval]:
    """Intervals of a component's cells. With `required`, a cell whose feasible points already
    span its required width is given the span seen (a sub-interval of the exact one) and no
    programme of its own: enough to tell it is protected, and much faster. With exact False,
    no integer programme is solved: a bound from a fractional optimum of the relaxation is
    rounded inwards, so the interval given contains the exact one (a cell found short is
    short; one found protected is protected over the reals, and `audit` settles integers)."""
    if not equations:
        return {key: (0, math.inf) for key in keys}
    if len(equations) == 1:
        return _one_equation(equations[0])
    programme = _Programme(keys, equations)
    seen_low = {key: values[key] for key in keys}
    seen_high = dict(seen_low)

    def see(point: np.ndarray | None) -> None:
        if point is None:
            return
        for key, i in programme.index.items():
            value = point[i]
            if value < seen_low[key]:
                seen_low[key] = int(value)
            if value > seen_high[key]:
                seen_high[key] = int(value)

    def enough(key: Hashable) -> bool:
        return required is not None and seen_high[key] - seen_low[key] >= required[key]

    if required is not None:
        # Two programmes that move every short cell at once usually settle most of them.
        short = [key for key in keys if not enough(key)]
        if len(short) > 1:
            objective = np.zeros(len(keys))
            for key in short:
                objective[programme.index[key]] = 1.0
            see(programme.optimise(objective)[1])
            see(programme.optimise(-objective)[1])
    intervals: dict[Hashable, Interval] = {}
    for key in keys:
        if enough(key):
            intervals[key] = (seen_low[key], seen_high[key])
            continue
        value, point = programme.optimise(programme.unit(key, -1.0), exact=exact)
        see(point)
        high: float = math.inf if value == -math.inf else math.floor(-value + INTEGRAL)
        if high == math.inf:
            seen_high[key] = high  # type: ignore[assignment]
        if enough(key) or seen_low[key] == 0:
            intervals[key] = (seen_low[key], high)
            continue
        value, point = programme.optimise(programme.unit(key, 1.0), exact=exact)
        see(point)
        intervals[key] = (math.ceil(value - INTEGRAL), high)
    return intervals


def _intervals(
    publication: Publication,
    hidden: Collection[Hashable],
    required: Mapping[Hashable, int] | None = None,
    exact: bool = True,
) -> dict[Hashable, Interval]:
    values = publication.values
    unknown = [key for key in hidden if key not in values]
    if unknown:
        raise ValueError(f"Hidden cells {unknown!r} are not in the publication")
    intervals: dict[Hashable, Interval] = {}
    variables = set()
    for key in hidden:
        if key in publication.known_totals:
            intervals[key] = (values[key], values[key])  # known whatever is shown
        else:
            variables.add(key)
    pinned, equations = _peel(_equations(publication, variables), values)
    for key in pinned:
        intervals[key] = (values[key], values[key])
    free = variables - pinned
    for keys, component in _components(free, equations):
        intervals.update(_solve_component(keys, component, values, required, exact))
    return intervals


def protection_intervals(
    publication: Publication, hidden: Collection[Hashable]
) -> dict[Hashable, Interval]:
    """For each hidden cell, the exact (min, max) of the values it can take consistent with
    everything published: shown cells, known totals, every relation, non-negative integers.
    max is math.inf where nothing bounds the cell."""
    return _intervals(publication, set(hidden))


@dataclass(frozen=True)
class Audit:
    """Each hidden cell's interval, and the cells whose interval is narrower than required."""

    intervals: dict[Hashable, Interval]
    required: dict[Hashable, int]
    failures: frozenset[Hashable]

    @property
    def ok(self) -> bool:
        return not self.failures

    def width(self, key: Hashable) -> float:
        low, high = self.intervals[key]
        return high - low


def _requirements(
    publication: Publication, hidden: Collection[Hashable], protection: Protection
) -> dict[Hashable, int]:
    values = publication.values
    return {key: required_protection(protection, key, values[key]) for key in hidden}


def _failures(
    intervals: Mapping[Hashable, Interval], required: Mapping[Hashable, int]
) -> frozenset[Hashable]:
    return frozenset(
        key for key, (low, high) in intervals.items() if high - low < required.get(key, 0)
    )


def audit(
    publication: Publication, hidden: Collection[Hashable], *, protection: Protection
) -> Audit:
    """Exact protection intervals of the hidden cells, checked against the protection each
    needs: `protection(key, true value)` (or an int for every non-zero cell)."""
    hidden = set(hidden)
    required = _requirements(publication, hidden, protection)
    intervals = protection_intervals(publication, hidden)
    return Audit(intervals, required, _failures(intervals, required))


def hidden_components(
    publication: Publication, hidden: Collection[Hashable]
) -> list[frozenset[Hashable]]:
    """The hidden cells in groups that share no relation with each other. A group's intervals
    depend only on its own cells (every relation touching it holds no other hidden cell), so
    each group can be audited alone, and a change to one leaves the others' audits standing."""
    hidden = set(hidden)
    parent = {key: key for key in hidden}

    def find(key: Hashable) -> Hashable:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    relations = publication.relations
    touching = {i for key in hidden for i in publication.relations_of.get(key, ())}
    for relation in (relations[i] for i in touching):
        inside = [key for key in relation.keys if key in parent]
        for key in inside[1:]:
            a, b = find(inside[0]), find(key)
            if a != b:
                parent[b] = a
    groups: dict[Hashable, set[Hashable]] = {}
    for key in hidden:
        groups.setdefault(find(key), set()).add(key)
    return [frozenset(group) for group in groups.values()]


def hidden_block(
    publication: Publication, hidden: Collection[Hashable], seed: Hashable
) -> frozenset[Hashable]:
    """The group of `hidden_components` that holds `seed` (a hidden cell), found by walking
    the relations from it: as costly as the group is large, not as the publication."""
    relations = publication.relations
    relations_of = publication.relations_of
    block = {seed}
    frontier = [seed]
    seen: set[int] = set()
    while frontier:
        key = frontier.pop()
        for i in relations_of.get(key, ()):
            if i in seen:
                continue
            seen.add(i)
            for other in relations[i].keys:
                if other in hidden and other not in block:
                    block.add(other)
                    frontier.append(other)
    return frozenset(block)


def unprotected(
    publication: Publication,
    hidden: Collection[Hashable],
    *,
    protection: Protection,
    exact: bool = True,
) -> frozenset[Hashable]:
    """The hidden cells whose interval is narrower than required, without the exact intervals
    of the others: what suppression needs at each step, and much faster than `audit`. With
    exact False, integer programmes are skipped (the relaxation's bounds, rounded inwards):
    every cell returned is short, but a cell short only over the integers may be missed."""
    hidden = set(hidden)
    required = _requirements(publication, hidden, protection)
    return _failures(_intervals(publication, hidden, required, exact), required)


class Witnesses:
    """Proof, cell by cell, that the hidden cells stay protected while others are shown again.

    For each hidden cell that needs protection, a witness is two assignments of non-negative
    integers to the hidden cells, each consistent with everything published, whose values of
    that cell differ by at least the width it needs: its interval is then at least that wide.
    A witness is kept as the cells it moves (its support: where either assignment differs from
    the true values), and is chosen to move as few children as it can (`_Scope.least_move`), so
    that it moves few cells. Showing a cell fixes it at its true value, so every witness that
    does not move it still holds, and only the cells whose witness moves it need a new one.

    A witness is sought over the cell's whole block (`hidden_block`: the cells of other blocks
    share no relation with it), so finding none means the cell's exact interval is too narrow.
    `show` therefore answers exactly what `unprotected` of the touched blocks would, at the
    cost of a few programmes for the cells whose witness moved the cell shown, rather than up
    to two for every cell of its block.
    """

    def __init__(
        self, publication: Publication, hidden: Collection[Hashable], protection: Protection
    ):
        self.publication = publication
        self.values = publication.values
        self.protection = protection
        self.hidden: set[Hashable] = set()
        self.required: dict[Hashable, int] = {}
        self.support: dict[Hashable, frozenset[Hashable] | None] = {}
        self.hide(hidden)

    @property
    def short(self) -> frozenset[Hashable]:
        """The hidden cells with no witness: their exact interval is narrower than needed."""
        return frozenset(key for key, support in self.support.items() if support is None)

    def hide(self, cells: Collection[Hashable]) -> None:
        """Hide `cells` too. A witness still holds (the new cells at their true values), so
        only the new cells and those short so far are sought a witness."""
        new = set(cells) - self.hidden
        self.hidden |= new
        for key in new:
            self.required[key] = required_protection(self.protection, key, self.values[key])
        wanted = {key for key in new if self.required[key] > 0} | self.short
        scopes: dict[frozenset[Hashable], _Scope] = {}
        for key in sorted(wanted, key=repr):
            self.support[key] = self._witness(key, self.hidden, scopes)

    def show(self, key: Hashable) -> bool:
        """Show `key` again if every hidden cell stays protected; whether it was shown."""
        hidden = self.hidden - {key}
        renewed: dict[Hashable, frozenset[Hashable] | None] = {}
        scopes: dict[frozenset[Hashable], _Scope] = {}
        for other, support in sorted(self.support.items(), key=lambda item: repr(item[0])):
            if other == key:
                continue
            if support is None:  # short already: a block that holds it stays short
                if key in hidden_block(self.publication, self.hidden, other):
                    return False
                continue
            if key not in support:
                continue
            renewed[other] = self._witness(other, hidden, scopes)
            if renewed[other] is None:
                return False
        self.hidden = hidden
        self.support.pop(key, None)
        self.support.update(renewed)
        return True

    def _witness(
        self, key: Hashable, hidden: set[Hashable], scopes: dict[frozenset[Hashable], "_Scope"]
    ) -> frozenset[Hashable] | None:
        """The support of a witness for `key` among `hidden`, or None if there is none."""
        if key in self.publication.known_totals:
            return None
        scope = next((scope for cells, scope in scopes.items() if key in cells), None)
        if scope is None:
            block = hidden_block(self.publication, hidden, key)
            scope = scopes[block] = _Scope(self.publication, self.values, block)
        return scope.witness(key, self.required[key])


class _Scope:
    """The equations of one block of hidden cells, and a programme for each of its components
    (built when a witness first needs it)."""

    def __init__(
        self,
        publication: Publication,
        values: Mapping[Hashable, int],
        cells: Collection[Hashable],
    ):
        self.values = values
        variables = {cell for cell in cells if cell not in publication.known_totals}
        self.pinned, equations = _peel(_equations(publication, variables), values)
        self.component_of: dict[Hashable, int] = {}
        self.components = _components(variables - self.pinned, equations)
        for i, (keys, _) in enumerate(self.components):
            for key in keys:
                self.component_of[key] = i
        self.programmes: dict[int, tuple[_Programme, np.ndarray, Any]] = {}

    def witness(self, key: Hashable, required: int) -> frozenset[Hashable] | None:
        if key in self.pinned:
            return None
        i = self.component_of[key]
        keys, equations = self.components[i]
        if not equations:
            return frozenset([key])  # in no equation: free
        if i not in self.programmes:
            programme = _Programme(keys, equations)
            truth = np.array([self.values[cell] for cell in keys], dtype=float)
            self.programmes[i] = (programme, truth, _least_move_model(programme, truth))
        programme, truth, model = self.programmes[i]
        column = programme.index[key]
        # Usually the cell can rise by the whole width: the fewest children moved to let it.
        moved = _least_move(programme, model, truth, column, required)
        if moved is not None:
            return frozenset(keys[j] for j in moved)
        # Else it must fall too: by how much at most each way, then the least moves for those.
        value = self.values[key]
        # Highest up to the width needed (so bounded), and lowest (x >= 0: bounded).
        cap = (column, float(value + required))
        _, high_point = programme.optimise(programme.unit(key, -1.0), cap=cap)
        _, low_point = programme.optimise(programme.unit(key, 1.0))
        if high_point is None or low_point is None:  # pragma: no cover - both are bounded
            return None
        rise, fall = int(high_point[column]) - value, value - int(low_point[column])
        if rise + fall < required:
            return None
        cells: set[int] = set()
        for step in (rise, -fall):
            if step:
                move = _least_move(programme, model, truth, column, step)
                if move is None:  # pragma: no cover - each optimum is such a move
                    return None
                cells |= move
        return frozenset(keys[j] for j in cells)


def _least_move_model(programme: "_Programme", truth: np.ndarray) -> Any:
    """HiGHS model of the rises u and falls w of a component's cells: M (u - w) = 0 (the
    relations still hold), 0 <= w <= truth (no cell below 0), minimising the children moved,
    sum(u + w). `_least_move` fixes one cell's rise or fall."""
    if _core is None:
        return None
    n = len(truth)
    matrix = sparse.hstack([programme.matrix, -programme.matrix], format="csc")
    highs = _highs_model(matrix, np.zeros(matrix.shape[0]))
    columns = np.arange(2 * n, dtype=np.int32)
    upper = np.concatenate([np.full(n, _core.kHighsInf), truth])
    highs.changeColsBounds(2 * n, columns, np.zeros(2 * n), upper)
    highs.changeColsCost(2 * n, columns, np.ones(2 * n))
    return highs


def _least_move(
    programme: "_Programme", model: Any, truth: np.ndarray, column: int, step: int
) -> set[int] | None:
    """The cells moved by an integer point consistent with everything published that differs
    from the true values by `step` at `column`, moving the fewest children in all, or None if
    there is none."""
    n = len(truth)
    rise, fall = (step, 0) if step > 0 else (0, -step)
    x = None
    if model is not None:
        model.changeColBounds(column, rise, rise)
        model.changeColBounds(n + column, fall, fall)
        model.run()
        status = model.getModelStatus()
        if status == _core.HighsModelStatus.kOptimal:  # read before the bounds change back
            x = np.array(model.getSolution().col_value)
        model.changeColBounds(column, 0.0, _core.kHighsInf)
        model.changeColBounds(n + column, 0.0, float(truth[column]))
        if status == _core.HighsModelStatus.kInfeasible:
            return None
        if x is not None and not np.all(np.abs(x - np.round(x)) < INTEGRAL):
            x = None
    if x is None:
        matrix = sparse.hstack([programme.matrix, -programme.matrix], format="csc")
        zeros = np.zeros(matrix.shape[0])
        lower = np.zeros(2 * n)
        upper = np.concatenate([np.full(n, np.inf), truth])
        lower[column] = upper[column] = rise
        lower[n + column] = upper[n + column] = fall
        result = milp(
            np.ones(2 * n),
            constraints=LinearConstraint(matrix, zeros, zeros),
            integrality=np.ones(2 * n),
            bounds=Bounds(lower, upper),
        )
        if result.status != 0 or result.x is None:
            return None
        x = result.x
    x = np.round(x)
    return {int(i) for i in np.flatnonzero(x[:n] + x[n:])}
