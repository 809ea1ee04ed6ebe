"""Everything a survey's results publish, as group sizes across every view, and which groups
to hide (docs/adr/051-survey-group-threshold-disclosure.md).

A reader can open the unfiltered results and every value of every filter (role, grade band,
locality), one at a time, and download each. Together those views publish, for every "group"
(a view and an ethnic group: all respondents, "Black or Asian", the major groups, "ethnic group
not given", and in the unfiltered view the detailed groups), its size and, if it is shown, every
answer. The groups relate: majors and "not given" make up all respondents, Black and Asian make
up "Black or Asian", the detailed groups make up their major, and a filter's values make up the
unfiltered group. The decision of which groups to hide is taken over all of them at once,
`arp_portal.statistics.group_threshold` applying the rules and the disclosure engine's audit
proving them.

Pure: no database. Keys are (view, group key): view None is the unfiltered view, otherwise
"dimension:value" ("role:manager"; "role:" is "prefer not to say").
"""

import logging
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from typing import cast

from arp_portal.statistics.group_threshold import Partition, groups_to_hide, small_groups

DIMENSION_FIELDS = {"role": 1, "grade": 2, "locality": 3}  # position in a respondents row

GroupKey = tuple[str | None, str]
logger = logging.getLogger(__name__)


def key_text(key: GroupKey) -> str:
    """A group's key as JSON can hold it: "view|group"."""
    view, group = key
    return f"{view or ''}|{group}"


def key_from_text(text: str) -> GroupKey:
    view, _, group = text.partition("|")
    return (view or None, group)


def views_of(filter_values: Mapping[str, list[str]]) -> list[str | None]:
    return [None] + [f"{dim}:{value}" for dim, values in filter_values.items() for value in values]


def groups_in(view: str | None, groups) -> list:
    # Detailed groups are not broken down by role, grade or locality: nearly every one would be
    # hidden, and each would be one more way to subtract.
    return groups if view is None else [g for g in groups if g.kind != "detailed"]


def lattice_sizes(
    respondents: Iterable[tuple[str, str, str, str, int]],
    groups,
    filter_values: Mapping[str, list[str]],
) -> dict[GroupKey, int]:
    """Respondents in every group of every view, from counts by (ethnicity, role, grade band,
    locality)."""
    of_code: dict[str, list[str]] = defaultdict(list)
    for group in groups:
        for code in group.codes:
            of_code[code].append(group.key)
    broad = {g.key for g in groups if g.kind != "detailed"}
    sizes: dict[GroupKey, int] = {}
    for view in views_of(filter_values):
        for group in groups_in(view, groups):
            sizes[(view, group.key)] = 0
    for row in respondents:
        code, n = row[0], row[4]
        for group_key in of_code.get(code, ()):
            sizes[(None, group_key)] += n
            for dim, position in DIMENSION_FIELDS.items():
                if dim in filter_values and group_key in broad:
                    key = (f"{dim}:{row[position]}", group_key)
                    if key in sizes:
                        sizes[key] += n
    return sizes


def lattice_partitions(groups, filter_values: Mapping[str, list[str]]) -> list[Partition[GroupKey]]:
    """How the groups of every view add up."""
    partitions = []
    for view in views_of(filter_values):
        view_groups = groups_in(view, groups)
        majors = [g for g in view_groups if g.kind == "major"]
        keys = {g.key for g in view_groups}
        partitions.append(Partition((view, "all"), tuple((view, g.key) for g in majors)))
        if "black_or_asian" in keys:
            partitions.append(
                Partition((view, "black_or_asian"), ((view, "major:Black"), (view, "major:Asian")))
            )
        for major in majors:
            members = tuple(
                (view, g.key)
                for g in view_groups
                if g.kind == "detailed" and g.codes <= major.codes and major.key != "not_stated"
            )
            if members:
                partitions.append(Partition((view, major.key), members))
    for dim, values in filter_values.items():
        for group in groups_in(f"{dim}:", groups):
            partitions.append(
                Partition(
                    (None, group.key), tuple((f"{dim}:{value}", group.key) for value in values)
                )
            )
    return partitions


def size_relations(partitions: Iterable[Partition[GroupKey]]):
    from arp_portal.statistics.disclosure import Relation

    return [Relation(p.total, p.parts) for p in partitions]


def sizes_publication(
    sizes: Mapping[GroupKey, int], partitions: Iterable[Partition[GroupKey]], **kw
):
    from arp_portal.statistics.disclosure import Publication

    cells: dict[Hashable, int] = {key: n for key, n in sizes.items()}
    return Publication(cells, size_relations(partitions), **kw)


