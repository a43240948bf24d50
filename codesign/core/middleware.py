from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from codesign.core.cache import bump_after_change

NUL = "\x00"


class NullCharacterMiddleware:
    """Refuse addresses with a NUL character in them (%00), with a plain page.

    Nobody types one, but programs do, and PostgreSQL refuses any text holding one: a link
    token or a list filter with %00 would otherwise reach a query and end in a server error.
    Forms refuse NUL in what they check themselves (Django's CharField does).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if NUL in request.path_info or any(
            NUL in key or any(NUL in value for value in values)
            for key, values in request.GET.lists()
        ):
            return render(request, "400.html", status=400)
        return self.get_response(request)


class ChangeMiddleware:
    """Pages kept for a signed-in person (codesign/core/cache.py) are made afresh after any
    request that may have changed something, whether or not its writes sent signals."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        bump_after_change(request)
        return response
