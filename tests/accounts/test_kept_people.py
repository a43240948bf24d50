"""The signed-in person and their team roles are read from the cache between changes
(codesign/accounts/backends.py): no queries for them on the next request, and any change to
the account, its roles or anything else reaches the very next request."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from programmes.models import Membership, TeamRole
from tests.factories import MembershipFactory

User = get_user_model()


@pytest.fixture(autouse=True)
def _kept(settings):
    settings.SIGNED_IN_CACHE = True


def _sql(captured) -> str:
    return "\n".join(q["sql"] for q in captured.captured_queries)


def test_the_next_request_reads_neither_the_person_nor_their_roles(
    client, organiser, with_mfa, django_assert_max_num_queries
):
    client.force_login(with_mfa(organiser))
    client.get(reverse("core:accessibility"))

    with django_assert_max_num_queries(1) as captured:  # the session, from the database here
        page = client.get(reverse("core:accessibility"))

    assert "accounts_user" not in _sql(captured)
    assert "programmes_membership" not in _sql(captured)
    assert "organiser@example.org" in page.content.decode()
    assert "(organiser)" in page.content.decode()


def test_a_deactivated_account_is_signed_out_at_once(client, patient):
    client.force_login(patient)
    assert client.get(reverse("workshops:mine")).status_code == 200

    patient.is_active = False
    patient.save()

    response = client.get(reverse("workshops:mine"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_an_account_deactivated_without_a_signal_is_signed_out_after_any_change(
    client, patient, carer
):
    client.force_login(patient)
    client.get(reverse("workshops:mine"))
    User.objects.filter(pk=patient.pk).update(is_active=False)  # no signal

    other = client.__class__()
    other.force_login(carer)  # any request that may change something
    other.post(reverse("workshops:my_feed_reset"))

    assert client.get(reverse("workshops:mine")).status_code == 302


def test_a_changed_password_signs_out_other_browsers(client, patient):
    client.force_login(patient)
    client.get(reverse("workshops:mine"))

    patient.set_password("a-new-long-passphrase-for-testing")
    patient.save()

    assert client.get(reverse("workshops:mine")).status_code == 302


def test_losing_a_team_role_takes_effect_on_the_next_request(
    client, organiser, with_mfa, programme
):
    client.force_login(with_mfa(organiser))
    dashboard = reverse("programmes:dashboard")
    assert client.get(dashboard).status_code == 200

    Membership.objects.filter(user=organiser).delete()

    assert client.get(dashboard).status_code == 403


def test_gaining_a_team_role_takes_effect_on_the_next_request(client, patient, with_mfa, programme):
    client.force_login(with_mfa(patient))
    dashboard = reverse("programmes:dashboard")
    assert client.get(dashboard).status_code == 403

    MembershipFactory(programme=programme, user=patient, role=TeamRole.REVIEWER)

    assert client.get(dashboard).status_code == 200


def test_off_the_person_is_read_every_time(client, patient, settings, django_assert_num_queries):
    settings.SIGNED_IN_CACHE = False
    client.force_login(patient)
    client.get(reverse("core:accessibility"))

    with django_assert_num_queries(3) as captured:  # session, person, roles
        client.get(reverse("core:accessibility"))

    assert "accounts_user" in _sql(captured)
