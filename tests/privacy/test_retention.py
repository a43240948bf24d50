"""Retention: a daily task erases people who have not taken part for RETENTION_MONTHS after
every programme they took part in closed, and clears old records held without an account."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.files.base import ContentFile

from bursaries.models import Application, Claim, Receipt
from codesign.core.models import AuditEntry
from pairs.models import Pair
from privacy import services
from privacy.tasks import retention_sweep_task
from programmes.models import Invitation
from tests.bursaries.factories import PDF, SchemeFactory
from tests.factories import (
    CohortFactory,
    MembershipFactory,
    ProfileFactory,
    ProgrammeFactory,
    RegistrationFactory,
    UserFactory,
    WorkshopFactory,
)
from workshops.models import Registration

LONDON = ZoneInfo("Europe/London")


def at(year: int, month: int, day: int, hour: int = 12) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=LONDON)


@pytest.fixture
def timeline(db):
    """A programme that ran in January 2027 and closed on 1 February 2027."""
    with time_machine.travel(at(2027, 1, 5), tick=False):
        programme = ProgrammeFactory(
            title="Winter clinic redesign",
            ends_on=dt.date(2027, 2, 1),
            starts_on=dt.date(2027, 1, 1),
        )
        workshop = WorkshopFactory(
            programme=programme, starts_at=at(2027, 1, 20, 10), ends_at=at(2027, 1, 20, 13)
        )
        person = UserFactory(email="old.timer@example.org")
        ProfileFactory(user=person, display_name="Olwen Timer")
        registration = RegistrationFactory(
            workshop=workshop, user=person, status=Registration.Status.ATTENDED
        )
    return {
        "programme": programme,
        "workshop": workshop,
        "person": person,
        "registration": registration,
    }


def _sweep(when: dt.datetime) -> dict[str, int]:
    with time_machine.travel(when, tick=False):
        return services.retention_sweep()


def _refresh(user):
    user.refresh_from_db()
    return user


def test_someone_is_erased_24_months_after_their_last_programme_closed(timeline):
    counts = _sweep(at(2029, 2, 2))

    person = _refresh(timeline["person"])
    assert services.is_erased(person) and not person.is_active
    assert counts["people"] == 1
    entry = AuditEntry.objects.get(action="privacy.person.erased")
    assert entry.actor is None and entry.data["reason"] == "retention"
    # Their place is kept under the code, so the workshop's numbers stay right.
    assert timeline["workshop"].places_taken() == 1


def test_nobody_is_erased_before_the_24_months_are_up(timeline):
    _sweep(at(2029, 1, 31))

    assert not services.is_erased(_refresh(timeline["person"]))


def test_the_number_of_months_is_a_setting(timeline, settings):
    settings.RETENTION_MONTHS = 6

    _sweep(at(2027, 7, 31))
    assert not services.is_erased(_refresh(timeline["person"]))
    _sweep(at(2027, 8, 2))
    assert services.is_erased(_refresh(timeline["person"]))


def test_a_programme_closes_after_its_last_workshop_when_that_is_later(timeline):
    with time_machine.travel(at(2027, 1, 6), tick=False):
        WorkshopFactory(
            programme=timeline["programme"],
            starts_at=at(2027, 6, 1, 10),
            ends_at=at(2027, 6, 1, 13),
        )

    _sweep(at(2029, 2, 2))
    assert not services.is_erased(_refresh(timeline["person"]))
    _sweep(at(2029, 6, 2))
    assert services.is_erased(_refresh(timeline["person"]))


def test_someone_still_taking_part_in_a_newer_programme_is_kept(timeline):
    with time_machine.travel(at(2028, 9, 1), tick=False):
        newer = WorkshopFactory(starts_at=at(2028, 10, 1, 10), ends_at=at(2028, 10, 1, 12))
        RegistrationFactory(workshop=newer, user=timeline["person"])

    _sweep(at(2029, 2, 2))

    assert not services.is_erased(_refresh(timeline["person"]))


def test_someone_who_took_part_or_signed_in_inside_the_window_is_kept(timeline):
    person = timeline["person"]
    person.last_login = at(2028, 3, 1)
    person.save()

    _sweep(at(2029, 2, 2))

    assert not services.is_erased(_refresh(person))


def test_a_pair_in_a_programme_with_no_dates_keeps_its_people(timeline):
    with time_machine.travel(at(2027, 1, 5), tick=False):
        undated = ProgrammeFactory(title="Open-ended pairs")
        Pair.objects.create(
            programme=undated,
            cohort=CohortFactory(programme=undated),
            professional=timeline["person"],
            partner_name="P",
            partner_email="p@example.org",
            partner_token="undated",
            task="t",
            organisation="o",
            organisation_support="s",
            how_we_work="w",
        )

    _sweep(at(2030, 1, 1))

    assert not services.is_erased(_refresh(timeline["person"]))


def test_team_members_and_site_admins_are_never_erased(timeline):
    with time_machine.travel(at(2027, 1, 5), tick=False):
        organiser = UserFactory(email="old.organiser@example.org")
        MembershipFactory(programme=timeline["programme"], user=organiser)
        admin = UserFactory(email="old.admin@example.org", is_superuser=True, is_staff=True)
        for user in (organiser, admin):
            RegistrationFactory(workshop=timeline["workshop"], user=user)

    _sweep(at(2030, 1, 1))

    assert not services.is_erased(_refresh(organiser))
    assert not services.is_erased(_refresh(admin))


def test_an_account_that_never_took_part_is_erased_once_unused_for_the_window(db):
    with time_machine.travel(at(2027, 1, 5), tick=False):
        quiet = UserFactory(email="quiet@example.org")
    with time_machine.travel(at(2028, 6, 1), tick=False):
        newer = UserFactory(email="newer@example.org")

    _sweep(at(2029, 1, 6))

    assert services.is_erased(_refresh(quiet))
    assert not services.is_erased(_refresh(newer))


def test_running_the_sweep_twice_changes_nothing_more(timeline):
    first = _sweep(at(2029, 2, 2))
    entries = AuditEntry.objects.count()
    emails = list(Invitation.objects.values_list("email", flat=True))

    second = _sweep(at(2029, 2, 2))

    assert first and second == {}
    assert AuditEntry.objects.count() == entries
    assert list(Invitation.objects.values_list("email", flat=True)) == emails


def test_invitations_to_people_without_an_account_lose_the_address_when_retention_ends(timeline):
    with time_machine.travel(at(2027, 1, 5), tick=False):
        old = Invitation.objects.create(
            programme=timeline["programme"],
            email="never.joined@example.org",
            name="Never Joined",
            token="never-joined",
            expires_at=at(2027, 1, 19),
        )
        current = ProgrammeFactory(title="Still running")
        live = Invitation.objects.create(
            programme=current,
            email="maybe.later@example.org",
            name="Maybe Later",
            token="maybe-later",
            expires_at=at(2030, 1, 19),
        )

    counts = _sweep(at(2029, 2, 2))

    old.refresh_from_db()
    live.refresh_from_db()
    assert old.email == services.ERASED_ADDRESS and old.name == ""
    assert live.email == "maybe.later@example.org"
    assert counts["invitations"] == 1


def test_receipts_are_deleted_six_years_after_the_claim_was_paid(timeline, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(at(2027, 1, 25), tick=False):
        holder = UserFactory(email="holder@example.org")
        application = Application.objects.create(
            scheme=SchemeFactory(programme=timeline["programme"]),
            applicant=holder,
            statement="s",
            status=Application.Status.APPROVED,
            awarded=Decimal("10"),
        )
        claim = Claim.objects.create(
            application=application, status=Claim.Status.PAID, paid_at=at(2027, 1, 25)
        )
        receipt = Receipt(
            claim=claim, original_name="r.pdf", content_type="application/pdf", size=1
        )
        receipt.file.save("receipt.pdf", ContentFile(PDF), save=False)
        receipt.save()

    _sweep(at(2033, 1, 24))
    assert Receipt.objects.filter(pk=receipt.pk).exists()
    with time_machine.travel(at(2033, 1, 26), tick=False):
        from django.test import TestCase

        with TestCase.captureOnCommitCallbacks(execute=True):
            services.retention_sweep()
    assert not Receipt.objects.filter(pk=receipt.pk).exists()
    assert not receipt.file.storage.exists(receipt.file.name)
    # The claim itself, amounts and all, is the financial record: it stays.
    assert Claim.objects.filter(pk=claim.pk).exists()


def test_the_task_runs_daily_from_the_beat_schedule(timeline):
    daily = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "privacy.tasks.retention_sweep_task"
    ]
    assert daily == [{"task": "privacy.tasks.retention_sweep_task", "schedule": 60 * 60 * 24}]

    with time_machine.travel(at(2029, 2, 2), tick=False):
        result = retention_sweep_task.delay().get()

    assert result["people"] == 1
    assert services.is_erased(_refresh(timeline["person"]))
