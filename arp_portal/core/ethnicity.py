"""The DfE ethnicity classification used by the CIN census and the SSDA903 return.

Codes are fixed (they are what the returns carry); display labels are data that a data manager may
edit in the portal. DfE counts Chinese under "Other"; Census 2021 counts it as Asian. Whichever
grouping is used must be applied to counts and population alike, so population files keyed by
Census 2021 categories are mapped to DfE codes with CENSUS_2021_TO_DFE (docs/ethnicity.md).
"""

from django.db import models


class MajorGroup(models.TextChoices):
    WHITE = "White", "White"
    MIXED = "Mixed", "Mixed"
    ASIAN = "Asian", "Asian"
    BLACK = "Black", "Black"
    OTHER = "Other", "Other"
    UNKNOWN = "Unknown", "Unknown"


# (code, major group, default label), in the order DfE publishes them.
DFE_ETHNICITY_CODES: list[tuple[str, str, str]] = [
    ("WBRI", MajorGroup.WHITE, "White British"),
    ("WIRI", MajorGroup.WHITE, "White Irish"),
    ("WIRT", MajorGroup.WHITE, "Traveller of Irish heritage"),
    ("WOTH", MajorGroup.WHITE, "Any other White background"),
    ("WROM", MajorGroup.WHITE, "Gypsy/Roma"),
    ("MWBC", MajorGroup.MIXED, "White and Black Caribbean"),
    ("MWBA", MajorGroup.MIXED, "White and Black African"),
    ("MWAS", MajorGroup.MIXED, "White and Asian"),
    ("MOTH", MajorGroup.MIXED, "Any other Mixed background"),
    ("AIND", MajorGroup.ASIAN, "Indian"),
    ("APKN", MajorGroup.ASIAN, "Pakistani"),
    ("ABAN", MajorGroup.ASIAN, "Bangladeshi"),
    ("AOTH", MajorGroup.ASIAN, "Any other Asian background"),
    ("BCRB", MajorGroup.BLACK, "Caribbean"),
    ("BAFR", MajorGroup.BLACK, "African"),
    ("BOTH", MajorGroup.BLACK, "Any other Black background"),
    ("CHNE", MajorGroup.OTHER, "Chinese"),
    ("OOTH", MajorGroup.OTHER, "Any other ethnic group"),
    ("REFU", MajorGroup.UNKNOWN, "Refused"),
    ("NOBT", MajorGroup.UNKNOWN, "Information not yet obtained"),
]

VALID_CODES = frozenset(code for code, _, _ in DFE_ETHNICITY_CODES)
UNKNOWN_CODES = frozenset(code for code, group, _ in DFE_ETHNICITY_CODES if group == "Unknown")
MAJOR_GROUP_OF = {code: str(group) for code, group, _ in DFE_ETHNICITY_CODES}
REFERENCE_CODE = "WBRI"

# Census 2021 19 categories (ONS TS021 labels) -> DfE codes. Where Census is coarser or splits
# differently, the nearest DfE code is chosen and the choice is documented in docs/ethnicity.md.
CENSUS_2021_TO_DFE: dict[str, str] = {
    "Asian, Asian British or Asian Welsh: Bangladeshi": "ABAN",
    "Asian, Asian British or Asian Welsh: Chinese": "CHNE",
    "Asian, Asian British or Asian Welsh: Indian": "AIND",
    "Asian, Asian British or Asian Welsh: Pakistani": "APKN",
    "Asian, Asian British or Asian Welsh: Other Asian": "AOTH",
    "Black, Black British, Black Welsh, Caribbean or African: African": "BAFR",
    "Black, Black British, Black Welsh, Caribbean or African: Caribbean": "BCRB",
    "Black, Black British, Black Welsh, Caribbean or African: Other Black": "BOTH",
    "Mixed or Multiple ethnic groups: White and Asian": "MWAS",
    "Mixed or Multiple ethnic groups: White and Black African": "MWBA",
    "Mixed or Multiple ethnic groups: White and Black Caribbean": "MWBC",
    "Mixed or Multiple ethnic groups: Other Mixed or Multiple ethnic groups": "MOTH",
    "White: English, Welsh, Scottish, Northern Irish or British": "WBRI",
    "White: Irish": "WIRI",
    # Census 2021 has one "Gypsy or Irish Traveller" category and a separate "Roma" one; DfE
    # separates Traveller of Irish heritage (WIRT) from Gypsy/Roma (WROM). Gypsy or Irish
    # Traveller maps to WIRT, Roma to WROM: the nearest split the census allows.
    "White: Gypsy or Irish Traveller": "WIRT",
    "White: Roma": "WROM",
    "White: Other White": "WOTH",
    # DfE has no Arab category: Arab children are recorded under "Any other ethnic group".
    "Other ethnic group: Arab": "OOTH",
    "Other ethnic group: Any other ethnic group": "OOTH",
}
