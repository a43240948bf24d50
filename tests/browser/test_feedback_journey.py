"""A young person gives feedback from the emailed link, on a phone and on a laptop: no password,
easy-read wording, answers by keyboard and by tapping, a clear message for a missed question,
and thanks. Every page passes axe-core."""

import datetime as dt
import re

from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from feedback.models import Response
from feedback.services import feedback_requests_queue
from participants.models import Perspective
from programmes.models import TeamRole
from tests.browser.accessibility import assert_accessible
from tests.browser.test_accounts_journey import expect_signed_in_as, sign_in
from tests.factories import PASSWORD, MembershipFactory, RegistrationFactory, WorkshopFactory
from tests.workshops.registration_support import ready_person


def question(page: Page, wording: str):
    """A question's group of answers, found by its legend as a screen reader announces it."""
    return page.get_by_role("group", name=re.compile(rf"^{re.escape(wording)}"))


def test_young_person_gives_feedback_from_the_emailed_link(page: Page, live_server, viewport):
    ended = timezone.now() - dt.timedelta(hours=1)
    workshop = WorkshopFactory(
        title="Designing the young people's clinic",
        starts_at=ended - dt.timedelta(hours=3),
        ends_at=ended,
    )
    young = ready_person(f"young.{viewport}@example.org", [Perspective.YOUNG_PERSON], age=16)
    RegistrationFactory(workshop=workshop, user=young, perspectives=[Perspective.YOUNG_PERSON])

    assert feedback_requests_queue() == 1
    (email,) = [m for m in mail.outbox if m.to == [young.email]]
    link = re.search(r"https?://\S+(/feedback/give/\S+/)", email.body).group(1)

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "How was Designing the young people's clinic?"
    )
    assert_accessible(page)

    page.get_by_role("link", name="Use easy-read wording").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Tell us about Designing the young people's clinic"
    )
    assert_accessible(page)

    # By keyboard: move into a group of answers and choose with the arrow keys.
    listened = question(page, "People listened to me")
    listened.get_by_label("No", exact=True).focus()
    page.keyboard.press("ArrowDown")
    expect(listened.get_by_label("Not sure")).to_be_checked()
    page.keyboard.press("ArrowDown")
    expect(listened.get_by_label("Yes", exact=True)).to_be_checked()
    # By tapping, for the rest, except one left out by mistake.
    for wording in (
        "People valued me",
        "People respected my experience",
        "The activities were good for me",
        "I would come again",
    ):
        question(page, wording).get_by_label("Yes, a lot").check()
    page.get_by_label("What was good?").fill("Everyone let me finish what I was saying.")
    page.get_by_label("You can share my words. You will not say my name.").press("Space")
    page.get_by_role("button", name="Send my feedback").press("Enter")

    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)
    missed = question(page, "I understood the words people used")
    expect(missed).to_contain_text("Please answer this question.")
    page.get_by_role("alert").get_by_role(
        "link", name="I understood the words people used: Please answer this question."
    ).click()
    missed.get_by_label("Not sure").check()
    # What was already chosen is kept.
    expect(listened.get_by_label("Yes", exact=True)).to_be_checked()
    page.get_by_role("button", name="Send my feedback").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your feedback")
    assert_accessible(page)
    saved = Response.objects.get()
    assert saved.perspectives == [Perspective.YOUNG_PERSON]
    assert saved.quote_consent is True

    # Coming back from the link shows the answers, ready to change.
    page.get_by_role("link", name="Change my answers").click()
    expect(page.get_by_role("button", name="Save my changes")).to_be_visible()
    expect(
        question(page, "I understood the words people used").get_by_label("Not sure")
    ).to_be_checked()
    assert_accessible(page)


def test_organiser_adds_their_own_question_and_previews_the_form(
    page: Page, live_server, viewport, settings
):
    settings.STAFF_MFA_REQUIRED = False
    organiser = ready_person(f"organiser.{viewport}@example.org", [Perspective.MANAGER])
    starts = timezone.now() + dt.timedelta(days=10)
    workshop = WorkshopFactory(
        title="Planning the transition clinic",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=3),
    )
    MembershipFactory(programme=workshop.programme, user=organiser, role=TeamRole.ORGANISER)
    sign_in(page, organiser.email, PASSWORD)
    expect_signed_in_as(page, organiser.email)

    page.goto(f"/feedback/workshops/{workshop.pk}/form/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Feedback form for Planning the transition clinic"
    )
    assert_accessible(page)
    page.get_by_role("link", name="Add a question").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Add a question")
    assert_accessible(page)
    page.get_by_role("button", name="Add the question").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Choose one answer").check()
    page.get_by_role("textbox", name=re.compile(r"^Question")).fill("How did you get here?")
    page.get_by_label("Easy-read wording (optional)").fill("How did you travel?")
    page.get_by_label("Answers to choose from").fill("Bus\nCar\nWalked")
    page.get_by_role("button", name="Add the question").click()

    expect(page.get_by_role("main").get_by_role("status")).to_contain_text(
        "Your question is added to the form."
    )
    questions = page.get_by_role("table", name="The questions on this form, in order")
    expect(
        questions.get_by_role("rowheader", name=re.compile("How did you get here?"))
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="See the form as people will see it").click()
    expect(page.get_by_role("group", name="How did you get here?")).to_be_visible()
    assert_accessible(page)
