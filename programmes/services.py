import csv
import datetime
import io
import re
import secrets
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify

from codesign.accounts.adapter import INVITATION_SESSION_KEY as ACCOUNT_INVITATION_SESSION_KEY
from codesign.core.audit import audit_log
from codesign.core.notices import Notice, notice_queue_many
from codesign.core.permissions import forget_team_roles
from programmes.models import (
    Cohort,
    Invitation,
    InvitationBatch,
    Membership,
    Programme,
    Stage,
    TeamRole,
)
from programmes.terms import terms_for


@transaction.atomic
def membership_add(*, programme: Programme, user: Any, role: str, added_by: Any) -> Membership:
    """Give someone a team role in one programme, and record who did it."""
    if role not in TeamRole.values:
        raise ValidationError("Choose organiser, bursary reviewer or finance.")
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
    """Remove a cohort. Its workshops stay, with no cohort. A cohort with pair applications
    stays: they belong to it."""
    if cohort.pairs.exists():
        raise ValidationError(
            "This cohort has pair applications, so it can't be removed. Rename it instead."
        )
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


# Invitations

# How long an invitation link works unless the organiser chooses otherwise.
INVITATION_DAYS = 14
INVITATION_MAX_DAYS = 90
INVITATION_MAX_ROWS = 10_000
INVITATION_MAX_BYTES = 1024 * 1024
# Nobody is reminded twice in a day, however often the button is pressed.
REMIND_GAP = datetime.timedelta(days=1)
# The session key that remembers an invitation someone accepted before signing in; the
# accounts adapter reads it too, to bring them back after signing up or in.
INVITATION_SESSION_KEY = ACCOUNT_INVITATION_SESSION_KEY

NOT_AN_EMAIL = "This is not an email address"
NO_EMAIL = "This row has no email address"
IN_LIST_TWICE = "This address is in the list twice"
ALREADY_REGISTERED = "Already registered for this workshop"
ALREADY_INVITED = "Already invited and not answered yet"

INVITATION_EXPIRED = (
    "This invitation has expired, so the link no longer works. If you would still like to take "
    "part, please contact the organisers."
)
INVITATION_WITHDRAWN = "The organisers have withdrawn this invitation, so the link no longer works."
INVITATION_WORKSHOP_GONE = "This workshop is cancelled or has already started."
BATCH_ALREADY_SENT = "These invitations have already been sent. Nobody gets them twice."

# Column names we accept in a CSV file's first row, in lower case.
EMAIL_COLUMNS = ("email", "email address", "e-mail", "e-mail address", "emailaddress", "mail")
NAME_COLUMNS = ("name", "full name", "fullname", "display name")
FIRST_NAME_COLUMNS = ("first name", "firstname", "given name")
LAST_NAME_COLUMNS = ("last name", "lastname", "surname", "family name")
# "Sam Jones <sam@example.org>". The name is greedy on purpose: only the last "<" can start
# the address, and a lazy name followed by \s* takes quadratic time on a long run of spaces.
NAMED_ADDRESS = re.compile(r"^(?P<name>.*)<(?P<email>[^<>]*)>\s*$")


@dataclass(frozen=True)
class Entry:
    """One person read from a list, a file or the platform, before it is checked."""

    email: str
    name: str = ""
    line: int = 0
    user_id: int | None = None


def _is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return len(value) <= 254


def _entry_from_text(text: str, line: int) -> Entry:
    """ "sam@example.org", "Sam Jones <sam@example.org>" or, pasted from a spreadsheet,
    "Sam Jones<tab>sam@example.org"."""
    text = text.strip()
    if match := NAMED_ADDRESS.match(text):
        return Entry(match["email"].strip(), match["name"].strip().strip("\"'"), line)
    if "\t" in text:
        parts = [part.strip() for part in text.split("\t") if part.strip()]
        emails = [part for part in parts if "@" in part]
        if emails:
            name = " ".join(part for part in parts if part != emails[0])
            return Entry(emails[0], name, line)
    return Entry(text, "", line)


