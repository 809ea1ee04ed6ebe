"""The kinds of data file a data manager can import, gathered for the imports page.

Each dashboard area lists its own in a module `dashboards.<area>.import_kinds` exporting
IMPORT_KINDS, so the children's and workforce imports are described where they are built.
"""

import importlib
from dataclasses import dataclass

AREAS = ("children", "workforce")


@dataclass(frozen=True)
class ImportKind:
    slug: str  # also ImportRun.kind
    title: str  # "CIN census (XML)"
    description: str  # one sentence: what the file is and where it comes from
    url_name: str  # the upload page
    command: str  # the management command that does the same from a shell


def registered_import_kinds() -> list[ImportKind]:
    kinds: list[ImportKind] = []
    for area in AREAS:
        try:
            module = importlib.import_module(f"dashboards.{area}.import_kinds")
        except ModuleNotFoundError:
            continue  # an area not yet installed offers no imports
        kinds.extend(module.IMPORT_KINDS)
    return kinds
