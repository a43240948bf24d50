"""The pair pages, as each person uses them: the professional starts from the programme page,
the partner joins from their link (signing up on the way), both see where the pair stands,
and organisers decide for both partners."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from codesign.accounts.models import User
from pairs import services
from pairs.models import Pair
from programmes.models import Programme
from tests.factories import PASSWORD, ProgrammeFactory
from tests.pairs.support import (
    PARTNER_PART,
    TASK,
    cohort_of,
    decided,
    joined,
    partner_n,
    professional_n,
    start,
    submitted,
)
from tests.programmes.helpers import page_text

pytestmark = pytest.mark.django_db

START_DATA = {
    "task": TASK,
    "organisation": "Example Health Trust",
    "organisation_support": "Two hours a week away from clinic.",
    "how_we_work": "We meet every other Tuesday.",
    "partner_name": "Pat",
    "partner_email": "pat.partner@example.org",
}


def _start_url(programme):
    return reverse("pairs:start", kwargs={"slug": programme.slug})


# The programme page and starting


def test_the_open_programme_page_offers_pair_applications_when_it_has_cohorts(
    client, programme, cohort
):
    text = client.get(programme.get_absolute_url()).content.decode()

    assert _start_url(programme) in text
    assert "Apply as a collaborative pair" in text


@pytest.mark.parametrize("status", [Programme.Status.RUNNING, Programme.Status.CLOSED])
def test_the_programme_page_does_not_offer_pairs_when_it_is_not_open(client, programme, status):
    cohort_of(programme)
    programme.status = status
    programme.save()

    assert _start_url(programme) not in client.get(programme.get_absolute_url()).content.decode()


def test_the_programme_page_does_not_offer_pairs_without_cohorts(client, programme):
    assert _start_url(programme) not in client.get(programme.get_absolute_url()).content.decode()


def test_a_professional_starts_a_pair_from_the_programme(
    client, programme, cohort, professional, django_capture_on_commit_callbacks
):
    client.force_login(professional)
    page = client.get(_start_url(programme))
    assert page.status_code == 200
    assert page.context["form"]["cohort"].value() == cohort.pk  # the only one, chosen

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_start_url(programme), {**START_DATA, "cohort": cohort.pk})

    pair = Pair.objects.get()
    assert response.url == reverse("pairs:detail", kwargs={"pk": pair.pk})
    assert (pair.professional, pair.cohort, pair.task) == (professional, cohort, TASK)
    assert [m.to for m in mail.outbox] == [["pat.partner@example.org"]]
    detail = page_text(client.get(response.url))
    assert "We have emailed Pat a link to join it" in detail
    assert "Waiting for Pat to join and add their part." in detail


@pytest.mark.parametrize(
    ("change", "field", "error"),
    [
        ({"task": ""}, "task", "This field is required."),
        ({"partner_email": "not an address"}, "partner_email", "Enter a valid email address."),
        (
            {"partner_email": "professional@example.org"},
            "partner_email",
            "Enter your partner's email address, not your own.",
        ),
        ({"cohort": "999"}, "cohort", "Select a valid choice."),
    ],
)
def test_starting_with_a_bad_answer_says_what_to_fix_and_sends_nothing(
    client, programme, cohort, professional, change, field, error
):
    client.force_login(professional)

    response = client.post(_start_url(programme), {**START_DATA, "cohort": cohort.pk, **change})

    assert response.status_code == 200
    assert any(error in e for e in response.context["form"].errors[field])
    assert "There is a problem" in page_text(response)
    assert not Pair.objects.exists()
    assert mail.outbox == []


def test_a_cohort_of_another_programme_cannot_be_chosen(
    client, programme, cohort, other_programme, professional
):
    elsewhere = cohort_of(other_programme, name="Elsewhere")
    client.force_login(professional)

    response = client.post(_start_url(programme), {**START_DATA, "cohort": elsewhere.pk})

    assert "cohort" in response.context["form"].errors
    assert not Pair.objects.exists()


def test_a_second_application_to_the_same_cohort_is_refused_on_the_page(
    client, programme, cohort, professional
):
    start(cohort, professional)
    client.force_login(professional)

    response = client.post(_start_url(programme), {**START_DATA, "cohort": cohort.pk})

    assert "You already have a pair application for this cohort." in page_text(response)
    assert Pair.objects.count() == 1


def test_someone_who_is_not_a_professional_is_told_who_starts_a_pair(
    client, programme, cohort, patient
):
    client.force_login(patient)

    for response in (client.get(_start_url(programme)), client.post(_start_url(programme))):
        assert response.status_code == 200
        assert "Who starts a pair application" in page_text(response)
    assert not Pair.objects.exists()


def test_a_programme_not_open_shows_that_pairs_are_not_open(client, programme, professional):
    cohort_of(programme)
    programme.status = Programme.Status.RUNNING
    programme.save()
    client.force_login(professional)

    response = client.post(_start_url(programme), {**START_DATA})

    assert "Pair applications are not open" in page_text(response)
    assert not Pair.objects.exists()


def test_a_draft_programme_has_no_pair_page(client, professional):
    draft = ProgrammeFactory(status=Programme.Status.DRAFT)
    cohort_of(draft)
    client.force_login(professional)

    assert client.get(_start_url(draft)).status_code == 404


# The partner joins


def test_the_partner_reads_the_application_from_their_link_without_an_account(
    client, cohort, professional
):
    pair = start(cohort, professional)

    response = client.get(reverse("pairs:join", args=[pair.partner_token]))

    text = page_text(response)
    name = professional.profile.display_name
    assert f"{name} invites you to apply as a pair" in text
    assert "What is a collaborative pair?" in text
    assert TASK in text and cohort.name in text
    assert "Yes, I would like to join" in text


def test_the_partner_signs_up_from_the_link_and_comes_back_to_add_their_part(
    client, cohort, professional
):
    pair = start(cohort, professional, partner_email="New.Partner@example.org")
    token = pair.partner_token

    response = client.post(reverse("pairs:join_account", args=[token]))

    assert response.url.startswith(reverse("account_signup"))
    assert client.session[services.JOIN_SESSION_KEY] == token
    signup = client.get(response.url)
    assert 'value="New.Partner@example.org"' in signup.content.decode()
    created = client.post(
        response.url,
        {"email": "New.Partner@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert created.url == reverse("pairs:join_continue")
    user = User.objects.get(email__iexact="new.partner@example.org")
    assert EmailAddress.objects.get(user=user).verified
    back = client.get(created.url)
    assert back.url == reverse("pairs:join", args=[token])
    assert services.JOIN_SESSION_KEY not in client.session

    form = client.get(back.url)
    assert "Join and add your part" in page_text(form)
    joined_page = client.post(
        back.url, {"partner_statement": PARTNER_PART, "partner_support_needs": "Step-free"}
    )

    assert joined_page.url == reverse("pairs:detail", kwargs={"pk": pair.pk})
    pair.refresh_from_db()
    assert pair.partner == user and pair.partner_has_accepted
    assert pair.partner_support_needs == "Step-free"
    assert "You have joined the pair." in page_text(client.get(joined_page.url))


def test_a_partner_with_an_account_signs_in_from_the_link(client, cohort, professional, partner):
    pair = start(cohort, professional, partner_email=partner.email)

    response = client.post(reverse("pairs:join_account", args=[pair.partner_token]))

    assert response.url.startswith(reverse("account_login"))
    signed_in = client.post(response.url, {"login": partner.email, "password": PASSWORD})
    assert signed_in.url == reverse("pairs:join_continue")
    assert client.get(signed_in.url).url == reverse("pairs:join", args=[pair.partner_token])


def test_joining_without_saying_what_they_hope_to_bring_is_refused(
    client, cohort, professional, partner
):
    pair = start(cohort, professional)
    client.force_login(partner)

    response = client.post(reverse("pairs:join", args=[pair.partner_token]), {})

    assert response.status_code == 200
    assert "partner_statement" in response.context["form"].errors
    pair.refresh_from_db()
    assert pair.partner is None


def test_the_partner_can_say_no_from_the_link_and_the_professional_sees_why(
    client, cohort, professional, django_capture_on_commit_callbacks
):
    pair = start(cohort, professional)
    url = reverse("pairs:join_decline", args=[pair.partner_token])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "I have too much on."})

    assert response.url == reverse("pairs:join", args=[pair.partner_token])
    assert "Thank you for letting us know" in page_text(client.get(response.url))
    [email] = mail.outbox
    assert email.to == [professional.email]
    client.force_login(professional)
    detail = page_text(client.get(reverse("pairs:detail", args=[pair.pk])))
    assert "Pat said no" in detail and "I have too much on." in detail
    assert "Invite someone else" in detail


def test_the_link_stops_working_for_others_once_the_partner_has_joined(
    client, cohort, professional, partner, outsider
):
    pair = joined(cohort, professional, partner)
    client.force_login(outsider)
    url = reverse("pairs:join", args=[pair.partner_token])

    assert "Someone else has already joined this pair." in page_text(client.get(url))
    client.post(url, {"partner_statement": "Me instead"})
    pair.refresh_from_db()
    assert pair.partner == partner


def test_the_professional_opening_the_link_is_sent_to_their_pair(client, cohort, professional):
    pair = start(cohort, professional)
    client.force_login(professional)

    response = client.get(reverse("pairs:join", args=[pair.partner_token]))

    assert response.url == reverse("pairs:detail", args=[pair.pk])


def test_the_partner_changes_their_part_while_forming(client, cohort, professional, partner):
    pair = joined(cohort, professional, partner)
    client.force_login(partner)
    url = reverse("pairs:join", args=[pair.partner_token])

    assert "Change your part" in page_text(client.get(url))
    client.post(url, {"partner_statement": "Something new"})

    pair.refresh_from_db()
    assert pair.partner_statement == "Something new"


# The pair's page


def test_each_partner_sees_whether_the_other_has_accepted(client, cohort, professional, partner):
    pair = start(cohort, professional, partner_email=partner.email)
    client.force_login(professional)
    url = reverse("pairs:detail", args=[pair.pk])

    assert "has not accepted yet" in page_text(client.get(url))
    services.pair_accept(pair=pair, partner=partner, statement=PARTNER_PART)

    mine = page_text(client.get(url))
    assert "Pat (person with lived experience): accepted on" in mine
    assert "Send our application" in mine
    client.force_login(partner)
    theirs = page_text(client.get(url))
    name = professional.profile.display_name
    assert f"{name} (professional, Example Health Trust): started the application on" in theirs
    assert "You (person with lived experience): accepted on" in theirs


def test_either_partner_sends_the_application_from_the_page(client, cohort, professional, partner):
    pair = joined(cohort, professional, partner)
    client.force_login(partner)

    response = client.post(reverse("pairs:submit", args=[pair.pk]))

    pair.refresh_from_db()
    assert pair.status == Pair.Status.SUBMITTED
    assert "has been sent to the programme team" in page_text(client.get(response.url))


def test_sending_before_the_partner_joins_says_why_not(client, cohort, professional):
    pair = start(cohort, professional)
    client.force_login(professional)

    response = client.post(reverse("pairs:submit", args=[pair.pk]), follow=True)

    assert "Your partner needs to accept and add their part first." in page_text(response)
    pair.refresh_from_db()
    assert pair.status == Pair.Status.FORMING


def test_either_partner_withdraws(client, cohort, professional, partner, organiser):
    pair = decided(cohort, professional, partner, organiser, "accept")
    client.force_login(partner)

    response = client.post(reverse("pairs:withdraw", args=[pair.pk]), follow=True)

    pair.refresh_from_db()
    assert pair.status == Pair.Status.WITHDRAWN
    assert "Your application has been withdrawn" in page_text(response)


def test_the_professional_sends_the_invitation_again(
    client, cohort, professional, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        pair = start(cohort, professional)
    client.force_login(professional)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("pairs:resend", args=[pair.pk]))

    pair.refresh_from_db()
    assert pair.partner_invite_count == 2
    assert [m.to for m in mail.outbox] == [["pat.partner@example.org"]] * 2


def test_the_professional_invites_someone_else(
    client, cohort, professional, django_capture_on_commit_callbacks
):
    pair = start(cohort, professional)
    old = pair.partner_token
    client.force_login(professional)
    url = reverse("pairs:change_partner", args=[pair.pk])

    bad = client.post(url, {"partner_name": "Sol", "partner_email": "nope"})
    assert "partner_email" in bad.context["form"].errors
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"partner_name": "Sol", "partner_email": "sol@example.org"})

    pair.refresh_from_db()
    assert (pair.partner_name, pair.partner_email) == ("Sol", "sol@example.org")
    assert client.get(reverse("pairs:join", args=[old])).status_code == 404
    assert mail.outbox[-1].to == ["sol@example.org"]


def test_my_pairs_lists_pairs_started_and_joined(client, cohort, professional, partner, outsider):
    pair = joined(cohort, professional, partner)
    url = reverse("pairs:mine")

    for user in (professional, partner):
        client.force_login(user)
        assert reverse("pairs:detail", args=[pair.pk]) in client.get(url).content.decode()
    client.force_login(outsider)
    assert "You have no pair applications yet" in page_text(client.get(url))


def test_the_partner_is_offered_the_programmes_open_bursaries_as_part_of_the_pair(
    client, programme, cohort, professional, partner
):
    import datetime as dt

    from django.utils import timezone

    from tests.bursaries.factories import SchemeFactory

    scheme = SchemeFactory(programme=programme, name="Travel and time")
    SchemeFactory(programme=programme, closes_at=timezone.now() - dt.timedelta(days=1))
    SchemeFactory(programme=programme, eligible_perspectives=["health_professional"])
    pair = joined(cohort, professional, partner)
    url = reverse("pairs:detail", args=[pair.pk])
    apply = f"{reverse('bursaries:apply', kwargs={'pk': scheme.pk})}?pair={pair.pk}"

    client.force_login(partner)
    response = client.get(url)
    assert response.context["bursaries"] == [("Travel and time", apply)]
    assert "Apply for a bursary as part of this pair" in page_text(response)
    assert client.get(apply).status_code == 200
    client.force_login(professional)
    assert "Apply for a bursary" not in page_text(client.get(url))


# Organisers


def test_the_review_pages_show_places_taken_and_filter_by_status(
    client, programme, organiser, with_mfa
):
    cohort = cohort_of(programme, places=3)
    decided(cohort, professional_n(1), partner_n(1), organiser, "accept")
    decided(cohort, professional_n(2), partner_n(2), organiser, "waitlist")
    waiting = submitted(cohort, professional_n(3), partner_n(3))
    start(cohort, professional_n(4))
    client.force_login(with_mfa(organiser))

    overview = page_text(client.get(reverse("pairs:review", args=[programme.slug])))
    assert f"{cohort.name} 1 of 3 1 1 0 0 1" in overview
    url = reverse("pairs:review_cohort", args=[programme.slug, cohort.pk])
    everything = client.get(url)
    assert "Places taken: 1 of 3 pair" in page_text(everything)
    assert len(everything.context["page"].object_list) == 3  # not the one still forming
    only = client.get(url, {"status": "submitted"}).context["page"].object_list
    assert [p.pk for p in only] == [waiting.pk]
    assert client.get(url, {"status": "nonsense"}).status_code == 200


def test_an_organiser_accepts_a_pair_and_both_partners_hear(
    client, cohort, professional, partner, organiser, with_mfa, django_capture_on_commit_callbacks
):
    pair = submitted(cohort, professional, partner)
    client.force_login(with_mfa(organiser))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("pairs:decide", args=[cohort.programme.slug, pair.pk]),
            {"decision": "accept", "reason": "A real task."},
        )

    assert response.url == reverse("pairs:review_pair", args=[cohort.programme.slug, pair.pk])
    pair.refresh_from_db()
    assert pair.status == Pair.Status.ACCEPTED
    assert sorted(m.to[0] for m in mail.outbox) == sorted([professional.email, partner.email])
    page = page_text(client.get(response.url))
    assert "accepted. We are telling them both." in page
    assert "Status: Accepted" in page


def test_accepting_into_a_full_cohort_is_refused_on_the_page(
    client, programme, organiser, with_mfa
):
    cohort = cohort_of(programme, places=1)
    decided(cohort, professional_n(1), partner_n(1), organiser, "accept")
    pair = submitted(cohort, professional_n(2), partner_n(2))
    client.force_login(with_mfa(organiser))

    response = client.post(
        reverse("pairs:decide", args=[programme.slug, pair.pk]), {"decision": "accept"}
    )

    assert response.status_code == 200
    assert "is full: all 1 places for pairs are taken" in page_text(response)
    pair.refresh_from_db()
    assert pair.status == Pair.Status.SUBMITTED


@pytest.mark.parametrize(
    ("data", "field"),
    [({"decision": "decline", "reason": " "}, "reason"), ({"decision": "maybe"}, "decision")],
)
def test_a_decision_with_a_bad_answer_changes_nothing(
    client, cohort, professional, partner, organiser, with_mfa, data, field
):
    pair = submitted(cohort, professional, partner)
    client.force_login(with_mfa(organiser))

    response = client.post(reverse("pairs:decide", args=[cohort.programme.slug, pair.pk]), data)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    pair.refresh_from_db()
    assert pair.status == Pair.Status.SUBMITTED


def test_the_review_page_shows_both_parts_and_the_partners_support_needs(
    client, cohort, professional, partner, organiser, with_mfa
):
    pair = start(cohort, professional, partner_email=partner.email)
    services.pair_accept(
        pair=pair, partner=partner, statement=PARTNER_PART, support_needs="A quiet room"
    )
    services.pair_submit(pair=pair, by=partner)
    client.force_login(with_mfa(organiser))

    text = page_text(
        client.get(reverse("pairs:review_pair", args=[cohort.programme.slug, pair.pk]))
    )

    assert TASK in text and PARTNER_PART in text and "A quiet room" in text
    assert "Accept both partners" in text and "Decline both partners" in text
