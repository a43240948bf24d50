"""How fast the outbox sends a big batch of invitations, and how much memory the worker needs.

    python manage.py bench_notices               # 10,000 invitations
    python manage.py bench_notices --count 1000
    python manage.py bench_notices --compare     # 1,000 then 10,000, side by side

Each run makes a fictional programme and workshop, invites N made-up addresses
(@example.invalid) through the real invitation service, then starts a real Celery worker
(`celery -A codesign worker`, 2 processes, on a queue of its own) and waits until every
message is sent. The worker sends to an email backend that keeps nothing (dummy:// by default;
memory:// keeps every email in the worker's memory, so its memory grows with N by design).
Everything it made is deleted afterwards unless --keep.

It uses the database and broker the settings name: PostgreSQL + Redis with DATABASE_URL and
REDIS_URL set, otherwise the SQLite file and the folder broker in var/. Don't run it against
production: it writes thousands of rows.
"""

import datetime
import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.db.models import Count, Max, Min
from django.utils import timezone

from codesign.accounts.models import User
from codesign.celery import app
from codesign.core.models import OutboxMessage
from codesign.core.notices import outbox_queue
from programmes.models import Invitation, InvitationBatch, Programme
from programmes.services import invitation_batch_confirm
from workshops.models import Venue, Workshop

COMPARE = (1_000, 10_000)
SAMPLE_SECONDS = 0.1
DEFAULT_TIMEOUT = 900


@dataclass
class Result:
    count: int
    queue_seconds: float
    wall_seconds: float
    send_seconds: float
    sent: int
    other: dict[str, int]
    parent_peak_mb: float
    child_peak_mb: float
    total_peak_mb: float
    cpu_seconds: float
    load: float

    @property
    def cpu_ms_per_message(self) -> float:
        return self.cpu_seconds * 1000 / self.sent if self.sent else 0.0

    @property
    def per_second(self) -> float:
        return self.sent / self.send_seconds if self.send_seconds else 0.0


def _memory_kb(pid: int) -> tuple[int, int]:
    """(current RSS, peak RSS) of a process in kB, from /proc; (0, 0) once it has gone."""
    rss = hwm = 0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("VmHWM:"):
                hwm = int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return rss, hwm


TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, PermissionError, IndexError):
        return 0.0
    # After the command name: state is field 3 of stat, utime and stime fields 14 and 15.
    return (int(fields[11]) + int(fields[12])) / TICKS


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # The command name, in brackets, may hold spaces: the parent id follows it.
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError, PermissionError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


