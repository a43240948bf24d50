"""Messages, end to end in Chromium: a participant turns reminders off from the link in a real
reminder email, and from then on gets no reminders but still hears about a cancellation; and
names a carer to copy in. Every page passes axe-core, on a phone and on a laptop."""

import datetime as dt
import re

from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from participants.models import Profile
from tests.browser.accessibility import assert_accessible
from tests.browser.test_accounts_journey import expect_signed_in_as, sign_in
from tests.factories import PASSWORD, RegistrationFactory, UserFactory
from tests.workshops.notice_support import emails_to, in_person_workshop
from tests.workshops.registration_support import ready_person
from workshops import services
from workshops.models import Registration


def _booked(user, *, starts_in: dt.timedelta, title: str) -> Registration:
    """A confirmed place, booked well before any reminder for it fell due."""
    starts = timezone.now() + starts_in
    workshop = in_person_workshop(title=title, starts_at=starts.replace(second=0, microsecond=0))
    return _booked_earlier(RegistrationFactory(workshop=workshop, user=user))


def _booked_earlier(registration: Registration) -> Registration:
    Registration.objects.filter(pk=registration.pk).update(
        created_at=timezone.now() - dt.timedelta(days=20)
    )
    return registration


def _path(url: str) -> str:
    """The link's path: the email names the configured site, the test runs on a live server."""
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_participant_turns_reminders_off_from_a_reminder_email_and_still_hears_of_a_cancellation(
    page: Page,
):
    pat = ready_person("pat@example.org", ["patient"])
    sam = ready_person("sam@example.org", ["carer"])
    week_ahead = _booked(pat, starts_in=dt.timedelta(days=7, hours=-1), title="Clinic letters")

    services.reminders_queue()

    [reminder] = emails_to("pat@example.org")
    assert reminder.subject == "Reminder: Clinic letters is in 7 days"
    link = re.search(r"Don't want reminders\? Turn them off: (\S+)", reminder.body).group(1)

    page.goto(_path(link))
    expect(page.get_by_role("heading", level=1)).to_have_text("Stop reminders")
    expect(page.get_by_text("We will still tell you about your bookings")).to_be_visible()
    assert_accessible(page)
    assert Profile.objects.get(user=pat).reminders is True
    page.get_by_role("button", name="Stop my reminders").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Reminders are off")
    expect(page.get_by_role("link", name="your profile")).to_be_visible()
    assert_accessible(page)
    assert Profile.objects.get(user=pat).reminders is False

    # The next scan: a workshop tomorrow for both of them. Only Sam gets a reminder.
    tomorrow = _booked(pat, starts_in=dt.timedelta(days=1, hours=-1), title="Waiting rooms")
    _booked_earlier(RegistrationFactory(workshop=tomorrow.workshop, user=sam))
    mail.outbox.clear()
    services.reminders_queue()
    assert [m.to for m in mail.outbox] == [["sam@example.org"]]

    # A cancellation is not a reminder: it still reaches Pat.
    services.workshop_cancel(
        workshop=week_ahead.workshop,
        reason="The room flooded.",
        cancelled_by=UserFactory(email="organiser@example.org"),
    )
    [cancelled] = emails_to("pat@example.org")
    assert cancelled.subject.startswith("Cancelled: Clinic letters")
    assert "The room flooded." in cancelled.body


def test_participant_names_a_carer_to_copy_in_on_their_profile(page: Page):
    user = ready_person("pat@example.org", ["patient"])
    sign_in(page, user.email, PASSWORD)
    expect_signed_in_as(page, user.email)

    page.goto("/participants/profile/contact/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Contact")
    assert_accessible(page)
    copies = page.get_by_role(
        "group", name="A carer or family member who should get copies of our messages"
    )
    copies.get_by_label("Their email address").fill("pat@example.org")
    page.get_by_role("button", name="Save changes").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Contact")
    expect(page.get_by_role("alert")).to_contain_text("This is your own email address.")
    assert_accessible(page)
    copies.get_by_label("Their name").fill("Cara Carer")
    copies.get_by_label("Their email address").fill("cara@example.org")
    page.get_by_role("button", name="Save changes").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")
    expect(page.get_by_text("Cara Carer (cara@example.org)")).to_be_visible()
    assert_accessible(page)
