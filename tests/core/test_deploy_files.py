"""The deployment files say what the README promises.

No Docker engine runs in the tests, and PyYAML is not a dependency, so these read
docker-compose.yml as text: each service's block is the lines under its name.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = (ROOT / "docker-compose.yml").read_text()
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def _top_level_blocks(text: str) -> dict[str, str]:
    """Each top-level key (services:, x-app:, ...) and the lines under it."""
    blocks: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        match = re.match(r"^([\w.-]+):", line)
        if match:
            current = blocks.setdefault(match.group(1), [])
        elif current is not None:
            current.append(line)
    return {name: "\n".join(lines) for name, lines in blocks.items()}


def _services() -> dict[str, str]:
    """Each service under services: and the lines under it, comments left out."""
    blocks: dict[str, list[str]] = {}
    current = None
    for line in _top_level_blocks(COMPOSE)["services"].splitlines():
        if line.strip().startswith("#"):
            continue
        match = re.match(r"^  ([\w-]+):\s*$", line)
        if match:
            current = blocks.setdefault(match.group(1), [])
        elif current is not None:
            current.append(line)
    return {name: "\n".join(lines) for name, lines in blocks.items()}


def _without_comments(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.strip().startswith("#"))


def test_compose_defines_web_worker_beat_postgres_and_redis_with_health_checks():
    services = _services()

    assert {"web", "worker", "beat", "postgres", "redis"} <= services.keys()
    for name in ("postgres", "redis", "web"):
        assert "healthcheck:" in services[name], name
    assert "pg_isready" in services["postgres"]
    assert "redis-cli ping" in services["redis"]
    assert "--appendonly" in services["redis"]


def test_web_worker_and_beat_wait_for_healthy_postgres_redis_and_finished_migrations():
    services = _services()

    assert "python manage.py migrate --noinput" in services["migrate"]
    for name in ("web", "worker"):
        block = services[name]
        assert re.search(r"postgres:\s+condition: service_healthy", block), name
        assert re.search(r"redis:\s+condition: service_healthy", block), name
        assert re.search(r"migrate:\s+condition: service_completed_successfully", block), name
    assert re.search(r"migrate:\s+condition: service_completed_successfully", services["beat"])


def test_worker_and_beat_run_celery_for_the_codesign_app():
    services = _services()

    assert "command: celery -A codesign worker --loglevel INFO" in services["worker"]
    assert (
        "command: celery -A codesign beat --loglevel INFO --schedule /app/var/celerybeat-schedule"
        in services["beat"]
    )


def test_beat_is_never_scaled_beyond_one_replica():
    counts = re.findall(r"(?:replicas|scale):\s*(\S+)", _services()["beat"])

    assert all(count == "1" for count in counts)


def test_web_and_worker_can_be_scaled_because_nothing_pins_a_name_or_host_port():
    services = _services()

    assert "container_name" not in _without_comments(COMPOSE)
    for name in ("web", "worker", "beat"):
        assert "ports:" not in services[name], name
    # Only the balancer publishes, and only on the loopback address the TLS proxy forwards to.
    assert '- "127.0.0.1:8000:8000"' in services["balancer"]


def test_every_variable_the_compose_file_passes_is_listed_in_env_example():
    env_example = (ROOT / ".env.example").read_text()
    documented = set(re.findall(r"^([A-Z][A-Z0-9_]*)=", env_example, flags=re.MULTILINE))
    compose = _without_comments(COMPOSE)
    # ${NAME}, ${NAME:-default} and ${NAME:?message}, but not nginx's $$name.
    interpolated = set(re.findall(r"(?<!\$)\$\{([A-Z][A-Z0-9_]*)", compose))
    app_environment = _top_level_blocks(compose)["x-app"].split("environment:")[1]
    set_for_the_app = set(re.findall(r"^\s+([A-Z][A-Z0-9_]*):", app_environment, re.MULTILINE))

    assert "env_file: .env" in compose
    assert {"DATABASE_URL", "REDIS_URL", "MEDIA_ROOT"} <= set_for_the_app
    assert sorted((interpolated | set_for_the_app) - documented) == []


def test_image_runs_gunicorn_as_a_non_root_user_with_static_files_collected_at_build():
    dockerignore = (ROOT / ".dockerignore").read_text().splitlines()

    assert "FROM python:3.12-slim" in DOCKERFILE
    assert "pip install -r requirements.txt" in DOCKERFILE
    assert "DEBUG=false SECRET_KEY=build-only python manage.py collectstatic --noinput" in (
        DOCKERFILE
    )
    assert re.search(r"^USER codesign$", DOCKERFILE, re.MULTILINE)
    assert "EXPOSE 8000" in DOCKERFILE
    assert "gunicorn codesign.wsgi:application --bind 0.0.0.0:8000" in DOCKERFILE
    assert "${GUNICORN_WORKERS:-3}" in DOCKERFILE
    # As `make bench` measures it (bench/run.py).
    assert "--worker-class gthread --threads" in DOCKERFILE
    assert "${GUNICORN_THREADS:-4}" in DOCKERFILE
    assert "--access-logfile -" in DOCKERFILE
    # Secrets and local environments never go into the image.
    assert {".env", ".venv", ".git", "var", "node_modules", "staticfiles"} <= set(dockerignore)
