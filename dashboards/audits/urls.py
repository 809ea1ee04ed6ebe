"""Practice audits' URLs, included by dashboards/urls.py (app_name "dashboards")."""

from django.urls import path

from dashboards.audits import views

urlpatterns = [
    path("audits/", views.results, name="audit_results"),
    path("audits.csv", views.results_csv, name="audit_results_csv"),
    path("audits.xlsx", views.results_xlsx, name="audit_results_xlsx"),
    path("audits/manage/", views.index, name="audits"),
    path("audits/templates/new/", views.template_edit, name="audit_template_new"),
    path("audits/templates/<int:pk>/", views.template_detail, name="audit_template"),
    path("audits/templates/<int:pk>/edit/", views.template_edit, name="audit_template_edit"),
    path(
        "audits/templates/<int:template_pk>/questions/new/",
        views.question_edit,
        name="audit_question_new",
    ),
    path("audits/questions/<int:pk>/edit/", views.question_edit, name="audit_question_edit"),
    path("audits/questions/<int:pk>/delete/", views.question_delete, name="audit_question_delete"),
    path("audits/rounds/new/", views.round_new, name="audit_round_new"),
    path("audits/rounds/<int:pk>/", views.round_detail, name="audit_round"),
    path("audits/mine/", views.mine, name="audit_mine"),
    path("audits/cases/<int:pk>/record/", views.record, name="audit_record"),
    path("audits/cases/<int:pk>/moderate/", views.moderate, name="audit_moderate"),
]
