"""The programme's own words for the people who take part.

Every page and email about a programme gets its words from here, never from a hard-coded label:
`terms_for(programme).lived_experience_plural`, or in templates `{{ programme|term:"lived_experience_plural" }}`.
"""

from dataclasses import dataclass
from typing import Any

from participants.models import Perspective

LIVED_EXPERIENCE_PERSPECTIVES = frozenset(
    {Perspective.PATIENT, Perspective.CARER, Perspective.FAMILY, Perspective.YOUNG_PERSON}
)
PROFESSIONAL_PERSPECTIVES = frozenset(
    {
        Perspective.HEALTH_PROFESSIONAL,
        Perspective.CARE_PROFESSIONAL,
        Perspective.MANAGER,
        Perspective.DIGITAL,
        Perspective.RESEARCHER,
    }
)


@dataclass(frozen=True)
class Terms:
    lived_experience: str = "person with lived experience"
    lived_experience_plural: str = "people with lived experience"
    professional: str = "professional"
    professional_plural: str = "professionals"

    def __getitem__(self, name: str) -> str:
        if name not in self.__dataclass_fields__:
            raise KeyError(f"No term called {name!r}.")
        return str(getattr(self, name))


DEFAULT_TERMS = Terms()


def terms_for(programme: Any | None) -> Terms:
    if programme is None:
        return DEFAULT_TERMS
    return Terms(
        lived_experience=programme.lived_experience_term or DEFAULT_TERMS.lived_experience,
        lived_experience_plural=programme.lived_experience_term_plural
        or DEFAULT_TERMS.lived_experience_plural,
        professional=programme.professional_term or DEFAULT_TERMS.professional,
        professional_plural=programme.professional_term_plural or DEFAULT_TERMS.professional_plural,
    )


def perspective_group_label(perspectives: list[str], programme: Any | None) -> str:
    """A name for a group of perspectives in the programme's words: all lived-experience
    perspectives read as its lived-experience term, all professional ones as its professional
    term; otherwise the perspectives' own names."""
    chosen = set(perspectives)
    terms = terms_for(programme)
    if chosen and chosen == set(LIVED_EXPERIENCE_PERSPECTIVES):
        return terms.lived_experience_plural
    if chosen and chosen == set(PROFESSIONAL_PERSPECTIVES):
        return terms.professional_plural
    labels = dict(Perspective.choices)
    names = [labels.get(p, p).lower() for p in perspectives]
    plural = {
        "patient": "patients",
        "carer": "carers",
        "parent or family member": "parents and family members",
        "young person": "young people",
        "health professional": "health professionals",
        "care professional": "care professionals",
        "manager": "managers",
        "researcher": "researchers",
    }
    names = [plural.get(n, n) for n in names]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