def decide_hidden(
    sizes: Mapping[GroupKey, int],
    partitions: list[Partition[GroupKey]],
    threshold: int,
    *,
    narrowed_by_answers=None,
    rounds: int = 8,
) -> set[GroupKey]:
    """The groups to hide in every view: the unfiltered view first (what most readers read,
    kept as whole as it can be), then every filter's views together, the unfiltered view's
    decisions being fixed. At each step the engine hides further groups until no hidden
    group's size can be narrowed to fewer than `threshold` values, and its audit is the proof.
    It starts once from the small groups and once from what the partition rules hide, and the
    choice hiding fewer respondents is kept: its greedy search and the rules each do better
    on some tables.

    Sizes are not all a reader has: every answer of every shown group is published, and
    answers are non-negative counts that add up, which can narrow a hidden group's size
    further (a two-way block of hidden groups, say, where one answer's totals leave little
    room). `narrowed_by_answers(hidden)` names the hidden groups so narrowed (the engine's
    audit, question by question); the smallest shown group beside each is hidden too and the
    decision is taken again, until none is left."""
    extra: set[GroupKey] = set()
    decided: set[GroupKey] = set()
    for _ in range(rounds):
        decided = _decide_once(sizes, partitions, threshold, extra)
        failing = narrowed_by_answers(decided) if narrowed_by_answers else set()
        if not failing:
            return _reshown(sizes, partitions, threshold, decided, narrowed_by_answers)
        grew = False
        for key in sorted(failing, key=key_text):
            partner = _smallest_shown_beside(key, sizes, partitions, decided | extra)
            if partner is not None:
                extra.add(partner)
                grew = True
        if not grew:
            break
    logger.warning("Survey groups narrowed by answers after %s rounds: all filters hidden", rounds)
    return decided | {k for k, n in sizes.items() if k[0] is not None and n > 0}


def _reshown(sizes, partitions, threshold: int, decided: set, narrowed_by_answers) -> set:
    """The decision with every group of at least the threshold shown again that can be: the
    largest first (the unfiltered view's before the filters'), each kept shown only if the
    engine's audit of every view's sizes still passes and no hidden group is then narrowed by
    the answers. The engine's own reshow tries only the cells it was not given to start from,
    and this decision gives it the partition rules' choice and the partners the answers loop
    added, some of which a later round no longer needs (in the demo 2025 wave: team managers'
    White group, 52, and West's Mixed group, 16). Deterministic: a fixed order, exact checks."""
    from arp_portal.statistics.disclosure import audit

    published = sizes_publication(sizes, partitions)
    hidden = set(decided)
    candidates = sorted(
        (k for k in hidden if sizes[k] >= threshold),
        key=lambda k: (k[0] is not None, -sizes[k], key_text(k)),
    )
    for key in candidates:
        trial = hidden - {key}
        if not audit(published, trial, protection=threshold).ok:
            continue
        if narrowed_by_answers and narrowed_by_answers(trial):
            continue
        hidden = trial
    return hidden


def _smallest_shown_beside(key, sizes, partitions, hidden) -> GroupKey | None:
    siblings = {other for p in partitions if key in p.parts for other in p.parts}
    free = [k for k in siblings if k not in hidden and sizes[k] > 0]
    return min(free, key=lambda k: (sizes[k], key_text(k))) if free else None


def _decide_once(sizes, partitions, threshold: int, extra: set) -> set[GroupKey]:
    overall_sizes = {k: n for k, n in sizes.items() if k[0] is None}
    overall = [p for p in partitions if all(k[0] is None for k in (p.total, *p.parts))]
    first = _protected(overall_sizes, overall, threshold, {}, {k for k in extra if k[0] is None})
    if first is None:
        # Nothing could be protected: the safe answer, if a useless one.
        return {k for k, n in sizes.items() if n > 0}
    decided = _protected(
        sizes, partitions, threshold, {k: k in first for k in overall_sizes}, extra
    )
    if decided is None:
        return first | {k for k, n in sizes.items() if k[0] is not None and n > 0}
    return decided


def _protected(sizes, partitions, threshold: int, fixed: dict, extra: set) -> set | None:
    from arp_portal.statistics.disclosure import suppress

    shown = {k: sizes[k] for k, is_hidden in fixed.items() if not is_hidden}
    published = sizes_publication(sizes, partitions, known_totals=shown)
    already = {k for k, is_hidden in fixed.items() if is_hidden} | (extra - set(shown))
    starts = [
        already | small_groups(sizes, threshold),
        groups_to_hide(
            sizes, partitions, threshold, fixed={**fixed, **dict.fromkeys(already, True)}
        ),
    ]
    decisions = [suppress(published, start, protection=threshold) for start in starts]
    passing = [d for d in decisions if d.audit.ok]
    if not passing:
        # The engine names the cells it was given: here, the groups' keys.
        failures = sorted(key_text(cast(GroupKey, k)) for d in decisions for k in d.audit.failures)
        logger.warning("Survey groups that cannot be protected, all hidden: %s", failures)
        return None
    best = min(passing, key=lambda d: (sum(sizes[k] for k in d.hidden), len(d.hidden)))
    return set(best.hidden)


