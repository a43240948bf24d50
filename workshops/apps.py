from django.apps import AppConfig


class WorkshopsConfig(AppConfig):
    name = "workshops"
    verbose_name = "Workshops"

    def ready(self) -> None:
        from codesign.core.cache import PUBLIC_WORKSHOPS, watch
        from programmes.models import Cohort, Programme, Stage
        from workshops.models import (
            AgendaItem,
            Material,
            PlaceReservation,
            Registration,
            Venue,
            Workshop,
            WorkshopChange,
        )

        # Signed-out visitors' workshop list and pages are cached (views/public.py) until
        # anything they show changes.
        watch(
            PUBLIC_WORKSHOPS,
            Programme,
            Cohort,
            Stage,
            Venue,
            Workshop,
            PlaceReservation,
            AgendaItem,
            Material,
            WorkshopChange,
            Registration,
        )
