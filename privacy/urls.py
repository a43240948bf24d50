from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    # The signed-in person's own data: no URL takes anyone's id.
    path("", views.mine, name="mine"),
    path("download/", views.download, name="download"),
    path("erase/", views.erase, name="erase"),
    path("erased/", views.erased, name="erased"),
    # Requests that reached a programme team or a site admin another way.
    path("requests/", views.requests, name="requests"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/download/", views.request_download, name="request_download"),
    path("requests/<int:pk>/erase/", views.request_erase, name="request_erase"),
]
