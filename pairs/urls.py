from django.urls import path

from pairs import views

app_name = "pairs"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("start/<slug:slug>/", views.start, name="start"),
    path("join/continue/", views.join_continue, name="join_continue"),
    path("join/<str:token>/", views.join, name="join"),
    path("join/<str:token>/account/", views.join_account, name="join_account"),
    path("join/<str:token>/decline/", views.join_decline, name="join_decline"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/resend/", views.resend, name="resend"),
    path("<int:pk>/partner/", views.change_partner, name="change_partner"),
    path("<int:pk>/log/", views.log, name="log"),
    path("<int:pk>/log/<int:entry_pk>/edit/", views.log_entry_edit, name="log_entry_edit"),
    path("cohorts/<int:pk>/log/", views.cohort_log, name="cohort_log"),
    path("manage/<slug:slug>/", views.review, name="review"),
    path("manage/<slug:slug>/cohorts/<int:pk>/", views.review_cohort, name="review_cohort"),
    path("manage/<slug:slug>/pairs/<int:pk>/", views.review_pair, name="review_pair"),
    path("manage/<slug:slug>/pairs/<int:pk>/decide/", views.decide, name="decide"),
]
