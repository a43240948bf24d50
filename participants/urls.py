from django.urls import path

from participants import views

app_name = "participants"

# Every page is about the signed-in person's own records: no URL takes anyone's id.
urlpatterns = [
    path("profile/", views.summary, name="profile"),
    path("profile/<slug:step>/", views.profile_step, name="profile_step"),
    path("equality/", views.equality, name="equality"),
    path("equality/delete/", views.equality_delete, name="equality_delete"),
    # The signed token stands in for signing in, and only ever turns reminders off.
    path("reminders/off/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
