"""A collaborative pair from invitation to accepted, in Chromium: a professional starts an
application from the programme page and invites their partner; the partner opens the link in
the email, creates an account (the address filled in), adds their part; they send it; an
organiser accepts both; both see "Accepted" and both got the email. Every page passes axe-core,
on a phone and on a laptop."""

import re

from django.core import mail
from playwright.sync_api import Page, expect

from pairs.models import Pair
from tests.browser.accessibility import assert_accessible
from tests.browser.test_accounts_journey import expect_signed_in_as, sign_in, sign_out
from tests.browser.test_scheduling_journey import done_message, field, heading
from tests.factories import PASSWORD, CohortFactory

TASK = "Rewrite the letter inviting young people to their first adult clinic."
PARTNER_PART = "I remember that first letter. I want to help make it clearer for the next person."
NEW_PASSWORD = "correct horse battery staple"


def status_of(page: Page):
    return page.get_by_role("region", name="Where it stands")


def test_a_pair_goes_from_invitation_to_accepted(
    page: Page, professional, organiser, programme, viewport, settings
):
    # Two-step sign-in has a journey of its own (test_accounts_journey).
    settings.STAFF_MFA_REQUIRED = False
    programme.lived_experience_term = "patient partner"
    programme.save()
    cohort = CohortFactory(programme=programme, name="Spring 2027 pairs", places=2)
    partner_email = f"sam.{viewport}@example.org"
    name = professional.profile.display_name

    # 1. The professional starts an application from the programme page.
    sign_in(page, professional.email, PASSWORD)
    expect_signed_in_as(page, professional.email)
    page.goto(programme.get_absolute_url())
    expect(heading(page)).to_have_text(programme.title)
    assert_accessible(page)
    page.get_by_role("link", name="Apply as a collaborative pair").click()

    expect(heading(page)).to_have_text("Apply as a collaborative pair")
    expect(page.get_by_label(re.compile(cohort.name))).to_be_checked()
    assert_accessible(page)
    field(page, "The real task you will work on together").fill(TASK)
    field(page, "Your organisation").fill("Example Health Trust")
    field(page, "The support your organisation will give").fill("Two hours a week for this.")
    field(page, "How you will work as a pair").fill("We meet every other Tuesday.")
    field(page, "Your partner's name").fill("Sam")
    field(page, "Your partner's email address").fill(partner_email)
    page.get_by_role("button", name="Start the application and invite my partner").click()

    expect(heading(page)).to_have_text(f"Pair application: {programme.title}")
    expect(done_message(page)).to_contain_text("We have emailed Sam a link")
    expect(status_of(page)).to_contain_text("Waiting for Sam to join")
    assert_accessible(page)
    sign_out(page)

    # 2. Sam gets the invitation, which says what a pair is and what the task is.
    [invitation] = [m for m in mail.outbox if m.to == [partner_email]]
    assert "a professional and a patient partner" in invitation.body
    assert TASK in invitation.body and cohort.name in invitation.body
    link = re.search(r"/pairs/join/[^\s\"'<>/]+/", invitation.body)
    assert link, invitation.body

    # 3. Sam opens the link, reads the application and says yes.
    page.goto(link.group(0))
    expect(heading(page)).to_have_text(f"{name} invites you to apply as a pair")
    expect(page.get_by_role("main")).to_contain_text(TASK)
    assert_accessible(page)
    page.get_by_role("button", name="Yes, I would like to join").click()

    # 4. Sam creates an account: the address is filled in and needs no checking.
    expect(heading(page)).to_have_text("Create an account")
    expect(page.get_by_label("Email address")).to_have_value(partner_email)
    assert_accessible(page)
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Password again").fill(NEW_PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Create an account").click()

    # 5. Back to the application, to add their part.
    expect(heading(page)).to_have_text(f"{name} invites you to apply as a pair")
    expect_signed_in_as(page, partner_email)
    answer = page.get_by_role("region", name="Join and add your part")
    field(answer, "What you hope to bring and to get from it").fill(PARTNER_PART)
    field(answer, "Anything that would help you take part (optional)").fill("A quiet room.")
    answer.get_by_role("button", name="Join the pair").click()

    expect(heading(page)).to_have_text(f"Pair application: {programme.title}")
    expect(done_message(page)).to_contain_text("You have joined the pair.")
    expect(page.get_by_role("region", name="Who is in the pair")).to_contain_text(
        "You (patient partner): accepted on"
    )
    assert_accessible(page)

    # 6. Sam sends it for both of them.
    status_of(page).get_by_role("button", name="Send our application").click()
    expect(done_message(page)).to_contain_text("has been sent to the programme team")
    expect(status_of(page)).to_contain_text("Submitted")
    assert_accessible(page)
    sign_out(page)

    # 7. The organiser finds the pair in the cohort and accepts both.
    sign_in(page, organiser.email, PASSWORD)
    expect_signed_in_as(page, organiser.email)
    page.goto(f"/pairs/manage/{programme.slug}/")
    expect(heading(page)).to_have_text(f"Collaborative pairs in {programme.title}")
    assert_accessible(page)
    page.get_by_role("link", name=cohort.name).click()
    expect(heading(page)).to_have_text(f"Pairs in {cohort.name}")
    expect(page.get_by_role("main")).to_contain_text("Places taken: 0 of 2")
    assert_accessible(page)
    page.get_by_role("link", name=f"{name} and Sam").click()

    expect(heading(page)).to_have_text(f"{name} and Sam")
    expect(page.get_by_role("main")).to_contain_text(PARTNER_PART)
    expect(page.get_by_role("main")).to_contain_text("A quiet room.")
    assert_accessible(page)
    decide = page.get_by_role("region", name="Decide")
    decide.get_by_label("Accept both partners").check()
    field(decide, "Reason").fill("A real task with strong support.")
    decide.get_by_role("button", name="Save the decision").click()

    expect(done_message(page)).to_contain_text("accepted. We are telling them both.")
    expect(status_of(page)).to_contain_text("Accepted")
    assert_accessible(page)
    sign_out(page)

    # 8. Both see "Accepted", and each can see the other accepted.
    for email, password, other in (
        (partner_email, NEW_PASSWORD, name),
        (professional.email, PASSWORD, "Sam"),
    ):
        sign_in(page, email, password)
        expect_signed_in_as(page, email)
        page.goto("/pairs/")
        expect(heading(page)).to_have_text("My pairs")
        card = page.get_by_role("main").get_by_role("listitem").filter(has_text=programme.title)
        expect(card).to_contain_text("Accepted")
        expect(card).to_contain_text(f"With {other}")
        assert_accessible(page)
        card.get_by_role("link", name=f"{programme.title}: {cohort.name}").click()
        expect(status_of(page)).to_contain_text("Accepted")
        expect(status_of(page)).to_contain_text("A real task with strong support.")
        expect(page.get_by_role("link", name="Open your learning log")).to_be_visible()
        assert_accessible(page)
        sign_out(page)

    pair = Pair.objects.get()
    assert pair.status == Pair.Status.ACCEPTED
    assert pair.partner.email == partner_email
    accepted = [m for m in mail.outbox if m.subject.startswith("Your pair is accepted")]
    assert sorted(m.to[0] for m in accepted) == sorted([professional.email, partner_email])
