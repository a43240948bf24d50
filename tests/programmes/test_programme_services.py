import pytest
from django.core.exceptions import ValidationError

from codesign.core.models import AuditEntry
from programmes.models import Membership, Programme, TeamRole
from programmes.services import (
    programme_create,
    programme_free_slug,
    programme_update,
    stage_create,
    stage_template_apply,
    team_member_remove,
)
from tests.factories import ProgrammeFactory, StageFactory


def test_a_free_web_address_is_made_from_the_title(db):
    assert programme_free_slug("Better care at home!") == "better-care-at-home"


def test_a_taken_web_address_gets_the_next_free_number(db):
    ProgrammeFactory(slug="care")
    ProgrammeFactory(slug="care-2")

    assert programme_free_slug("Care") == "care-3"


def test_a_free_web_address_is_never_too_long(db):
    ProgrammeFactory(slug="a" * 80)

    slug = programme_free_slug("a" * 200)

    assert slug == "a" * 78 + "-2"


def test_a_programme_keeps_its_own_address_when_checked_against_itself(programme):
    assert programme_free_slug(programme.title, exclude_pk=programme.pk) == programme.slug


def test_creating_a_programme_without_a_form_still_checks_its_dates(admin):
    with pytest.raises(ValidationError):
        programme_create(
            created_by=admin,
            data={"title": "Bad dates", "starts_on": "2026-09-01", "ends_on": "2026-01-01"},
        )

    assert not Programme.objects.exists()
    assert not AuditEntry.objects.exists()


def test_creating_a_programme_without_a_form_refuses_a_reserved_address(admin):
    with pytest.raises(ValidationError):
        programme_create(created_by=admin, data={"title": "Manage", "slug": "manage"})

    assert not Programme.objects.exists()


def test_a_programme_created_without_an_address_gets_one(admin):
    programme = programme_create(created_by=admin, data={"title": "Care at home"})

    assert programme.slug == "care-at-home"
    assert Membership.objects.filter(
        programme=programme, user=admin, role=TeamRole.ORGANISER
    ).exists()


def test_an_update_names_only_the_fields_that_changed(admin, programme):
    programme_update(
        programme=programme,
        updated_by=admin,
        data={"title": programme.title, "summary": "New summary", "places": 12},
    )

    entry = AuditEntry.objects.get(action="programmes.programme.updated")
    assert entry.data == {"fields": ["summary", "places"]}


def test_an_update_with_bad_dates_changes_nothing(admin, programme):
    with pytest.raises(ValidationError):
        programme_update(
            programme=programme,
            updated_by=admin,
            data={"title": "Renamed", "starts_on": "2026-09-01", "ends_on": "2026-01-01"},
        )

    programme.refresh_from_db()
    assert programme.title == "Diabetes care together"


def test_new_stages_go_after_the_last_even_with_gaps(admin, programme):
    StageFactory(programme=programme, name="First", position=3)

    stage = stage_create(programme=programme, name="Second", created_by=admin)

    assert stage.position == 4


def test_a_template_needs_a_programme_with_no_stages(admin, programme):
    StageFactory(programme=programme)

    with pytest.raises(ValidationError, match="already has stages"):
        stage_template_apply(programme=programme, template="double-diamond", applied_by=admin)

    assert programme.stages.count() == 1


def test_removing_the_last_organiser_is_refused(admin, organiser, reviewer, programme):
    membership = Membership.objects.get(user=organiser)

    with pytest.raises(ValidationError, match="at least one organiser"):
        team_member_remove(membership=membership, removed_by=admin)

    assert Membership.objects.filter(pk=membership.pk).exists()


def test_a_reviewer_can_always_be_removed(admin, reviewer, programme):
    team_member_remove(membership=Membership.objects.get(user=reviewer), removed_by=admin)

    assert not Membership.objects.filter(user=reviewer).exists()
