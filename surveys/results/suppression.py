"""Which cells to hide: group mode takes the release's decision (surveys/publication.py, taken
over every view at once and audited by the engine); strict cell mode suppresses cell by cell
with the linked-tables engine (ADR 011), a filtered view together with every other value of its
filter and against the unfiltered view's decisions."""

from collections import defaultdict

from arp_portal.statistics.disclosure.linked import Constraint, suppress_linked
from surveys import publication, selectors
from surveys.results.groups import (
    ALL,
    BLACK_OR_ASIAN,
    DIMENSIONS,
    NOT_STATED,
    Group,
    _choice_questions,
    _question_groups,
    result_options,
)


def _group_constraints(groups: list[Group], key) -> list[Constraint]:
    """How the groups add up: majors (with "not given") to all, detailed to their major, and
    Black and Asian to "Black or Asian". key(group_key) makes a cell's key."""
    by_key = {g.key: g for g in groups}
    majors = [g for g in groups if g.kind == "major"]
    constraints = [Constraint(key(ALL), tuple(key(g.key) for g in majors))]
    for major in majors:
        members = tuple(
            key(g.key) for g in groups if g.kind == "detailed" and g.codes <= major.codes
        )
        if members and major.key != NOT_STATED:
            constraints.append(Constraint(key(major.key), members))
    if BLACK_OR_ASIAN in by_key:
        constraints.append(
            Constraint(key(BLACK_OR_ASIAN), (key("major:Black"), key("major:Asian")))
        )
    return constraints


def _size_counts(raw_sizes, groups, views) -> dict:
    counts = {}
    for view in views:
        by_code: defaultdict[str, int] = defaultdict(int)
        for (code, value), n in raw_sizes.items():
            if view is None or value == view:
                by_code[code] += n
        for group in groups:
            counts[("size", view, group.key)] = sum(by_code[c] for c in group.codes)
    return counts


def _suppress_sizes(counts, groups, views, threshold, *, fixed=None, base_groups=None):
    constraints = []
    # With a filter, the unfiltered view's equations are included too (its cells are fixed), so
    # the audit sees every way the published numbers add up.
    for view in views if fixed is None else [*views, None]:
        view_groups = base_groups if view is None and base_groups else groups
        constraints += _group_constraints(view_groups, lambda g, v=view: ("size", v, g))
    if fixed is not None:
        for group in groups:
            constraints.append(
                Constraint(
                    ("size", None, group.key),
                    tuple(("size", v, group.key) for v in views),
                )
            )
        counts = {**counts, **{k: v for k, v in fixed["counts"].items() if k[0] == "size"}}
    return suppress_linked(
        counts, constraints, threshold, fixed=fixed["hidden"] if fixed else None, keep=_headline
    )


HEADLINE_GROUPS = {ALL, BLACK_OR_ASIAN, "major:White"}


def _headline(key) -> int:
    """How much a cell is worth keeping: the totals the national report leads with ("at least
    once", "agree") most, then the all / Black or Asian / White comparison. Where a further cell
    must be hidden, the others go first."""
    option = key[3] if len(key) == 5 else None
    derived = isinstance(option, str) and option.startswith("d:")
    return 2 * derived + (key[-1] in HEADLINE_GROUPS)


