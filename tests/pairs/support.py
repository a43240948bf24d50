"""Pairs at each step, made through the services as people would make them."""

import re
from typing import Any

from django.core import mail

from codesign.core.models import OutboxMessage
from pairs import services
from pairs.models import Pair
from participants.models import Perspective
from tests.factories import CohortFactory
from tests.workshops.registration_support import ready_person

TASK = "Rewrite the letter inviting young people to their first adult clinic."
PARTNER_PART = "I know the clinic from the waiting room, and I want to learn how letters get made."


def cohort_of(programme: Any, places: int | None = None, name: str = "Autumn 2026 pairs") -> Any:
    return CohortFactory(programme=programme, name=name, places=places)


def professional_n(n: int) -> Any:
    return ready_person(f"pro{n}@example.org", [Perspective.HEALTH_PROFESSIONAL])


def partner_n(n: int) -> Any:
    return ready_person(f"partner{n}@example.org", [Perspective.PATIENT])


def start(cohort: Any, professional: Any, **overrides: Any) -> Pair:
    data = {
        "partner_name": "Pat",
        "partner_email": "pat.partner@example.org",
        "task": TASK,
        "organisation": "Example Health Trust",
        "organisation_support": "Two hours a week away from clinic, and travel paid.",
        "how_we_work": "We meet every other Tuesday for an hour.",
    }
    data.update(overrides)
    return services.pair_start(cohort=cohort, professional=professional, **data)


def joined(cohort: Any, professional: Any, partner: Any) -> Pair:
    pair = start(cohort, professional, partner_email=partner.email)
    return services.pair_accept(pair=pair, partner=partner, statement=PARTNER_PART)


def submitted(cohort: Any, professional: Any, partner: Any) -> Pair:
    return services.pair_submit(pair=joined(cohort, professional, partner), by=professional)


def decided(cohort: Any, professional: Any, partner: Any, organiser: Any, decision: str) -> Pair:
    pair = submitted(cohort, professional, partner)
    reason = "Not this time." if decision == "decline" else ""
    return services.pair_decide(pair=pair, decided_by=organiser, decision=decision, reason=reason)


def updates(pair: Pair) -> list[tuple[str, str]]:
    """(occasion, address) of every pair_update queued for the pair, copies left out."""
    return sorted(
        (message.params["occasion"], message.to)
        for message in OutboxMessage.objects.filter(
            kind="pair_update", params__pair_id=pair.pk, is_copy=False
        )
    )


def sent_to(address: str) -> list[Any]:
    return [message for message in mail.outbox if address in message.to]


def join_link(body: str) -> str:
    found = re.search(r"/pairs/join/[^\s\"'<>/]+/", body)
    assert found, body
    return found.group(0)
