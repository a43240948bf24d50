from django.urls import path

from codesign.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("privacy/", views.privacy, name="privacy"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("messages/", views.outbox_messages, name="messages"),
    path("messages/<int:pk>/try-again/", views.outbox_message_retry, name="message_retry"),
]
