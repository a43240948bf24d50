import importlib.util

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import mailers

from codesign.env import env_bool, env_int, parse_email_url


def test_smtp_url_becomes_a_starttls_mailer_with_its_credentials():
    mailer = parse_email_url(
        "smtp://user%40example.org:p%2Fss@mail.example.org:2525", default_folder="x"
    )

    assert mailer["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert mailer["OPTIONS"] == {
        "host": "mail.example.org",
        "port": 2525,
        "username": "user@example.org",
        "password": "p/ss",
        "use_ssl": False,
        "use_tls": True,
        "timeout": 20,
    }


def test_smtps_url_uses_ssl_on_port_465_by_default():
    options = parse_email_url("smtps://u:p@mail.example.org", default_folder="x")["OPTIONS"]

    assert options["use_ssl"] is True
    assert options["use_tls"] is False
    assert options["port"] == 465


def test_demo_url_saves_emails_in_the_folder_it_names():
    mailer = parse_email_url("demo:///tmp/mail-here", default_folder="/elsewhere")

    assert mailer["BACKEND"] == "codesign.core.email_backends.ConsoleAndFolderBackend"
    assert mailer["OPTIONS"] == {"folder": "/tmp/mail-here"}


def test_an_unknown_email_url_scheme_is_refused_with_the_ones_we_know():
    with pytest.raises(ImproperlyConfigured, match="smtp"):
        parse_email_url("carrier-pigeon://loft", default_folder="x")


def test_an_smtp_url_without_a_host_is_refused():
    with pytest.raises(ImproperlyConfigured, match="host"):
        parse_email_url("smtp://", default_folder="x")


def test_true_and_false_are_read_in_the_usual_spellings(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "Yes")
    assert env_bool("SOME_FLAG", False) is True
    monkeypatch.setenv("SOME_FLAG", "off")
    assert env_bool("SOME_FLAG", True) is False
    monkeypatch.delenv("SOME_FLAG")
    assert env_bool("SOME_FLAG", True) is True


def test_a_flag_that_is_neither_true_nor_false_is_refused(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "maybe")

    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG"):
        env_bool("SOME_FLAG", False)


def test_a_number_that_is_not_a_number_is_refused(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "ten")

    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env_int("SOME_NUMBER", 1)


# Email services with their own API, through django-anymail: the credential is in the URL.
SERVICES = [
    (
        "postmark://server%2Ftoken@",
        "anymail.backends.postmark.EmailBackend",
        {"server_token": "server/token"},
        {"server_token": "server/token"},
    ),
    (
        "postmark://TOKEN@?message_stream=outbound",
        "anymail.backends.postmark.EmailBackend",
        {"server_token": "TOKEN", "message_stream": "outbound"},
        {"message_stream": "outbound"},
    ),
    (
        "sendgrid://SG.abc.def@",
        "anymail.backends.sendgrid.EmailBackend",
        {"api_key": "SG.abc.def"},
        {"api_key": "SG.abc.def"},
    ),
    (
        "mailgun://key-123@mg.example.org",
        "anymail.backends.mailgun.EmailBackend",
        {"api_key": "key-123", "sender_domain": "mg.example.org"},
        {"api_key": "key-123", "sender_domain": "mg.example.org"},
    ),
    (
        "mailgun://key-123@mg.example.org?region=eu",
        "anymail.backends.mailgun.EmailBackend",
        {
            "api_key": "key-123",
            "sender_domain": "mg.example.org",
            "api_url": "https://api.eu.mailgun.net/v3",
        },
        {"api_url": "https://api.eu.mailgun.net/v3/"},
    ),
    (
        "brevo://xkeysib-123@",
        "anymail.backends.brevo.EmailBackend",
        {"api_key": "xkeysib-123"},
        {"api_key": "xkeysib-123"},
    ),
    (
        "mailjet://public:secret@",
        "anymail.backends.mailjet.EmailBackend",
        {"api_key": "public", "secret_key": "secret"},
        {"api_key": "public", "secret_key": "secret"},
    ),
]


# Anymail still sends through SendGrid but no longer tests against it, and says so.
@pytest.mark.filterwarnings("ignore::anymail.exceptions.AnymailNotSupportedWarning")
@pytest.mark.parametrize(("url", "backend", "options", "attributes"), SERVICES)
def test_an_email_service_url_becomes_its_anymail_backend_with_the_credential(
    url, backend, options, attributes, settings
):
    mailer = parse_email_url(url, default_folder="x")

    assert mailer == {"BACKEND": backend, "OPTIONS": options}
    settings.MAILERS = {"default": mailer}
    connection = mailers.default
    assert type(connection).__module__ + ".EmailBackend" == backend
    for name, value in attributes.items():
        assert getattr(connection, name) == value


HAS_BOTO3 = importlib.util.find_spec("boto3") is not None


@pytest.mark.skipif(not HAS_BOTO3, reason="Amazon SES needs django-anymail[amazon-ses]")
def test_an_amazon_ses_url_names_the_region_and_can_carry_keys(settings):
    mailer = parse_email_url("ses://AKIA123:s%2Fcret@?region=eu-west-2", default_folder="x")

    assert mailer == {
        "BACKEND": "anymail.backends.amazon_ses.EmailBackend",
        "OPTIONS": {
            "client_params": {
                "region_name": "eu-west-2",
                "aws_access_key_id": "AKIA123",
                "aws_secret_access_key": "s/cret",
            }
        },
    }
    settings.MAILERS = {"default": mailer}
    assert mailers.default.client_params["region_name"] == "eu-west-2"


@pytest.mark.skipif(HAS_BOTO3, reason="boto3 is installed")
def test_an_amazon_ses_url_without_boto3_says_what_to_install():
    with pytest.raises(ImproperlyConfigured, match=r"django-anymail\[amazon-ses\]"):
        parse_email_url("ses://?region=eu-west-2", default_folder="x")


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("postmark://", "postmark://SERVER_TOKEN@"),
        ("sendgrid://@", "sendgrid://API_KEY@"),
        ("mailjet://public@", "secret key"),
    ],
)
def test_an_email_service_url_without_its_key_is_refused_with_an_example(url, words):
    with pytest.raises(ImproperlyConfigured, match=words):
        parse_email_url(url, default_folder="x")


def test_the_refusal_of_an_unknown_scheme_names_the_services_too():
    with pytest.raises(ImproperlyConfigured, match="postmark"):
        parse_email_url("pigeon://loft", default_folder="x")
