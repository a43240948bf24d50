import pytest

from codesign.core import permissions
from programmes.models import TeamRole
from tests.factories import MembershipFactory, ProgrammeFactory


@pytest.fixture(autouse=True)
def _db(db):
    pass


def test_organiser_can_organise_their_own_programme_only(organiser, programme, other_programme):
    assert permissions.can_organise(organiser, programme)
    assert not permissions.can_organise(organiser, other_programme)


def test_organiser_is_not_a_bursary_reviewer_unless_given_that_role(organiser, programme):
    assert not permissions.can_review_bursaries(organiser, programme)


def test_reviewer_reviews_bursaries_but_does_not_organise(reviewer, programme):
    assert permissions.can_review_bursaries(reviewer, programme)
    assert not permissions.can_organise(reviewer, programme)


def test_site_admin_can_organise_and_review_every_programme(admin, programme, other_programme):
    for p in (programme, other_programme):
        assert permissions.can_organise(admin, p)
        assert permissions.can_review_bursaries(admin, p)


def test_participants_hold_no_staff_role(patient, carer, young_person, professional, programme):
    for person in (patient, carer, young_person, professional):
        assert not permissions.has_staff_role(person)
        assert not permissions.can_organise(person, programme)


def test_team_members_and_site_admins_hold_a_staff_role(organiser, reviewer, admin):
    assert all(permissions.has_staff_role(p) for p in (organiser, reviewer, admin))


def test_anonymous_visitors_hold_no_role(programme):
    from django.contrib.auth.models import AnonymousUser

    visitor = AnonymousUser()
    assert not permissions.has_staff_role(visitor)
    assert not permissions.can_organise(visitor, programme)
    assert list(permissions.programmes_for_team_member(visitor)) == []


def test_switched_off_admin_account_loses_admin_rights(admin, programme):
    admin.is_active = False

    assert not permissions.is_site_admin(admin)
    assert not permissions.can_organise(admin, programme)


def test_a_person_can_hold_both_roles_in_one_programme(organiser, programme):
    MembershipFactory(programme=programme, user=organiser, role=TeamRole.REVIEWER)
    permissions.forget_team_roles(organiser)

    assert permissions.can_organise(organiser, programme)
    assert permissions.can_review_bursaries(organiser, programme)


def test_programmes_for_team_member_lists_only_their_programmes(
    organiser, programme, other_programme
):
    assert list(permissions.programmes_for_team_member(organiser)) == [programme]


def test_programmes_for_site_admin_lists_every_programme(admin, programme, other_programme):
    assert set(permissions.programmes_for_team_member(admin)) == {programme, other_programme}


def test_roles_are_read_once_per_request(organiser, django_assert_num_queries):
    extra = [ProgrammeFactory() for _ in range(5)]
    for p in extra:
        MembershipFactory(programme=p, user=organiser)
    permissions.forget_team_roles(organiser)

    with django_assert_num_queries(1):
        for p in extra:
            assert permissions.can_organise(organiser, p)
            assert not permissions.can_review_bursaries(organiser, p)
