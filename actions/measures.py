"""The measures offered on the action form (the linked-measure contract is in
arp_portal/core/measures.py)."""

# Measures the steering group is most likely to link, offered as choices on the form. Any other
# well-formed key may be typed in.
SUGGESTED_MEASURES: list[tuple[str, str]] = [
    ("children:cic:rri:Black", "Children in care: relative rate index, Black children"),
    ("children:cic:rri:Mixed", "Children in care: relative rate index, Mixed ethnicity children"),
    ("children:cic:rri:BCRB", "Children in care: relative rate index, Black Caribbean children"),
    ("children:cp:rri:Black", "Child protection plans: relative rate index, Black children"),
    ("children:cin:rri:Black", "Children in need: relative rate index, Black children"),
    ("children:cin:rri:Asian", "Children in need: relative rate index, Asian children"),
    ("children:ethnicity_unknown:cin", "Children in need: % ethnicity unknown"),
    (
        "workforce:disciplinary:rli:bme",
        "Workforce: relative likelihood of entering a disciplinary process, Black and minority "
        "ethnic staff",
    ),
    (
        "workforce:representation:senior:bme",
        "Workforce: Black, Asian and Mixed staff at senior grades",
    ),
    ("workforce:pay_gap:mean:bme", "Workforce: ethnicity pay gap (mean)"),
    ("workforce:training:arp:all", "Workforce: staff who completed anti-racist practice training"),
    (
        "survey:latest:organisation_does_enough:black_asian",
        "Survey: “my organisation does enough” among Black and Asian staff",
    ),
    (
        "survey:latest:racism_from_service_users:black_asian",
        "Survey: racism experienced from service users or families, Black and Asian staff",
    ),
    ("survey:latest:someone_to_approach:all", "Survey: have someone to approach for support"),
    (
        "front_door:ratio:Black",
        "Front door: contacts about Black children leading to early help rather than a referral, "
        "against White British children",
    ),
    ("front_door:early_help:all", "Front door: contacts leading to early help"),
    (
        "audit:latest:racism_explored:all",
        "Practice audits: the family's experience of racism explored",
    ),
    (
        "audit:latest:identity_in_assessment:all",
        "Practice audits: race, culture, religion and language considered in the assessment",
    ),
]
SUGGESTED_LABELS = dict(SUGGESTED_MEASURES)
