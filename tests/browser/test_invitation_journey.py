"""Invitations, end to end in Chromium: an organiser uploads a CSV of five people with one bad
row, sees the problem, sends the other four; one of them accepts from the email, creates an
account with the address already filled in, finishes their profile and registers. Every page
passes axe-core, on a phone and on a laptop."""

import re

from django.core import mail
from playwright.sync_api import Page, expect

from programmes.models import Invitation
from tests.browser.accessibility import assert_accessible
from tests.browser.test_accounts_journey import expect_signed_in_as, sign_in, sign_out
from tests.browser.test_scheduling_journey import done_message, field, heading
from tests.factories import PASSWORD
from tests.programmes.invitation_support import invitable_workshop
from workshops.models import Registration

WORKSHOP = "Redesigning the clinic letter"


def people_csv(viewport: str) -> bytes:
    return (
        "email,name\n"
        f"ana.{viewport}@example.org,Ana Patel\n"
        f"ben.{viewport}@example.org,Ben Okafor\n"
        "cy at example dot org,Cy Jones\n"
        f"dee.{viewport}@example.org,Dee Smith\n"
        f"eli.{viewport}@example.org,Eli Brown\n"
    ).encode()


def save_step(page: Page, title: str, button: str = "Save and continue") -> None:
    expect(heading(page)).to_have_text(title)
    assert_accessible(page)
    page.get_by_role("main").get_by_role("button", name=button).click()


