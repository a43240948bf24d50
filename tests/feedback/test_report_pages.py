"""What organisers read in the reports and the CSV exports: who answered, each question broken
down by who answered in the programme's own words, groups of fewer than 5 shown only as
"fewer than 5", trends across workshops, and quotes from people who agreed to be quoted."""

import csv
import datetime as dt
import io
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from codesign.core.models import AuditEntry
from feedback.models import FeedbackForm
from feedback.services import feedback_form_update, question_add
from participants.models import Perspective
from tests.factories import WorkshopFactory
from tests.feedback.report_support import answered, reported_workshop, waiting
from tests.feedback.support import ended_workshop, form_of, text

pytestmark = pytest.mark.django_db

P, C, Y = Perspective.PATIENT, Perspective.CARER, Perspective.YOUNG_PERSON
HP = Perspective.HEALTH_PROFESSIONAL


@pytest.fixture
def signed_in(client, organiser, with_mfa):
    client.force_login(with_mfa(organiser))
    return client


@pytest.fixture
def workshop(programme):
    return reported_workshop(programme, title="Clinic letters")


def _row(page: str, label: str) -> str:
    """The text of the first table row headed `label`."""
    found = re.search(rf'<th scope="row">{re.escape(label)}</th>(.*?)</tr>', page, flags=re.DOTALL)
    assert found, f"No row for {label}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))).strip()


def _report(client, workshop) -> str:
    response = client.get(reverse("feedback:workshop_report", args=[workshop.pk]))
    assert response.status_code == 200
    return text(response)


# One workshop


def test_the_workshop_report_shows_who_answered_and_who_has_not_yet(signed_in, workshop):
    answered(workshop, [P], 6)
    answered(workshop, [HP], 5)
    waiting(workshop, [P], 5)
    waiting(workshop, [Y], 2)

    page = _report(signed_in, workshop)

    assert "11 of 18 people with a place answered (61%). 7 have not answered yet." in page
    assert _row(page, "Patients") == "6 5"
    assert _row(page, "Young people") == "0 Fewer than 5"
    assert _row(page, "Health professionals") == "5 0"


def test_the_report_breaks_each_question_down_by_who_answered(signed_in, workshop):
    answered(workshop, [Y], 5, values={"listened": 2})
    answered(workshop, [HP], 10, values={"listened": 5})

    page = _report(signed_in, workshop)

    listened = page[page.index("Answers to “I felt listened to”") :]
    assert _row(listened, "Young people") == "5 0 (0%) 5 (100%) 0 (0%) 0 (0%) 0 (0%) 0%"
    assert _row(listened, "Health professionals") == "10 0 (0%) 0 (0%) 0 (0%) 0 (0%) 10 (100%) 100%"
    assert (
        "Young people agreed less often than professionals that they felt listened to "
        "(0% vs 100%)." in page
    )
    assert "fb-fill fb-w-100" in page


def test_a_group_of_fewer_than_5_shows_as_fewer_than_5_and_never_its_answers(signed_in, workshop):
    answered(workshop, [P], 8, scale=4)
    answered(workshop, [C], 3, scale=1)
    answered(workshop, [HP], 9, scale=5)

    page = _report(signed_in, workshop)

    valued = page[page.index("Answers to “I felt valued”") :]
    assert _row(valued, "Carers") == "Fewer than 5 Not shown, so nobody can be identified."
    # Everyone minus patients and professionals would be the carers: so not shown either.
    assert _row(valued, "Everyone").startswith("Not shown Taking the rows shown inside it away")
    assert _row(valued, "All people with lived experience").startswith("Not shown")
    # Nobody chose "strongly disagree" but the carers: the number 3 is nowhere.
    assert "3 (" not in valued.split("</table>")[0]
    assert "Fewer than 5 answered: not shown" in page


def test_the_report_uses_the_programmes_own_words(signed_in, programme, workshop):
    programme.lived_experience_term_plural = "patient partners"
    programme.professional_term_plural = "clinic team"
    programme.save()
    answered(workshop, [Y], 5, values={"listened": 2})
    answered(workshop, [HP], 5, values={"listened": 5})

    page = _report(signed_in, workshop)

    assert "All patient partners" in page and "All clinic team" in page
    assert "Young people agreed less often than clinic team that they felt listened to" in page


