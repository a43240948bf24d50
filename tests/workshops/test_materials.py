"""Workshop files: the type is checked from the content, the size is limited, and downloads can
never run as pages of the site."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from codesign.core.models import AuditEntry
from programmes.models import Programme
from tests.factories import WorkshopFactory
from tests.workshops.organise_support import EXE, HTML, PDF, docx_bytes, png_bytes
from workshops.models import Material, Workshop


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def workshop(programme):
    return WorkshopFactory(programme=programme)


@pytest.fixture
def signed_in(client, organiser, with_mfa):
    client.force_login(with_mfa(organiser))
    return client


def upload(client, workshop, name, content, title="Slides", kind="slides"):
    return client.post(
        reverse("workshops:material_upload", args=[workshop.pk]),
        {"title": title, "kind": kind, "file": SimpleUploadedFile(name, content)},
    )


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("slides.pdf", PDF, "application/pdf"),
        ("map.png", png_bytes(), "image/png"),
        (
            "easy-read.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("notes.txt", "Bring a friend if you like. Café opens at 9.\n".encode(), "text/plain"),
    ],
)
def test_organiser_adds_a_file_of_an_allowed_type(
    signed_in, organiser, workshop, name, content, content_type
):
    response = upload(signed_in, workshop, name, content)

    assert response.status_code == 302
    material = Material.objects.get()
    assert material.content_type.startswith(content_type)
    assert material.size == len(content)
    assert material.uploaded_by == organiser
    with material.file.open("rb") as stored:
        assert stored.read() == content
    assert AuditEntry.objects.filter(action="workshops.material.added").exists()


def test_stored_name_comes_from_the_title_and_the_real_type(signed_in, workshop):
    upload(signed_in, workshop, "whatever.html", PDF, title="Slides for week 1")

    assert Material.objects.get().file.name.endswith("/slides-for-week-1.pdf")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("slides.pdf", EXE),
        ("slides.pdf", HTML),
        ("notes.txt", HTML),
        ("notes.txt", b"plain words then a null\x00byte"),
        ("notes.txt", "Not UTF-8: caf\xe9".encode("latin-1")),
        ("page.html", b"Just words"),
        ("picture.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'),
    ],
)
def test_file_of_a_wrong_type_is_refused_and_nothing_saved(signed_in, workshop, name, content):
    response = upload(signed_in, workshop, name, content)

    assert response.status_code == 400
    assert b"This type of file can&#x27;t be added." in response.content
    assert b'id="id_file_error"' in response.content
    assert not Material.objects.exists()


def test_file_over_the_size_limit_is_refused(signed_in, workshop, settings):
    settings.MATERIAL_MAX_BYTES = 1024 * 1024
    content = PDF + b"0" * (1024 * 1024)

    response = upload(signed_in, workshop, "big.pdf", content)

    assert response.status_code == 400
    assert b"Files can be up to 1 MB" in response.content
    assert not Material.objects.exists()


def test_default_limit_is_ten_megabytes(signed_in, workshop):
    just_over = PDF + b"0" * (10 * 1024 * 1024 - len(PDF) + 1)

    response = upload(signed_in, workshop, "big.pdf", just_over)

    assert b"Files can be up to 10 MB" in response.content
    assert not Material.objects.exists()


def test_missing_file_and_title_get_plain_messages(signed_in, workshop):
    response = signed_in.post(
        reverse("workshops:material_upload", args=[workshop.pk]), {"title": "", "kind": "slides"}
    )

    assert b"Choose a file to upload." in response.content
    assert b"Give the file a name people will understand." in response.content
    assert not Material.objects.exists()


def test_other_programmes_organiser_cannot_add_files(client, other_organiser, with_mfa, workshop):
    client.force_login(with_mfa(other_organiser))

    assert upload(client, workshop, "slides.pdf", PDF).status_code == 404
    assert not Material.objects.exists()


def test_participant_cannot_add_files(client, patient, workshop):
    client.force_login(patient)

    assert upload(client, workshop, "slides.pdf", PDF).status_code == 403
    assert not Material.objects.exists()


def _material(client, workshop, name="slides.pdf", content=PDF):
    upload(client, workshop, name, content)
    return Material.objects.latest("pk")


def test_organiser_removes_a_file_and_it_goes_once_saved(
    signed_in, workshop, django_capture_on_commit_callbacks
):
    material = _material(signed_in, workshop)
    path = Path(material.file.path)
    assert path.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(
            reverse("workshops:material_delete", args=[workshop.pk, material.pk])
        )

    assert response.status_code == 302
    assert not Material.objects.exists()
    assert not path.exists()
    assert AuditEntry.objects.filter(action="workshops.material.deleted").exists()


def test_removing_a_file_refuses_get_and_outsiders(
    signed_in, client, workshop, other_organiser, with_mfa
):
    material = _material(signed_in, workshop)
    url = reverse("workshops:material_delete", args=[workshop.pk, material.pk])

    assert signed_in.get(url).status_code == 405
    client.force_login(with_mfa(other_organiser))
    assert client.post(url).status_code == 404
    assert Material.objects.exists()


def test_file_of_another_workshop_cannot_be_removed_through_this_one(signed_in, workshop):
    material = _material(signed_in, workshop)
    other = WorkshopFactory(programme=workshop.programme)

    response = signed_in.post(reverse("workshops:material_delete", args=[other.pk, material.pk]))

    assert response.status_code == 404
    assert Material.objects.exists()


# Downloads


def test_anyone_downloads_a_file_of_a_published_workshop_as_an_attachment(
    signed_in, client, workshop
):
    material = _material(signed_in, workshop)
    client.logout()

    response = client.get(reverse("workshops:material_download", args=[material.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == PDF


def test_image_is_shown_inline_with_its_checked_type(signed_in, client, workshop):
    material = _material(signed_in, workshop, "map.png", png_bytes())
    client.logout()

    response = client.get(reverse("workshops:material_download", args=[material.pk]))

    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_text_file_is_a_download_too(signed_in, workshop):
    material = _material(signed_in, workshop, "notes.txt", b"Plain words.")

    response = signed_in.get(reverse("workshops:material_download", args=[material.pk]))

    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize("hidden", ["draft_workshop", "draft_programme"])
def test_files_of_hidden_workshops_are_for_the_team_only(
    signed_in, client, workshop, patient, reviewer, with_mfa, hidden
):
    material = _material(signed_in, workshop)
    if hidden == "draft_workshop":
        Workshop.objects.filter(pk=workshop.pk).update(status=Workshop.Status.DRAFT)
    else:
        Programme.objects.filter(pk=workshop.programme_id).update(status=Programme.Status.DRAFT)
    url = reverse("workshops:material_download", args=[material.pk])

    assert signed_in.get(url).status_code == 200
    client.logout()
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    client.force_login(patient)
    assert client.get(url).status_code == 404
    client.force_login(with_mfa(reviewer))
    assert client.get(url).status_code == 200


def test_other_programmes_organiser_cannot_download_a_draft_workshops_file(
    signed_in, client, workshop, other_organiser, with_mfa
):
    material = _material(signed_in, workshop)
    Workshop.objects.filter(pk=workshop.pk).update(status=Workshop.Status.DRAFT)
    client.force_login(with_mfa(other_organiser))

    assert client.get(reverse("workshops:material_download", args=[material.pk])).status_code == (
        404
    )


def test_download_refuses_a_post(signed_in, workshop):
    material = _material(signed_in, workshop)

    response = signed_in.post(reverse("workshops:material_download", args=[material.pk]))

    assert response.status_code == 405


def test_organiser_page_lists_files_with_download_links(signed_in, workshop):
    material = _material(signed_in, workshop)

    page = signed_in.get(reverse("workshops:manage_detail", args=[workshop.pk])).content.decode()

    assert reverse("workshops:material_download", args=[material.pk]) in page
    assert "<caption>Files for this workshop</caption>" in page
