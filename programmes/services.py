from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from codesign.core.audit import audit_log
from codesign.core.permissions import forget_team_roles
from programmes.models import Membership, Programme, TeamRole


@transaction.atomic
def membership_add(*, programme: Programme, user: Any, role: str, added_by: Any) -> Membership:
    """Give someone a team role in one programme, and record who did it."""
    if role not in TeamRole.values:
        raise ValidationError("Choose organiser or bursary reviewer.")
    if not user.is_active:
        raise ValidationError("This account is switched off, so it cannot join a team.")
    membership, created = Membership.objects.get_or_create(
        programme=programme, user=user, role=role, defaults={"added_by": added_by}
    )
    if created:
        audit_log(
            actor=added_by,
            action="programmes.team.added",
            target=programme,
            data={"user": user.email, "role": role},
        )
    forget_team_roles(user)
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, removed_by: Any) -> None:
    audit_log(
        actor=removed_by,
        action="programmes.team.removed",
        target=membership.programme,
        data={"user": membership.user.email, "role": membership.role},
    )
    membership.delete()
    forget_team_roles(membership.user)