def test_organisers_own_questions_are_broken_down_too(signed_in, programme):
    workshop = ended_workshop(programme=programme)
    with time_machine.travel(workshop.ends_at - dt.timedelta(days=1)):
        travel = question_add(
            form=form_of(workshop),
            kind="multiple",
            text="How did you travel?",
            choices=["Bus", "Car", "Walked"],
            added_by=None,
        )
    answered(workshop, [P], 6, extra={travel: [0, 2]})
    answered(workshop, [HP], 5, extra={travel: 1})

    page = _report(signed_in, workshop)

    table = page[page.index("Answers to “How did you travel?”") :]
    assert "(people could choose more than one)" in table
    assert _row(table, "Patients") == "6 6 (100%) 0 (0%) 6 (100%)"
    assert _row(table, "Health professionals") == "5 0 (0%) 5 (100%) 0 (0%)"
    assert "“Bus” and “Walked” were chosen most often (55% of everyone who answered each)." in page


def test_only_words_people_agreed_to_share_are_quoted_and_never_with_a_name(signed_in, workshop):
    shared = answered(workshop, [P], 1, quote=True, written="The tea was lovely.")
    answered(workshop, [P], 1, quote=False, written="Private: my neighbour was there.")

    page = _report(signed_in, workshop)

    assert "The tea was lovely." in page
    assert "Private: my neighbour" not in page
    assert shared[0].email not in page
    assert (
        "“What went well?”: 2 people wrote an answer, and 1 of them said we may quote them." in page
    )


def test_an_anonymous_forms_answers_are_counted_by_perspective(signed_in, workshop):
    feedback_form_update(
        form=form_of(workshop), days_open=14, anonymous=True, easy_read=False, updated_by=None
    )
    answered(workshop, [Y], 5)

    page = _report(signed_in, workshop)

    assert "5 of 5 people with a place answered (100%)." in page
    assert _row(page, "Young people").startswith("5")


def test_a_workshop_with_no_form_yet_has_an_empty_report_and_no_form_is_made(signed_in, programme):
    workshop = WorkshopFactory(programme=programme)

    page = _report(signed_in, workshop)

    assert "Nobody has answered yet." in page
    assert "The feedback form opens when the workshop ends." in page
    assert not FeedbackForm.objects.exists()


# A programme


def test_the_programme_report_adds_up_the_workshops_that_took_place(
    signed_in, programme, other_programme
):
    first = reported_workshop(programme, title="First", ended=dt.timedelta(days=20))
    second = reported_workshop(programme, title="Second", ended=dt.timedelta(days=2))
    answered(first, [Y], 5, values={"listened": 2})
    answered(second, [Y], 5, values={"listened": 4})
    answered(second, [HP], 6, values={"listened": 5})
    waiting(first, [Y], 4)
    waiting(second, [HP], 7)
    # Not reported: another programme's, a cancelled one and one still to come.
    answered(reported_workshop(other_programme, title="Elsewhere"), [P], 9)
    reported_workshop(programme, title="Called off", status="cancelled")
    WorkshopFactory(programme=programme, title="Next month")

    response = signed_in.get(reverse("feedback:programme_report", args=[programme.slug]))

    page = text(response)
    assert response.status_code == 200
    assert "16 of 27 people with a place answered (59%)." in page
    assert "Elsewhere" not in page and "Called off" not in page and "Next month" not in page
    assert f'href="{reverse("feedback:workshop_report", args=[first.pk])}"' in page
    listened = page[page.index("Answers to “I felt listened to”") :]
    assert _row(listened, "Young people") == "10 0 (0%) 5 (50%) 0 (0%) 5 (50%) 0 (0%) 50%"
    # Only the second workshop's form is still open, so only its 7 are "not answered yet".
    assert "Another 4 people did not answer before their form closed." in page
    assert _row(page, "Health professionals") == "6 7"


def test_the_trend_follows_one_question_and_group_across_workshops(signed_in, programme):
    first = reported_workshop(programme, title="First", ended=dt.timedelta(days=20))
    middle = reported_workshop(programme, title="Middle", ended=dt.timedelta(days=10))
    last = reported_workshop(programme, title="Last", ended=dt.timedelta(days=2))
    answered(first, [Y], 5, values={"listened": 2})
    answered(middle, [Y], 3, values={"listened": 5})
    answered(last, [Y], 4, values={"listened": 4})
    answered(last, [Y], 1, values={"listened": 1})

    response = signed_in.get(
        reverse("feedback:programme_report", args=[programme.slug])
        + "?question=listened&who=young_person"
    )

    page = text(response)
    trend = page[page.index("How many young people agreed that “I felt listened to”") :]
    assert _row(trend, "First") == "{} 5 0%".format(
        timezone.localtime(first.starts_at).strftime("%-d %b %Y")
    )
    assert "Fewer than 5 Not shown, so nobody can be identified." in _row(trend, "Middle")
    assert _row(trend, "Last").endswith("5 80%")
    assert (
        "The share of young people who agreed that they felt listened to went from 0% to 80% "
        "between First and Last." in page
    )


