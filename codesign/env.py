"""Read settings from environment variables, with plain errors when a value is wrong."""

import os
from urllib.parse import parse_qs, unquote, urlparse

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


def parse_email_url(url: str, *, default_folder: str) -> dict[str, object]:
    """Turn EMAIL_URL into the default entry of Django's MAILERS setting.

    smtp://user:pass@host:587 uses STARTTLS, smtps://user:pass@host:465 uses SSL,
    demo:///path/to/folder prints each email and saves it as an .eml file,
    console://, memory:// and dummy:// are Django's own backends for trying things out.
    """
    parsed = urlparse(url)
    scheme = parsed.scheme.lower()
    if scheme not in EMAIL_BACKENDS:
        known = ", ".join(sorted(EMAIL_BACKENDS))
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
