"""The benchmark's results as one dict (bench/results/latest.json) and as the Markdown table
for README.md (bench/results/latest.md)."""

import datetime
import json
import sys
from pathlib import Path
from typing import Any

TARGET_P95_MS = 150
TARGET_SHARE = 0.25
TARGET_QUERIES = 15
TRIVIAL = "trivial view"
PAGE_TITLES = {
    "workshop list": "Workshop list",
    "workshop page": "Workshop page",
    "my workshops": "My workshops",
    "organiser dashboard": "Organiser dashboard",
    "registrants": "Registrants list",
    "feedback report": "Feedback report (programme)",
    "bursary queue": "Bursary queue",
    "calendar feed": "iCalendar feed (programme)",
}


def misses(page: dict[str, Any]) -> list[str]:
    """What a page falls short of, in words; empty when it meets every target."""
    found = []
    if page["p95_ms"] >= TARGET_P95_MS:
        found.append(f"p95 {page['p95_ms']:.0f} ms ≥ {TARGET_P95_MS}")
    if page["share"] < TARGET_SHARE:
        found.append(f"{page['share']:.0%} of trivial < {TARGET_SHARE:.0%}")
    if page["queries_big"] > TARGET_QUERIES:
        found.append(f"{page['queries_big']} queries > {TARGET_QUERIES}")
    if page["queries_big"] != page["queries_small"]:
        found.append("queries grow with data")
    if page["failures"]:
        found.append(f"{page['failures']} failed requests")
    return found


def assemble(
    *,
    scale: dict[str, int],
    seed_seconds: float,
    plan: dict[str, Any],
    queries: dict[str, dict[str, Any]],
    pages: dict[str, dict[str, Any]],
    memory: dict[str, Any],
    rush: dict[str, Any] | None,
    reminders: dict[str, Any] | None,
    machine: dict[str, Any],
    total_seconds: float,
) -> dict[str, Any]:
    ceiling = pages[TRIVIAL]["rps"] or 1.0
    rows = []
    for name, measured in pages.items():
        counted = queries.get(name, {})
        row = {
            "page": name,
            "title": PAGE_TITLES.get(name, "Trivial view (/healthz/)"),
            "url": plan["pages"][name]["visits"][0][0],
            **measured,
            "share": measured["rps"] / ceiling,
            "queries_big": counted.get("big", 0),
            "queries_small": counted.get("small", 0),
            "single_ms": counted.get("big_ms", 0.0),
            "queries_kept": counted.get("big_kept", 0),
            "page_kb": counted.get("big_kb", 0.0),
        }
        row["misses"] = [] if name == TRIVIAL else misses(row)
        rows.append(row)
    return {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine,
        "scale": scale,
        "seed_seconds": seed_seconds,
        "big_programme": plan["big_programme"],
        "small_programme": plan["small_programme"],
        "pages": rows,
        "memory": memory,
        "registration_rush": rush,
        "reminders": reminders,
        "total_seconds": total_seconds,
    }


def markdown(results: dict[str, Any]) -> str:
    m = results["machine"]
    s = results["scale"]
    threads = f" of {m['gunicorn_threads']} threads" if m.get("gunicorn_threads") else ""
    lines = [
        f"Measured {results['when'][:10]} on {m['cpus']} CPUs (PostgreSQL {m['postgresql']}, "
        f"Python {m['python']}), with {s['programmes']:,} programmes, {s['workshops']:,} "
        f"workshops, {s['participants']:,} participants, {s['registrations']:,} registrations, "
        f"{s['responses']:,} feedback responses and {s['applications']:,} bursary applications "
        f"(seeded in {results['seed_seconds']:.0f} s). gunicorn with {m['gunicorn_workers']} "
        f"workers{threads}; locust on the same machine, {m['users']} users with no pause, "
        f"{m['duration_s']} s per page; the machine's load average was "
        f"{m.get('load_average_before', 0):.1f} as the run began. Staff pages are those of the biggest programme "
        f"({results['big_programme']['workshops']} workshops); queries are counted there and "
        f"in the smallest ({results['small_programme']['workshops']} workshops), for the page "
        'made afresh (as after any change); "afresh ms" is one such request through Django\'s '
        "test client with nothing else running. The load itself mostly finds pages kept in the "
        "cache: nothing is written while it runs.",
        "",
        "| Page | req/s | median ms | p95 ms | share of trivial | queries (biggest / smallest) | afresh ms | targets |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in results["pages"]:
        if row["page"] == TRIVIAL:
            verdict = "the ceiling"
        else:
            verdict = "met" if not row["misses"] else "missed: " + "; ".join(row["misses"])
        lines.append(
            f"| {row['title']} | {row['rps']:.0f} | {row['median_ms']:.0f} | {row['p95_ms']:.0f} | "
            f"{row['share']:.0%} | {row['queries_big']} / {row['queries_small']} | "
            f"{row['single_ms']:.0f} | {verdict} |"
        )
    lines.append("")
    rush = results.get("registration_rush")
    if rush:
        lines.append(
            f"- Registration rush: {rush['people']} people pressed Register at once for "
            f"{rush['places']} places: {rush['confirmed']} confirmed, {rush['waitlisted']} on the "
            f"waiting list, {rush['errors']} errors, in {rush['seconds']:.1f} s "
            f"({'met' if rush['ok'] else 'MISSED'})."
        )
    reminders = results.get("reminders")
    if reminders:
        lines.append(
            f"- Reminders for a day with {reminders['registrations']:,} registrations: queued "
            f"{reminders['queued']:,} in {reminders['queue_seconds']:.1f} s, sent in "
            f"{reminders['send_seconds']:.1f} s by a Celery worker with 2 processes "
            f"({reminders['wall_seconds']:.1f} s from starting it)."
        )
    memory = results["memory"]
    line = (
        f"- Peak memory (RSS): gunicorn worker {memory['worker_peak_mb']:.0f} MB, master "
        f"{memory['master_peak_mb']:.0f} MB"
    )
    if reminders:
        line += (
            f"; Celery worker main process {reminders['worker_main_peak_mb']:.0f} MB, busiest "
            f"pool process {reminders['worker_child_peak_mb']:.0f} MB"
        )
    lines.append(line + ".")
    lines.append(
        f"- Seeding: {results['seed_seconds']:.0f} s. The whole run: "
        f"{results['total_seconds'] / 60:.1f} minutes."
    )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    # python -m bench.report: the table again from bench/results/latest.json.
    results_dir = Path(__file__).resolve().parent / "results"
    latest = json.loads((results_dir / "latest.json").read_text())
    (results_dir / "latest.md").write_text(markdown(latest))
    sys.stdout.write(markdown(latest))
