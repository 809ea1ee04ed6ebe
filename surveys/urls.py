from django.urls import path

from surveys import intake_views, views

app_name = "surveys"

urlpatterns = [
    # Signed-in: the list, management (data managers) and results (service managers and up).
    path("", views.index, name="index"),
    path("manage/new/", views.survey_new, name="new"),
    path("manage/new-from-template/", views.survey_new_from_template, name="new_from_template"),
    path("manage/<slug:slug>/", views.survey_detail, name="detail"),
    path("manage/<slug:slug>/edit/", views.survey_edit, name="edit"),
    path("manage/<slug:slug>/status/<str:status>/", views.survey_status, name="status"),
    path("manage/<slug:slug>/next-wave/", views.survey_next_wave, name="next_wave"),
    path("manage/<slug:slug>/questions/new/", views.question_new, name="question_new"),
    path("manage/<slug:slug>/questions/<int:pk>/", views.question_edit, name="question_edit"),
    path(
        "manage/<slug:slug>/questions/<int:pk>/delete/",
        views.question_delete,
        name="question_delete",
    ),
    path(
        "manage/<slug:slug>/questions/<int:pk>/move/<str:direction>/",
        views.question_move,
        name="question_move",
    ),
    path("manage/<slug:slug>/invitations/", views.invitations, name="invitations"),
    path("manage/<slug:slug>/moderation/", views.moderation, name="moderation"),
    path(
        "manage/<slug:slug>/moderation/<uuid:pk>/",
        views.moderation_edit,
        name="moderation_edit",
    ),
    path("manage/<slug:slug>/volunteers/", views.volunteers, name="volunteers"),
    path("manage/<slug:slug>/delete-responses/", views.delete_responses, name="delete_responses"),
    path("<slug:slug>/results/", views.results, name="results"),
    path("<slug:slug>/results/written-answers/", views.written_answers, name="written_answers"),
    path("<slug:slug>/results.csv", views.results_csv, name="results_csv"),
    path("<slug:slug>/results.xlsx", views.results_xlsx, name="results_xlsx"),
    # Public: the anonymous intake.
    path("<slug:slug>/", intake_views.start, name="start"),
    path("<slug:slug>/page/<int:number>/", intake_views.page, name="page"),
    path("<slug:slug>/check-your-answers/", intake_views.check, name="check"),
    path("<slug:slug>/sent/", intake_views.confirmation, name="confirmation"),
    path("<slug:slug>/talk-to-us/", intake_views.follow_up, name="follow_up"),
    path("<slug:slug>/talk-to-us/sent/", intake_views.follow_up_done, name="follow_up_done"),
]
