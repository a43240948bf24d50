from django.urls import URLPattern

app_name = "workshops"

# Pages arrive with the issue that builds this app.
urlpatterns: list[URLPattern] = []
