import pytest
from django.core.exceptions import ImproperlyConfigured

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
