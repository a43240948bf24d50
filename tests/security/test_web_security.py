"""Web security: a Content-Security-Policy that pages can keep (no inline scripts, handlers or
styles), production settings that lock cookies and framing, uploads that can never run as
pages, Markdown that can't carry a script, and CSV exports a spreadsheet can't run."""

import csv
import io
import json
import os
import re
import subprocess
import sys
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bursaries.models import Application, Receipt
from bursaries.services import bursary_decide, claim_approve, claim_submit
from feedback.models import Question
from participants.models import Perspective
from programmes.models import TeamRole
from tests.bursaries.factories import HTML, PDF, ApplicationFactory, SchemeFactory, png_bytes
from tests.factories import (
    PASSWORD,
    MembershipFactory,
    ProfileFactory,
    UserFactory,
    WorkshopFactory,
)
from tests.feedback.report_support import answered
from tests.feedback.support import ended_workshop, form_of
from tests.workshops.registrants_support import registered
from workshops.models import Material
from workshops.registrants import FORMULA_STARTS

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = [ROOT / "templates"]
# Emails are read in mail programs, which need inline styles and never run our CSP.
NOT_PAGES = {ROOT / "templates" / "emails"}

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE | re.DOTALL)
STYLE_ATTRIBUTE = re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE | re.DOTALL)


def _page_templates() -> list[Path]:
    found = []
    for folder in TEMPLATE_DIRS:
        for path in folder.rglob("*.html"):
            if not any(path.is_relative_to(skip) for skip in NOT_PAGES):
                found.append(path)
    return sorted(found)


# Pages the CSP can hold to


def test_there_are_page_templates_to_check():
    assert len(_page_templates()) > 50


@pytest.mark.parametrize(
    "path", _page_templates(), ids=lambda p: str(p.relative_to(ROOT / "templates"))
)
def test_no_template_has_inline_scripts_event_handlers_or_style_attributes(path):
    source = path.read_text()

    assert not INLINE_SCRIPT.search(source), "inline <script>: move it to static/js/"
    assert not HANDLER.search(source), "on…= handler: add the listener in static/js/"
    assert not STYLE_ATTRIBUTE.search(source), "style= attribute: use a class in site.css"
    assert "javascript:" not in source.lower()