def test_organiser_invites_from_a_csv_and_an_invitee_accepts_and_registers(
    page: Page, organiser, programme, viewport, settings
):
    # Two-step sign-in has a journey of its own (test_accounts_journey).
    settings.STAFF_MFA_REQUIRED = False
    programme.lived_experience_term_plural = "patient partners"
    programme.save()
    workshop = invitable_workshop(programme, title=WORKSHOP)
    invitee = f"ana.{viewport}@example.org"

    # 1. The organiser opens the programme and chooses to invite people with a CSV file.
    sign_in(page, organiser.email, PASSWORD)
    expect_signed_in_as(page, organiser.email)
    page.goto(f"/programmes/{programme.slug}/manage/")
    expect(heading(page)).to_have_text(programme.title)
    assert_accessible(page)
    page.get_by_role("region", name="Invitations").get_by_role("link", name="Invite people").click()

    expect(heading(page)).to_have_text("Invite people")
    assert_accessible(page)
    page.get_by_role("navigation", name="Ways to invite people").get_by_role(
        "link", name="A CSV file"
    ).click()
    expect(page.get_by_role("heading", name="A CSV file")).to_be_visible()
    assert_accessible(page)
    field(page, "Invite them to").select_option(str(workshop.pk))
    field(page, "CSV file").set_input_files(
        files=[{"name": "people.csv", "mimeType": "text/csv", "buffer": people_csv(viewport)}]
    )
    field(page, "Your personal message").fill("Your view of the clinic letter would help a lot.")
    page.get_by_role("button", name="Check the list").click()

    # 2. The list, checked: four to invite, and the bad row with why. Nothing sent yet.
    expect(heading(page)).to_have_text("Check the list before sending")
    problems = page.get_by_role("region", name=re.compile("row with a problem"))
    expect(problems.get_by_role("row", name=re.compile("cy at example dot org"))).to_contain_text(
        "This is not an email address"
    )
    expect(page.get_by_role("main")).to_contain_text("4 people will be invited.")
    assert_accessible(page)
    assert mail.outbox == []
    page.get_by_role("button", name="Send 4 invitations").click()

    # 3. Sent: each invitation and where it stands.
    expect(heading(page)).to_have_text(f"Invitations for {programme.title}")
    expect(done_message(page)).to_contain_text("Sending 4 invitations")
    expect(page.get_by_role("main")).to_contain_text("Sent: 4")
    assert_accessible(page)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        f"{name}.{viewport}@example.org" for name in ("ana", "ben", "dee", "eli")
    )
    sign_out(page)

    # 4. Ana opens the link in her email.
    [email] = [message for message in mail.outbox if message.to == [invitee]]
    assert "Your view of the clinic letter would help a lot." in email.body
    assert "£25 voucher" in email.body and "patient partners" in email.body
    link = re.search(r"/programmes/invitations/[^\s\"'<>/]+/\?answer=accept", email.body)
    assert link, email.body
    page.goto(link.group(0))
    expect(heading(page)).to_have_text(f"You are invited to {WORKSHOP}")
    expect(page.get_by_role("main")).to_contain_text("Travel paid and a £25 voucher for your time.")
    expect(page.get_by_role("main")).to_contain_text("Alex Access")
    assert_accessible(page)
    page.get_by_role("button", name="Yes, I would like to take part").click()

    # 5. She creates an account: her address is filled in and needs no checking.
    expect(heading(page)).to_have_text("Create an account")
    expect(page.get_by_label("Email address")).to_have_value(invitee)
    expect(page.get_by_role("link", name="Sign in", exact=True).first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Password", exact=True).fill("correct horse battery staple")
    page.get_by_label("Password again").fill("correct horse battery staple")
    page.get_by_role("main").get_by_role("button", name="Create an account").click()

    # 6. Straight on to her profile, then back to the workshop.
    expect(heading(page)).to_have_text("Your profile")
    expect(done_message(page)).to_contain_text("Thank you for accepting.")
    expect_signed_in_as(page, invitee)
    page.get_by_role("link", name="Finish your profile").click()

    expect(heading(page)).to_have_text("About you")
    page.get_by_label("Your name").fill("Ana")
    page.get_by_label("Day").fill("3")
    page.get_by_label("Month").fill("9")
    page.get_by_label("Year").fill("1984")
    save_step(page, "About you")
    page.get_by_label("Patient", exact=True).check()
    save_step(page, "Your experience")
    page.get_by_label("In my own words").check()
    page.get_by_label("Your own words").fill("I live with diabetes")
    save_step(page, "How you want to be described")
    page.get_by_label("Yes, remind me").check()
    save_step(page, "What helps you take part")
    save_step(page, "Contact")
    expect(heading(page)).to_have_text("Your agreement")
    page.get_by_label("I have read the privacy notice").check()
    save_step(page, "Your agreement", button="Save and finish")

    # 7. She registers, and sees her place on My workshops.
    expect(heading(page)).to_have_text(WORKSHOP)
    assert_accessible(page)
    your_place = page.get_by_role("region", name="Your place")
    your_place.get_by_role("button", name="Register for this workshop").click()
    expect(done_message(page)).to_contain_text("You have a place.")
    assert_accessible(page)
    your_place.get_by_role("link", name="See My workshops").click()
    expect(heading(page)).to_have_text("My workshops")
    card = (
        page.get_by_role("main")
        .get_by_role("listitem")
        .filter(has=page.get_by_role("heading", name=WORKSHOP))
    )
    expect(card).to_contain_text("Confirmed")
    assert_accessible(page)

    invitation = Invitation.objects.get(email=invitee)
    assert invitation.status == Invitation.Status.ACCEPTED
    assert invitation.user.email == invitee
    registration = Registration.objects.get(workshop=workshop)
    assert registration.user == invitation.user
    assert registration.status == Registration.Status.CONFIRMED


def test_invitee_says_no_with_a_reason_and_the_organiser_sees_it(
    page: Page, organiser, programme, viewport, settings
):
    from programmes import services
    from tests.programmes.invitation_support import prepare

    settings.STAFF_MFA_REQUIRED = False
    workshop = invitable_workshop(programme, title=WORKSHOP)
    batch = prepare(programme, workshop, organiser, emails_text=f"zed.{viewport}@example.org")
    services.invitation_batch_confirm(batch=batch, confirmed_by=organiser)
    [email] = mail.outbox
    link = re.search(r"/programmes/invitations/[^\s\"'<>/]+/\?answer=decline", email.body)
    assert link, email.body

    page.goto(link.group(0))
    expect(heading(page)).to_have_text(f"You are invited to {WORKSHOP}")
    assert_accessible(page)
    page.get_by_label("If you like, tell us why").fill("I am away that week.")
    page.get_by_role("button", name="Say no to this invitation").click()
    expect(heading(page)).to_have_text("Thank you for letting us know")
    assert_accessible(page)

    sign_in(page, organiser.email, PASSWORD)
    expect_signed_in_as(page, organiser.email)
    page.goto(f"/programmes/{programme.slug}/invitations/?state=declined")
    expect(heading(page)).to_have_text(f"Invitations for {programme.title}")
    expect(page.get_by_role("main")).to_contain_text("Their reason: I am away that week.")
    assert_accessible(page)
