"""`make bench`: the platform at national-programme scale, served as in production.

    python -m bench.run                  # seed if needed, then measure everything
    python -m bench.run --force-seed     # seed again from scratch
    python -m bench.run --duration 10    # seconds of load per page (default 20)
    python -m bench.run --scale tiny     # a quick try of the whole thing

Steps: create and migrate the database (DATABASE_URL, default the local codesign_bench), seed
it (bench/seed.py; skipped when it already holds the same scale), count each page's queries
through Django's test client at the biggest and the smallest size (made afresh), start
gunicorn with production settings (2 workers of 4 threads, as the Dockerfile runs it), drive
each page with locust (20 users, no pause) after the trivial /healthz/ view that sets the
ceiling, register 200 people at once for 50 places over HTTP, then time a day's reminders
through a real Celery worker. Results go to bench/results/latest.json and latest.md; the table
is printed with the README snippet.

Production settings with two changes for plain http on loopback: SECURE_SSL_REDIRECT=false
(no TLS here), and STAFF_MFA_REQUIRED=false, because staff sessions are made directly in the
database rather than through a sign-in with an authenticator app. Every other setting is as
deployed: DEBUG off, a fresh SECRET_KEY, compressed static files, Redis as the cache.
"""

import argparse
import csv
import json
import os
import platform
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
WORK = ROOT / "var" / "bench"
PORT = int(os.environ.get("BENCH_PORT", "8765"))
HOST = f"http://127.0.0.1:{PORT}"
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/codesign_bench"
DEFAULT_REDIS = "redis://127.0.0.1:6379/3"
USERS = 20
WORKERS = 2
# gthread workers, as the Dockerfile runs them.
THREADS = 4

TARGET_P95_MS = 150
TARGET_SHARE = 0.25
TARGET_QUERIES = 15
REGISTER_PEOPLE = 200
REGISTER_PLACES = 50
REMINDER_WORKSHOPS = 50
REMINDER_PEOPLE_EACH = 100

PAGES = [
    ("workshop list", "Workshop list"),
    ("workshop page", "Workshop page"),
    ("my workshops", "My workshops"),
    ("organiser dashboard", "Organiser dashboard"),
    ("registrants", "Registrants list"),
    ("feedback report", "Feedback report"),
    ("bursary queue", "Bursary queue"),
    ("calendar feed", "iCalendar feed"),
]
TRIVIAL = "trivial view"


def log(message: str) -> None:
    print(message, flush=True)


# Environment and database


def configure(args: argparse.Namespace) -> dict[str, str]:
    """Production settings for plain http on loopback, shared by this process, gunicorn and
    the Celery worker (the sessions made here must be valid there: same SECRET_KEY)."""
    env = {
        "DATABASE_URL": os.environ.get("DATABASE_URL") or DEFAULT_DATABASE,
        "REDIS_URL": os.environ.get("REDIS_URL") or DEFAULT_REDIS,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "STAFF_MFA_REQUIRED": "false",
        "EMAIL_URL": "dummy://",
        "SITE_URL": HOST,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_QUEUE": "bench-web",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "codesign.settings",
    }
    os.environ.update(env)
    return env