def test_a_trend_choice_that_is_not_in_the_list_is_explained(signed_in, programme):
    response = signed_in.get(
        reverse("feedback:programme_report", args=[programme.slug]) + "?question=x&who=aliens"
    )

    page = text(response)
    assert response.status_code == 400
    assert "There is a problem" in page
    assert "Choose one of the questions in the list." in page
    assert "Choose one of the groups in the list." in page
    assert "“I felt valued”: everyone" in page


# Exports


def _csv(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="feedback-')
    assert response["Cache-Control"] == "private, no-store"
    return list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff"))))


def test_the_workshop_export_has_numbers_only_and_hides_small_groups(
    signed_in, organiser, workshop
):
    answered(workshop, [P], 6, scale=4, quote=True, written="Lovely, thanks Sam.")
    answered(workshop, [C], 2, scale=1)

    rows = _csv(signed_in.get(reverse("feedback:workshop_report_csv", args=[workshop.pk])))

    assert rows[0] == [
        "Workshop",
        "Date",
        "Question",
        "Who",
        "People who answered",
        "Answer",
        "Number",
        "Per cent",
    ]
    assert [
        "Clinic letters",
        rows[1][1],
        "Answered the form",
        "Everyone",
        "",
        "",
        "8",
        "100",
    ] in rows
    assert [r for r in rows if r[2] == "I felt valued" and r[3] == "Carers"] == [
        ["Clinic letters", rows[1][1], "I felt valued", "Carers", "fewer than 5", "", "", ""]
    ]
    assert [
        "Clinic letters",
        rows[1][1],
        "I felt valued",
        "Patients",
        "6",
        "Agree",
        "6",
        "100",
    ] in rows
    assert not any("Sam" in cell for row in rows for cell in row)
    entry = AuditEntry.objects.get(action="feedback.report.exported")
    assert entry.actor == organiser
    assert entry.object_id == str(workshop.pk)


def test_the_export_can_not_smuggle_a_formula_into_a_spreadsheet(signed_in, programme):
    programme.lived_experience_term_plural = "=1+1"
    programme.save()
    workshop = ended_workshop(programme=programme, title="@SUM(A1)")
    with time_machine.travel(workshop.ends_at - dt.timedelta(days=1)):
        question = question_add(
            form=form_of(workshop),
            kind="single",
            text='=HYPERLINK("http://example.invalid")',
            choices=["+yes", "-no"],
            added_by=None,
        )
    answered(workshop, [P], 5, extra={question: 0})

    rows = _csv(signed_in.get(reverse("feedback:workshop_report_csv", args=[workshop.pk])))

    cells = {cell for row in rows for cell in row}
    assert "'@SUM(A1)" in cells
    assert '\'=HYPERLINK("http://example.invalid")' in cells
    assert "'+yes" in cells and "'-no" in cells
    assert "'All =1+1" not in cells and "All =1+1" in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)


def test_the_programme_export_adds_each_workshop_and_keeps_the_rule(signed_in, programme):
    first = reported_workshop(programme, title="First", ended=dt.timedelta(days=5))
    answered(first, [Y], 3, scale=1)
    answered(first, [HP], 5, scale=5)

    response = signed_in.get(reverse("feedback:programme_report_csv", args=[programme.slug]))

    rows = _csv(response)
    assert [
        "All workshops",
        "",
        "I felt valued",
        "Young people",
        "fewer than 5",
        "",
        "",
        "",
    ] in rows
    assert [
        "First",
        rows[3][1],
        "I felt valued",
        "Young people",
        "fewer than 5",
        "",
        "",
        "",
    ] in rows
    assert [
        "First",
        rows[3][1],
        "I felt valued",
        "Health professionals",
        "5",
        "Strongly agree",
        "5",
        "100",
    ] in rows
    assert not any(r[3] == "Young people" and r[6] == "3" for r in rows)
    assert AuditEntry.objects.get(action="feedback.report.exported").object_id == str(programme.pk)
