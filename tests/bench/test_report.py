"""The benchmark's table: what it says when a page meets its targets and when it does not."""

from bench import report


def _page(name, rps, p95, queries=(8, 8), failures=0):
    return {
        "requests": 1000,
        "failures": failures,
        "rps": rps,
        "median_ms": p95 / 2,
        "p95_ms": p95,
        "mean_ms": p95 / 2,
    }


def _results(pages):
    plan = {
        "pages": {name: {"visits": [[f"/{name}/", None]]} for name in pages},
        "big_programme": {"slug": "bench-01", "workshops": 300},
        "small_programme": {"slug": "bench-50", "workshops": 4},
    }
    queries = {
        "workshop list": {"big": 6, "small": 6, "big_ms": 42.4},
        "registrants": {"big": 17, "small": 16},
    }
    return report.assemble(
        scale={
            "programmes": 50,
            "workshops": 3000,
            "participants": 100_000,
            "registrations": 300_000,
            "responses": 200_000,
            "applications": 20_000,
        },
        seed_seconds=120.0,
        plan=plan,
        queries=queries,
        pages=pages,
        memory={"master_peak_mb": 40.0, "worker_peak_mb": 120.0, "workers": 2},
        rush={
            "people": 200,
            "places": 50,
            "confirmed": 50,
            "waitlisted": 150,
            "errors": 0,
            "seconds": 3.2,
            "ok": True,
        },
        reminders={
            "registrations": 5000,
            "queued": 5000,
            "queue_seconds": 1.5,
            "send_seconds": 20.0,
            "wall_seconds": 22.0,
            "worker_main_peak_mb": 80.0,
            "worker_child_peak_mb": 90.0,
        },
        machine={
            "cpus": 2,
            "python": "3.12",
            "postgresql": "15",
            "duration_s": 20,
            "users": 20,
            "gunicorn_workers": 2,
        },
        total_seconds=600.0,
    )


def test_a_fast_page_with_constant_queries_meets_its_targets():
    results = _results({"trivial view": _page("t", 800, 40), "workshop list": _page("l", 400, 60)})

    listed = next(p for p in results["pages"] if p["page"] == "workshop list")
    assert listed["share"] == 0.5
    assert listed["misses"] == []
    assert "| Workshop list | 400 | 30 | 60 | 50% | 6 / 6 | 42 | met |" in report.markdown(results)


def test_a_slow_page_says_exactly_which_targets_it_misses_and_by_how_much():
    results = _results({"trivial view": _page("t", 800, 40), "registrants": _page("r", 100, 210)})

    table = report.markdown(results)

    assert "p95 210 ms ≥ 150" in table
    assert "12% of trivial < 25%" in table
    assert "17 queries > 15" in table
    assert "queries grow with data" in table


def test_the_summary_names_the_rush_reminders_memory_and_seeding():
    table = report.markdown(_results({"trivial view": _page("t", 800, 40)}))

    assert "50 confirmed, 150 on the waiting list" in table
    assert "queued 5,000 in 1.5 s" in table
    assert "gunicorn worker 120 MB" in table
    assert "Seeding: 120 s" in table
