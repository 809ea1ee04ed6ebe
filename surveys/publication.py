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

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping

from arp_portal.statistics.group_threshold import Partition, groups_to_hide

DIMENSION_FIELDS = {"role": 1, "grade": 2, "locality": 3}  # position in a respondents row
HEADLINE = {"all", "black_or_asian", "major:White"}

GroupKey = tuple[str | None, str]


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


def lattice_partitions(groups, filter_values: Mapping[str, list[str]]) -> list[Partition]:
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


def keep_rank(key: GroupKey) -> int:
    """How much a group is worth showing, where another must be hidden: the comparison the
    national report leads with (all, Black or Asian, White) most, then the major groups, then
    the detailed ones."""
    group = key[1]
    if group in HEADLINE:
        return 2
    return 0 if group.startswith("code:") else 1


def size_relations(partitions: Iterable[Partition]):
    from arp_portal.statistics.disclosure import Relation

    return [Relation(p.total, p.parts) for p in partitions]


def engine_available() -> bool:
    from arp_portal.statistics import disclosure

    return hasattr(disclosure, "Publication")


def sizes_unprotected(sizes, partitions, threshold: int):
    """The audit over group sizes: hidden groups whose size an intruder can narrow to fewer
    than `threshold` possible values from every published size (the engine's protection
    intervals), so that the few people between two bounds could be isolated."""
    from arp_portal.statistics import disclosure

    if not engine_available():
        # Until the engine is merged: the linear-algebra audit of linked_disclosure, which finds
        # hidden groups worked out exactly (not merely narrowed).
        from arp_portal.statistics.linked_disclosure import Constraint, exposed_cells

        constraints = [Constraint(p.total, p.parts) for p in partitions]
        return lambda hidden: exposed_cells(sizes, constraints, hidden)

    publication = disclosure.Publication(dict(sizes), size_relations(partitions))
    check = getattr(disclosure, "unprotected", None)

    def failing(hidden: set) -> set:
        if check is not None:
            return set(check(publication, hidden, protection=threshold))
        return set(disclosure.audit(publication, hidden, protection=threshold).failures)

    return failing


def decide_hidden(
    sizes: Mapping[GroupKey, int], partitions: list[Partition], threshold: int
) -> set[GroupKey]:
    """The groups to hide in every view: the unfiltered view first, then the filters' views
    together with the unfiltered view's decisions fixed, each audited by the engine."""
    overall_sizes = {k: n for k, n in sizes.items() if k[0] is None}
    overall = [p for p in partitions if all(k[0] is None for k in (p.total, *p.parts))]
    hidden = groups_to_hide(
        overall_sizes,
        overall,
        threshold,
        keep=keep_rank,
        unprotected=sizes_unprotected(overall_sizes, overall, threshold),
    )
    fixed = {key: key in hidden for key in overall_sizes}
    return groups_to_hide(
        sizes,
        partitions,
        threshold,
        fixed=fixed,
        keep=keep_rank,
        unprotected=sizes_unprotected(sizes, partitions, threshold),
    )


def answers_publication(
    sizes: Mapping[GroupKey, int],
    partitions: list[Partition],
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
    """What the audit of the whole publication asks: a hidden group's size cannot be narrowed
    to fewer than `threshold` values, and none of its answer counts (other than a zero) can be
    worked out exactly."""

    def required(key, value: int) -> int:
        if value == 0:
            return 0
        return threshold if key[0] == "size" else 1

    return required
