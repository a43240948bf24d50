"""How applicants appear to the people who review and pay bursaries: need to know only.

Reviewers never see equality monitoring answers. They see support needs only where they bear
on the costs asked for (someone coming with a companion or carer, when care costs are asked
for), and, when a scheme reviews blind, neither the applicant's name nor email address.
"""

from bursaries.models import Application, CostType
from codesign.core.notices import display_name
from participants.models import SupportNeed

# Support needs that explain a cost, by the cost they explain.
COST_RELATED_NEEDS = {CostType.CARE: (SupportNeed.COMPANION,)}
NEED_LABELS = dict(SupportNeed.choices)


def applicant_label(application: Application, *, blind: bool) -> str:
    """The applicant's name, or a number in its place when their name is hidden."""
    if blind:
        return f"Applicant {application.pk}"
    return display_name(application.applicant)


def cost_related_needs(application: Application, cost_types: set[str]) -> list[str]:
    """The applicant's support needs that bear on the costs in `cost_types`, in plain words."""
    profile = getattr(application.applicant, "profile", None)
    if profile is None:
        return []
    needs = set(profile.support_needs or [])
    shown = []
    for cost_type, related in COST_RELATED_NEEDS.items():
        if cost_type in cost_types:
            shown += [NEED_LABELS[need] for need in related if need in needs]
    return shown
