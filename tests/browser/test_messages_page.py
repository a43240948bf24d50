"""In Chromium: an organiser sees a message that could not be sent, says why in plain words,
and tries it again; the page passes axe-core on a phone and on a laptop."""

from django.core import mail
from playwright.sync_api import Page, expect

from codesign.core.models import OutboxMessage
from codesign.core.notices import MAX_ATTEMPTS
from tests.browser.accessibility import assert_accessible
from tests.browser.test_accounts_journey import sign_in
from tests.factories import PASSWORD, UserFactory, WorkshopFactory


def test_organiser_tries_a_failed_message_again(page: Page, organiser, programme, settings):
    settings.STAFF_MFA_REQUIRED = False
    workshop = WorkshopFactory(programme=programme, title="Redesigning the clinic letter")
    person = UserFactory(email="bounced@example.org")
    OutboxMessage.objects.create(
        key=f"welcome:{person.pk}",
        kind="welcome",
        to=person.email,
        user=person,
        programme=programme,
        workshop=workshop,
        status=OutboxMessage.Status.FAILED,
        attempts=MAX_ATTEMPTS,
        last_error="SMTPServerDisconnected: Connection unexpectedly closed",
    )
    OutboxMessage.objects.create(
        key="sent:1",
        kind="registration",
        to="fine@example.org",
        programme=programme,
        workshop=workshop,
        status=OutboxMessage.Status.SENT,
        attempts=1,
        subject="You have a place at Redesigning the clinic letter",
    )

    sign_in(page, organiser.email, PASSWORD)
    page.goto("/messages/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Messages")
    expect(page.get_by_text("The mail server did not answer.")).to_be_visible()
    expect(page.get_by_role("link", name="Failed: 1")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Try again to send to bounced@example.org").click()

    expect(
        page.get_by_role("status").filter(
            has_text="We are trying again to send the message to bounced@example.org."
        )
    ).to_be_visible()
    expect(page.get_by_role("link", name="Failed: 0")).to_be_visible()
    expect(
        page.get_by_role("button", name="Try again to send to bounced@example.org")
    ).to_have_count(0)
    assert_accessible(page)
    assert [m.to for m in mail.outbox] == [["bounced@example.org"]]

    page.get_by_label("Status").select_option(label="Sent")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=2, name="Sent")).to_be_visible()
    expect(page.get_by_text("You have a place at Redesigning the clinic letter")).to_be_visible()
    assert_accessible(page)
