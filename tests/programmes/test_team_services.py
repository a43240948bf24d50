import pytest
from django.core.exceptions import ValidationError

from codesign.core import permissions
from codesign.core.models import AuditEntry
from programmes.models import Membership, TeamRole
from programmes.services import membership_add, membership_remove


def test_adding_a_team_member_gives_the_role_and_records_who_did_it(admin, patient, programme):
    membership_add(programme=programme, user=patient, role=TeamRole.ORGANISER, added_by=admin)

    assert permissions.can_organise(patient, programme)
    entry = AuditEntry.objects.get(action="programmes.team.added")
    assert entry.actor == admin
    assert entry.data == {"user": "patient@example.org", "role": "organiser"}
    assert entry.object_id == str(programme.pk)


def test_adding_the_same_role_twice_changes_nothing(admin, organiser, programme):
    membership_add(programme=programme, user=organiser, role=TeamRole.ORGANISER, added_by=admin)

    assert Membership.objects.filter(user=organiser).count() == 1
    assert not AuditEntry.objects.filter(action="programmes.team.added").exists()


def test_removing_a_team_member_takes_the_role_away_and_is_audited(admin, organiser, programme):
    membership = Membership.objects.get(user=organiser)

    membership_remove(membership=membership, removed_by=admin)

    assert not permissions.can_organise(organiser, programme)
    assert AuditEntry.objects.filter(action="programmes.team.removed", actor=admin).count() == 1


def test_an_unknown_role_is_refused_and_nothing_is_saved(admin, patient, programme):
    with pytest.raises(ValidationError, match="organiser, bursary reviewer or finance"):
        membership_add(programme=programme, user=patient, role="owner", added_by=admin)

    assert not Membership.objects.filter(user=patient).exists()
    assert not AuditEntry.objects.exists()


def test_a_switched_off_account_cannot_join_a_team(admin, patient, programme):
    patient.is_active = False
    patient.save()

    with pytest.raises(ValidationError, match="switched off"):
        membership_add(programme=programme, user=patient, role=TeamRole.REVIEWER, added_by=admin)
