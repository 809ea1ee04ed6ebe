from django.urls import path

from actions import views

app_name = "actions"

urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.my_actions, name="my_actions"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:plan_id>/", views.plan_overview, name="plan_overview"),
    path("plans/<int:plan_id>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:plan_id>/outcomes/new/", views.outcome_add, name="outcome_add"),
    path("plans/<int:plan_id>/areas/new/", views.area_add, name="area_add"),
    path(
        "plans/<int:plan_id>/outcomes/<int:outcome_id>/edit/",
        views.outcome_edit,
        name="outcome_edit",
    ),
    path("plans/<int:plan_id>/areas/<int:area_id>/edit/", views.area_edit, name="area_edit"),
    path("plans/<int:plan_id>/actions/", views.action_list, name="action_list"),
    path("plans/<int:plan_id>/actions/new/", views.action_create, name="action_create"),
    path("plans/<int:plan_id>/board-report/", views.board_report, name="board_report"),
    path("plans/<int:plan_id>/reflections/", views.reflections, name="reflections"),
    path("plans/<int:plan_id>/reflections/new/", views.reflection_add, name="reflection_add"),
    path("action/<int:action_id>/", views.action_detail, name="action_detail"),
    path("action/<int:action_id>/edit/", views.action_edit, name="action_edit"),
    path("action/<int:action_id>/update/", views.update_create, name="update_create"),
    path("action/<int:action_id>/milestones/new/", views.milestone_add, name="milestone_add"),
    path("milestones/<int:milestone_id>/toggle/", views.milestone_toggle, name="milestone_toggle"),
    path("action/<int:action_id>/measures/new/", views.measure_add, name="measure_add"),
    path("measures/<int:link_id>/remove/", views.measure_remove, name="measure_remove"),
]