def create_database(url: str) -> None:
    """CREATE DATABASE if it is missing (PostgreSQL only)."""
    import dj_database_url
    import psycopg2

    config = dj_database_url.parse(url)
    if "postgresql" not in config["ENGINE"]:
        return
    connection = psycopg2.connect(
        dbname="postgres",
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
        if cursor.fetchone() is None:
            log(f"Creating the database {config['NAME']}.")
            cursor.execute(f'CREATE DATABASE "{config["NAME"]}"')
    connection.close()


# What to open, and as whom


def _session_for(user: Any) -> str:
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return store.session_key


def build_plan() -> dict[str, Any]:
    """For each page: the visits the load uses (the biggest programme's staff pages, many
    participants' own pages), and a biggest and a smallest case for counting queries."""
    from django.db.models import Count, Q
    from django.urls import reverse
    from django.utils import timezone

    from bench.seed import staff_email
    from codesign.accounts.models import User
    from programmes.models import Programme
    from workshops.models import Registration, Workshop

    now = timezone.now()
    programmes = list(
        Programme.objects.filter(slug__startswith="bench-")
        .annotate(n=Count("workshops"))
        .order_by("-n", "slug")
    )
    big, small = programmes[0], programmes[-1]
    number = {p.pk: int(p.slug.split("-")[1]) for p in programmes}

    def staff(programme: Programme, role: str) -> Any:
        return User.objects.get(email=staff_email(role, number[programme.pk]))

    upcoming = (
        Workshop.objects.filter(programme__slug__startswith="bench-", starts_at__gt=now)
        .annotate(n=Count("registrations"))
        .order_by("-n", "pk")
    )
    busiest_upcoming = list(upcoming.filter(programme=big)[:20])
    quietest_upcoming = upcoming.filter(programme=small).order_by("n", "pk").first()
    sample_upcoming = list(upcoming.order_by("?")[:200])
    participants = list(
        User.objects.filter(email__startswith="person")
        .annotate(
            n=Count("registrations", filter=~Q(registrations__status=Registration.Status.CANCELLED))
        )
        .filter(n__gt=0)
        .order_by("?")[:200]
    )
    busiest_person = (
        User.objects.filter(email__startswith="person")
        .annotate(n=Count("registrations"))
        .order_by("-n", "pk")
        .first()
    )
    quietest_person = (
        User.objects.filter(email__startswith="person")
        .annotate(n=Count("registrations"))
        .filter(n=1)
        .first()
    ) or participants[-1]
    organiser, reviewer = staff(big, "organiser"), staff(big, "reviewer")
    organiser_sessions = [_session_for(organiser), _session_for(staff(big, "organiser2"))]
    reviewer_session = _session_for(reviewer)

    def url(name: str, **kwargs: Any) -> str:
        return reverse(name, kwargs=kwargs)

    pages: dict[str, dict[str, Any]] = {
        TRIVIAL: {"visits": [[url("core:healthz"), None]], "big": None, "small": None},
        "workshop list": {
            "visits": [
                [url("workshops:list") + (f"?page={n}" if n > 1 else ""), None] for n in range(1, 6)
            ],
            "big": [url("workshops:list"), None],
            "small": [url("workshops:list") + f"?programme={small.slug}", None],
        },
        "workshop page": {
            "visits": [[url("workshops:detail", pk=w.pk), None] for w in sample_upcoming],
            "big": [url("workshops:detail", pk=busiest_upcoming[0].pk), None],
            "small": [url("workshops:detail", pk=quietest_upcoming.pk), None],
        },
        "my workshops": {
            "visits": [[url("workshops:mine"), _session_for(p)] for p in participants],
            "big": [url("workshops:mine"), busiest_person.pk],
            "small": [url("workshops:mine"), quietest_person.pk],
        },
        "organiser dashboard": {
            "visits": [[url("programmes:dashboard"), s] for s in organiser_sessions],
            "big": [url("programmes:dashboard"), organiser.pk],
            "small": [url("programmes:dashboard"), staff(small, "organiser").pk],
        },
        "registrants": {
            "visits": [
                [url("workshops:registrants", pk=w.pk), s]
                for w in busiest_upcoming
                for s in organiser_sessions
            ],
            "big": [url("workshops:registrants", pk=busiest_upcoming[0].pk), organiser.pk],
            "small": [
                url("workshops:registrants", pk=quietest_upcoming.pk),
                staff(small, "organiser").pk,
            ],
        },
        "feedback report": {
            "visits": [
                [url("feedback:programme_report", slug=big.slug), s] for s in organiser_sessions
            ],
            "big": [url("feedback:programme_report", slug=big.slug), organiser.pk],
            "small": [
                url("feedback:programme_report", slug=small.slug),
                staff(small, "organiser").pk,
            ],
        },
        "bursary queue": {
            "visits": [[url("bursaries:queue", slug=big.slug), reviewer_session]],
            "big": [url("bursaries:queue", slug=big.slug), reviewer.pk],
            "small": [url("bursaries:queue", slug=small.slug), staff(small, "reviewer").pk],
        },
        "calendar feed": {
            "visits": [[url("workshops:programme_feed", slug=big.slug), None]],
            "big": [url("workshops:programme_feed", slug=big.slug), None],
            "small": [url("workshops:programme_feed", slug=small.slug), None],
        },
    }
    return {
        "pages": pages,
        "big_programme": {"slug": big.slug, "workshops": big.n},
        "small_programme": {"slug": small.slug, "workshops": small.n},
    }


def count_queries(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each page through Django's test client, at its biggest and smallest case: the number of
    queries when it is made afresh (every cache version bumped first, as after a change) and
    the time that takes; then the queries when it is served again from the cache."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from codesign.accounts.models import User
    from codesign.core.cache import FEEDBACK, PUBLIC_WORKSHOPS, SIGNED_IN_PAGES, bump

    def fresh() -> None:
        for scope in (PUBLIC_WORKSHOPS, FEEDBACK, SIGNED_IN_PAGES):
            bump(scope)

    counted: dict[str, dict[str, Any]] = {}
    for page, spec in plan["pages"].items():
        if page == TRIVIAL:
            counted[page] = {"big": 0, "small": 0, "big_ms": 0.0, "big_kept": 0}
            continue
        result: dict[str, Any] = {}
        for size in ("big", "small"):
            address, user_id = spec[size]
            client = Client()
            if user_id is not None:
                client.force_login(User.objects.get(pk=user_id))
            client.get(address)  # warm: templates, connection
            fresh()
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(address)
                elapsed = time.perf_counter() - started
            if response.status_code != 200:
                raise SystemExit(f"{page} ({size}) answered {response.status_code}: {address}")
            with CaptureQueriesContext(connection) as kept:
                client.get(address)
            result[size] = len(queries.captured_queries)
            result[f"{size}_kept"] = len(kept.captured_queries)
            result[f"{size}_ms"] = elapsed * 1000
            result[f"{size}_kb"] = len(response.content) / 1024
        counted[page] = result
    return counted


# The server


def _memory_kb(pid: int) -> tuple[int, int]:
    from codesign.core.management.commands.bench_notices import _memory_kb as memory

    return memory(pid)


def _children(pid: int) -> list[int]:
    from codesign.core.management.commands.bench_notices import _children as children

    return children(pid)


def start_server(env: dict[str, str]) -> subprocess.Popen[bytes]:
    WORK.mkdir(parents=True, exist_ok=True)
    log_file = (WORK / "gunicorn.log").open("ab")
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "gunicorn",
            "codesign.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(WORKERS),
            "--worker-class",
            "gthread",
            "--threads",
            str(THREADS),
            "--worker-tmp-dir",
            "/dev/shm",  # noqa: S108 - as the Dockerfile does
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped at once: see {WORK / 'gunicorn.log'}")
        try:
            with urllib.request.urlopen(f"{HOST}/healthz/", timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    stop(server)
    raise SystemExit("gunicorn did not answer within 30 s.")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def server_memory(server: subprocess.Popen[bytes]) -> dict[str, float]:
    """Peak resident memory (VmHWM) of the gunicorn master and of its busiest worker, in MB."""
    workers = [_memory_kb(pid)[1] for pid in _children(server.pid)]
    return {
        "master_peak_mb": _memory_kb(server.pid)[1] / 1024,
        "worker_peak_mb": max(workers, default=0) / 1024,
        "workers": len(workers),
    }


def warm(plan: dict[str, Any]) -> None:
    """A few requests per page, so every worker has its templates loaded before timing."""
    for spec in plan["pages"].values():
        for address, session in spec["visits"][:4]:
            request = urllib.request.Request(HOST + address)  # noqa: S310 - loopback
            if session:
                request.add_header("Cookie", f"sessionid={session}")
            try:
                urllib.request.urlopen(request, timeout=60).read()  # noqa: S310
            except urllib.error.HTTPError as error:
                raise SystemExit(
                    f"{HOST + address} answered {error.code} while warming up."
                ) from None


def load(page: str, plan_file: Path, duration: int) -> dict[str, Any]:
    """locust, headless, 20 users with no pause, statistics reset once all have started."""
    prefix = WORK / f"locust-{page.replace(' ', '-')}"
    env = {**os.environ, "BENCH_PLAN": str(plan_file), "BENCH_PAGE": page}
    log_file = (WORK / "locust.log").open("ab")
    subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--users",
            str(USERS),
            "--spawn-rate",
            str(USERS),
            "--run-time",
            f"{duration}s",
            "--reset-stats",
            "--host",
            HOST,
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "ERROR",
            "--exit-code-on-error",
            "0",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    with open(f"{prefix}_stats.csv", newline="") as stats:
        row = next(r for r in csv.DictReader(stats) if r["Name"] == "Aggregated")

    def number(name: str) -> float:
        # locust writes N/A when no request finished in the measured time.
        try:
            return float(row[name])
        except ValueError:
            return float(duration * 1000)

    return {
        "requests": int(row["Request Count"]),
        "failures": int(row["Failure Count"]),
        "rps": float(row["Requests/s"]),
        "median_ms": number("50%"),
        "p95_ms": number("95%"),
        "mean_ms": number("Average Response Time"),
        "load_average": os.getloadavg()[0],
    }


# Registration under load


def registration_rush(env: dict[str, str]) -> dict[str, Any]:
    """200 people press Register at once for a workshop with 50 places, over HTTP: exactly 50
    must end with a place, and the rest wait in line."""
    import datetime as dt

    from django.db.models import Count
    from django.utils import timezone

    from codesign.accounts.models import User
    from programmes.models import Programme
    from workshops.models import Registration, Workshop

    now = timezone.now()
    programme = Programme.objects.get(slug="bench-01")
    workshop = Workshop.objects.create(
        programme=programme,
        title="Benchmark: the rush for places",
        description="Fictional.",
        starts_at=now + dt.timedelta(days=30),
        ends_at=now + dt.timedelta(days=30, hours=3),
        format=Workshop.Format.ONLINE,
        joining_url="https://meet.example.invalid/rush",
        capacity=REGISTER_PLACES,
        status=Workshop.Status.PUBLISHED,
        safeguarding_lead_name="Sam Safe",
        safeguarding_lead_contact="safeguarding@example.invalid",
        access_contact_name="Alex Access",
        access_contact_details="access@example.invalid",
    )
    try:
        # Adults, so nobody waits for a guardian's consent.
        people = list(
            User.objects.filter(email__startswith="person", profile__date_of_birth__year__lt=2005)
            .exclude(profile__perspectives__contains=["young_person"])
            .order_by("?")[:REGISTER_PEOPLE]
        )
        sessions = [_session_for(person) for person in people]
        csrf = secrets.token_hex(16)  # 32 characters, as Django's own cookie
        address = f"{HOST}/workshops/{workshop.pk}/register/"
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf, "companion_name": ""}).encode()
        start = threading.Barrier(len(sessions))
        statuses: list[int] = []

        def press(session: str) -> float:
            request = urllib.request.Request(address, data=body, method="POST")  # noqa: S310
            request.add_header("Cookie", f"sessionid={session}; csrftoken={csrf}")
            request.add_header("Content-Type", "application/x-www-form-urlencoded")
            start.wait()
            begun = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=120) as answer:  # noqa: S310
                    statuses.append(answer.status)
            except urllib.error.HTTPError as error:
                statuses.append(error.code)
            return time.perf_counter() - begun

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args: Any, **kwargs: Any) -> None:
                return None

        urllib.request.install_opener(urllib.request.build_opener(NoRedirect))
        begun = time.perf_counter()
        with ThreadPoolExecutor(max_workers=len(sessions)) as pool:
            times = sorted(pool.map(press, sessions))
        wall = time.perf_counter() - begun
        urllib.request.install_opener(urllib.request.build_opener())
        counts = dict(
            Registration.objects.filter(workshop=workshop)
            .order_by()
            .values_list("status")
            .annotate(n=Count("id"))
        )
        confirmed = counts.get(Registration.Status.CONFIRMED, 0)
        return {
            "people": len(sessions),
            "places": REGISTER_PLACES,
            "confirmed": confirmed,
            "waitlisted": counts.get(Registration.Status.WAITLISTED, 0),
            "other": {k: v for k, v in counts.items() if k not in ("confirmed", "waitlisted")},
            "redirects": sum(1 for s in statuses if s == 302),
            "errors": sum(1 for s in statuses if s >= 400),
            "seconds": wall,
            "p95_ms": times[int(len(times) * 0.95) - 1] * 1000 if times else 0.0,
            "ok": confirmed == REGISTER_PLACES,
        }
    finally:
        _delete_workshops([workshop.pk])


