"""The kinds of data file a data manager can import, gathered for the imports page.

Each dashboard area lists its own in a module `dashboards.<area>.import_kinds` exporting
IMPORT_KINDS, so the children's and workforce imports are described where they are built.
"""

import importlib
from dataclasses import dataclass

AREAS = ("children", "workforce", "front_door")


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
        name = f"dashboards.{area}.import_kinds"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as missing:
            if missing.name not in {name, f"dashboards.{area}"}:
                raise  # a broken import inside the module must not hide it
            continue  # an area not installed in this deployment offers no imports
        kinds.extend(module.IMPORT_KINDS)
    return kinds
