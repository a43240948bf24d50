from django.urls import URLPattern

app_name = "participants"

# Pages arrive with the issue that builds this app.
urlpatterns: list[URLPattern] = []
