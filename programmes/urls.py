from django.urls import path

from programmes import views

app_name = "programmes"

# "manage" and "new" come before <slug>, so no programme may use them as its address
# (services.RESERVED_SLUGS).
urlpatterns = [
    path("", views.programme_list, name="list"),
    path("manage/", views.dashboard, name="dashboard"),
    path("new/", views.create, name="create"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/manage/", views.manage, name="manage"),
    path("<slug:slug>/edit/", views.edit, name="edit"),
    path("<slug:slug>/cohorts/new/", views.cohort_create, name="cohort_create"),
    path("<slug:slug>/cohorts/<int:pk>/edit/", views.cohort_edit, name="cohort_edit"),
    path("<slug:slug>/cohorts/<int:pk>/delete/", views.cohort_delete, name="cohort_delete"),
    path("<slug:slug>/stages/", views.stages, name="stages"),
    path("<slug:slug>/stages/template/", views.stage_template, name="stage_template"),
    path("<slug:slug>/stages/<int:pk>/edit/", views.stage_edit, name="stage_edit"),
    path("<slug:slug>/stages/<int:pk>/move/", views.stage_move, name="stage_move"),
    path("<slug:slug>/stages/<int:pk>/delete/", views.stage_delete, name="stage_delete"),
    path("<slug:slug>/team/", views.team, name="team"),
    path("<slug:slug>/team/<int:pk>/remove/", views.team_remove, name="team_remove"),
]
