from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from codesign.core.audit import audit_log
from codesign.core.permissions import forget_team_roles
from programmes.models import Cohort, Membership, Programme, Stage, TeamRole
from programmes.terms import terms_for


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


# Programmes

# Words the programme URLs use themselves, so no programme can take them as its address.
RESERVED_SLUGS = frozenset({"manage", "new", "invitations"})
SLUG_MAX_LENGTH = 80
EDITABLE_FIELDS = (
    "title",
    "slug",
    "summary",
    "description",
    "status",
    "starts_on",
    "ends_on",
    "places",
    "lived_experience_term",
    "lived_experience_term_plural",
    "professional_term",
    "professional_term_plural",
)
SLUG_TAKEN = "Another programme already uses this web address. Choose a different one."


def programme_free_slug(title: str, *, exclude_pk: int | None = None) -> str:
    """A web address made from the title that no other programme uses: "title", "title-2", ...
    Empty when the title has no letters or numbers to make one from."""
    base = slugify(title)[:SLUG_MAX_LENGTH].strip("-")
    if not base:
        return ""
    taken = set(
        Programme.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    taken |= RESERVED_SLUGS
    candidate, number = base, 2
    while candidate in taken:
        suffix = f"-{number}"
        candidate = base[: SLUG_MAX_LENGTH - len(suffix)].rstrip("-") + suffix
        number += 1
    return candidate


def _save_programme(programme: Programme, **kwargs: Any) -> None:
    # full_clean has checked the address is free; two people taking it at the same moment
    # still meet the unique index, and get the same plain message.
    try:
        with transaction.atomic():
            programme.save(**kwargs)
    except IntegrityError as error:
        raise ValidationError({"slug": SLUG_TAKEN}) from error


@transaction.atomic
def programme_create(*, created_by: Any, data: Mapping[str, Any]) -> Programme:
    """Set up a programme. Whoever sets it up becomes its first organiser."""
    programme = Programme(**{name: data[name] for name in EDITABLE_FIELDS if name in data})
    if not programme.slug:
        programme.slug = programme_free_slug(programme.title)
    if programme.slug in RESERVED_SLUGS:
        raise ValidationError({"slug": "This web address is used by the site itself."})
    programme.full_clean()
    _save_programme(programme)
    audit_log(
        actor=created_by,
        action="programmes.programme.created",
        target=programme,
        data={"slug": programme.slug, "status": programme.status},
    )
    membership_add(
        programme=programme, user=created_by, role=TeamRole.ORGANISER, added_by=created_by
    )
    return programme


@transaction.atomic
def programme_update(
    *, programme: Programme, updated_by: Any, data: Mapping[str, Any]
) -> Programme:
    """Change a programme's details. The audit entry names the fields that changed; saving
    with nothing changed records nothing."""
    current = Programme.objects.select_for_update().get(pk=programme.pk)
    changed = [
        name for name in EDITABLE_FIELDS if name in data and getattr(current, name) != data[name]
    ]
    if not changed:
        return current
    for name in changed:
        setattr(current, name, data[name])
    if current.slug in RESERVED_SLUGS:
        raise ValidationError({"slug": "This web address is used by the site itself."})
    current.full_clean()
    _save_programme(current, update_fields=[*changed, "updated_at"])
    audit_log(
        actor=updated_by,
        action="programmes.programme.updated",
        target=current,
        data={"fields": changed},
    )
    return current


# Cohorts

COHORT_FIELDS = ("name", "starts_on", "ends_on", "places")


@transaction.atomic
def cohort_create(*, programme: Programme, created_by: Any, data: Mapping[str, Any]) -> Cohort:
    cohort = Cohort(
        programme=programme, **{name: data[name] for name in COHORT_FIELDS if name in data}
    )
    cohort.full_clean()
    cohort.save()
    audit_log(
        actor=created_by,
        action="programmes.cohort.created",
        target=programme,
        data={"cohort": cohort.name},
    )
    return cohort


@transaction.atomic
def cohort_update(*, cohort: Cohort, updated_by: Any, data: Mapping[str, Any]) -> Cohort:
    current = Cohort.objects.select_for_update().get(pk=cohort.pk)
    changed = [
        name for name in COHORT_FIELDS if name in data and getattr(current, name) != data[name]
    ]
    if not changed:
        return current
    for name in changed:
        setattr(current, name, data[name])
    current.full_clean()
    current.save(update_fields=changed)
    audit_log(
        actor=updated_by,
        action="programmes.cohort.updated",
        target=current.programme,
        data={"cohort": current.name, "fields": changed},
    )
    return current


@transaction.atomic
def cohort_delete(*, cohort: Cohort, deleted_by: Any) -> None:
    """Remove a cohort. Its workshops stay, with no cohort."""
    audit_log(
        actor=deleted_by,
        action="programmes.cohort.deleted",
        target=cohort.programme,
        data={"cohort": cohort.name},
    )
    cohort.delete()


# Stages


@dataclass(frozen=True)
class StageTemplate:
    """A method's usual stages. Descriptions may name people with {lived_experience_plural}
    and {professional_plural}, filled in with the programme's own words."""

    name: str
    summary: str
    stages: tuple[tuple[str, str], ...]

    def stages_for(self, programme: Programme) -> list[tuple[str, str]]:
        words = asdict(terms_for(programme))
        return [(name, description.format(**words)) for name, description in self.stages]


STAGE_TEMPLATES: dict[str, StageTemplate] = {
    "experience-based-co-design": StageTemplate(
        name="Experience-based co-design",
        summary="Start from what people have been through, then design changes together.",
        stages=(
            (
                "Gather experiences",
                "Listen to {lived_experience_plural} and {professional_plural} about what it "
                "is like to use the service and to work in it.",
            ),
            (
                "Co-design events",
                "Bring {lived_experience_plural} and {professional_plural} together to share "
                "what they found and plan changes.",
            ),
            ("Make changes", "Small groups try out the changes and see what works."),
            ("Celebrate", "Everyone looks back at what changed and plans what comes next."),
        ),
    ),
    "double-diamond": StageTemplate(
        name="Double Diamond",
        summary="Understand the problem first, then find and test the answer.",
        stages=(
            (
                "Discover",
                "Find out what the problem really is, with {lived_experience_plural} and "
                "{professional_plural}.",
            ),
            ("Define", "Agree which problem to solve first."),
            ("Develop", "Come up with ideas together and try them out."),
            ("Deliver", "Test the best ideas, make them better and put them in place."),
        ),
    ),
}


def _lock_stages(programme: Programme) -> list[Stage]:
    # Locking the programme row makes stage changes to one programme take turns, so positions
    # never clash.
    Programme.objects.select_for_update().get(pk=programme.pk)
    return list(Stage.objects.filter(programme=programme).order_by("position", "id"))


def _renumber(stages: list[Stage]) -> None:
    for position, stage in enumerate(stages):
        stage.position = position
    Stage.objects.bulk_update(stages, ["position"])


@transaction.atomic
def stage_create(
    *, programme: Programme, name: str, description: str = "", created_by: Any
) -> Stage:
    """Add a stage after the programme's last one."""
    stages = _lock_stages(programme)
    position = stages[-1].position + 1 if stages else 0
    stage = Stage(programme=programme, name=name, description=description, position=position)
    stage.full_clean()
    stage.save()
    audit_log(
        actor=created_by,
        action="programmes.stage.created",
        target=programme,
        data={"stage": stage.name},
    )
    return stage


@transaction.atomic
def stage_update(*, stage: Stage, name: str, description: str, updated_by: Any) -> Stage:
    current = Stage.objects.select_for_update().get(pk=stage.pk)
    old_name = current.name
    current.name, current.description = name, description
    current.full_clean()
    current.save(update_fields=["name", "description"])
    audit_log(
        actor=updated_by,
        action="programmes.stage.updated",
        target=current.programme,
        data={"stage": current.name, "old_name": old_name},
    )
    return current


@transaction.atomic
def stage_move(*, stage: Stage, direction: str, moved_by: Any) -> None:
    """Swap a stage with the one before ("up") or after ("down"). At either end, nothing
    changes."""
    if direction not in ("up", "down"):
        raise ValidationError("Choose up or down.")
    stages = _lock_stages(stage.programme)
    index = next((i for i, s in enumerate(stages) if s.pk == stage.pk), None)
    if index is None:
        raise ValidationError("This stage has been removed.")
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(stages):
        return
    stages[index], stages[other] = stages[other], stages[index]
    _renumber(stages)
    audit_log(
        actor=moved_by,
        action="programmes.stage.moved",
        target=stage.programme,
        data={"stage": stage.name, "direction": direction},
    )


@transaction.atomic
def stage_delete(*, stage: Stage, deleted_by: Any) -> None:
    """Remove a stage. Its workshops stay, with no stage."""
    stages = _lock_stages(stage.programme)
    Stage.objects.filter(pk=stage.pk).delete()
    _renumber([s for s in stages if s.pk != stage.pk])
    audit_log(
        actor=deleted_by,
        action="programmes.stage.deleted",
        target=stage.programme,
        data={"stage": stage.name},
    )


@transaction.atomic
def stage_template_apply(*, programme: Programme, template: str, applied_by: Any) -> list[Stage]:
    """Give a programme with no stages the stages of a method, in the programme's words."""
    chosen = STAGE_TEMPLATES.get(template)
    if chosen is None:
        raise ValidationError("Choose one of the templates.")
    if _lock_stages(programme):
        raise ValidationError(
            "This programme already has stages, so a template cannot be added. Change the "
            "stages below instead."
        )
    stages = Stage.objects.bulk_create(
        Stage(programme=programme, name=name, description=description, position=position)
        for position, (name, description) in enumerate(chosen.stages_for(programme))
    )
    audit_log(
        actor=applied_by,
        action="programmes.stage.template_applied",
        target=programme,
        data={"template": template},
    )
    return stages


# Team


@transaction.atomic
def team_member_remove(*, membership: Membership, removed_by: Any) -> None:
    """Take someone off a programme's team, but never its last organiser who can sign in: a
    programme always keeps someone who can run it."""
    Programme.objects.select_for_update().get(pk=membership.programme_id)
    if membership.role == TeamRole.ORGANISER:
        others = Membership.objects.filter(
            programme_id=membership.programme_id,
            role=TeamRole.ORGANISER,
            user__is_active=True,
        ).exclude(pk=membership.pk)
        if not others.exists():
            raise ValidationError(
                "A programme needs at least one organiser. Add another organiser before you "
                "remove this one."
            )
    membership_remove(membership=membership, removed_by=removed_by)
