from django.urls import path

from programmes import views

app_name = "programmes"

# "manage", "new" and "invitations" come before <slug>, so no programme may use them as its
# address (services.RESERVED_SLUGS).
urlpatterns = [
    path("", views.programme_list, name="list"),
    path("manage/", views.dashboard, name="dashboard"),
    path("new/", views.create, name="create"),
    path("invitations/continue/", views.invitation_continue, name="invitation_continue"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("invitations/<str:token>/accept/", views.invitation_accept, name="invitation_accept"),
    path("invitations/<str:token>/decline/", views.invitation_decline, name="invitation_decline"),
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
    path("<slug:slug>/invitations/", views.invitations, name="invitations"),
    path("<slug:slug>/invitations/new/", views.invitation_new, name="invitation_new"),
    path("<slug:slug>/invitations/remind/", views.invitations_remind, name="invitations_remind"),
    path(
        "<slug:slug>/invitations/batches/<int:pk>/",
        views.invitation_batch,
        name="invitation_batch",
    ),
    path(
        "<slug:slug>/invitations/batches/<int:pk>/send/",
        views.invitation_batch_send,
        name="invitation_batch_send",
    ),
    path(
        "<slug:slug>/invitations/<int:pk>/resend/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "<slug:slug>/invitations/<int:pk>/withdraw/",
        views.invitation_withdraw,
        name="invitation_withdraw",
    ),
]
