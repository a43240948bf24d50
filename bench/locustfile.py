"""Locust users for one page of the benchmark at a time (bench/run.py starts locust once per
page). BENCH_PLAN names the JSON plan run.py wrote, BENCH_PAGE the page: its visits are
(address, session id) pairs, and each simulated person opens one after another with no pause,
so the server is kept as busy as 20 people pressing reload can keep it."""

import json
import os
import random
from pathlib import Path

from locust import FastHttpUser, constant, task

PLAN = json.loads(Path(os.environ["BENCH_PLAN"]).read_text())
PAGE = os.environ["BENCH_PAGE"]
VISITS: list[list[str | None]] = PLAN["pages"][PAGE]["visits"]


class Visitor(FastHttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        # Each simulated person keeps one sign-in, as a real one would.
        self.visits = list(VISITS)
        random.shuffle(self.visits)  # noqa: S311 - not a secret
        self.turn = 0

    @task
    def open_page(self) -> None:
        url, session = self.visits[self.turn % len(self.visits)]
        self.turn += 1
        headers = {"Cookie": f"sessionid={session}"} if session else {}
        with self.client.get(
            url, headers=headers, name=PAGE, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} from {url}")
