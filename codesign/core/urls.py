from django.urls import path

from codesign.core import audit_views, views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz/", views.healthz, name="healthz"),
    path("privacy/", views.privacy, name="privacy"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("messages/", views.outbox_messages, name="messages"),
    path("messages/<int:pk>/try-again/", views.outbox_message_retry, name="message_retry"),
    path("audit/", audit_views.audit_trail, name="audit"),
]