class Command(BaseCommand):
    help = "Measure how fast a real Celery worker sends N invitations, and its peak memory."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=10_000, help="Invitations to send.")
        parser.add_argument(
            "--compare", action="store_true", help="Run 1,000 then 10,000 and compare."
        )
        parser.add_argument("--concurrency", type=int, default=2, help="Worker processes.")
        parser.add_argument(
            "--email-url",
            default="dummy://",
            help="EMAIL_URL for the worker (default dummy://: sends nowhere, keeps nothing).",
        )
        parser.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT, help="Seconds.")
        parser.add_argument("--keep", action="store_true", help="Keep the rows it made.")

    def handle(self, *args: Any, **options: Any) -> None:
        if sys.platform != "linux":
            raise CommandError("This benchmark reads worker memory from /proc, so needs Linux.")
        counts = COMPARE if options["compare"] else (options["count"],)
        if min(counts) < 1:
            raise CommandError("--count must be at least 1.")
        if app.conf.task_always_eager:
            raise CommandError(
                "Celery runs tasks in this process: set CELERY_TASK_ALWAYS_EAGER=false."
            )
        database = connection.vendor
        broker = settings.CELERY_BROKER_URL.split("://", 1)[0]
        self.stdout.write(
            f"Database: {database}. Broker: {broker}. Worker: {options['concurrency']} "
            f"processes, EMAIL_URL={options['email_url']}."
        )
        results = [self._run(count, options) for count in counts]
        self._table(results)

    def _run(self, count: int, options: dict[str, Any]) -> Result:
        run = uuid.uuid4().hex[:10]
        queue = f"bench-notices-{run}"
        self.stdout.write(f"\n{count:,} invitations (run {run})")
        programme, batch, organiser = self._fictional(run, count)
        worker = None
        try:
            started = time.monotonic()
            # The tasks go to this run's own queue, which only the worker below reads.
            with outbox_queue(queue):
                invitation_batch_confirm(batch=batch, confirmed_by=organiser)
            queue_seconds = time.monotonic() - started
            messages = OutboxMessage.objects.filter(programme=programme)
            queued = messages.count()
            self.stdout.write(f"  queued {queued:,} messages in {queue_seconds:.1f} s")
            if queued != count:
                raise CommandError(f"Expected {count:,} messages, found {queued:,}.")

            begun = time.monotonic()
            worker = self._start_worker(queue, options)
            peaks: dict[int, int] = {}
            cpu: dict[int, float] = {}
            total_peak = 0
            deadline = begun + options["timeout"]
            pending = queued
            last_report = begun
            while pending:
                if worker.poll() is not None:
                    raise CommandError(
                        f"The worker stopped (exit code {worker.returncode}) with {pending:,} "
                        "messages still pending."
                    )
                if time.monotonic() > deadline:
                    raise CommandError(f"Gave up after {options['timeout']} s: {pending:,} left.")
                total = 0
                for pid in [worker.pid, *_children(worker.pid)]:
                    rss, hwm = _memory_kb(pid)
                    peaks[pid] = max(peaks.get(pid, 0), hwm)
                    cpu[pid] = max(cpu.get(pid, 0.0), _cpu_seconds(pid))
                    total += rss
                total_peak = max(total_peak, total)
                time.sleep(SAMPLE_SECONDS)
                pending = messages.filter(status=OutboxMessage.Status.PENDING).count()
                if time.monotonic() - last_report > 5:
                    self.stdout.write(f"  {queued - pending:,} sent…")
                    last_report = time.monotonic()
            wall_seconds = time.monotonic() - begun
            # Memory once more at the end, before the worker stops.
            for pid in [worker.pid, *_children(worker.pid)]:
                peaks[pid] = max(peaks.get(pid, 0), _memory_kb(pid)[1])
                cpu[pid] = max(cpu.get(pid, 0.0), _cpu_seconds(pid))
            span = messages.filter(status=OutboxMessage.Status.SENT).aggregate(
                first=Min("sent_at"), last=Max("sent_at")
            )
            by_status = dict(messages.order_by().values_list("status").annotate(n=Count("id")))
            sent = by_status.pop(OutboxMessage.Status.SENT, 0)
            send_seconds = (
                (span["last"] - span["first"]).total_seconds() if sent > 1 else wall_seconds
            )
            parent_peak = peaks.pop(worker.pid, 0)
            result = Result(
                count=count,
                queue_seconds=queue_seconds,
                wall_seconds=wall_seconds,
                send_seconds=send_seconds,
                sent=sent,
                other=by_status,
                parent_peak_mb=parent_peak / 1024,
                child_peak_mb=max(peaks.values(), default=0) / 1024,
                total_peak_mb=total_peak / 1024,
                cpu_seconds=sum(cpu.values()),
                load=os.getloadavg()[0],
            )
            self.stdout.write(
                f"  sent {sent:,} in {send_seconds:.1f} s ({result.per_second:,.0f} a second); "
                f"{wall_seconds:.1f} s from starting the worker"
                + (f"; not sent: {by_status}" if by_status else "")
            )
            return result
        finally:
            if worker is not None:
                self._stop_worker(worker)
            if not options["keep"]:
                self._clean_up(programme, organiser)

    def _fictional(self, run: str, count: int) -> tuple[Programme, InvitationBatch, User]:
        """A programme, an open workshop next week, its organiser, and a checked list of N
        made-up people to invite (what invitation_batch_prepare would leave)."""
        now = timezone.now()
        with transaction.atomic():
            organiser = User.objects.create_user(email=f"bench-{run}@example.invalid")
            programme = Programme.objects.create(
                title=f"Benchmark programme {run}",
                slug=f"bench-notices-{run}",
                summary="Fictional: made by manage.py bench_notices.",
                status=Programme.Status.OPEN,
            )
            venue = Venue.objects.create(
                name=f"Benchmark hall {run}", address="1 Example Street", postcode="EX1 1AA"
            )
            starts_at = (now + datetime.timedelta(days=14)).replace(
                hour=10, minute=0, second=0, microsecond=0
            )
            workshop = Workshop.objects.create(
                programme=programme,
                title="Redesigning the clinic letter",
                description="We look at the letter people get before their first appointment.",
                audience="Patients, carers and clinic staff.",
                starts_at=starts_at,
                ends_at=starts_at + datetime.timedelta(hours=3),
                format=Workshop.Format.IN_PERSON,
                venue=venue,
                capacity=30,
                status=Workshop.Status.PUBLISHED,
                safeguarding_lead_name="Sam Safe",
                safeguarding_lead_contact="safeguarding@example.invalid",
                access_contact_name="Alex Access",
                access_contact_details="access@example.invalid",
            )
            batch = InvitationBatch.objects.create(
                programme=programme,
                workshop=workshop,
                source=InvitationBatch.Source.LIST,
                message="We would love you to help us rewrite the clinic letter.",
                expires_at=starts_at - datetime.timedelta(days=1),
                rows=[
                    {
                        "email": f"person{n}-{run}@example.invalid",
                        "name": f"Person {n}",
                        "user_id": None,
                        "problem": "",
                        "line": n,
                    }
                    for n in range(1, count + 1)
                ],
                created_by=organiser,
            )
        return programme, batch, organiser

    def _start_worker(self, queue: str, options: dict[str, Any]) -> subprocess.Popen[bytes]:
        env = {
            **os.environ,
            "CELERY_QUEUE": queue,
            "EMAIL_URL": options["email_url"],
            # As deployed: DEBUG keeps every query in memory and slows everything down.
            "DEBUG": "false",
            "SECRET_KEY": settings.SECRET_KEY,
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "codesign.settings"),
        }
        env.pop("CELERY_TASK_ALWAYS_EAGER", None)
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "codesign",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            str(options["concurrency"]),
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
            "--loglevel",
            "WARNING",
            "--hostname",
            f"{queue}@%h",
        ]
        log = Path(settings.VAR_DIR) / "bench-notices-worker.log"
        self.stdout.write(f"  worker log: {log}")
        with log.open("ab") as output:
            return subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
                command,
                cwd=settings.BASE_DIR,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def _stop_worker(self, worker: subprocess.Popen[bytes]) -> None:
        if worker.poll() is None:
            # Warm shutdown: the main process stops its pool itself.
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait()

    def _clean_up(self, programme: Programme, organiser: User) -> None:
        with transaction.atomic():
            Invitation.objects.filter(programme=programme).delete()
            venues = list(Workshop.objects.filter(programme=programme).values_list("venue_id"))
            programme.delete()  # its workshop, batch and outbox messages go with it
            Venue.objects.filter(pk__in=[pk for (pk,) in venues]).delete()
            organiser.delete()

    def _table(self, results: list[Result]) -> None:
        header = (
            f"{'invitations':>11}  {'queue s':>7}  {'send s':>7}  {'msgs/s':>7}  "
            f"{'CPU ms/msg':>10}  {'worker peak MB':>14}  {'child peak MB':>13}  "
            f"{'all peak MB':>11}  {'load':>5}"
        )
        self.stdout.write("\n" + header)
        self.stdout.write("-" * len(header))
        for r in results:
            self.stdout.write(
                f"{r.count:>11,}  {r.queue_seconds:>7.1f}  {r.send_seconds:>7.1f}  "
                f"{r.per_second:>7,.0f}  {r.cpu_ms_per_message:>10.1f}  "
                f"{r.parent_peak_mb:>14.1f}  {r.child_peak_mb:>13.1f}  {r.total_peak_mb:>11.1f}  "
                f"{r.load:>5.1f}"
            )
        self.stdout.write(
            "\nsend s: first to last email sent. CPU ms/msg: the worker's own CPU time per "
            "message (the database's is not counted), which a busy machine does not change much. "
            "worker peak: the worker's main process; child peak: the busiest of its pool "
            "processes; all peak: the most the whole worker held at once (RSS, shared pages "
            "counted in each process). load: the machine's load average at the end."
        )
