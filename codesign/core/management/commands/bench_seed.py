"""Fill the database with the benchmark's fictional national-scale data set (bench/seed.py).

    python manage.py bench_seed                 # full scale, skipped if already seeded
    python manage.py bench_seed --scale tiny    # a few hundred rows, to try it
    python manage.py bench_seed --force         # empty the database and seed again

It empties the database before seeding (every table), so it refuses to run without --yes
against a database that holds programmes it did not make. `make bench` runs it for you.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bench.seed import SCALES, NotOurs, ensure_seeded


class Command(BaseCommand):
    help = "Seed the benchmark's fictional data set (empties the database first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=sorted(SCALES), default="full")
        parser.add_argument("--force", action="store_true", help="Seed again from scratch.")
        parser.add_argument(
            "--yes", action="store_true", help="Empty a database that holds other programmes."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            seeded = ensure_seeded(
                SCALES[options["scale"]],
                force=options["force"],
                yes=options["yes"],
                log=self.stdout.write,
            )
        except NotOurs as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Seeding took {seeded.seconds:.0f} s.")
