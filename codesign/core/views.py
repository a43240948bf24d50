from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from workshops.models import Workshop

HOME_WORKSHOPS = 3


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    upcoming = (
        Workshop.objects.published()
        .upcoming()
        .select_related("programme", "venue")
        .with_counts()
        .order_by("starts_at", "id")[:HOME_WORKSHOPS]
    )
    return render(request, "core/home.html", {"upcoming_workshops": upcoming})


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html")


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")
