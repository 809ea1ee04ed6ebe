from django.db.models import Max
from django.urls import reverse

from arp_portal.core.models import Child, ImportRun, StaffMember, Team


def portal_summary() -> dict:
    latest = ImportRun.objects.filter(status=ImportRun.Status.SUCCEEDED).aggregate(
        latest=Max("finished_at")
    )["latest"]
    return {
        "children": Child.objects.count(),
        "staff": StaffMember.objects.count(),
        "teams": Team.objects.count(),
        "latest_import": latest,
    }


def next_steps_for(user) -> list[dict]:
    """What each role can do next, most useful first. Links only to what the role may use."""
    steps = []
    if user.has_perm("core.view_dashboards"):
        steps.append(
            {
                "title": "See which children are over-represented",
                "text": "Rates, relative rate indices and trends for children in need, on child "
                "protection plans and in care, by ethnic group.",
                "url_name": "dashboards:children",
            }
        )
        steps.append(
            {
                "title": "Look at the workforce",
                "text": "Representation by grade, disciplinary and appointment likelihood, pay "
                "gaps and anti-racist practice training.",
                "url_name": "dashboards:workforce",
            }
        )
        steps.append(
            {
                "title": "See who reaches early help from the front door",
                "text": "Which families are guided to early help rather than a referral at "
                "first contact, by ethnic group, and how audited cases score on the racial-lens "
                "questions.",
                "url_name": "dashboards:front_door",
            }
        )
    if user.has_perm("core.conduct_audits") and not user.has_perm("core.manage_audits"):
        steps.append(
            {
                "title": "Record your audits",
                "text": "The cases assigned to you in each audit round, and colleagues' audits "
                "waiting for moderation.",
                "url_name": "dashboards:audit_mine",
            }
        )
    if user.has_perm("core.view_survey_results"):
        steps.append(
            {
                "title": "Read the workforce survey results",
                "text": "Experiences of racism at work, by ethnic group, with small groups hidden.",
                "url_name": "surveys:index",
            }
        )
    if user.has_perm("core.edit_action_plan"):
        steps.append(
            {
                "title": "Update your actions",
                "text": "Post progress on the actions you own and keep the plan's RAG honest.",
                "url_name": "actions:index",
            }
        )
    elif user.has_perm("core.view_action_plan"):
        steps.append(
            {
                "title": "Follow the action plan",
                "text": "What the steering group is doing, who owns it and how far it has got.",
                "url_name": "actions:index",
            }
        )
    if user.has_perm("core.import_data"):
        steps.append(
            {
                "title": "Import data",
                "text": "Load the CIN census, SSDA903, case exports, population estimates and "
                "workforce files.",
                "url_name": "dashboards:imports",
            }
        )
    if user.has_perm("core.manage_surveys"):
        steps.append(
            {
                "title": "Run a survey",
                "text": "Create this year's wave, open and close it, and moderate free text.",
                "url_name": "surveys:index",
            }
        )
    if user.has_perm("core.manage_users"):
        steps.append(
            {
                "title": "Manage users",
                "text": "Add people, give them a role, and switch off accounts when people leave.",
                "url_name": "accounts:users",
            }
        )
        steps.append(
            {
                "title": "Edit ethnicity labels",
                "text": "Word the DfE ethnicity categories as your case system does.",
                "url_name": "core:ethnicity_labels",
            }
        )
    return [{**step, "url": reverse(step.pop("url_name"))} for step in steps]
