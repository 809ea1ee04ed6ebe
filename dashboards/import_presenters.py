"""What an import did, or would do, in plain words: pure functions of the counts an importer
returned and the earlier run it replaces (no queries here)."""

import datetime as dt

from arp_portal.core.dates import long_date
from arp_portal.core.models import ImportRun

# The importers' count keys, as a data manager reads them. A key not listed is shown with its
# underscores as spaces.
COUNT_LABELS = {
    "rows": "rows read",
    "children": "children in the file",
    "episodes": "episodes in the file",
    "collection_year": "collection year",
    "reference_date": "reference date",
    "children_added": "children added",
    "children_updated": "children whose details changed",
    "children_ethnicity_changed": "children whose ethnicity changed",
    "children_sex_changed": "children whose sex changed",
    "children_birth_changed": "children whose date of birth changed",
    "children_conflicts": "children another source describes differently (see the warnings)",
    "ethnicity_conflicts": "rows whose ethnicity differs from the held child's, who is kept (see "
    "the warnings)",
    "episodes_added": "episodes added",
    "other_years_episodes_added": "of the episodes added, in other years' returns",
    "episodes_removed": "episodes removed",
    "other_years_episodes_removed": "of the episodes removed, in other years' returns",
    "episodes_superseded": "episodes restated by this return (earlier returns' copies removed)",
    "episodes_unchanged": "episodes already held, unchanged",
    "episodes_closed_by_a_later_return": "episodes left open in an earlier year's return, now "
    "ending on that return's 31 March",
    "children_left_since_previous_return": "children open at the end of the previous return "
    "and not in this one (they left)",
    "children_left_before_next_return": "children open at the end of this return and not in "
    "the next (they left)",
    "episodes_cleaned": "episodes whose end the episode cleaning set",
    "episodes_removed_by_cleaning": "episodes the episode cleaning removed (duplicated, "
    "restated or replaced in a later return)",
    "episodes_ended_at_death": "episodes ended at the child's death",
    "estimates": "population estimates (area, year and source)",
    "rows_added": "rows added",
    "rows_removed": "rows removed",
    "rows_unchanged": "rows already held, unchanged",
    "staff": "staff in the file",
    "created": "added",
    "updated": "changed",
    "unchanged": "already held, unchanged",
    "events": "events in the file",
    "replaced": "rows replaced",
    "agency_workers_skipped": "agency workers skipped",
    "problems": "problems",
}
# The report's rows follow the labels' order (what the file held, then what changed); a key
# not listed comes after, in the importer's order.
_ORDER = {key: position for position, key in enumerate(COUNT_LABELS)}
HIDDEN_COUNTS = {"warnings", "warnings_count", "identical_to_run", "collection_year_from"}


def count_label(key: str) -> str:
    return COUNT_LABELS.get(key, key.replace("_", " "))


def _value(value) -> str:
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value)


def count_rows(counts: dict) -> list[tuple[str, str]]:
    """(label, value) for the report's table, in COUNT_LABELS' order (then the importer's)."""
    rows = []
    ordered = sorted(counts.items(), key=lambda item: _ORDER.get(item[0], len(_ORDER)))
    for key, value in ordered:
        if key in HIDDEN_COUNTS or isinstance(value, list):
            continue
        if isinstance(value, dict):  # the demo data: counts by app
            rows += [(f"{key}: {label}", text) for label, text in count_rows(value)]
        elif key == "collection_year" and isinstance(value, int):
            label = collection_year_label(value)
            rows.append((count_label(key), f"{label} (the year to 31 March {value})"))
        elif key == "reference_date" and isinstance(value, str):
            rows.append((count_label(key), _long_date(value)))
        else:
            rows.append((count_label(key), str(value) if key.endswith("year") else _value(value)))
    return rows


def _long_date(iso: str) -> str:
    """2025-03-31 -> 31 March 2025 (anything else as it is)."""
    try:
        return long_date(dt.date.fromisoformat(iso))
    except ValueError:
        return iso


