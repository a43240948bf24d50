from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "codesign.core"
    label = "core"
    verbose_name = "Core"
