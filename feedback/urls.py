from django.urls import path

from feedback import views

app_name = "feedback"

urlpatterns = [
    path("give/<str:token>/", views.give, name="give"),
    path("give/<str:token>/thanks/", views.give_thanks, name="give_thanks"),
    path("workshops/<int:pk>/", views.respond, name="respond"),
    path("workshops/<int:pk>/thanks/", views.respond_thanks, name="respond_thanks"),
    path("workshops/<int:pk>/form/", views.manage_form, name="manage_form"),
    path("workshops/<int:pk>/form/settings/", views.manage_settings, name="manage_settings"),
    path("workshops/<int:pk>/form/preview/", views.preview, name="preview"),
    path("workshops/<int:pk>/form/questions/new/", views.question_new, name="question_new"),
    path("questions/<int:pk>/edit/", views.question_edit, name="question_edit"),
    path("questions/<int:pk>/remove/", views.question_remove, name="question_remove"),
    path("workshops/<int:pk>/report/", views.workshop_report, name="workshop_report"),
    path("workshops/<int:pk>/report.csv", views.workshop_report_csv, name="workshop_report_csv"),
    path("programmes/<slug:slug>/report/", views.programme_report, name="programme_report"),
    path(
        "programmes/<slug:slug>/report.csv",
        views.programme_report_csv,
        name="programme_report_csv",
    ),
    path("programmes/<slug:slug>/you-said-we-did/", views.actions, name="actions"),
    path("programmes/<slug:slug>/you-said-we-did/new/", views.action_new, name="action_new"),
    path(
        "programmes/<slug:slug>/you-said-we-did/<int:pk>/edit/",
        views.action_edit,
        name="action_edit",
    ),
    path(
        "programmes/<slug:slug>/you-said-we-did/<int:pk>/publish/",
        views.action_publish,
        name="action_publish",
    ),
    path(
        "programmes/<slug:slug>/you-said-we-did/<int:pk>/delete/",
        views.action_remove,
        name="action_remove",
    ),
    path("programmes/<slug:slug>/learning/", views.learning, name="learning"),
]