def collection_year_label(year: int) -> str:
    """2025 -> "2024-25", the year ending 31 March 2025."""
    return f"{year - 1}-{year % 100:02d}"


def _by(run: ImportRun) -> str:
    return run.imported_by.get_username() if run.imported_by else "a management command"


def _plural(number: int, one: str, many: str) -> str:
    return f"{number:,} {one if number == 1 else many}"


def preview(counts: dict, earlier: ImportRun | None) -> str:
    """One sentence: what the import would do. For example "Collection year 2024-25 (from the
    header's Year); replaces the 2024-25 return imported on 3 May 2025 by j.smith: 4,120
    episodes removed, 4,388 added; 12 children's ethnicity changes." """
    parts = []
    year = counts.get("collection_year")
    if isinstance(year, int):
        source = counts.get("collection_year_from")
        parts.append(
            f"Collection year {collection_year_label(year)}"
            + (f" (from {source})" if source else "")
        )
    changes = []
    # An SSDA903 return's counts include the cleaning's changes to other years' returns, said
    # apart: "replaces the 2025-26 return" is of its own year's episodes.
    other_removed = int(counts.get("other_years_episodes_removed") or 0)
    other_added = int(counts.get("other_years_episodes_added") or 0)
    if "episodes_added" in counts:
        changes.append(
            _plural(
                counts.get("episodes_removed", 0) - other_removed,
                "episode removed",
                "episodes removed",
            )
            + f", {counts['episodes_added'] - other_added:,} added"
        )
        if other_removed or other_added:
            changes.append(
                "in other years' returns, as the episode cleaning makes them: "
                + _plural(other_removed, "episode removed", "episodes removed")
                + f", {other_added:,} added"
            )
        if counts.get("episodes_closed_by_a_later_return"):
            changes.append(
                _plural(
                    counts["episodes_closed_by_a_later_return"],
                    "episode left open in an earlier year's return now ends",
                    "episodes left open in earlier years' returns now end",
                )
                + " on that return's 31 March"
            )
        if counts.get("episodes_superseded"):
            changes.append(
                _plural(
                    counts["episodes_superseded"],
                    "episode of an earlier year's return restated",
                    "episodes of earlier years' returns restated",
                )
            )
    elif "rows_added" in counts:
        changes.append(
            _plural(counts.get("rows_removed", 0), "row removed", "rows removed")
            + f", {counts['rows_added']:,} added"
        )
    for key, what in (
        ("children_ethnicity_changed", "ethnicity"),
        ("children_sex_changed", "sex"),
        ("children_birth_changed", "date of birth"),
    ):
        if counts.get(key):
            changes.append(
                f"{counts[key]:,} {'child' if counts[key] == 1 else 'children'}'s {what} changes"
            )
    if counts.get("children_updated") and not any(
        counts.get(key)
        for key in ("children_ethnicity_changed", "children_sex_changed", "children_birth_changed")
    ):
        changes.append(
            _plural(
                counts["children_updated"], "child's details change", "children's details change"
            )
        )
    for key, what in (("updated", "changed"), ("replaced", "replaced"), ("created", "added")):
        if key in counts and "episodes_added" not in counts and counts[key]:
            changes.append(f"{counts[key]:,} {what}")
    if earlier is not None and isinstance(year, int):
        replaces = (
            f"replaces the {collection_year_label(year)} return imported on "
            f"{earlier.finished_at:%-d %B %Y} by {_by(earlier)}"
        )
    elif earlier is not None:
        replaces = (
            f"changes what the import of {earlier.finished_at:%-d %B %Y} by {_by(earlier)} wrote"
        )
    elif isinstance(year, int):
        # No earlier import of this year: what changes is other years' (and children's).
        replaces = f"no {collection_year_label(year)} return is held, so none is replaced"
    else:
        replaces = "changes what earlier imports wrote"
    parts.append(replaces + (": " + "; ".join(changes) if changes else ""))
    sentence = "; ".join(parts)
    return sentence[0].upper() + sentence[1:] + "."
