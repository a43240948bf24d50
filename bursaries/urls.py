from django.urls import URLPattern

app_name = "bursaries"

# Pages arrive with the issue that builds this app.
urlpatterns: list[URLPattern] = []
