from django.urls import URLPattern

app_name = "feedback"

# Pages arrive with the issue that builds this app.
urlpatterns: list[URLPattern] = []
