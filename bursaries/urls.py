from django.urls import path

from bursaries import views

app_name = "bursaries"

urlpatterns = [
    # Participants
    path("", views.open_schemes, name="list"),
    path("mine/", views.mine, name="mine"),
    path("schemes/<int:pk>/apply/", views.apply, name="apply"),
    path("applications/<int:pk>/edit/", views.edit, name="edit"),
    path("applications/<int:pk>/submit/", views.submit, name="submit"),
    path("applications/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("applications/<int:pk>/claim/", views.claim, name="claim"),
    path("receipts/<int:pk>/", views.receipt, name="receipt"),
    # Organisers
    path("manage/<slug:slug>/", views.schemes, name="schemes"),
    path("manage/<slug:slug>/new/", views.scheme_new, name="scheme_new"),
    path("schemes/<int:pk>/edit/", views.scheme_edit, name="scheme_edit"),
    path("schemes/<int:pk>/release/", views.release, name="release"),
    path("schemes/<int:pk>/finance.csv", views.export, name="export"),
    # Reviewers, decision-makers and finance
    path("review/<slug:slug>/", views.queue, name="queue"),
    path("review/<slug:slug>/claims/", views.claims, name="claims"),
    path("review/applications/<int:pk>/", views.application, name="application"),
    path("review/applications/<int:pk>/review/", views.review, name="review"),
    path("review/applications/<int:pk>/conflict/", views.conflict, name="conflict"),
    path("review/applications/<int:pk>/assign/", views.assign, name="assign"),
    path("review/applications/<int:pk>/decide/", views.decide, name="decide"),
    path("review/claims/<int:pk>/approve/", views.claim_approve, name="claim_approve"),
    path("review/claims/<int:pk>/return/", views.claim_return, name="claim_return"),
    path("review/claims/<int:pk>/paid/", views.claim_paid, name="claim_paid"),
]
