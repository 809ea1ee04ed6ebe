"""After a refused stale save: put the other person's changes and yours together in the form.

Three versions of each field are compared: what the person loaded, what they submitted, and what
is saved now. A field only they changed keeps their value; a field only the other person changed
takes the saved value (so saving again cannot quietly undo it); a field both changed to different
values keeps theirs and is listed as a conflict for them to check.
"""

import dataclasses
from collections.abc import Iterable, Mapping


@dataclasses.dataclass(frozen=True)
class Merge:
    values: dict
    conflicts: list[str]  # field names both people changed, differently
    taken_from_saved: list[str]  # field names updated to the other person's value


def merge_stale_edit(
    *, fields: Iterable[str], loaded: Mapping, submitted: Mapping, saved: Mapping
) -> Merge:
    values, conflicts, taken = {}, [], []
    for name in fields:
        mine_changed = submitted.get(name) != loaded.get(name)
        theirs_changed = saved.get(name) != loaded.get(name)
        if theirs_changed and not mine_changed:
            values[name] = saved.get(name)
            taken.append(name)
        else:
            values[name] = submitted.get(name)
            if mine_changed and theirs_changed and submitted.get(name) != saved.get(name):
                conflicts.append(name)
    return Merge(values=values, conflicts=conflicts, taken_from_saved=taken)
