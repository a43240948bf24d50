"""Participants, end to end in Chromium: from a new account to a place at a workshop, a young
person's place waiting for their guardian, and a waiting list moving up. Every page passes
axe-core, on a phone and on a laptop."""

import re

from django.core import mail
from playwright.sync_api import Page, expect

from participants.models import Perspective
from tests.browser.accessibility import assert_accessible
from tests.browser.test_accounts_journey import expect_signed_in_as, sign_in, sign_out
from tests.factories import PASSWORD, WorkshopFactory
from tests.workshops.registration_support import ready_person
from workshops import services
from workshops.models import Registration, Workshop

JOINING_URL = "https://meet.example.org/clinic-letter"


def status_message(page: Page):
    return page.get_by_role("main").get_by_role("status")


def your_place(page: Page):
    return page.get_by_role("region", name="Your place")


def my_workshop_card(page: Page, workshop: Workshop):
    return (
        page.get_by_role("main")
        .get_by_role("listitem")
        .filter(has=page.get_by_role("heading", name=workshop.title))
    )


def open_workshop(page: Page, workshop: Workshop) -> None:
    page.goto(workshop.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(workshop.title)
    assert_accessible(page)


def register(page: Page, workshop: Workshop) -> None:
    open_workshop(page, workshop)
    your_place(page).get_by_role("button", name="Register for this workshop").click()


def open_my_workshops(page: Page) -> None:
    page.goto("/workshops/mine/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My workshops")
    assert_accessible(page)


def save_step(page: Page, title: str, button: str = "Save and continue") -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    assert_accessible(page)
    page.get_by_role("main").get_by_role("button", name=button).click()


def test_carer_signs_up_describes_themselves_registers_and_sees_the_joining_link(
    page: Page, live_server, viewport
):
    workshop = WorkshopFactory(
        title="Redesigning the clinic letter",
        format=Workshop.Format.ONLINE,
        venue=None,
        joining_url=JOINING_URL,
    )
    email = f"carer.{viewport}@example.org"
    password = "correct horse battery staple"

    page.goto("/accounts/signup/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Create an account")
    assert_accessible(page)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Password again").fill(password)
    page.get_by_role("main").get_by_role("button", name="Create an account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert_accessible(page)

    [verification] = mail.outbox
    link = re.search(r"https?://[^\s\"'<>]+/confirm-email/[^\s\"'<>]+", verification.body)
    assert link, verification.body
    page.goto(link.group(0))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your email address")
    assert_accessible(page)
    page.get_by_role("button", name="Confirm my email address").click()

    # New people go straight on to describe themselves.
    expect(page).to_have_url(re.compile(r"/participants/profile/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")
    expect_signed_in_as(page, email)
    page.get_by_role("link", name="Finish your profile").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("About you")
    page.get_by_label("Your name").fill("Chris")
    page.get_by_label("Day").fill("14")
    page.get_by_label("Month").fill("6")
    page.get_by_label("Year").fill("1972")
    save_step(page, "About you")

    expect(page.get_by_role("heading", level=1)).to_have_text("Your experience")
    page.get_by_label("Carer", exact=True).check()
    save_step(page, "Your experience")

    expect(page.get_by_role("heading", level=1)).to_have_text("How you want to be described")
    page.get_by_label("In my own words").check()
    page.get_by_label("Your own words").fill("I look after my dad")
    save_step(page, "How you want to be described")

    expect(page.get_by_role("heading", level=1)).to_have_text("What helps you take part")
    page.get_by_label("Step-free access").check()
    page.get_by_label("Yes, remind me").check()
    save_step(page, "What helps you take part")

    save_step(page, "Contact")

    expect(page.get_by_role("heading", level=1)).to_have_text("Your agreement")
    page.get_by_label("I have read the privacy notice").check()
    save_step(page, "Your agreement", button="Save and finish")

    expect(status_message(page)).to_contain_text("Your profile is ready.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Organisers see you as: Chris (I look after my dad)")
    expect(main).to_contain_text("Step-free access")
    expect(main.get_by_role("link", name="Finish your profile")).to_have_count(0)
    assert_accessible(page)

    register(page, workshop)
    expect(status_message(page)).to_contain_text("You have a place.")
    expect(your_place(page)).to_contain_text("You have a place.")
    expect(page.get_by_role("link", name=JOINING_URL)).to_be_visible()
    assert_accessible(page)

    your_place(page).get_by_role("link", name="See My workshops").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My workshops")
    card = my_workshop_card(page, workshop)
    expect(card).to_contain_text("Confirmed")
    expect(card.get_by_role("link", name=JOINING_URL)).to_be_visible()
    assert_accessible(page)

    registration = Registration.objects.get(workshop=workshop)
    assert registration.user.email == email
    assert registration.status == Registration.Status.CONFIRMED
    profile = registration.user.profile
    assert profile.described_as == "I look after my dad"
    assert profile.perspectives == [Perspective.CARER]
    assert profile.support_needs == ["step_free"]


def test_young_persons_place_waits_for_guardian_consent(page: Page, viewport):
    workshop = WorkshopFactory(title="Growing up with diabetes")
    young = ready_person(
        f"sam.{viewport}@example.org",
        [Perspective.YOUNG_PERSON],
        age=15,
        guardian_name="Gail Guardian",
        guardian_email=f"gail.{viewport}@example.org",
    )

    sign_in(page, young.email, PASSWORD)
    expect_signed_in_as(page, young.email)
    register(page, workshop)
    expect(status_message(page)).to_contain_text("We have emailed your parent or guardian")
    expect(your_place(page)).to_contain_text("We are keeping a place for you.")
    assert_accessible(page)

    [to_guardian] = [
        message for message in mail.outbox if message.to == [young.profile.guardian_email]
    ]
    link = re.search(r"/workshops/guardian/[^\s\"'<>/]+/", to_guardian.body)
    assert link, to_guardian.body

    sign_out(page)
    page.goto(link.group(0))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Can {young.profile.display_name} take part?"
    )
    assert_accessible(page)
    page.get_by_role("button", name=f"Yes, {young.profile.display_name} can take part").click()
    expect(status_message(page)).to_contain_text("Their place is confirmed")
    expect(page.get_by_role("button", name=re.compile(r"^Yes, "))).to_have_count(0)
    assert_accessible(page)

    sign_in(page, young.email, PASSWORD)
    expect_signed_in_as(page, young.email)
    open_my_workshops(page)
    card = my_workshop_card(page, workshop)
    expect(card).to_contain_text("Confirmed")
    expect(card).not_to_contain_text("Awaiting guardian consent")
    assert Registration.objects.get(workshop=workshop, user=young).status == "confirmed"


def test_waitlisted_person_is_promoted_when_someone_cancels(page: Page, viewport):
    workshop = WorkshopFactory(title="Planning the new waiting room", capacity=1)
    first = ready_person(f"ade.{viewport}@example.org", [Perspective.PATIENT])
    second = ready_person(f"bea.{viewport}@example.org", [Perspective.CARER])
    services.registration_create(workshop=workshop, user=first)

    sign_in(page, second.email, PASSWORD)
    expect_signed_in_as(page, second.email)
    register(page, workshop)
    expect(status_message(page)).to_contain_text("You are number 1")
    expect(your_place(page)).to_contain_text("You are on the waiting list. You are number 1.")
    assert_accessible(page)
    sign_out(page)

    sign_in(page, first.email, PASSWORD)
    expect_signed_in_as(page, first.email)
    open_my_workshops(page)
    my_workshop_card(page, workshop).get_by_role("button", name="Cancel my place").click()
    expect(status_message(page)).to_contain_text("Your place is cancelled.")
    expect(my_workshop_card(page, workshop)).to_have_count(0)
    assert_accessible(page)
    sign_out(page)

    sign_in(page, second.email, PASSWORD)
    expect_signed_in_as(page, second.email)
    open_my_workshops(page)
    card = my_workshop_card(page, workshop)
    expect(card).to_contain_text("Confirmed")
    expect(card.get_by_role("button", name="Cancel my place")).to_be_visible()
    statuses = dict(Registration.objects.filter(workshop=workshop).values_list("user", "status"))
    assert statuses == {first.pk: "cancelled", second.pk: "confirmed"}


def expect_trap_out_of_reach(page: Page) -> None:
    trap = page.locator("input[name=website]")
    expect(trap).to_have_count(1)
    expect(trap).not_to_be_in_viewport()
    expect(trap).not_to_be_focused()
    # Hidden from screen readers too: nothing in the accessibility tree by its label.
    expect(page.get_by_role("textbox", name=re.compile("Leave this box empty"))).to_have_count(0)


def test_spam_traps_are_out_of_reach_by_keyboard(page: Page, viewport):
    page.goto("/accounts/signup/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Create an account")
    assert_accessible(page)
    page.get_by_label("Email address").focus()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password", exact=True)).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password again")).to_be_focused()
    # The trap sits between the last box and the button, but Tab goes straight past it.
    page.keyboard.press("Tab")
    expect(page.get_by_role("main").get_by_role("button", name="Create an account")).to_be_focused()
    expect_trap_out_of_reach(page)
    page.keyboard.press("Shift+Tab")
    expect(page.get_by_label("Password again")).to_be_focused()

    workshop = WorkshopFactory(title="Planning the new waiting room")
    person = ready_person(f"ade.{viewport}@example.org", [Perspective.PATIENT])
    sign_in(page, person.email, PASSWORD)
    expect_signed_in_as(page, person.email)
    open_workshop(page, workshop)
    your_place(page).get_by_label("Name of a companion or carer").focus()
    page.keyboard.press("Tab")
    expect(
        your_place(page).get_by_role("button", name="Register for this workshop")
    ).to_be_focused()
    expect_trap_out_of_reach(page)