def invitation_list_parse(text: str) -> list[Entry]:
    """Addresses typed or pasted: one a line, or separated by commas or semicolons."""
    pieces = [piece for piece in re.split(r"[\n\r,;]+", text) if piece.strip()]
    if len(pieces) > INVITATION_MAX_ROWS:
        raise ValidationError(
            f"This list has more than {INVITATION_MAX_ROWS:,} addresses. Split it up and invite "
            "each part separately."
        )
    return [_entry_from_text(piece, number) for number, piece in enumerate(pieces, start=1)]


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    for index, title in enumerate(header):
        if title in names:
            return index
    return None


def _cell(row: list[str], index: int | None) -> str:
    if index is None or index >= len(row):
        return ""
    return row[index].strip()


def invitation_csv_parse(csv_file: Any) -> list[Entry]:
    """Read an uploaded CSV file: a first row naming the columns, one called "email" and, if
    wanted, one called "name". Commas, semicolons or tabs between the columns; saved as UTF-8,
    with or without the mark Excel adds at the start."""
    size = getattr(csv_file, "size", None)
    if size is not None and size > INVITATION_MAX_BYTES:
        raise ValidationError(
            "This file is bigger than 1 MB. Split it into smaller files and upload each one."
        )
    raw = csv_file.read(INVITATION_MAX_BYTES + 1)
    if len(raw) > INVITATION_MAX_BYTES:
        raise ValidationError(
            "This file is bigger than 1 MB. Split it into smaller files and upload each one."
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(
            "We could not read this file. Save it as CSV UTF-8 (in Excel: File, Save As, then "
            'choose "CSV UTF-8") and upload it again.'
        ) from error
    if "\x00" in text:
        raise ValidationError(
            "This does not look like a CSV file. Save your spreadsheet as CSV UTF-8 and upload "
            "that file."
        )
    if not text.strip():
        raise ValidationError("This file is empty. Add a first row with an email column.")
    first_line = text.lstrip().splitlines()[0]
    delimiter = max(",;\t", key=first_line.count) if any(c in first_line for c in ",;\t") else ","
    reader = csv.reader(io.StringIO(text.lstrip(), newline=""), delimiter=delimiter)
    try:
        header = [title.strip().lower() for title in next(reader)]
        email_at = _column(header, EMAIL_COLUMNS)
        if email_at is None:
            raise ValidationError(
                'The first row of the file must name the columns, and one must be called "email". '
                f"The first row we found was: {first_line[:200]}"
            )
        name_at = _column(header, NAME_COLUMNS)
        first_at = _column(header, FIRST_NAME_COLUMNS)
        last_at = _column(header, LAST_NAME_COLUMNS)
        entries: list[Entry] = []
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if len(entries) >= INVITATION_MAX_ROWS:
                raise ValidationError(
                    f"This file has more than {INVITATION_MAX_ROWS:,} people. Split it into "
                    f"files of {INVITATION_MAX_ROWS:,} or fewer and upload each one."
                )
            name = _cell(row, name_at) or " ".join(
                part for part in (_cell(row, first_at), _cell(row, last_at)) if part
            )
            entries.append(Entry(_cell(row, email_at), name, reader.line_num))
    except csv.Error as error:
        raise ValidationError(
            "We could not read this file as CSV. Save your spreadsheet as CSV UTF-8 and upload "
            "it again."
        ) from error
    return entries


def _registered_emails(workshop: Any) -> set[str]:
    from workshops.models import Registration

    return set(
        Registration.objects.filter(workshop=workshop)
        .exclude(status=Registration.Status.CANCELLED)
        .annotate(address=Lower("user__email"))
        .values_list("address", flat=True)
    )


def _open_invitation_emails(programme: Programme, workshop: Any, now: datetime.datetime) -> set:
    return set(
        Invitation.objects.filter(
            programme=programme,
            workshop=workshop,
            status__in=Invitation.OPEN,
            expires_at__gt=now,
        )
        .annotate(address=Lower("email"))
        .values_list("address", flat=True)
    )


def invitation_participants(*, perspectives: list[str], workshop: Any = None) -> list[Entry]:
    """People on the platform with one of these perspectives who said we may contact them about
    future work, and who are not already registered for the workshop."""
    from participants.models import Consent, Profile
    from workshops.models import Registration

    chosen = set(perspectives)
    if not chosen:
        return []
    contact = (
        Consent.objects.filter(user=OuterRef("user_id"), kind=Consent.Kind.CONTACT)
        .order_by("-recorded_at", "-id")
        .values("granted")[:1]
    )
    # A cheap first sieve in the database (the list is stored as JSON text); the exact check
    # of each person's perspectives is below.
    mentions = Q()
    for perspective in chosen:
        mentions |= Q(perspectives__icontains=f'"{perspective}"')
    profiles = (
        Profile.objects.filter(mentions, user__is_active=True)
        .annotate(may_contact=Subquery(contact))
        .filter(may_contact=True)
    )
    if workshop is not None:
        profiles = profiles.exclude(
            user_id__in=Registration.objects.filter(workshop=workshop)
            .exclude(status=Registration.Status.CANCELLED)
            .values("user_id")
        )
    found = profiles.order_by("user__email").values_list(
        "user_id", "user__email", "display_name", "perspectives"
    )
    return [
        Entry(email, name, number, user_id)
        for number, (user_id, email, name, theirs) in enumerate(found, start=1)
        if chosen & set(theirs or [])
    ]


def _check_entries(
    entries: list[Entry], *, programme: Programme, workshop: Any, now: datetime.datetime
) -> list[dict[str, Any]]:
    """Each entry as a row, with the problem that stops it being sent, in plain words."""
    registered = _registered_emails(workshop) if workshop is not None else set()
    invited = _open_invitation_emails(programme, workshop, now)
    seen: set[str] = set()
    rows = []
    for entry in entries:
        email = entry.email.strip()
        address = email.lower()
        if not email:
            problem = NO_EMAIL
        elif not _is_email(email):
            problem = NOT_AN_EMAIL
        elif address in seen:
            problem = IN_LIST_TWICE
        elif address in registered:
            problem = ALREADY_REGISTERED
        elif address in invited:
            problem = ALREADY_INVITED
        else:
            problem = ""
        if problem not in (NO_EMAIL, NOT_AN_EMAIL):
            seen.add(address)
        rows.append(
            {
                "email": email[:254],
                "name": entry.name.strip()[:100],
                "user_id": entry.user_id,
                "problem": problem,
                "line": entry.line,
            }
        )
    return rows


def _check_target(programme: Programme, workshop: Any) -> None:
    if not programme.is_public:
        raise ValidationError(
            "This programme is a draft, so the people you invite could not see it. Open the "
            "programme before you invite people."
        )
    if workshop is None:
        return
    if workshop.programme_id != programme.pk:
        raise ValidationError("Choose a workshop of this programme.")
    if not workshop.is_published or workshop.starts_at <= timezone.now():
        raise ValidationError(
            "You can invite people only to published workshops that have not started yet."
        )


def _expiry_for(expires_at: datetime.datetime, workshop: Any) -> datetime.datetime:
    """An invitation to a workshop stops working when its registration closes."""
    if workshop is None:
        return expires_at
    return min(expires_at, workshop.registration_closes_at or workshop.starts_at)


@transaction.atomic
def invitation_batch_prepare(
    *,
    programme: Programme,
    workshop: Any,
    source: str,
    created_by: Any,
    message: str,
    expires_at: datetime.datetime,
    emails_text: str | None = None,
    csv_file: Any = None,
    perspectives: list[str] | None = None,
) -> InvitationBatch:
    """Read and check a list of people to invite, and keep it for the organiser to look over.
    Nothing is sent: `invitation_batch_confirm` does that. A list that cannot be read at all
    (a file that is not CSV, too big, with no email column) is refused with why."""
    _check_target(programme, workshop)
    now = timezone.now()
    if expires_at <= now:
        raise ValidationError("The link must work for at least one day.")
    Source = InvitationBatch.Source
    if source in (Source.ONE, Source.LIST):
        text = (emails_text or "").strip()
        if source == Source.ONE and NAMED_ADDRESS.match(text):
            # "Jones, Sam <sam@example.org>" is one person, comma and all.
            entries = [_entry_from_text(text, 1)]
        else:
            entries = invitation_list_parse(text)
        if source == Source.ONE and len(entries) > 1:
            raise ValidationError("Type just one email address here, or choose a pasted list.")
        if not entries:
            raise ValidationError("Type at least one email address.")
    elif source == Source.CSV:
        if csv_file is None:
            raise ValidationError("Choose a CSV file to upload.")
        entries = invitation_csv_parse(csv_file)
        if not entries:
            raise ValidationError(
                "This file has no people in it, only the first row. Add a row for each person."
            )
    elif source == Source.PARTICIPANTS:
        if not perspectives:
            raise ValidationError("Choose at least one group of people.")
        entries = invitation_participants(perspectives=perspectives, workshop=workshop)
        if not entries:
            raise ValidationError(
                "Nobody in these groups has said we may contact them about future work, or they "
                "are all registered already."
            )
    else:
        raise ValidationError("Choose how you want to invite people.")
    rows = _check_entries(entries, programme=programme, workshop=workshop, now=now)
    batch = InvitationBatch.objects.create(
        programme=programme,
        workshop=workshop,
        source=source,
        message=message.strip(),
        expires_at=_expiry_for(expires_at, workshop),
        rows=rows,
        created_by=created_by,
    )
    audit_log(
        actor=created_by,
        action="programmes.invitations.prepared",
        target=programme,
        data={
            "batch": batch.pk,
            "source": source,
            "workshop": getattr(workshop, "pk", None),
            "rows": len(rows),
            "problems": sum(1 for row in rows if row["problem"]),
        },
    )
    return batch


def _invitation_notice(invitation: Invitation, kind: str, user: Any = None) -> Notice:
    return Notice(
        kind=kind,
        key=f"{kind}:{invitation.pk}:{invitation.send_count}",
        to=invitation.email,
        user=user,
        programme=invitation.programme,
        workshop=invitation.workshop,
        params={"invitation_id": invitation.pk, "send_count": invitation.send_count},
        # Invitations go to the address the organiser typed, never to anyone else.
        copies=False,
    )


@transaction.atomic
def invitation_batch_confirm(*, batch: InvitationBatch, confirmed_by: Any) -> list[Invitation]:
    """Send the checked list: one invitation, with its own secret link, for each row without
    a problem. A batch goes once, however often the button is pressed. The same number of
    queries whether it holds 4 people or 10,000."""
    locked = (
        InvitationBatch.objects.select_for_update(of=("self",))
        .select_related("programme", "workshop")
        .get(pk=batch.pk)
    )
    if locked.sent_at is not None:
        raise ValidationError(BATCH_ALREADY_SENT)
    programme, workshop = locked.programme, locked.workshop
    _check_target(programme, workshop)
    now = timezone.now()
    if locked.expires_at <= now:
        raise ValidationError(
            "The links in this list would already have stopped working. Start again."
        )
    # Someone may have registered, or been invited by another organiser, since the list was
    # checked.
    registered = _registered_emails(workshop) if workshop is not None else set()
    invited = _open_invitation_emails(programme, workshop, now)
    good = []
    for row in locked.rows:
        if row["problem"]:
            continue
        address = row["email"].lower()
        if address in registered:
            row["problem"] = ALREADY_REGISTERED
        elif address in invited:
            row["problem"] = ALREADY_INVITED
        else:
            good.append(row)
    invitations = Invitation.objects.bulk_create(
        [
            Invitation(
                programme=programme,
                workshop=workshop,
                batch=locked,
                email=row["email"],
                name=row["name"],
                user_id=row["user_id"],
                message=locked.message,
                token=secrets.token_urlsafe(32),
                status=Invitation.Status.QUEUED,
                expires_at=locked.expires_at,
                invited_by=confirmed_by,
                send_count=1,
            )
            for row in good
        ],
        batch_size=1000,
    )
    if invitations and invitations[0].pk is None:
        invitations = list(Invitation.objects.filter(batch=locked).order_by("pk"))
    users = get_user_model().objects.in_bulk(
        {invitation.user_id for invitation in invitations if invitation.user_id}
    )
    notice_queue_many(
        _invitation_notice(invitation, "invitation", users.get(invitation.user_id))
        for invitation in invitations
    )
    locked.sent_at = now
    locked.save(update_fields=["rows", "sent_at"])
    audit_log(
        actor=confirmed_by,
        action="programmes.invitations.sent",
        target=programme,
        data={
            "batch": locked.pk,
            "workshop": getattr(workshop, "pk", None),
            "invitations": len(invitations),
        },
    )
    return invitations


def _lock_invitation(invitation: Invitation) -> Invitation:
    return (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("programme", "workshop", "user__profile")
        .get(pk=invitation.pk)
    )


def _workshop_gone(workshop: Any) -> bool:
    return workshop is not None and (workshop.is_cancelled or workshop.starts_at <= timezone.now())


ANSWERED = {
    Invitation.Status.ACCEPTED: "They have already accepted this invitation.",
    Invitation.Status.DECLINED: "They have already said no to this invitation.",
    Invitation.Status.WITHDRAWN: "This invitation was withdrawn.",
}


@transaction.atomic
def invitation_resend(*, invitation: Invitation, by: Any) -> Invitation:
    """Send the invitation again, as a new email, with the same link. If the link has run out
    (or nearly), it works for another INVITATION_DAYS days."""
    locked = _lock_invitation(invitation)
    if not locked.is_open:
        raise ValidationError(ANSWERED[locked.status])
    if _workshop_gone(locked.workshop):
        raise ValidationError(INVITATION_WORKSHOP_GONE)
    now = timezone.now()
    locked.expires_at = _expiry_for(
        max(locked.expires_at, now + datetime.timedelta(days=INVITATION_DAYS)), locked.workshop
    )
    locked.send_count += 1
    locked.status = Invitation.Status.QUEUED
    locked.last_error = ""
    locked.save(update_fields=["expires_at", "send_count", "status", "last_error"])
    notice_queue_many([_invitation_notice(locked, "invitation", locked.user)])
    audit_log(
        actor=by,
        action="programmes.invitation.resent",
        target=locked.programme,
        data={"invitation": locked.pk, "email": locked.email, "send_count": locked.send_count},
    )
    return locked


@transaction.atomic
def invitation_withdraw(*, invitation: Invitation, by: Any) -> Invitation:
    """Take back an invitation nobody has answered: its link stops working, and an email not
    sent yet is not sent."""
    locked = _lock_invitation(invitation)
    if not locked.is_open:
        raise ValidationError(ANSWERED[locked.status])
    locked.status = Invitation.Status.WITHDRAWN
    locked.save(update_fields=["status"])
    audit_log(
        actor=by,
        action="programmes.invitation.withdrawn",
        target=locked.programme,
        data={"invitation": locked.pk, "email": locked.email},
    )
    return locked


def invitation_remindable_q(now: datetime.datetime) -> Q:
    """Invitations sent and not answered, whose link still works, and whose person has not
    heard from us in the last day."""
    quiet = now - REMIND_GAP
    return (
        Q(status=Invitation.Status.SENT, expires_at__gt=now)
        & (Q(sent_at__isnull=True) | Q(sent_at__lte=quiet))
        & (Q(reminded_at__isnull=True) | Q(reminded_at__lte=quiet))
    )


@transaction.atomic
def invitations_remind(
    *, programme: Programme, workshop: Any = None, by: Any, programme_only: bool = False
) -> int:
    """Remind everyone who was sent an invitation and has not answered: to the programme or
    any of its workshops; to one workshop; or, with `programme_only`, to the programme itself.
    Returns how many were reminded."""
    now = timezone.now()
    chosen = Invitation.objects.filter(programme=programme)
    if workshop is not None:
        chosen = chosen.filter(workshop=workshop)
    elif programme_only:
        chosen = chosen.filter(workshop__isnull=True)
    due = list(
        chosen.filter(invitation_remindable_q(now))
        .select_for_update(of=("self",))
        .select_related("programme", "workshop", "user__profile")
    )
    if not due:
        return 0
    Invitation.objects.filter(pk__in=[invitation.pk for invitation in due]).update(
        send_count=F("send_count") + 1, reminded_at=now
    )
    for invitation in due:
        invitation.send_count += 1
        invitation.reminded_at = now
    notice_queue_many(
        _invitation_notice(invitation, "invitation_reminder", invitation.user) for invitation in due
    )
    audit_log(
        actor=by,
        action="programmes.invitations.reminded",
        target=programme,
        data={
            "workshop": getattr(workshop, "pk", None),
            "programme_only": programme_only,
            "invitations": len(due),
        },
    )
    return len(due)


def invitation_refusal(invitation: Invitation) -> str | None:
    """Why this link can no longer be used to say yes, in plain words; None when it can."""
    if invitation.status == Invitation.Status.WITHDRAWN:
        return INVITATION_WITHDRAWN
    if invitation.status == Invitation.Status.ACCEPTED:
        return None
    if invitation.expires_at <= timezone.now():
        return INVITATION_EXPIRED
    if _workshop_gone(invitation.workshop):
        return INVITATION_WORKSHOP_GONE
    return None


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: Any) -> Invitation:
    """Say yes. Someone who said no can change their mind while the link works. Saying yes
    twice changes nothing."""
    locked = _lock_invitation(invitation)
    if locked.status == Invitation.Status.ACCEPTED:
        if locked.user_id in (None, user.pk):
            return locked
        raise ValidationError("Someone else has already accepted this invitation.")
    if refusal := invitation_refusal(locked):
        raise ValidationError(refusal)
    locked.status = Invitation.Status.ACCEPTED
    locked.user = user
    locked.responded_at = timezone.now()
    locked.decline_reason = ""
    locked.save(update_fields=["status", "user", "responded_at", "decline_reason"])
    audit_log(
        actor=user,
        action="programmes.invitation.accepted",
        target=locked.programme,
        data={"invitation": locked.pk, "workshop": locked.workshop_id},
    )
    return locked