def narrowed_by_answers(sizes, partitions, answers, asked, threshold: int):
    """The check decide_hidden takes: for each question, the engine's audit of the group sizes
    with that question's answers published too. (All questions at once is one large programme,
    minutes long; each question alone is a tenth of a second, and a group narrowed by any one
    of them is narrowed.)"""
    from arp_portal.statistics.disclosure import unprotected

    publications = [answers_publication(sizes, partitions, answers, [q]) for q in asked]
    protection = answers_protection(threshold)

    def failing(hidden: set) -> set:
        found: set = set()
        for published in publications:
            cells = hidden_cells(published, hidden)
            # The cells are ("size" or "answer", view, group, ...): the group's key follows.
            narrowed = cast(
                "frozenset[tuple]", unprotected(published, cells, protection=protection)
            )
            found |= {(k[1], k[2]) for k in narrowed}
        return found

    return failing


def answers_of_groups(counts_by_dimension: Mapping[str | None, Mapping], groups) -> dict:
    """(view, group key, question, option) -> count, from the counts by (question, option,
    ethnicity, value) of each dimension (None: unfiltered), as selectors.answer_counts gives
    them."""
    answers: dict[tuple, int] = defaultdict(int)
    for dimension, counts in counts_by_dimension.items():
        for (question, option, code, value), n in counts.items():
            view = f"{dimension}:{value}" if dimension else None
            for group in groups_in(view, groups):
                if code in group.codes:
                    answers[(view, group.key, question, option)] += n
    return dict(answers)


def asked_questions(questions) -> list[tuple]:
    """(question, option keys, is multiple choice) of the questions whose answers are shown by
    group (not free text; not the "about you" questions, shown for all respondents only)."""
    return [
        (q.pk, [o.pk for o in q.options.all()], q.is_multiple)
        for q in questions
        if not q.is_free_text and not q.is_demographic
    ]


def answers_publication(
    sizes: Mapping[GroupKey, int],
    partitions: list[Partition[GroupKey]],
    answers: Mapping[tuple, int],
    questions: list[tuple[Hashable, list[Hashable], bool]],
):
    """The whole publication for the engine: every group's size and every answer count.

    answers maps (view, group key, question, option) to a count, for every group of every view
    (zeros included); questions lists (question, option keys, is multiple choice). For a
    single-choice question a group's answers add up to its size; the groups' answers relate as
    their sizes do."""
    from arp_portal.statistics.disclosure import Publication, Relation

    cells: dict[Hashable, int] = {("size", *k): n for k, n in sizes.items()}
    relations = [
        Relation(("size", *p.total), tuple(("size", *k) for k in p.parts)) for p in partitions
    ]
    for question, options, multiple in questions:
        for option in options:
            for key in sizes:
                cells[("answer", *key, question, option)] = answers.get((*key, question, option), 0)
            for p in partitions:
                relations.append(
                    Relation(
                        ("answer", *p.total, question, option),
                        tuple(("answer", *k, question, option) for k in p.parts),
                    )
                )
            if multiple:
                # Those who did not choose it: the group's size less those who did.
                for key, n in sizes.items():
                    chose = cells[("answer", *key, question, option)]
                    cells[("not", *key, question, option)] = n - chose
                    relations.append(
                        Relation(
                            ("size", *key),
                            (("answer", *key, question, option), ("not", *key, question, option)),
                        )
                    )
        if not multiple:
            for key in sizes:
                relations.append(
                    Relation(("size", *key), tuple(("answer", *key, question, o) for o in options))
                )
    return Publication(cells, relations)


def hidden_cells(publication, hidden_groups: Iterable[GroupKey]) -> set:
    """Every number of a hidden group: its size and each of its answers."""
    hidden_groups = set(hidden_groups)
    return {key for key in publication.cells if (key[1], key[2]) in hidden_groups}


def answers_protection(threshold: int):
    """What the audit of the whole publication asks of the group policy: with every answer of
    every shown group published (and the relations between answers, which can narrow sizes
    through non-negativity), no hidden group's size can be narrowed to fewer than `threshold`
    values. The answer counts of a hidden group need no width of their own: a group policy
    protects groups of people, not answers. (A small count shown inside a large group, as the
    policy intends, can still say something about hidden groups: four people chose an answer
    and no named role shows it, so those four are among the unnamed roles. Strict mode is the
    choice that hides such counts.)"""

    def required(key, value: int) -> int:
        return threshold if key[0] == "size" and value > 0 else 0

    return required
