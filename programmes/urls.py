from django.urls import path

from programmes import views

app_name = "programmes"

urlpatterns = [
    path("manage/", views.dashboard, name="dashboard"),
    path("<slug:slug>/", views.detail, name="detail"),
]
