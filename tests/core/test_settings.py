"""The settings module run as production runs it: a separate process with production values."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-real-looking-secret-key-with-plenty-of-characters-0123456789abcdef",
    "ALLOWED_HOSTS": "codesign.example.org",
    "DATABASE_URL": "postgres://codesign:secret@db.example.org:5432/codesign",
    "REDIS_URL": "redis://redis.example.org:6379/0",
    "EMAIL_URL": "smtp://apikey:secret@smtp.example.org:587",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    dropped = {*PRODUCTION, "VAR_DIR", "DJANGO_ALLOW_ASYNC_UNSAFE", "PYTEST_XDIST_WORKER"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.slow_subprocess
def test_deploy_checks_pass_with_production_settings(tmp_path):
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", env={**PRODUCTION, "VAR_DIR": str(tmp_path)}
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.slow_subprocess
def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {**PRODUCTION, "SECRET_KEY": "", "VAR_DIR": str(tmp_path)}

    result = _manage("check", env=env)

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


@pytest.mark.slow_subprocess
def test_seed_demo_refuses_to_run_on_a_production_site(tmp_path):
    env = {
        **PRODUCTION,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "VAR_DIR": str(tmp_path),
    }

    result = _manage("seed_demo", env=env)

    assert result.returncode != 0
    assert "Demo data is not added to real sites" in result.stderr


@pytest.mark.slow_subprocess
@pytest.mark.parametrize(
    ("redis", "engine", "cache", "kept"),
    [
        (
            "redis://redis.example.org:6379/0",
            "cached_db",
            "codesign.core.redis_cache.RedisCache",
            "True",
        ),
        ("", "db", "django.core.cache.backends.locmem.LocMemCache", "False"),
    ],
)
def test_sessions_and_signed_in_pages_use_the_cache_only_when_it_is_shared(
    tmp_path, redis, engine, cache, kept
):
    # Without Redis each process has its own cache: a sign-out in one would not reach another.
    env = {**PRODUCTION, "REDIS_URL": redis, "VAR_DIR": str(tmp_path)}
    code = (
        "from django.conf import settings; print(settings.SESSION_ENGINE, "
        "settings.CACHES['default']['BACKEND'], settings.SIGNED_IN_CACHE)"
    )

    result = _manage("shell", "--no-imports", "-c", code, env=env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [f"django.contrib.sessions.backends.{engine}", cache, kept]
