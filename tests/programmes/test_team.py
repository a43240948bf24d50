"""Organisers add and remove the organisers and bursary reviewers of their programme."""

from django.urls import reverse

from codesign.core.models import AuditEntry
from programmes.models import Membership, TeamRole
from tests.factories import MembershipFactory, UserFactory
from tests.programmes.helpers import page_text


def team_url(programme):
    return reverse("programmes:team", args=[programme.slug])


def remove_url(membership):
    return reverse("programmes:team_remove", args=[membership.programme.slug, membership.pk])


def test_the_team_page_lists_members_and_their_roles_in_the_programmes_words(
    sign_in, organiser, reviewer, partner_words
):
    text = page_text(sign_in(organiser).get(team_url(partner_words)))

    assert "organiser@example.org Role: organiser" in text
    assert "reviewer@example.org Role: bursary reviewer" in text
    assert "so that patient partners can take part" in text
    assert "Cannot be removed: the only organiser" in text


def test_organiser_adds_a_bursary_reviewer_by_email(sign_in, organiser, patient, programme):
    response = sign_in(organiser).post(
        team_url(programme), {"email": "Patient@Example.org", "role": "reviewer"}, follow=True
    )

    assert Membership.objects.filter(
        programme=programme, user=patient, role=TeamRole.REVIEWER
    ).exists()
    assert "Added patient@example.org as a bursary reviewer." in page_text(response)
    entry = AuditEntry.objects.get(action="programmes.team.added")
    assert entry.actor == organiser


def test_an_email_with_no_account_gets_a_plain_message_and_nothing_is_saved(
    sign_in, organiser, programme
):
    response = sign_in(organiser).post(
        team_url(programme), {"email": "nobody@example.org", "role": "organiser"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "There is no account with that email address. Ask them to create one first."
    ]
    assert 'id="id_email_error"' in response.content.decode()
    assert Membership.objects.filter(programme=programme).count() == 1
    assert not AuditEntry.objects.exists()


def test_adding_someone_already_in_that_role_says_so(sign_in, organiser, reviewer, programme):
    response = sign_in(organiser).post(
        team_url(programme), {"email": "reviewer@example.org", "role": "reviewer"}
    )

    assert response.context["form"].errors["email"] == [
        "reviewer@example.org is already a bursary reviewer of this programme."
    ]


def test_a_role_must_be_chosen(sign_in, organiser, patient, programme):
    response = sign_in(organiser).post(team_url(programme), {"email": "patient@example.org"})

    assert response.context["form"].errors["role"] == ["This field is required."]
    assert not Membership.objects.filter(user=patient).exists()


def test_a_switched_off_account_cannot_be_added(sign_in, organiser, programme):
    UserFactory(email="gone@example.org", is_active=False)

    response = sign_in(organiser).post(
        team_url(programme), {"email": "gone@example.org", "role": "organiser"}
    )

    assert "switched off" in response.context["form"].errors["email"][0]
    assert Membership.objects.filter(programme=programme).count() == 1


def test_organiser_removes_a_reviewer(sign_in, organiser, reviewer, programme):
    membership = Membership.objects.get(user=reviewer)

    response = sign_in(organiser).post(remove_url(membership), follow=True)

    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert "reviewer@example.org is no longer a bursary reviewer" in page_text(response)
    assert AuditEntry.objects.filter(action="programmes.team.removed").exists()


def test_the_last_organiser_cannot_be_removed(sign_in, organiser, programme):
    membership = Membership.objects.get(user=organiser)

    response = sign_in(organiser).post(remove_url(membership), follow=True)

    assert "A programme needs at least one organiser." in page_text(response)
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert not AuditEntry.objects.exists()


def test_an_organiser_whose_account_is_switched_off_does_not_count_as_another_organiser(
    sign_in, organiser, programme
):
    MembershipFactory(
        programme=programme, user=UserFactory(is_active=False), role=TeamRole.ORGANISER
    )
    membership = Membership.objects.get(user=organiser)

    sign_in(organiser).post(remove_url(membership))

    assert Membership.objects.filter(pk=membership.pk).exists()


def test_an_organiser_can_step_down_when_another_organiser_remains(
    sign_in, organiser, patient, programme
):
    MembershipFactory(programme=programme, user=patient, role=TeamRole.ORGANISER)
    membership = Membership.objects.get(user=organiser)

    response = sign_in(organiser).post(remove_url(membership))

    assert not Membership.objects.filter(pk=membership.pk).exists()
    # They can no longer see the team page, so they go somewhere they still may.
    assert response.url == reverse("core:home")
