from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from codesign.core import permissions
from programmes.models import Membership, Programme


@require_GET
@permissions.staff_page
def dashboard(request: HttpRequest) -> HttpResponse:
    """The programmes this person helps run, with their role in each."""
    programmes = permissions.programmes_for_team_member(request.user).prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.filter(user=request.user),
            to_attr="my_memberships",
        )
    )
    return render(request, "programmes/dashboard.html", {"programmes": programmes})


@require_GET
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_object_or_404(Programme, slug=slug)
    is_team = permissions.is_site_admin(request.user) or any(
        pk == programme.pk for pk, _ in permissions.team_roles(request.user)
    )
    if programme.status == Programme.Status.DRAFT and not is_team:
        raise Http404("No programme here.")
    return render(request, "programmes/detail.html", {"programme": programme, "is_team": is_team})
