"""Settings for the co-design platform.

One module for every place it runs: production, `make run` and the tests differ only by
environment variables (see .env.example and the table in README.md).
"""

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from codesign.env import env_bool, env_int, env_list, env_str, parse_email_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

# The test run sets its own fast password hasher and runs tasks in-process unless a test
# starts a real worker.
TESTING = "pytest" in sys.modules

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-key-for-local-use-only-" + "x" * 32  # noqa: S105
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it to a long random value, or set DEBUG=true on your "
            "own computer."
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_NAME = env_str("SITE_NAME", "Co-design")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "codesign.accounts",
    "codesign.core",
    "programmes",
    "workshops",
    "participants",
    "pairs",
    "bursaries",
    "feedback",
    "privacy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Lets the change history of tracked records (codesign/core/audit.py) know who acted.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "codesign.accounts.middleware.StaffSessionMiddleware",
    "codesign.accounts.middleware.StaffMFAMiddleware",
    "codesign.core.middleware.NullCharacterMiddleware",
    "codesign.core.middleware.ChangeMiddleware",
]

ROOT_URLCONF = "codesign.urls"
WSGI_APPLICATION = "codesign.wsgi.application"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "codesign.core.context_processors.site",
            ],
        },
    },
]

# Database: a SQLite file unless DATABASE_URL says otherwise.
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'codesign.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (web, worker, beat) share the file under `make run`.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis is the Celery broker and the cache. Without it, Celery passes messages through a
# folder and the cache lives in each process's memory.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's, keeping one Redis client per connection (codesign/core/redis_cache.py).
            "BACKEND": "codesign.core.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "codesign",
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    _broker_dir = VAR_DIR / "celery-broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }

# Celery: JSON only, acknowledged after the work is done, never results we don't read.
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "codesign")
if TESTING:
    # Parallel test processes share one broker: each gets a queue of its own.
    CELERY_TASK_DEFAULT_QUEUE += "-test-" + os.environ.get("PYTEST_XDIST_WORKER", "main")
CELERY_TIMEZONE = env_str("TIME_ZONE", "Europe/London")
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Tests run tasks in-process unless a test starts a real worker (tests/conftest.py).
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", TESTING)
CELERY_TASK_EAGER_PROPAGATES = True
# The one place periodic work is declared. Work due later (reminders) is found by these
# scans, never by tasks queued with a countdown.
CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {
        "task": "codesign.core.tasks.sessions_clear_expired_task",
        "schedule": 60 * 60 * 6,
    },
    "expire-waitlist-offers": {
        "task": "workshops.tasks.offers_expire_task",
        "schedule": 60 * 5,
    },
    "send-lost-messages": {
        "task": "codesign.core.tasks.outbox_flush_task",
        "schedule": 60 * 2,
    },
    "queue-reminders": {
        "task": "workshops.tasks.reminders_queue_task",
        "schedule": 60 * 5,
    },
    "queue-feedback-requests": {
        "task": "feedback.tasks.feedback_requests_queue_task",
        "schedule": 60 * 15,
    },
    "retention-sweep": {
        "task": "privacy.tasks.retention_sweep_task",
        "schedule": 60 * 60 * 24,
    },
}

# Email: by default each email is printed and saved as an .eml file in var/mail.
MAILERS = {
    "default": parse_email_url(
        env_str("EMAIL_URL", f"demo://{VAR_DIR / 'mail'}"), default_folder=str(VAR_DIR / "mail")
    )
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Co-design <noreply@example.org>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Accounts
AUTH_USER_MODEL = "accounts.User"
# Django's and allauth's, reading the signed-in person from the cache when it is shared
# (SIGNED_IN_CACHE: codesign/accounts/backends.py).
AUTHENTICATION_BACKENDS = [
    "codesign.accounts.backends.ModelBackend",
    "codesign.accounts.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:home"
ACCOUNT_LOGOUT_REDIRECT_URL = "core:home"
# New people go straight on to describe themselves once their email address is verified.
ACCOUNT_SIGNUP_REDIRECT_URL = "participants:profile"
ACCOUNT_ADAPTER = "codesign.accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# Our sign-up form adds a spam trap (codesign/core/honeypot.py) instead of a captcha.
ACCOUNT_FORMS = {"signup": "codesign.accounts.forms.SignupForm"}
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
# Behind proxies, rate limits must count the visitor's address, not the proxy's.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env_str("MFA_TOTP_ISSUER", "Co-design")
# Site admins and programme team members must set up an authenticator app before they reach
# staff pages. `make run` turns this off so the demo can be tried straight away.
STAFF_MFA_REQUIRED = env_bool("STAFF_MFA_REQUIRED", True)

# Internationalisation
LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

# Static files, served by WhiteNoise from the web process.
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Workshop materials (slides, easy-read versions, maps) can be up to this size.
MATERIAL_MAX_BYTES = 10 * 1024 * 1024
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Locally and in tests WhiteNoise serves straight from static/ without collectstatic.
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Security. Pages never run inline scripts; the CSP below makes sure of it.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# Sessions live in the database; with Redis they are read from the cache too, which saves a
# query on every signed-in page. Not with the per-process cache used without Redis: a sign-out
# in one process would not reach another's copy.
# Keep signed-in people's busiest pages, and the people themselves, in the cache between
# changes (codesign/core/cache.py, codesign/accounts/backends.py). Only with a cache every
# process shares (Redis): one process's own would not hear of a change made in another.
SIGNED_IN_CACHE = env_bool("SIGNED_IN_CACHE", bool(REDIS_URL))
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 24 * 14)
# Staff sign-ins end sooner: after this many seconds without use (StaffSessionMiddleware).
STAFF_SESSION_AGE = env_int("STAFF_SESSION_AGE", 60 * 60 * 8)
# Behind a proxy that terminates TLS (see docker-compose.yml), trust its header.
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG and not TESTING:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# People who have not taken part for this many months after every programme they took part
# in closed are erased by the daily retention sweep (privacy.tasks.retention_sweep_task).
RETENTION_MONTHS = env_int("RETENTION_MONTHS", 24)
if RETENTION_MONTHS < 1:
    raise ImproperlyConfigured("RETENTION_MONTHS should be 1 or more: the months to keep data.")

# Bump when the privacy notice changes; people are asked to read the new one.
PRIVACY_NOTICE_VERSION = "2026-11"

DEMO_PASSWORD = env_str("DEMO_PASSWORD", "codesign-demo")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
