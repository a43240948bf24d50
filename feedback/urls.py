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
]