@transaction.atomic
def invitation_decline(*, invitation: Invitation, reason: str = "", user: Any = None) -> Invitation:
    """Say no, with a reason if the person wants to give one. Saying no twice changes
    nothing."""
    locked = _lock_invitation(invitation)
    if locked.status == Invitation.Status.DECLINED:
        return locked
    if locked.status == Invitation.Status.ACCEPTED:
        raise ValidationError(
            "You have already accepted this invitation. To give up a place at a workshop, go to "
            "My workshops."
        )
    if refusal := invitation_refusal(locked):
        raise ValidationError(refusal)
    locked.status = Invitation.Status.DECLINED
    locked.responded_at = timezone.now()
    locked.decline_reason = reason.strip()[:300]
    locked.save(update_fields=["status", "responded_at", "decline_reason"])
    audit_log(
        actor=user,
        action="programmes.invitation.declined",
        target=locked.programme,
        data={"invitation": locked.pk, "workshop": locked.workshop_id},
    )
    return locked


# What organisers can filter the invitations list by: a state and the words they see.
INVITATION_STATES = {
    "queued": "Queued",
    "sent": "Sent",
    "failed": "Failed to send",
    "expired": "Expired",
    "accepted": "Accepted",
    "declined": "Declined",
    "withdrawn": "Withdrawn",
}


def invitation_state_q(state: str, now: datetime.datetime) -> Q:
    """The invitations in one state as organisers see it: open ones whose link ran out are
    "expired", whatever their email did."""
    if state == "expired":
        return Q(status__in=Invitation.OPEN, expires_at__lte=now)
    if state in (Invitation.Status.QUEUED, Invitation.Status.SENT, Invitation.Status.FAILED):
        return Q(status=state, expires_at__gt=now)
    return Q(status=state)


def invitation_counts(invitations: Any) -> dict[str, int]:
    """How many invitations are in each state, how many in all, and how many would be
    reminded: one query."""
    now = timezone.now()
    aggregates = {
        state: Count("pk", filter=invitation_state_q(state, now)) for state in INVITATION_STATES
    }
    aggregates["remindable"] = Count("pk", filter=invitation_remindable_q(now))
    aggregates["total"] = Count("pk")
    return invitations.aggregate(**aggregates)
