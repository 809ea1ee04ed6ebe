from arp_portal.core.ethnicity import CENSUS_2021_TO_DFE, VALID_CODES
from arp_portal.core.models import Ethnicity


def test_the_twenty_dfe_codes_are_loaded_with_their_major_groups(db):
    groups = dict(Ethnicity.objects.values_list("code", "major_group"))
    assert len(groups) == 20
    assert groups["CHNE"] == "Other"  # DfE counts Chinese under Other, not Asian
    assert groups["MWBC"] == "Mixed"
    assert {code for code, group in groups.items() if group == "Unknown"} == {"REFU", "NOBT"}
    assert sorted(code for code, group in groups.items() if group == "Black") == [
        "BAFR",
        "BCRB",
        "BOTH",
    ]


def test_every_census_2021_category_maps_to_a_known_code():
    assert len(CENSUS_2021_TO_DFE) == 19
    assert set(CENSUS_2021_TO_DFE.values()) <= VALID_CODES


def test_a_data_manager_can_relabel_a_code_but_not_change_it(data_manager_client):
    response = data_manager_client.post(
        "/settings/ethnicity-labels/BCRB/", {"label": "Black Caribbean"}, follow=True
    )
    assert "The label for BCRB is now “Black Caribbean”" in response.content.decode()
    assert Ethnicity.objects.get(code="BCRB").label == "Black Caribbean"
    assert Ethnicity.objects.get(code="BCRB").default_label == "Caribbean"


def test_an_empty_label_is_refused_with_a_clear_error(data_manager_client):
    response = data_manager_client.post("/settings/ethnicity-labels/BCRB/", {"label": ""})
    assert "Enter a display label" in response.content.decode()
    assert Ethnicity.objects.get(code="BCRB").label == "Caribbean"
