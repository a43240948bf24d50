"""Read settings from environment variables, with plain errors when a value is wrong."""

import importlib.util
import os
from urllib.parse import ParseResult, parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    """The variable's value; an empty value counts as not set."""
    return os.environ.get(name) or default


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ImproperlyConfigured(f"{name} should be true or false, not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} should be a whole number, not {raw!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


EMAIL_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
    "submission": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "memory": "django.core.mail.backends.locmem.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
    "demo": "codesign.core.email_backends.ConsoleAndFolderBackend",
}
# Email services with their own sending API, through django-anymail. The credential goes in the
# URL's user part (percent-encode any @ : / in it) and reaches the backend as OPTIONS.
ANYMAIL_BACKENDS = {
    "postmark": "anymail.backends.postmark.EmailBackend",
    "sendgrid": "anymail.backends.sendgrid.EmailBackend",
    "mailgun": "anymail.backends.mailgun.EmailBackend",
    "brevo": "anymail.backends.brevo.EmailBackend",
    "mailjet": "anymail.backends.mailjet.EmailBackend",
    "ses": "anymail.backends.amazon_ses.EmailBackend",
}
EMAIL_URL_EXAMPLES = {
    "postmark": "postmark://SERVER_TOKEN@",
    "sendgrid": "sendgrid://API_KEY@",
    "mailgun": "mailgun://API_KEY@mg.example.org (your sending domain)",
    "brevo": "brevo://API_KEY@",
    "mailjet": "mailjet://API_KEY:SECRET_KEY@",
    "ses": "ses://?region=eu-west-2",
}
MAILGUN_EU_API = "https://api.eu.mailgun.net/v3"


def parse_email_url(url: str, *, default_folder: str) -> dict[str, object]:
    """Turn EMAIL_URL into the default entry of Django's MAILERS setting.

    smtp://user:pass@host:587 uses STARTTLS, smtps://user:pass@host:465 uses SSL,
    demo:///path/to/folder prints each email and saves it as an .eml file,
    console://, memory:// and dummy:// are Django's own backends for trying things out.
    postmark://, sendgrid://, mailgun://, brevo://, mailjet:// and ses:// send through that
    service's API (django-anymail): see _anymail_mailer.
    """
    parsed = urlparse(url)
    scheme = parsed.scheme.lower()
    if scheme in ANYMAIL_BACKENDS:
        return _anymail_mailer(scheme, parsed)
    if scheme not in EMAIL_BACKENDS:
        known = ", ".join(sorted([*EMAIL_BACKENDS, *ANYMAIL_BACKENDS]))
        raise ImproperlyConfigured(f"EMAIL_URL should start with one of {known}, not {url!r}.")
    query = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
    options: dict[str, object] = {}
    if scheme in {"smtp", "smtps", "submission"}:
        if not parsed.hostname:
            raise ImproperlyConfigured(
                "EMAIL_URL needs a host name, like smtp://user:pass@host:587."
            )
        options = {
            "host": parsed.hostname,
            "port": parsed.port or (465 if scheme == "smtps" else 587),
            "username": unquote(parsed.username or ""),
            "password": unquote(parsed.password or ""),
            "use_ssl": scheme == "smtps",
            "use_tls": scheme != "smtps" and query.get("tls", "true").lower() in TRUE,
            "timeout": int(query.get("timeout", "20")),
        }
    if scheme == "demo":
        options = {"folder": unquote(parsed.path) or default_folder}
    return {"BACKEND": EMAIL_BACKENDS[scheme], "OPTIONS": options}


def _anymail_mailer(scheme: str, parsed: ParseResult) -> dict[str, object]:
    """postmark://SERVER_TOKEN@, sendgrid://API_KEY@, brevo://API_KEY@,
    mailgun://API_KEY@sending.domain (?region=eu for Mailgun's EU servers),
    mailjet://API_KEY:SECRET_KEY@, ses://?region=eu-west-2 (credentials from the usual AWS
    variables or role, or ses://ACCESS_KEY_ID:SECRET_ACCESS_KEY@?region=...).
    Any service also takes ?api_url=... for a different API address."""
    query = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
    user = unquote(parsed.username or "")
    secret = unquote(parsed.password or "")
    example = EMAIL_URL_EXAMPLES[scheme]
    options: dict[str, object] = {}
    if scheme == "ses":
        if importlib.util.find_spec("boto3") is None:
            raise ImproperlyConfigured(
                "EMAIL_URL ses:// needs boto3: pip install 'django-anymail[amazon-ses]'."
            )
        client: dict[str, str] = {}
        if query.get("region"):
            client["region_name"] = query["region"]
        if user or secret:
            if not (user and secret):
                raise ImproperlyConfigured(
                    "EMAIL_URL for Amazon SES needs both the access key id and the secret, "
                    "like ses://ACCESS_KEY_ID:SECRET_ACCESS_KEY@?region=eu-west-2."
                )
            client |= {"aws_access_key_id": user, "aws_secret_access_key": secret}
        options["client_params"] = client
        if query.get("configuration_set"):
            options["configuration_set_name"] = query["configuration_set"]
    else:
        if not user:
            raise ImproperlyConfigured(f"EMAIL_URL needs the service's key, like {example}.")
        if scheme == "postmark":
            options["server_token"] = user
            if query.get("message_stream"):
                options["message_stream"] = query["message_stream"]
        else:
            options["api_key"] = user
        if scheme == "mailjet":
            if not secret:
                raise ImproperlyConfigured(f"EMAIL_URL needs the secret key too, like {example}.")
            options["secret_key"] = secret
        if scheme == "mailgun":
            if parsed.hostname:
                options["sender_domain"] = parsed.hostname
            if query.get("region", "").lower() == "eu":
                options["api_url"] = MAILGUN_EU_API
        if query.get("api_url"):
            options["api_url"] = query["api_url"]
    return {"BACKEND": ANYMAIL_BACKENDS[scheme], "OPTIONS": options}
