"""How a person appears to organisers: `{{ user|described_as }}`."""

from django.template import Context, Template

from participants.models import Profile
from participants.templatetags.participant_words import described_as
from tests.factories import ProfileFactory, UserFactory


def test_a_person_appears_with_their_name_and_their_own_words(db):
    profile = ProfileFactory(display_name="Pat Patient", described_as="expert by experience")

    assert described_as(profile.user) == "Pat Patient (expert by experience)"


def test_a_person_who_chose_no_words_appears_by_name(db):
    profile = ProfileFactory(display_name="Cam Carer", described_as="")

    assert described_as(profile.user) == "Cam Carer"


def test_a_person_without_a_name_appears_by_email_with_their_words(db):
    profile = ProfileFactory(user__email="sam@example.org", display_name="", described_as="carer")

    assert described_as(profile.user) == "sam@example.org (carer)"


def test_a_person_without_a_profile_appears_by_email(db):
    user = UserFactory(email="new@example.org")

    assert described_as(user) == "new@example.org"


def test_the_filter_escapes_what_people_typed(db):
    profile = ProfileFactory(display_name="<b>Pat</b>", described_as="<script>x</script>")
    template = Template("{% load participant_words %}{{ person|described_as }}")

    html = template.render(Context({"person": profile.user}))

    assert html == "&lt;b&gt;Pat&lt;/b&gt; (&lt;script&gt;x&lt;/script&gt;)"


def test_the_filter_needs_no_query_when_the_profile_came_with_the_user(
    db, django_assert_num_queries
):
    ProfileFactory(display_name="Pat", described_as="patient partner")
    profile = Profile.objects.select_related("user").get()
    user = type(profile.user).objects.select_related("profile").get(pk=profile.user.pk)

    with django_assert_num_queries(0):
        assert described_as(user) == "Pat (patient partner)"
