import pytest
from django.template import Context, Template

from programmes.terms import DEFAULT_TERMS, perspective_group_label, terms_for
from tests.factories import ProgrammeFactory


@pytest.fixture
def partner_programme(db):
    return ProgrammeFactory(
        lived_experience_term="patient partner",
        lived_experience_term_plural="patient partners",
        professional_term="clinician",
        professional_term_plural="clinicians",
    )


def test_a_programme_uses_its_own_words_for_people(partner_programme):
    terms = terms_for(partner_programme)

    assert terms.lived_experience == "patient partner"
    assert terms.professional_plural == "clinicians"


def test_the_template_filter_gives_the_programme_word(partner_programme):
    html = Template(
        '{% load programme_terms %}{{ programme|term:"lived_experience_plural" }}'
    ).render(Context({"programme": partner_programme}))

    assert html == "patient partners"


def test_without_a_programme_the_plain_default_words_are_used():
    assert terms_for(None) == DEFAULT_TERMS
    assert DEFAULT_TERMS.lived_experience_plural == "people with lived experience"


def test_an_unknown_term_is_an_error_not_a_silent_blank(partner_programme):
    with pytest.raises(KeyError):
        terms_for(partner_programme)["boss"]


def test_a_group_of_all_lived_experience_perspectives_reads_as_the_programme_term(
    partner_programme,
):
    label = perspective_group_label(
        ["patient", "carer", "family", "young_person"], partner_programme
    )

    assert label == "patient partners"


def test_other_groups_read_as_their_perspectives(partner_programme):
    assert perspective_group_label(["patient", "carer"], partner_programme) == "patients and carers"
    assert perspective_group_label(["young_person"], partner_programme) == "young people"
