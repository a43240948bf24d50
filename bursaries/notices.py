from django.urls import reverse

from bursaries.models import Application
from codesign.core.models import OutboxMessage
from codesign.core.notices import Email, display_name, notice_kind
from workshops.ical import absolute_url


@notice_kind("bursary_decision")
def bursary_decision(message: OutboxMessage) -> Email | None:
    application = (
        Application.objects.select_related("scheme__programme", "applicant__profile")
        .prefetch_related("items")
        .filter(pk=message.params.get("application_id"))
        .first()
    )
    if application is None or not application.released_at:
        return None
    return Email(
        template="bursary_decision",
        context={
            "person": display_name(application.applicant),
            "application": application,
            "scheme": application.scheme,
            "programme": application.scheme.programme,
            "items": list(application.items.all()),
            "mine_url": absolute_url(reverse("bursaries:mine")),
        },
    )