def _delete_workshops(pks: list[int]) -> None:
    from codesign.core.models import OutboxMessage
    from workshops.models import Workshop

    OutboxMessage.objects.filter(workshop_id__in=pks).delete()
    Workshop.objects.filter(pk__in=pks).delete()


def _purge_queue(name: str) -> None:
    import redis
    from django.conf import settings

    redis.Redis.from_url(settings.REDIS_URL).delete(name)


# Reminders


def reminders_day() -> dict[str, Any]:
    """A day with 5,000 people due a reminder (50 workshops of 100 tomorrow): how long the
    periodic scan takes to queue them, and a real Celery worker (2 processes) to send them."""
    import datetime as dt

    from django.db import transaction
    from django.db.models import Max, Min
    from django.utils import timezone

    from bench.seed import write
    from codesign.accounts.models import User
    from codesign.core.management.commands import bench_notices
    from codesign.core.models import OutboxMessage
    from codesign.core.notices import outbox_queue
    from programmes.models import Programme
    from workshops.models import Registration, Workshop
    from workshops.services import reminders_queue

    now = timezone.now()
    queue = f"bench-reminders-{secrets.token_hex(4)}"
    programme = Programme.objects.get(slug="bench-01")
    starts = (now + dt.timedelta(hours=23, minutes=30)).replace(microsecond=0)
    made = Workshop.objects.bulk_create(
        [
            Workshop(
                programme=programme,
                title=f"Benchmark: tomorrow's workshop {n + 1}",
                description="Fictional.",
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=3),
                format=Workshop.Format.ONLINE,
                joining_url="https://meet.example.invalid/tomorrow",
                capacity=REMINDER_PEOPLE_EACH,
                status=Workshop.Status.PUBLISHED,
                reminder_offsets=[24],
                safeguarding_lead_name="Sam Safe",
                safeguarding_lead_contact="safeguarding@example.invalid",
                access_contact_name="Alex Access",
                access_contact_details="access@example.invalid",
            )
            for n in range(REMINDER_WORKSHOPS)
        ]
    )
    pks = [w.pk for w in made]
    worker = None
    try:
        people = list(
            User.objects.filter(email__startswith="person")
            .order_by("pk")
            .values_list("pk", flat=True)[: REMINDER_WORKSHOPS * REMINDER_PEOPLE_EACH]
        )
        booked = now - dt.timedelta(days=10)
        write(
            Registration,
            (
                {
                    "workshop_id": pks[i // REMINDER_PEOPLE_EACH],
                    "user_id": user_id,
                    "status": Registration.Status.CONFIRMED,
                    "perspectives": ["patient"],
                    "created_at": booked,
                    "updated_at": booked,
                }
                for i, user_id in enumerate(people)
            ),
            with_ids=False,
        )
        begun = time.perf_counter()
        with outbox_queue(queue), transaction.atomic():
            queued = reminders_queue(now=now)
        queue_seconds = time.perf_counter() - begun
        messages = OutboxMessage.objects.filter(workshop_id__in=pks)
        started = time.perf_counter()
        worker = bench_notices.Command()._start_worker(
            queue, {"email_url": "dummy://", "concurrency": 2}
        )
        peaks: dict[int, int] = {}
        pending = messages.filter(status=OutboxMessage.Status.PENDING).count()
        while pending:
            if worker.poll() is not None:
                raise SystemExit("The Celery worker stopped while sending reminders.")
            if time.perf_counter() - started > 600:
                raise SystemExit(f"Reminders: gave up after 600 s with {pending} left.")
            for pid in [worker.pid, *_children(worker.pid)]:
                peaks[pid] = max(peaks.get(pid, 0), _memory_kb(pid)[1])
            time.sleep(0.2)
            pending = messages.filter(status=OutboxMessage.Status.PENDING).count()
        wall = time.perf_counter() - started
        for pid in [worker.pid, *_children(worker.pid)]:
            peaks[pid] = max(peaks.get(pid, 0), _memory_kb(pid)[1])
        span = messages.filter(status=OutboxMessage.Status.SENT).aggregate(
            first=Min("sent_at"), last=Max("sent_at")
        )
        sent = messages.filter(status=OutboxMessage.Status.SENT).count()
        main = peaks.pop(worker.pid, 0)
        return {
            "registrations": len(people),
            # The scan also queues seeded workshops' reminders that happen to fall due now.
            "queued": messages.count(),
            "queued_all": queued,
            "sent": sent,
            "queue_seconds": queue_seconds,
            "send_seconds": (span["last"] - span["first"]).total_seconds() if sent > 1 else wall,
            "wall_seconds": wall,
            "worker_main_peak_mb": main / 1024,
            "worker_child_peak_mb": max(peaks.values(), default=0) / 1024,
        }
    finally:
        if worker is not None:
            bench_notices.Command()._stop_worker(worker)
        _delete_workshops(pks)
        _purge_queue(queue)


# The whole run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", choices=["full", "tiny"], default="full")
    parser.add_argument("--force-seed", action="store_true", help="Seed again from scratch.")
    parser.add_argument("--duration", type=int, default=20, help="Seconds of load per page.")
    parser.add_argument("--skip-reminders", action="store_true")
    parser.add_argument(
        "--yes", action="store_true", help="Empty a database that holds other programmes."
    )
    args = parser.parse_args(argv)
    total_started = time.perf_counter()
    # Other work on the machine slows every page alike: the table says how busy it was.
    load_before = os.getloadavg()[0]
    env = configure(args)
    create_database(env["DATABASE_URL"])

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench import report
    from bench.seed import SCALES, NotOurs, ensure_seeded

    log("Migrating the database.")
    call_command("migrate", interactive=False, verbosity=0)
    log("Collecting static files (production serves them compressed, with a manifest).")
    call_command("collectstatic", interactive=False, verbosity=0)
    scale = SCALES[args.scale]
    try:
        seeded = ensure_seeded(scale, force=args.force_seed, yes=args.yes, log=log)
    except NotOurs as error:
        raise SystemExit(str(error)) from None

    log("Choosing pages and making sessions.")
    plan = build_plan()
    WORK.mkdir(parents=True, exist_ok=True)
    plan_file = WORK / "plan.json"
    plan_file.write_text(json.dumps(plan))
    log("Counting queries per page (biggest and smallest case).")
    queries = count_queries(plan)
    connection.close()

    server = start_server(env)
    pages: dict[str, dict[str, Any]] = {}
    try:
        warm(plan)
        for page in [TRIVIAL, *(p for p, _ in PAGES)]:
            log(f"Load: {page} ({USERS} users, {args.duration} s)")
            pages[page] = load(page, plan_file, args.duration)
            log(
                f"  {pages[page]['rps']:.0f} req/s, median {pages[page]['median_ms']:.0f} ms, "
                f"p95 {pages[page]['p95_ms']:.0f} ms, {pages[page]['failures']} failed"
            )
        memory = server_memory(server)
        log("Registration rush: 200 people, 50 places.")
        rush = registration_rush(env)
        log(
            f"  {rush['confirmed']} confirmed, {rush['waitlisted']} waiting, {rush['errors']} errors"
        )
        memory_after = server_memory(server)
    finally:
        stop(server)
        _purge_queue(env["CELERY_QUEUE"])
    reminders = None
    if not args.skip_reminders:
        log("Reminders for a day with 5,000 registrations.")
        reminders = reminders_day()
        log(
            f"  queued {reminders['queued']:,} in {reminders['queue_seconds']:.1f} s, sent in {reminders['send_seconds']:.1f} s"
        )

    results = report.assemble(
        scale=seeded.scale,
        seed_seconds=seeded.seconds,
        plan=plan,
        queries=queries,
        pages=pages,
        memory={
            **memory,
            "worker_peak_mb": max(memory["worker_peak_mb"], memory_after["worker_peak_mb"]),
        },
        rush=rush,
        reminders=reminders,
        machine={
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "postgresql": _server_version(),
            "duration_s": args.duration,
            "users": USERS,
            "gunicorn_workers": WORKERS,
            "gunicorn_threads": THREADS,
            "load_average_before": load_before,
        },
        total_seconds=time.perf_counter() - total_started,
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    table = report.markdown(results)
    (RESULTS / "latest.md").write_text(table)
    print()
    print(table)
    return 0


def _server_version() -> str:
    from django.db import connection

    if connection.vendor != "postgresql":
        return connection.vendor
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0]


if __name__ == "__main__":
    sys.exit(main())
