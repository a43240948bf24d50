"""A participant sees everything we hold about them on "Your data" (privacy:mine) and downloads
it as one JSON file (privacy:download)."""

import json

import pytest
from django.urls import reverse

from codesign.core.models import AuditEntry
from privacy.export import SECTIONS
from tests.factories import RegistrationFactory, WorkshopFactory
from tests.feedback.support import text
from tests.privacy.support import EMAIL, MARKERS, NAME, person_with_everything

MINE = reverse("privacy:mine")
DOWNLOAD = reverse("privacy:download")


def _download(client) -> dict:
    response = client.get(DOWNLOAD)
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_download_is_one_json_file_with_every_section_and_stable_keys(client, rosa):
    client.force_login(rosa.user)

    response = client.get(DOWNLOAD)

    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="your-data-')
    assert response["Content-Disposition"].endswith('.json"')
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert list(data)[:6] == ["format", "website", "made_at", "email", "has_account", "covers"]
    assert set(data) == {"format", "website", "made_at", "email", "has_account", "covers"} | {
        section.key for section in SECTIONS
    }
    assert data["format"] == "codesign-personal-data/1"
    assert data["email"] == EMAIL


def test_the_download_holds_what_the_person_gave_us_in_plain_codes_and_iso_dates(client, rosa):
    client.force_login(rosa.user)

    data = _download(client)

    assert data["account"]["email"] == EMAIL
    assert data["account"]["two_step_sign_in"] is True
    assert data["profile"]["name"] == NAME
    assert data["profile"]["phone"] == MARKERS["phone"]
    assert data["profile"]["perspectives"] == ["patient", "carer"]
    assert data["profile"]["date_of_birth"] == "2009-03-04"
    assert data["support"]["support_needs"] == ["step_free"]
    assert data["support"]["food_and_drink"] == MARKERS["food"]
    assert data["equality"]["ethnic_group"] == "mixed"
    assert [c["kind"] for c in data["consents"]] == ["privacy"]
    attended = next(r for r in data["registrations"] if r["status"] == "attended")
    assert attended["companion_name"] == MARKERS["companion"]
    assert attended["starts_at"].startswith(rosa.past_workshop.starts_at.date().isoformat()[:4])
    assert any(MARKERS["event_reason"] in line for line in attended["history"])
    assert data["guardian_consents"][0]["guardian_name"] == MARKERS["guardian_name"]
    assert data["guardian_consents"][0]["you_are"] == "young_person"
    assert data["invitations"][0]["decline_reason"] == MARKERS["invitation_decline"]
    assert any(MARKERS["feedback"] in answer for answer in data["feedback"][0]["answers"])
    assert data["feedback_answered"][0]["workshop"] == rosa.past_workshop.title
    pair = data["pairs"][0]
    assert pair["you_are"] == "partner"
    assert pair["partner_statement"] == MARKERS["task"]
    # The professional's part of the application is theirs, not the partner's.
    assert pair["task"] is None
    assert [entry["tried"] for entry in data["learning_log"]] == [MARKERS["log"]]
    application = data["bursary_applications"][0]
    assert application["statement"] == MARKERS["statement"]
    assert application["awarded"] == "40.00"
    assert application["costs"] == ["Travel: £40.00"]
    assert {claim["status"] for claim in data["bursary_claims"]} == {"paid", "submitted"}
    assert data["calendar"]["made_at"]
    assert data["named_by_others"] == [{"as": "copies", "name_given": NAME}]
    assert {m["to"] for m in data["messages"]} == {EMAIL, MARKERS["copies_email"]}
    assert data["audit"] and {entry["by"] for entry in data["audit"]} <= {"you", "team", "system"}
    assert data["made_at"].endswith("Z") or "+" in data["made_at"]


def test_the_download_keeps_secrets_and_undecided_news_out(client, rosa):
    rosa.objects["application"].released_at = None
    rosa.objects["application"].save()
    client.force_login(rosa.user)

    raw = client.get(DOWNLOAD).content.decode()
    data = json.loads(raw)

    # A decision not yet told to the applicant stays under review, as on their own page.
    assert data["bursary_applications"][0]["status"] == "under_review"
    assert data["bursary_applications"][0]["awarded"] is None
    # Links that stand in for signing in are not put in a file.
    assert "calendar-rosa" not in raw
    assert "pair-rosa" not in raw
    # Who on the team did something is not named.
    assert rosa.objects["reviewer"].email not in raw


def test_each_download_is_recorded_with_the_account_id_only(client, rosa):
    client.force_login(rosa.user)

    _download(client)

    entry = AuditEntry.objects.get(action="privacy.data.exported")
    assert entry.actor == rosa.user
    assert entry.data["user"] == rosa.user.pk
    recorded = json.dumps(entry.data) + entry.object_repr
    assert EMAIL not in recorded and NAME not in recorded


def test_your_data_page_shows_each_section_in_plain_words(client, rosa):
    client.force_login(rosa.user)

    response = client.get(MINE)

    page = text(response)
    assert response.status_code == 200
    assert page.count("<h1") == 1
    for section in SECTIONS:
        assert section.title in page, section.key
    assert NAME in page
    assert "Step-free access" in page
    assert "Mixed or multiple ethnic groups" in page
    assert "Attended" in page
    assert MARKERS["companion"] in page
    assert "The person who gets copies of their messages" in page
    assert "Travel: £40.00" in page
    assert reverse("privacy:download") in page
    assert reverse("privacy:erase") in page


def test_your_data_page_for_someone_new_says_there_is_nothing_yet(client, patient):
    client.force_login(patient)

    page = text(client.get(MINE))

    assert "Workshops you signed up for" in page
    assert "Nothing." in page


def _queries(client, django_assert_max_num_queries, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", [MINE, DOWNLOAD])
def test_the_page_and_download_cost_the_same_queries_however_much_there_is(
    client, programme, url, django_assert_max_num_queries
):
    few = person_with_everything(programme=programme, email="few@example.org")
    many = person_with_everything(programme=programme, email="many@example.org")
    for _ in range(8):
        RegistrationFactory(user=many.user, workshop=WorkshopFactory(programme=programme))
        person_with_everything(programme=programme, email=f"other{_}@example.org")

    client.force_login(few.user)
    small = _queries(client, django_assert_max_num_queries, url)
    client.force_login(many.user)
    large = _queries(client, django_assert_max_num_queries, url)

    assert small == large
    assert large <= 40


@pytest.mark.parametrize("url", [MINE, DOWNLOAD, reverse("privacy:erase")])
def test_signed_out_people_are_sent_to_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("url", [MINE, DOWNLOAD])
def test_only_get_is_allowed(client, patient, url):
    client.force_login(patient)

    assert client.post(url).status_code == 405