def _suppress_question(
    question, groups, views, counts, hidden_sizes, threshold, fixed=None, base_groups=None
):
    """Decide, for one question in every view, which cells to hide."""
    constraints = []
    options = result_options(question)
    real = [o for o in options if not getattr(o, "derived", False)]
    derived = [o for o in options if getattr(o, "derived", False)]
    option_ids = [o.pk for o in options]
    pk_of = {o.code: o.pk for o in real}
    fixed_status = dict(fixed or {})
    for view in views if fixed is None else [*views, None]:
        # The unfiltered view (fixed) brings all its equations, detailed groups included.
        view_groups = base_groups if view is None and base_groups else groups
        for group in view_groups:
            size_key = ("size", view, group.key)
            fixed_status[size_key] = size_key in hidden_sizes
            cells = [("cell", view, question.pk, o, group.key) for o in option_ids]
            if counts[size_key] == 0:
                # Nobody in the group: every answer is a known zero.
                fixed_status.update({cell: False for cell in cells})
                continue
            if size_key in hidden_sizes:
                fixed_status.update({cell: True for cell in cells})
                if question.is_multiple:
                    fixed_status.update({("not",) + c[1:]: True for c in cells})
                continue
            if question.is_multiple:
                for cell in cells:
                    constraints.append(Constraint(size_key, (cell, ("not",) + cell[1:])))
            else:
                constraints.append(
                    Constraint(
                        size_key, tuple(("cell", view, question.pk, o.pk, group.key) for o in real)
                    )
                )
            if derived and not question.is_multiple:
                # The totals with the answers they leave out also add up to the group: without
                # this, "prefer not to say" = size - never - "at least once" would be open.
                in_a_total = {code for total in derived for code in total.members}
                constraints.append(
                    Constraint(
                        size_key,
                        tuple(
                            ("cell", view, question.pk, o.pk, group.key)
                            for o in [*derived, *(o for o in real if o.code not in in_a_total)]
                        ),
                    )
                )
            for total in derived:
                constraints.append(
                    Constraint(
                        ("cell", view, question.pk, total.pk, group.key),
                        tuple(
                            ("cell", view, question.pk, pk_of[code], group.key)
                            for code in total.members
                        ),
                    )
                )
        for option in option_ids:
            kinds = ("cell", "not") if question.is_multiple else ("cell",)
            for kind in kinds:
                constraints += _group_constraints(
                    view_groups, lambda g, v=view, o=option, k=kind: (k, v, question.pk, o, g)
                )
    if fixed is not None:
        for group in groups:
            for option in option_ids:
                kinds = ("cell", "not") if question.is_multiple else ("cell",)
                for kind in kinds:
                    constraints.append(
                        Constraint(
                            (kind, None, question.pk, option, group.key),
                            tuple((kind, v, question.pk, option, group.key) for v in views),
                        )
                    )
    return suppress_linked(counts, constraints, threshold, fixed=fixed_status, keep=_headline)


def _answer_counts(question, groups, views, raw_answers, size_counts) -> dict:
    counts = {}
    for view in views:
        by: defaultdict[tuple, int] = defaultdict(int)
        for (_question, o, code, value), n in raw_answers.get(question.pk, {}).items():
            if view is None or value == view:
                by[(o, code)] += n
        options = result_options(question)
        pk_of = {o.code: o.pk for o in options}
        for option in options:
            members = (
                [pk_of[code] for code in option.members]
                if getattr(option, "derived", False)
                else [option.pk]
            )
            for group in groups:
                n = sum(by[(pk, c)] for pk in members for c in group.codes)
                counts[("cell", view, question.pk, option.pk, group.key)] = n
                if question.is_multiple:
                    size = size_counts[("size", view, group.key)]
                    counts[("not", view, question.pk, option.pk, group.key)] = size - n
    return counts


def _by_question(raw_answers):
    grouped = defaultdict(dict)
    for key, n in raw_answers.items():
        grouped[key[0]][key] = n
    return grouped


