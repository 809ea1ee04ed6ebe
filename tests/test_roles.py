from django.contrib.auth.models import Group


def test_the_roles_exist_with_their_permissions(db):
    def perms(name):
        return set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))

    readers = {"view_dashboards", "view_survey_results", "view_action_plan"}
    assert perms("Service manager") == readers
    assert perms("Steering group") == readers | {"edit_action_plan"}
    assert perms("Data manager") == readers | {
        "edit_action_plan",
        "manage_surveys",
        "import_data",
        "manage_users",
        "manage_audits",
        "conduct_audits",
    }
    assert perms("Auditor") == {"conduct_audits"}


def test_navigation_shows_only_what_the_role_may_use(service_manager_client, data_manager_client):
    service_manager_page = service_manager_client.get("/").content.decode()
    data_manager_page = data_manager_client.get("/").content.decode()
    assert "Edit ethnicity labels" not in service_manager_page
    assert "Edit ethnicity labels" in data_manager_page


def test_an_account_without_a_role_is_told_so(client_as, user_without_role):
    page = client_as(user_without_role).get("/").content.decode()
    assert "Your account has no role yet" in page
