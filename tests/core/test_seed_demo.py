from django.core.management import call_command
from django.utils import timezone

from programmes.models import Programme
from workshops.models import Workshop


def test_demo_has_a_programme_with_cohorts_team_venues_and_workshops_in_every_format(db, settings):
    settings.DEBUG = True

    call_command("seed_demo")
    call_command("seed_demo")

    programme = Programme.objects.get(slug="diabetes-care-together")
    assert programme.cohorts.count() == 2
    assert programme.stages.count() == 4
    assert {m.role for m in programme.memberships.all()} == {"organiser", "reviewer", "finance"}
    workshops = list(programme.workshops.select_related("venue"))
    assert len(workshops) >= 8
    assert {w.format for w in workshops} == {"in_person", "online", "hybrid"}
    assert Programme.objects.filter(status="draft").exists()
    upcoming = [w for w in workshops if w.starts_at > timezone.now()]
    assert all(w.reservations.exists() and w.agenda.exists() for w in upcoming)


def test_demo_has_a_workshop_running_across_a_clock_change(db, settings):
    settings.DEBUG = True

    call_command("seed_demo")

    weekend = Workshop.objects.get(title="Co-design weekend")
    start = timezone.localtime(weekend.starts_at)
    end = timezone.localtime(weekend.ends_at)
    assert start.utcoffset() != end.utcoffset()
    assert (start.hour, end.hour) == (10, 16)


def test_demo_has_sixty_participants_and_registrations_in_every_status(db, settings):
    from workshops.models import Registration

    settings.DEBUG = True

    call_command("seed_demo")
    call_command("seed_demo")

    statuses = set(Registration.objects.values_list("status", flat=True))
    assert {"confirmed", "waitlisted", "offered", "awaiting_guardian", "cancelled"} <= statuses
    participants = Registration.objects.values("user").distinct().count()
    assert participants >= 50
    assert Registration.objects.filter(status="waitlisted").count() >= 5


def test_demo_has_feedback_broken_down_by_perspective_and_a_you_said_we_did(db, settings):
    from feedback.models import FeedbackAction, Response
    from feedback.reports import programme_report

    settings.DEBUG = True

    call_command("seed_demo")
    call_command("seed_demo")

    programme = Programme.objects.get(slug="diabetes-care-together")
    assert Response.objects.filter(form__workshop__programme=programme).count() == 30
    assert Response.objects.filter(quote_consent=True).exists()
    assert (
        FeedbackAction.objects.filter(programme=programme, published_at__isnull=False).count() == 1
    )
    assert FeedbackAction.objects.filter(programme=programme, published_at=None).count() == 1
    # The demo patient can still give feedback on the newest workshop that has happened.
    newest = Workshop.objects.get(title="First ideas for the welcome pack")
    assert newest.registrations.filter(user__email="patient@example.org").exists()
    assert not Response.objects.filter(form__workshop=newest, user__email="patient@example.org")
    assert programme_report(programme=programme) is not None
