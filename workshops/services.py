"""Workshop workflows. Each takes keyword arguments, runs in a transaction and records what
changed, so the notices (the invitations issue) can go out."""

from dataclasses import dataclass
from typing import Any

from programmes.terms import perspective_group_label
from workshops.models import Workshop

FILLING_AT = 0.8


@dataclass(frozen=True)
class MixLine:
    label: str
    kept: int
    confirmed: int
    expected_now: int

    @property
    def is_behind(self) -> bool:
        return self.confirmed < self.expected_now


@dataclass(frozen=True)
class WorkshopFill:
    capacity: int
    confirmed: int
    waitlisted: int
    mix: list[MixLine]

    @property
    def ratio(self) -> float:
        return self.confirmed / self.capacity if self.capacity else 1.0

    @property
    def is_full(self) -> bool:
        return self.confirmed >= self.capacity

    @property
    def is_filling(self) -> bool:
        return not self.is_full and self.ratio >= FILLING_AT

    @property
    def mix_is_off_target(self) -> bool:
        return any(line.is_behind for line in self.mix)


def workshop_fill(workshop: Workshop) -> WorkshopFill:
    """How full a workshop is and whether its mix keeps up with the places kept per perspective.

    A group is behind when it has fewer confirmed places than its share of the places filled so
    far: with 8 of 20 places kept for patients and 10 people confirmed, fewer than 4 patients is
    behind. Needs `with_counts()` on the workshop and its reservations prefetched with
    `reservation_confirmed` annotated (see `workshops_with_fill`).
    """
    confirmed = getattr(workshop, "confirmed_count", 0)
    mix = []
    for reservation in workshop.reservations.all():
        kept = reservation.places
        expected = int(kept * min(confirmed / workshop.capacity, 1.0)) if workshop.capacity else 0
        mix.append(
            MixLine(
                label=perspective_group_label(reservation.perspectives, workshop.programme),
                kept=kept,
                confirmed=getattr(reservation, "confirmed_count", 0),
                expected_now=expected,
            )
        )
    return WorkshopFill(
        capacity=workshop.capacity,
        confirmed=confirmed,
        waitlisted=getattr(workshop, "waitlisted_count", 0),
        mix=mix,
    )


def workshops_with_fill(queryset: Any) -> Any:
    """The queryset with what `workshop_fill` needs, in a fixed number of queries."""
    from django.db.models import Count, Prefetch, Q

    from workshops.models import PlaceReservation, Registration

    reservations = PlaceReservation.objects.annotate(
        confirmed_count=Count(
            "registrations", filter=Q(registrations__status=Registration.Status.CONFIRMED)
        )
    )
    return (
        queryset.with_counts()
        .select_related("programme")
        .prefetch_related(Prefetch("reservations", queryset=reservations))
    )