class _Inline(HTMLParser):
    """Inline scripts, handlers and style attributes in a page as sent."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if tag == "script" and "src" not in names:
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")
        for name in names:
            if name.startswith("on") or name == "style":
                self.found.append(f"<{tag} {name}=…>")


def _inline_parts(response) -> list[str]:
    parser = _Inline()
    parser.feed(response.content.decode())
    return parser.found


def _csp(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


PUBLIC_PAGES = [
    "core:home",
    "core:privacy",
    "core:accessibility",
    "workshops:list",
    "programmes:list",
    "account_login",
    "account_signup",
    "account_reset_password",
]


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_pages_send_a_strict_csp_and_keep_to_it(client, db, name):
    response = client.get(reverse(name))

    assert response.status_code == 200
    policy = _csp(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert _inline_parts(response) == []


@pytest.mark.parametrize(
    "name",
    [
        "participants:profile",
        "workshops:mine",
        "bursaries:mine",
        "bursaries:list",
        "pairs:mine",
        "account_email",
        "account_change_password",
        "mfa_index",
    ],
)
def test_signed_in_pages_keep_to_the_csp(client, patient, name):
    client.force_login(patient)

    response = client.get(reverse(name))

    assert response.status_code == 200
    assert _inline_parts(response) == []


def test_setting_up_an_authenticator_app_keeps_to_the_csp(client, organiser):
    client.force_login(organiser)
    asked = client.get(reverse("mfa_activate_totp"))
    assert asked.url.startswith(reverse("account_reauthenticate"))
    assert _inline_parts(client.get(asked.url)) == []
    client.post(asked.url, {"password": PASSWORD})

    response = client.get(reverse("mfa_activate_totp"))

    assert response.status_code == 200
    assert "authenticator" in response.content.decode().lower()
    assert _inline_parts(response) == []


@pytest.mark.parametrize(
    "name", ["programmes:dashboard", "workshops:calendar", "workshops:venue_list"]
)
def test_staff_pages_keep_to_the_csp(client, organiser, with_mfa, name):
    client.force_login(with_mfa(organiser))

    response = client.get(reverse(name))

    assert response.status_code == 200
    assert _inline_parts(response) == []


# Production settings


PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-real-looking-secret-key-with-plenty-of-characters-0123456789abcdef",
    "ALLOWED_HOSTS": "codesign.example.org",
    "EMAIL_URL": "smtp://apikey:secret@smtp.example.org:587",
    "REDIS_URL": "",
}

_PROBE = """
import json
from django.conf import settings
from django.test import Client, override_settings
# Production serves static files from collectstatic's manifest, which a fresh checkout has not
# built; the plain storage gives the same page and headers without it.
plain_static = {**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
with override_settings(STORAGES=plain_static):
    response = Client(HTTP_HOST="codesign.example.org").get("/accessibility/", secure=True)
    plain = Client(HTTP_HOST="codesign.example.org").get("/accessibility/")
names = ["DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
         "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_SSL_REDIRECT",
         "X_FRAME_OPTIONS", "SECURE_CONTENT_TYPE_NOSNIFF", "STAFF_SESSION_AGE",
         "SESSION_COOKIE_AGE"]
print("PROBE " + json.dumps({
    "settings": {name: getattr(settings, name) for name in names},
    "status": response.status_code,
    "plain_status": plain.status_code,
    "plain_location": plain.get("Location", ""),
    "headers": {k: response[k] for k in ("Strict-Transport-Security", "X-Frame-Options",
                                         "Content-Security-Policy", "X-Content-Type-Options")},
}))
"""


@pytest.mark.slow_subprocess
def test_production_locks_cookies_to_https_sets_hsts_and_refuses_framing(tmp_path):
    dropped = {*PRODUCTION, "DATABASE_URL", "VAR_DIR", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in dropped}
    environment.update(PRODUCTION)
    environment.update(
        {"VAR_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    )
    environment.pop("PYTEST_XDIST_WORKER", None)

    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", _PROBE],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("PROBE "))
    found = json.loads(line.removeprefix("PROBE "))
    assert found["settings"] == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SECURE_HSTS_SECONDS": 60 * 60 * 24 * 365,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_SSL_REDIRECT": True,
        "X_FRAME_OPTIONS": "DENY",
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "STAFF_SESSION_AGE": 60 * 60 * 8,
        "SESSION_COOKIE_AGE": 60 * 60 * 24 * 14,
    }
    assert found["status"] == 200
    assert found["plain_status"] == 301
    assert found["plain_location"].startswith("https://codesign.example.org/")
    headers = found["headers"]
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "script-src 'self';" in headers["Content-Security-Policy"] + ";"


# Uploads


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def workshop(programme):
    return WorkshopFactory(programme=programme)


def _add_material(client, workshop, name: str, content: bytes, title: str = "Slides"):
    return client.post(
        reverse("workshops:material_upload", args=[workshop.pk]),
        {"title": title, "kind": "slides", "file": SimpleUploadedFile(name, content)},
    )


@pytest.fixture
def award(carer, organiser, programme):
    scheme = SchemeFactory(programme=programme)
    application = ApplicationFactory(scheme=scheme, applicant=carer, amount=Decimal("80.00"))
    return bursary_decide(
        application=application, decided_by=organiser, outcome="full", reason="Yes", release=True
    )


def _claim(client, award, name: str, content: bytes):
    return client.post(
        reverse("bursaries:claim", args=[award.pk]),
        {
            "travel_amount": "10",
            "travel_details": "Bus",
            "receipts": [SimpleUploadedFile(name, content)],
        },
    )


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'


@pytest.mark.parametrize(
    ("name", "content"),
    [("slides.pdf", HTML), ("slides.pdf", SVG), ("map.svg", SVG), ("page.html", HTML)],
)
def test_a_workshop_file_that_is_really_a_page_or_svg_is_refused(
    client, organiser, with_mfa, workshop, media, name, content
):
    client.force_login(with_mfa(organiser))

    response = _add_material(client, workshop, name, content)

    assert response.status_code == 400
    assert "This type of file can't be added." in response.content.decode().replace("&#x27;", "'")
    assert not Material.objects.exists()
    assert not any(media.rglob("*.*")) if media.exists() else True


@pytest.mark.parametrize(
    ("name", "content"), [("receipt.pdf", HTML), ("receipt.pdf", SVG), ("receipt.svg", SVG)]
)
def test_a_receipt_that_is_really_a_page_or_svg_is_refused(
    client, carer, award, media, name, content
):
    client.force_login(carer)

    response = _claim(client, award, name, content)

    assert response.status_code == 400
    assert "is not a PDF, JPEG or PNG file" in response.content.decode()
    assert not Receipt.objects.exists()


def _download(client, url: str):
    response = client.get(url)
    assert response.status_code == 200
    b"".join(response.streaming_content)
    return response


def _assert_cannot_run(response, *, inline_ok: bool) -> None:
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = _csp(response)
    assert policy["default-src"] == ["'none'"]
    assert "sandbox" in policy
    disposition = response["Content-Disposition"]
    if inline_ok:
        assert disposition.startswith(("attachment;", "inline;"))
        assert response["Content-Type"] in {"image/png", "image/jpeg"}
    else:
        assert disposition.startswith("attachment;")


# A PDF with a page inside: it passes as a PDF, so how it is served is what keeps it safe.
POLYGLOT_PDF = PDF + b"<html><script>alert(1)</script></html>"


@pytest.mark.parametrize(
    ("name", "content", "inline_ok"),
    [("slides.pdf", POLYGLOT_PDF, False), ("map.png", png_bytes(), True)],
)
def test_workshop_files_are_served_so_they_cannot_run(
    client, organiser, with_mfa, workshop, media, name, content, inline_ok
):
    client.force_login(with_mfa(organiser))
    assert _add_material(client, workshop, name, content).status_code == 302
    material = Material.objects.get()

    response = _download(client, reverse("workshops:material_download", args=[material.pk]))

    _assert_cannot_run(response, inline_ok=inline_ok)


@pytest.mark.parametrize(("name", "content"), [("r.pdf", POLYGLOT_PDF), ("r.png", png_bytes())])
def test_receipts_are_served_as_downloads_that_cannot_run(
    client, carer, award, media, name, content
):
    client.force_login(carer)
    assert _claim(client, award, name, content).status_code == 302
    stored = Receipt.objects.get()

    response = _download(client, reverse("bursaries:receipt", args=[stored.pk]))

    _assert_cannot_run(response, inline_ok=False)
    assert response["Cache-Control"] == "private, no-store"


def test_uploaded_files_are_never_served_straight_from_the_media_folder(
    client, organiser, carer, with_mfa, workshop, award, media, settings
):
    client.force_login(with_mfa(organiser))
    _add_material(client, workshop, "slides.pdf", PDF)
    client.force_login(carer)
    _claim(client, award, "r.png", png_bytes())
    stored = [Material.objects.get().file.name, Receipt.objects.get().file.name]

    for name in stored:
        assert (media / name).exists()
        for prefix in ("/" + settings.MEDIA_URL.strip("/") + "/", "/"):
            assert client.get(prefix + name).status_code == 404
    client.logout()
    for name in stored:
        assert client.get("/media/" + name).status_code == 404


def test_the_site_serves_no_media_urls():
    from django.urls import get_resolver

    routes = [route for _, route in _named_routes(get_resolver())]

    assert routes
    assert not [r for r in routes if r.lstrip("^").startswith(settings.MEDIA_URL.strip("/"))]


# Markdown people type


MARKDOWN_ATTACKS = "\n\n".join(
    [
        "<script>alert('s')</script>",
        "<img src=x onerror=alert('i')>",
        "[click](javascript:alert('j'))",
        "[click](JaVaScRiPt:alert('k'))",
        "<a href=\"&#106;avascript:alert('e')\">x</a>",
        "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "<iframe src='https://evil.example'></iframe>",
        "<svg onload=alert('v')></svg>",
        "<style>body{display:none}</style>",
        '<p style="position:fixed">cover</p>',
        '<form action="https://evil.example"><input name=password></form>',
        "**kept**",
    ]
)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))


def _assert_markdown_made_safe(response) -> None:
    assert response.status_code == 200
    page = response.content.decode()
    assert "<strong>kept</strong>" in page
    assert _inline_parts(response) == []
    parser = _Tags()
    parser.feed(page)
    assert not [tag for tag, _ in parser.tags if tag in {"iframe", "svg", "object", "embed"}]
    links = [
        value.strip().lower()
        for _, attrs in parser.tags
        for name, value in attrs.items()
        if name in {"href", "src", "action", "formaction"}
    ]
    assert not [link for link in links if link.startswith(("javascript:", "data:text"))]
    assert not [link for link in links if "evil.example" in link]


def test_workshop_and_programme_descriptions_cannot_carry_scripts(client, programme):
    programme.description = MARKDOWN_ATTACKS
    programme.save()
    workshop = WorkshopFactory(programme=programme, description=MARKDOWN_ATTACKS)

    _assert_markdown_made_safe(client.get(reverse("programmes:detail", args=[programme.slug])))
    _assert_markdown_made_safe(client.get(reverse("workshops:detail", args=[workshop.pk])))


def test_bursary_information_cannot_carry_scripts(client, carer, programme):
    scheme = SchemeFactory(programme=programme, information=MARKDOWN_ATTACKS)
    client.force_login(carer)

    _assert_markdown_made_safe(client.get(reverse("bursaries:apply", args=[scheme.pk])))


# CSV exports

FORMULAS = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1", '=HYPERLINK("http://x")']


def _cells(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


def _registrants_export(client, organiser, programme):
    workshop = WorkshopFactory(programme=programme)
    for n, formula in enumerate(FORMULAS):
        registered(
            workshop,
            formula,
            email=f"f{n}@example.org",
            described_as=formula,
            dietary_needs=formula,
            companion_name=formula,
        )
    return reverse("workshops:registrants_csv", args=[workshop.pk]), organiser


def _bursary_export(client, organiser, programme):
    scheme = SchemeFactory(programme=programme, name=FORMULAS[0])
    reviewer = UserFactory(email="csv.reviewer@example.org")
    MembershipFactory(programme=programme, user=reviewer, role=TeamRole.REVIEWER)
    for n, formula in enumerate(FORMULAS):
        applicant = ProfileFactory(
            user=UserFactory(email=f"b{n}@example.org"), display_name=formula
        ).user
        application = ApplicationFactory(scheme=scheme, applicant=applicant, amount=Decimal("5"))
        bursary_decide(
            application=application,
            decided_by=organiser,
            outcome="full",
            reason="Yes",
            release=True,
        )
        Application.objects.filter(pk=application.pk).update(payment_in_advance=True)
        claim = claim_submit(
            application=application, by=applicant, items={"travel": (Decimal("5"), formula)}
        )
        claim_approve(claim=claim, by=reviewer)
    return reverse("bursaries:export", args=[scheme.pk]), organiser


def _feedback_workshop_export(client, organiser, programme):
    workshop = ended_workshop(programme=programme, title=FORMULAS[0])
    form = form_of(workshop)
    for n, formula in enumerate(FORMULAS[1:], start=50):
        Question.objects.create(
            form=form, position=n, kind=Question.Kind.SINGLE, text=formula, choices=FORMULAS
        )
    answered(workshop, [Perspective.PATIENT], 6, written=FORMULAS[2], quote=True)
    return reverse("feedback:workshop_report_csv", args=[workshop.pk]), organiser


def _feedback_programme_export(client, organiser, programme):
    for formula in FORMULAS[:3]:
        workshop = ended_workshop(programme=programme, title=formula)
        answered(workshop, [Perspective.PATIENT], 6)
    return reverse("feedback:programme_report_csv", args=[programme.slug]), organiser


EXPORTS = {
    "workshops:registrants_csv": _registrants_export,
    "bursaries:export": _bursary_export,
    "feedback:workshop_report_csv": _feedback_workshop_export,
    "feedback:programme_report_csv": _feedback_programme_export,
}


def _named_routes(resolver, namespace: str = "", prefix: str = ""):
    for entry in resolver.url_patterns:
        if hasattr(entry, "url_patterns"):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _named_routes(entry, inner, prefix + str(entry.pattern))
        else:
            yield f"{namespace}{entry.name}", prefix + str(entry.pattern)


def test_every_csv_export_is_checked_here():
    """A new export must be added to EXPORTS above: its address ends in .csv, and the code that
    answers text/csv lives in one of the files listed."""
    from django.urls import get_resolver

    routes = {name for name, route in _named_routes(get_resolver()) if route.endswith(".csv")}
    apps = ["codesign", "programmes", "workshops", "participants", "pairs", "bursaries"]
    apps += ["feedback", "privacy"]
    answering = {
        str(path.relative_to(ROOT))
        for app in apps
        for path in (ROOT / app).glob("**/*.py")
        if "text/csv" in path.read_text()
    }

    assert routes == set(EXPORTS)
    assert answering <= {
        "workshops/views/registrants.py",
        "bursaries/views.py",
        "feedback/views.py",
        "programmes/forms.py",  # the invitation upload's accept= list, not an export
    }


@pytest.mark.parametrize("export", EXPORTS)
def test_csv_exports_never_start_a_cell_with_a_formula(
    client, organiser, programme, with_mfa, export
):
    url, who = EXPORTS[export](client, organiser, programme)
    client.force_login(with_mfa(who))

    rows = _cells(client.get(url))

    cells = [cell for row in rows for cell in row]
    assert len(rows) > 1
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    # At least one planted formula came through, as text.
    assert any(cell.startswith("'") and cell[1:] in FORMULAS for cell in cells)
