"""Organisers set up a programme's stages: from a template, or one by one."""

import pytest
from django.urls import reverse

from codesign.core.models import AuditEntry
from programmes.models import Stage
from programmes.services import STAGE_TEMPLATES
from tests.factories import StageFactory, WorkshopFactory
from tests.programmes.helpers import page_text


def stages_url(programme):
    return reverse("programmes:stages", args=[programme.slug])


def names(programme):
    return list(programme.stages.order_by("position").values_list("name", flat=True))


@pytest.fixture
def three_stages(programme):
    return [
        StageFactory(programme=programme, name=name, position=i)
        for i, name in enumerate(["Discover", "Define", "Develop"])
    ]


def test_a_programme_with_no_stages_is_offered_the_templates_in_its_own_words(
    sign_in, organiser, partner_words
):
    text = page_text(sign_in(organiser).get(stages_url(partner_words)))

    assert "Start from a template" in text
    assert "Use Experience-based co-design" in text
    assert "Use Double Diamond" in text
    assert "Listen to patient partners and clinicians" in text


def test_organiser_starts_from_the_experience_based_co_design_template(
    sign_in, organiser, partner_words
):
    response = sign_in(organiser).post(
        reverse("programmes:stage_template", args=[partner_words.slug]),
        {"template": "experience-based-co-design"},
    )

    assert response.url == stages_url(partner_words)
    assert names(partner_words) == [
        "Gather experiences",
        "Co-design events",
        "Make changes",
        "Celebrate",
    ]
    assert "patient partners and clinicians" in partner_words.stages.first().description
    assert AuditEntry.objects.filter(action="programmes.stage.template_applied").exists()


def test_the_double_diamond_template_has_its_four_stages(sign_in, organiser, programme):
    sign_in(organiser).post(
        reverse("programmes:stage_template", args=[programme.slug]),
        {"template": "double-diamond"},
    )

    assert names(programme) == ["Discover", "Define", "Develop", "Deliver"]


def test_a_template_cannot_be_added_to_a_programme_that_has_stages(
    sign_in, organiser, programme, three_stages
):
    response = sign_in(organiser).post(
        reverse("programmes:stage_template", args=[programme.slug]),
        {"template": "experience-based-co-design"},
        follow=True,
    )

    assert "This programme already has stages" in page_text(response)
    assert names(programme) == ["Discover", "Define", "Develop"]
    assert "Start from a template" not in page_text(response)


def test_an_unknown_template_changes_nothing(sign_in, organiser, programme):
    response = sign_in(organiser).post(
        reverse("programmes:stage_template", args=[programme.slug]),
        {"template": "waterfall"},
        follow=True,
    )

    assert "Choose one of the templates." in page_text(response)
    assert not Stage.objects.exists()


def test_every_template_has_stages_with_names_that_fit():
    for template in STAGE_TEMPLATES.values():
        assert len(template.stages) >= 4
        for name, _ in template.stages:
            assert len(name) <= Stage._meta.get_field("name").max_length


def test_organiser_adds_a_stage_at_the_end(sign_in, organiser, programme, three_stages):
    response = sign_in(organiser).post(
        stages_url(programme), {"name": "Deliver", "description": "Put it in place."}
    )

    assert response.url == stages_url(programme)
    assert names(programme) == ["Discover", "Define", "Develop", "Deliver"]


def test_a_stage_name_already_used_in_the_programme_is_refused(
    sign_in, organiser, programme, three_stages
):
    response = sign_in(organiser).post(stages_url(programme), {"name": "define"})

    assert response.status_code == 200
    assert "already has a stage with this name" in response.context["form"].errors["name"][0]
    assert Stage.objects.count() == 3


def test_a_stage_needs_a_name(sign_in, organiser, programme):
    response = sign_in(organiser).post(stages_url(programme), {"name": "", "description": "x"})

    assert response.context["form"].errors["name"] == ["This field is required."]
    assert not Stage.objects.exists()


def test_organiser_renames_a_stage(sign_in, organiser, programme, three_stages):
    stage = three_stages[1]

    response = sign_in(organiser).post(
        reverse("programmes:stage_edit", args=[programme.slug, stage.pk]),
        {"name": "Agree the problem", "description": ""},
    )

    assert response.status_code == 302
    assert names(programme) == ["Discover", "Agree the problem", "Develop"]
    entry = AuditEntry.objects.get(action="programmes.stage.updated")
    assert entry.data == {"stage": "Agree the problem", "old_name": "Define"}


def test_renaming_a_stage_to_another_stages_name_changes_nothing(
    sign_in, organiser, programme, three_stages
):
    stage = three_stages[1]

    response = sign_in(organiser).post(
        reverse("programmes:stage_edit", args=[programme.slug, stage.pk]),
        {"name": "Discover", "description": ""},
    )

    assert response.status_code == 200
    assert "<h1>Change the stage Define</h1>" in response.content.decode()
    assert names(programme) == ["Discover", "Define", "Develop"]


@pytest.mark.parametrize(
    ("index", "direction", "expected"),
    [
        (1, "up", ["Define", "Discover", "Develop"]),
        (1, "down", ["Discover", "Develop", "Define"]),
        (0, "up", ["Discover", "Define", "Develop"]),
        (2, "down", ["Discover", "Define", "Develop"]),
    ],
)
def test_organiser_moves_a_stage_up_or_down(
    sign_in, organiser, programme, three_stages, index, direction, expected
):
    stage = three_stages[index]

    response = sign_in(organiser).post(
        reverse("programmes:stage_move", args=[programme.slug, stage.pk]),
        {"direction": direction},
    )

    assert response.url == stages_url(programme)
    assert names(programme) == expected


def test_a_move_in_no_known_direction_changes_nothing(sign_in, organiser, programme, three_stages):
    response = sign_in(organiser).post(
        reverse("programmes:stage_move", args=[programme.slug, three_stages[0].pk]),
        {"direction": "sideways"},
        follow=True,
    )

    assert "Choose up or down." in page_text(response)
    assert names(programme) == ["Discover", "Define", "Develop"]


def test_removing_a_stage_keeps_its_workshops_and_closes_the_gap(
    sign_in, organiser, programme, three_stages
):
    workshop = WorkshopFactory(programme=programme, stage=three_stages[1])

    sign_in(organiser).post(
        reverse("programmes:stage_delete", args=[programme.slug, three_stages[1].pk])
    )

    assert list(programme.stages.values_list("name", "position")) == [
        ("Discover", 0),
        ("Develop", 1),
    ]
    workshop.refresh_from_db()
    assert workshop.stage is None
    assert AuditEntry.objects.filter(action="programmes.stage.deleted").exists()


def test_the_stages_page_lists_stages_in_order_with_controls_named_for_each(
    sign_in, organiser, programme, three_stages
):
    page = sign_in(organiser).get(stages_url(programme)).content.decode()

    assert page.index("Discover") < page.index("Define") < page.index("Develop")
    assert 'Move up<span class="visually-hidden"> Define</span>' in page
    assert 'Move up<span class="visually-hidden"> Discover</span>' not in page
    assert 'Move down<span class="visually-hidden"> Develop</span>' not in page