def _groups_decided(questions, groups, dimension, value, release, raw_answers):
    """Group mode: the release's decision (taken over every view at once, and audited) says
    which groups are hidden; every answer of every other group is shown."""
    view_key = f"{dimension}:{value}" if dimension else None
    shown_view = value if dimension else None
    groups = publication.groups_in(view_key, groups)
    lattice = {publication.key_from_text(k): n for k, n in release.group_sizes.items()}
    hidden_groups = {publication.key_from_text(k) for k in release.hidden_groups}
    size_counts = {("size", shown_view, g.key): lattice[(view_key, g.key)] for g in groups}
    hidden_sizes = {
        ("size", shown_view, g.key) for g in groups if (view_key, g.key) in hidden_groups
    }
    decided = {}
    for question in _choice_questions(questions):
        if question.is_demographic:
            if dimension is None:
                decided[question.pk] = _demographic_sizes(question, lattice, hidden_groups)
            # A filtered view never shows the "about you" questions: they would publish every
            # role x grade, role x locality and grade x locality count, which no decision models.
            continue
        qgroups = _question_groups(question, groups)
        counts = _answer_counts(question, qgroups, [shown_view], raw_answers, size_counts)
        hidden = {key for key in counts if ("size", shown_view, key[-1]) in hidden_sizes}
        decided[question.pk] = (counts, hidden)
    return groups, decided, size_counts, hidden_sizes, shown_view


def _demographic_sizes(question, lattice, hidden_groups):
    """An "about you" question (role, grade band, locality) in the unfiltered view: each
    option's count is the size of that filter value's view ("all respondents" in it), so it
    is shown exactly as the decision shows that group, and "c" where the decision hides it.
    (Every choice question must be answered, so the count and the group's size are one
    number.) The ethnic group question is not tabulated: its counts are the groups' sizes."""
    dimension = next(d for d, kind in DIMENSIONS.items() if kind == question.kind)
    counts, hidden = {}, set()
    for option in result_options(question):
        value = "" if option.is_prefer_not_to_say else option.code
        group = (f"{dimension}:{value}", ALL)
        key = ("cell", None, question.pk, option.pk, ALL)
        counts[key] = lattice.get(group, 0)
        if group in hidden_groups:
            hidden.add(key)
    return counts, hidden


def _cells_decided(questions, groups, dimension, value, values, release, raw_answers):
    """Strict mode: cell-level suppression within and across the tables (ADR 011)."""
    threshold = release.threshold
    raw_sizes = selectors.group_sizes(release, by=dimension)

    # The unfiltered view first: its decisions are fixed for every filtered view.
    size_counts = _size_counts(raw_sizes, groups, [None])
    hidden_sizes = _suppress_sizes(size_counts, groups, [None], threshold)
    decided = {}
    for question in _choice_questions(questions):
        qgroups = _question_groups(question, groups)
        counts = {
            **size_counts,
            **_answer_counts(question, qgroups, [None], raw_answers, size_counts),
        }
        hidden = _suppress_question(question, qgroups, [None], counts, hidden_sizes, threshold)
        decided[question.pk] = (counts, hidden)

    shown_view = None
    if dimension:
        # Detailed groups are not broken down by role, grade or locality: nearly every cell would
        # be "c", and each would be one more way to subtract.
        all_groups = groups
        groups = [g for g in groups if g.kind != "detailed"]
        views = values
        view_sizes = _size_counts(raw_sizes, groups, views)
        fixed_sizes = {
            "counts": size_counts,
            "hidden": {k: k in hidden_sizes for k in size_counts},
        }
        hidden_view_sizes = _suppress_sizes(
            view_sizes, groups, views, threshold, fixed=fixed_sizes, base_groups=all_groups
        )
        for question in list(decided):
            q = next(q for q in questions if q.pk == question)
            qgroups = _question_groups(q, groups)
            base_counts, base_hidden = decided[question]
            counts = _answer_counts(q, qgroups, views, raw_answers, {**view_sizes})
            counts.update(base_counts)
            counts.update({k: v for k, v in view_sizes.items()})
            counts.update(size_counts)
            fixed = {k: k in base_hidden for k in base_counts}
            fixed.update({k: k in hidden_sizes for k in size_counts})
            hidden = _suppress_question(
                q,
                qgroups,
                views,
                counts,
                hidden_view_sizes,
                threshold,
                fixed=fixed,
                base_groups=_question_groups(q, all_groups),
            )
            decided[question] = (counts, hidden)
        size_counts, hidden_sizes, shown_view = view_sizes, hidden_view_sizes, value
    return groups, decided, size_counts, hidden_sizes, shown_view
