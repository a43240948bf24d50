from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "codesign.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        # Each app declares the messages it sends in its notices.py (codesign/core/notices.py).
        autodiscover_modules("notices")
        from codesign.core.cache import SIGNED_IN_PAGES, watch_everything

        watch_everything(SIGNED_IN_PAGES)
