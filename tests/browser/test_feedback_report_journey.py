"""An organiser adds their own question to a workshop's feedback form, reads the report broken
down by who answered (a group of fewer than 5 shows only as "fewer than 5"), and publishes a
“you said, we did” that reaches the programme's page and the inbox of everyone who gave
feedback. On a phone and on a laptop; every page passes axe-core."""

import datetime as dt
import re

from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from feedback.models import FeedbackAction, Question
from participants.models import Perspective
from programmes.models import TeamRole
from tests.browser.accessibility import assert_accessible
from tests.browser.test_accounts_journey import expect_signed_in_as, sign_in
from tests.factories import PASSWORD, MembershipFactory, ProgrammeFactory, WorkshopFactory
from tests.feedback.report_support import answered, waiting
from tests.workshops.registration_support import ready_person
from workshops.models import Workshop


def test_organiser_reads_the_breakdown_and_publishes_you_said_we_did(
    page: Page, live_server, viewport, settings
):
    settings.STAFF_MFA_REQUIRED = False
    programme = ProgrammeFactory(
        title="Young people's diabetes clinic",
        slug=f"young-diabetes-{viewport}",
        professional_term="member of the clinic team",
        professional_term_plural="clinic team",
    )
    organiser = ready_person(f"organiser.{viewport}@example.org", [Perspective.MANAGER])
    MembershipFactory(programme=programme, user=organiser, role=TeamRole.ORGANISER)
    starts = timezone.now() + dt.timedelta(days=5)
    workshop = WorkshopFactory(
        programme=programme,
        title="Moving to the adult clinic",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=3),
    )
    sign_in(page, organiser.email, PASSWORD)
    expect_signed_in_as(page, organiser.email)

    # Before the form opens: the organiser's own question.
    page.goto(f"/workshops/manage/{workshop.pk}/")
    page.get_by_role("link", name="Feedback form").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Feedback form for Moving to the adult clinic"
    )
    page.get_by_role("link", name="Add a question").click()
    page.get_by_label("Choose one answer").check()
    page.get_by_role("textbox", name=re.compile(r"^Question")).fill("Was the room easy to find?")
    page.get_by_label("Answers to choose from").fill("Yes\nNo")
    page.get_by_role("button", name="Add the question").click()
    expect(page.get_by_role("main").get_by_role("status")).to_contain_text(
        "Your question is added to the form."
    )
    assert_accessible(page)

    # The workshop takes place and people answer: 6 young people, 3 carers, 7 of the clinic
    # team; 2 young people have not answered yet.
    ended = timezone.now() - dt.timedelta(hours=2)
    Workshop.objects.filter(pk=workshop.pk).update(
        starts_at=ended - dt.timedelta(hours=3), ends_at=ended
    )
    room = Question.objects.get(form__workshop=workshop, text="Was the room easy to find?")
    answered(
        workshop,
        [Perspective.YOUNG_PERSON],
        6,
        values={"listened": 2},
        extra={room: 1},
        quote=True,
        written="Nobody explained the long words.",
    )
    carers = answered(workshop, [Perspective.CARER], 3, values={"listened": 5}, extra={room: 0})
    answered(
        workshop, [Perspective.HEALTH_PROFESSIONAL], 7, values={"listened": 5}, extra={room: 0}
    )
    waiting(workshop, [Perspective.YOUNG_PERSON], 2)

    page.goto(f"/workshops/manage/{workshop.pk}/")
    page.get_by_role("link", name="Feedback report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Feedback report for Moving to the adult clinic"
    )
    expect(page.get_by_text("16 of 18 people with a place answered (89%).")).to_be_visible()
    assert_accessible(page)

    # Each row as a screen reader reads it: its heading, then its cells.
    listened = page.get_by_role("table", name="Answers to “I felt listened to”, by who answered")
    expect(
        listened.get_by_role("row", name="Young people 6 0 (0%) 6 (100%) 0 (0%) 0 (0%) 0 (0%) 0%")
    ).to_be_visible()
    expect(
        listened.get_by_role(
            "row", name="Carers Fewer than 5 Not shown, so nobody can be identified."
        )
    ).to_be_visible()
    expect(
        listened.get_by_role(
            "row", name="All clinic team 7 0 (0%) 0 (0%) 0 (0%) 0 (0%) 7 (100%) 100%"
        )
    ).to_be_visible()
    expect(
        page.get_by_text(
            "Young people agreed less often than clinic team that they felt listened to "
            "(0% vs 100%)."
        )
    ).to_be_visible()
    room_table = page.get_by_role(
        "table", name="Answers to “Was the room easy to find?”, by who answered"
    )
    expect(room_table.get_by_role("row", name="Young people 6 0 (0%) 6 (100%)")).to_be_visible()
    expect(page.get_by_text("Nobody explained the long words.").first).to_be_visible()

    # Across the programme, then what the team changed.
    page.goto(f"/programmes/{programme.slug}/manage/")
    page.get_by_role("link", name="Feedback", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Feedback report for Young people's diabetes clinic"
    )
    assert_accessible(page)
    page.get_by_label("Whose answers").select_option(label="Young people")
    page.get_by_role("button", name="Show the trend").click()
    expect(page.get_by_role("heading", name="“I felt valued”: young people")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="You said, we did").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You said, we did")
    assert_accessible(page)
    page.get_by_role("link", name="Add what you did").click()
    page.get_by_role("button", name="Save as a draft").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("What we heard (you said)").fill(
        "Young people did not feel listened to, and the words were too long."
    )
    page.get_by_label("What we did").fill(
        "Young people now co-chair each workshop, and we check our words with them first."
    )
    page.get_by_label("When we did it").fill(timezone.localdate().isoformat())
    page.get_by_label("Workshop the feedback was about (optional)").select_option(
        value=str(workshop.pk)
    )
    page.get_by_role("button", name="Save as a draft").click()
    expect(page.get_by_role("main").get_by_role("status")).to_contain_text("Saved as a draft.")
    assert_accessible(page)

    mail.outbox.clear()
    page.get_by_role("button", name=re.compile(r"^Publish and email it")).click()
    expect(page.get_by_role("main").get_by_role("status")).to_contain_text(
        "We are emailing it to the 16 people who gave feedback."
    )
    assert_accessible(page)
    assert FeedbackAction.objects.get().is_published
    assert len(mail.outbox) == 16
    to_a_carer = next(m for m in mail.outbox if m.to == [carers[0].email])
    assert "Young people now co-chair each workshop" in to_a_carer.body

    # Everyone can read it on the programme's page, and all of them on its learning page.
    page.goto(f"/programmes/{programme.slug}/")
    expect(
        page.get_by_role("region", name="What we changed and learned").get_by_text(
            "Young people now co-chair each workshop, and we check our words"
        )
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="See everything we changed and learned").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What we changed and learned")
    expect(
        page.get_by_text("Young people now co-chair each workshop, and we check our words")
    ).to_be_visible()
    assert_accessible(page)
