from django.urls import URLPattern

app_name = "pairs"

# Pages arrive with the issue that builds this app.
urlpatterns: list[URLPattern] = []
