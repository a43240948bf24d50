"""How long the programme feedback report takes over 100 and 100,000 responses, and how many
queries it runs (the same for both). See feedback/bench.py.

    python manage.py bench_feedback                    # 100, then 100,000
    python manage.py bench_feedback --count 10000      # one run
    python manage.py bench_feedback --workshops 200    # spread over more workshops
"""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from feedback.bench import COMPARE, DEFAULT_WORKSHOPS, bench_run


class Command(BaseCommand):
    help = "Time the programme feedback report over many responses."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, action="append", help="Responses to seed.")
        parser.add_argument("--workshops", type=int, default=DEFAULT_WORKSHOPS)
        parser.add_argument("--keep", action="store_true", help="Keep the data afterwards.")

    def handle(self, *args: object, **options: object) -> None:
        counts = options["count"] or list(COMPARE)
        results = bench_run(counts, workshops=options["workshops"], keep=options["keep"])
        header = f"{'responses':>10}  {'workshops':>9}  {'seed s':>7}  {'report s':>8}  {'queries':>7}  {'page kB':>7}"
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for r in results:
            self.stdout.write(
                f"{r.responses:>10,}  {r.workshops:>9}  {r.seed_seconds:>7.1f}  "
                f"{r.seconds:>8.3f}  {r.queries:>7}  {r.page_kb:>7.0f}"
            )
        if len({r.queries for r in results}) > 1:
            raise CommandError("The report ran a different number of queries for different sizes.")
