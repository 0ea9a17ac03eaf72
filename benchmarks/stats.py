"""`make bench` case `stats`: statistics at scale (issue #7), measured in-process.

    python -m benchmarks.stats          (alone; BENCH_CASES=stats make bench runs it too)

On the benchmark's own database (`<name>_bench`, as `benchmarks/run.py` picks it), makes sure a bank
with 2,000 branches, 18,000 staff and a year of 10 million events exists (generated once by
`manage.py insights_generate`, which takes a while, and reused by later runs), then measures:

1. `rollup_day` on one day of 100,000 events (the day before the generated year, generated once);
   budget 30 s;
2. every statistics selector for a manager, a branch head and a head-office admin over today, 7, 30
   and 365 days: RUNS runs each, p50 and p95 in ms; budget 200 ms at p95. A selector over budget
   gets the EXPLAIN ANALYZE of its slowest query written to `.bench/stats-explain.txt`;
3. the statistics pages through Django's test client (in process, real templates and middleware).

Prints a table and adds {"stats": …} to `.bench/results.json`. Environment:
BENCH_STATS_EVENTS (default 10,000,000; smaller for a quick run: it is another bank),
BENCH_STATS_BRANCHES / BENCH_STATS_STAFF (2,000 / 18,000), BENCH_STATS_DAY_EVENTS (100,000),
BENCH_STATS_RUNS (20).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS = BASE_DIR / ".bench" / "results.json"
EXPLAIN = BASE_DIR / ".bench" / "stats-explain.txt"
EVENTS = int(os.environ.get("BENCH_STATS_EVENTS", "10000000"))
BRANCHES = int(os.environ.get("BENCH_STATS_BRANCHES", "2000"))
STAFF = int(os.environ.get("BENCH_STATS_STAFF", "18000"))
DAY_EVENTS = int(os.environ.get("BENCH_STATS_DAY_EVENTS", "100000"))
RUNS = int(os.environ.get("BENCH_STATS_RUNS", "20"))
DAYS = 365
SEED = 1
SELECTOR_BUDGET_MS = 200
ROLLUP_BUDGET_S = 30
PERIODS = ("today", "7d", "30d", "365d")
METRIC = "page_views"


def bank_slug() -> str:
    # One bank per size, so a quick run never disturbs the full-size bank.
    return f"stats{EVENTS}" if (BRANCHES, STAFF) == (2000, 18000) else f"stats{EVENTS}b{BRANCHES}s{STAFF}"


def _manage(*args: str) -> None:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.dev")
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)


def migrate() -> None:
    for args in (
        ("migrate_schemas", "--shared", "-v", "0"),
        ("platform_init",),
        ("migrate_schemas", "--tenant", "-v", "0"),
    ):
        _manage(*args)


def _bank_complete(slug: str) -> bool:
    """The bank exists and its generation ran to the end (the rollups are its last step)."""
    from django_tenants.utils import schema_context

    from insights.models import BankDay
    from tenants.models import Bank

    bank = Bank.objects.filter(slug=slug, kind=Bank.Kind.BANK).first()
    if bank is None:
        return False
    with schema_context(bank.schema_name):
        return BankDay.objects.count() >= DAYS


def bank_ensure() -> str:
    """The generated bank's schema name; generated (in a subprocess, with its progress bars) if it
    is missing, and regenerated if an earlier generation was interrupted."""
    from tenants.models import Bank
    from tenants.services import bank_delete

    slug = bank_slug()
    if not _bank_complete(slug):
        leftover = Bank.objects.filter(slug=slug, kind=Bank.Kind.BANK).first()
        if leftover is not None:
            print(f"stats: {slug} was not generated to the end; generating it again")
            bank_delete(bank=leftover)
        print(f"stats: generating {slug} ({EVENTS:,} events, {BRANCHES:,} branches, {STAFF:,} staff), once")
        _manage(
            "insights_generate",
            "--bank",
            slug,
            "--branches",
            str(BRANCHES),
            "--staff",
            str(STAFF),
            "--events",
            str(EVENTS),
            "--days",
            str(DAYS),
            "--seed",
            str(SEED),
        )
    return Bank.objects.get(slug=slug).schema_name


def spans_ensure() -> None:
    """A bank generated before the rollups kept blocks of days (`StaffSpan`): build them once."""
    from insights.models import BankDay, StaffSpan
    from insights.rollups import spans_rebuild

    if StaffSpan.objects.exists():
        return
    days = list(BankDay.objects.order_by("day").values_list("day", flat=True))
    started = time.perf_counter()
    spans_rebuild(days)
    print(f"stats: blocks of days built for {len(days)} days in {time.perf_counter() - started:.1f} s")


def rollup_timing(last_day: date) -> dict:
    """Time `rollup_day` on one day of DAY_EVENTS events: the day before the generated year."""
    from insights.generate import activity_generate
    from insights.models import Event
    from insights.rollups import day_bounds, rollup_day

    day = last_day - timedelta(days=DAYS)
    start, end = day_bounds(day)
    events = Event.objects.filter(occurred_at__gte=start, occurred_at__lt=end).count()
    if events == 0:
        print(f"stats: generating {DAY_EVENTS:,} events on {day}, once")
        activity_generate(today=day, days=1, events=DAY_EVENTS, seed=SEED + 1)
        events = DAY_EVENTS
    runs = []
    for _ in range(2):  # the first run reads the day from disk, the second from the cache
        started = time.perf_counter()
        rollup_day(day)
        runs.append(time.perf_counter() - started)
    return {
        "day": day.isoformat(),
        "events": events,
        "first_s": round(runs[0], 2),
        "again_s": round(runs[1], 2),
        "budget_s": ROLLUP_BUDGET_S,
        "ok": max(runs) <= ROLLUP_BUDGET_S,
    }


def viewers() -> dict:
    """The busiest manager of a branch, the head of their regional branch (分行), and a head-office
    admin."""
    from django.db.models import Sum

    from insights.models import StaffDay
    from org.models import Staff

    busiest = (
        StaffDay.objects.filter(
            staff__role=Staff.Role.MANAGER, staff__left_at__isnull=True, staff__branch__depth__gte=1
        )
        .values("staff")
        .annotate(n=Sum(METRIC))
        .order_by("-n")
        .first()
    )
    manager = Staff.objects.select_related("branch").get(pk=busiest["staff"])
    # The head of the manager's regional branch (分行): the widest branch scope, with the manager in it.
    regional = "/".join(manager.branch.path.split("/")[:3]) + "/"
    head = (
        Staff.objects.filter(role=Staff.Role.BRANCH_HEAD, branch__path=regional, left_at__isnull=True)
        .select_related("branch")
        .first()
    )
    hq = (
        Staff.objects.filter(role=Staff.Role.HQ_ADMIN, left_at__isnull=True)
        .select_related("branch")
        .order_by("pk")
        .first()
    )
    return {"manager": manager, "branch_head": head, "hq": hq}


def selector_cases(who: dict) -> list[tuple[str, str, Callable]]:
    """(selector, viewer, call(period)) for every selector of the statistics contract."""
    from insights import statistics as s

    manager, head, hq = who["manager"], who["branch_head"], who["hq"]
    cases = [
        ("staff_figures", "manager", lambda p: s.staff_figures(staff=manager, period=p)),
        ("staff_trend", "manager", lambda p: s.staff_trend(staff=manager, period=p)),
        ("staff_rank_in_branch", "manager", lambda p: s.staff_rank_in_branch(staff=manager, period=p, metric=METRIC)),
        ("staff_leaderboard", "branch_head", lambda p: s.staff_leaderboard(viewer=head, period=p, metric=METRIC)),
        ("staff_leaderboard", "hq", lambda p: s.staff_leaderboard(viewer=hq, period=p, metric=METRIC)),
        (
            "staff_leaderboard(branch)",
            "hq",
            lambda p: s.staff_leaderboard(viewer=hq, period=p, metric=METRIC, branch=head.branch),
        ),
        ("branch_leaderboard", "hq", lambda p: s.branch_leaderboard(viewer=hq, period=p, metric=METRIC)),
        (
            "branch_leaderboard(per_capita)",
            "hq",
            lambda p: s.branch_leaderboard(viewer=hq, period=p, metric=METRIC, per_capita=True),
        ),
        ("bank_figures", "hq", lambda p: s.bank_figures(period=p)),
        ("bank_trend", "hq", lambda p: s.bank_trend(period=p)),
    ]
    # Selectors beyond the contract, when the module has them.
    if hasattr(s, "branch_figures"):
        cases.append(("branch_figures", "branch_head", lambda p: s.branch_figures(branch=head.branch, period=p)))
    if hasattr(s, "branch_trend"):
        cases.append(("branch_trend", "branch_head", lambda p: s.branch_trend(branch=head.branch, period=p)))
    return cases


def periods(today: date) -> dict:
    from insights.statistics import Period

    return {
        "today": Period(start=today, end=today),
        "7d": Period(start=today - timedelta(days=6), end=today),
        "30d": Period(start=today - timedelta(days=29), end=today),
        "365d": Period(start=today - timedelta(days=364), end=today),
    }


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]


def timed(call: Callable[[], object], runs: int = RUNS) -> dict:
    from django.core.cache import cache

    call()  # warm: the first run of a query plans it and reads its pages
    times = []
    for _ in range(runs):
        # The bank-wide board is cached until the rollups change: time the query, not the cache.
        cache.clear()
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return {"p50_ms": round(statistics.median(times), 1), "p95_ms": round(_percentile(times, 0.95), 1)}


def explain_slowest(label: str, call: Callable[[], object]) -> str:
    """The EXPLAIN (ANALYZE, BUFFERS) of the slowest query `call` runs, for the report."""
    from django.core.cache import cache
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    cache.clear()  # the query, not a cached answer
    with CaptureQueriesContext(connection) as captured:
        call()
    queries = [q for q in captured.captured_queries if not q["sql"].startswith("SET ")]
    if not queries:
        return f"== {label}: no query\n"
    slowest = max(queries, key=lambda q: float(q["time"]))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")  # as statistics._fetch runs it
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return f"== {label} ({slowest['time']} s)\n{slowest['sql']}\n\n{plan}\n"


def selector_timings(today: date, who: dict) -> tuple[list[dict], list[str]]:
    rows, plans = [], []
    for name, viewer, call in selector_cases(who):
        for label, period in periods(today).items():
            figures = timed(lambda call=call, period=period: call(period))
            row = {"selector": name, "viewer": viewer, "period": label, **figures}
            row["ok"] = figures["p95_ms"] <= SELECTOR_BUDGET_MS
            rows.append(row)
            if not row["ok"]:
                plans.append(
                    explain_slowest(f"{name} / {viewer} / {label}", lambda call=call, period=period: call(period))
                )
    return rows, plans


def page_timings(who: dict, domain: str) -> list[dict]:
    """The statistics pages as their users open them (Django's test client: in process, with the
    middleware, the templates and the session; no network)."""
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from org.models import Staff

    manager, head, hq = who["manager"], who["branch_head"], who["hq"]
    # Generated staff have never logged in: without this, every page sends them to change their password.
    Staff.objects.filter(pk__in=[manager.pk, head.pk, hq.pk]).update(must_change_password=False)
    pages = [
        ("mine (manager)", manager, reverse("stats:mine")),
        ("branch board (branch head)", head, reverse("stats:branch", args=[head.branch_id])),
        ("staff of branch (branch head)", head, reverse("stats:staff", args=[manager.pk])),
        ("staff board (hq)", hq, reverse("stats:team")),
        ("bank (hq)", hq, reverse("stats:bank")),
    ]
    rows = []
    for name, viewer, url in pages:
        client = Client(HTTP_HOST=domain)
        client.force_login(viewer.user)
        for label in ("today", "7d", "30d"):
            target = f"{url}?period={label}"
            queries = []

            def count(execute, sql, params, many, context, queries=queries):
                queries.append(sql)
                return execute(sql, params, many, context)

            # An execute wrapper, not CaptureQueriesContext: each request resets the query log.
            with connection.execute_wrapper(count):
                status = client.get(target).status_code
            figures = timed(lambda client=client, target=target: client.get(target), runs=max(5, RUNS // 2))
            rows.append({"page": name, "period": label, "status": status, "queries": len(queries), **figures})
    return rows


def measure() -> dict:
    """Run the whole case (the database URL already points at the benchmark's database)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    os.environ["DEBUG"] = "false"  # no query log, no debug templates: timings as in production
    django.setup()
    from django_tenants.utils import schema_context

    from insights.models import BankDay
    from tenants.models import Bank

    schema = bank_ensure()
    results: dict = {"events": EVENTS, "branches": BRANCHES, "staff": STAFF}
    with schema_context(schema):
        spans_ensure()
        last_day = BankDay.objects.order_by("-day").values_list("day", flat=True).first()
        results["generated_last_day"] = last_day.isoformat()
        results["rollup_day"] = rollup_timing(last_day)
        who = viewers()
        results["viewers"] = {role: f"{s.employee_no} {s.branch.path}" for role, s in who.items()}
        selectors, plans = selector_timings(last_day, who)
        results["selectors"] = selectors
        try:
            domain = Bank.objects.get(schema_name=schema).get_primary_domain().domain
            results["pages"] = page_timings(who, domain)
        except Exception as exc:  # the pages are a bonus: report why they were not measured
            results["pages_error"] = f"{exc.__class__.__name__}: {exc}"
    EXPLAIN.parent.mkdir(exist_ok=True)
    if plans:
        EXPLAIN.write_text("\n".join(plans))
    else:
        EXPLAIN.unlink(missing_ok=True)  # no plans from an earlier run left to mislead
    report(results, plans)
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    RESULTS.write_text(json.dumps({**previous, "stats": results}, indent=2, ensure_ascii=False) + "\n")
    return results


def report(results: dict, plans: list[str]) -> None:
    r = results["rollup_day"]
    print(
        f"\nstatistics at {results['events']:,} events / {results['branches']:,} branches / {results['staff']:,} staff"
        f" (last generated day {results['generated_last_day']})"
    )
    print(
        f"rollup_day {r['day']} ({r['events']:,} events): {r['first_s']} s, again {r['again_s']} s"
        f"  [budget {r['budget_s']} s: {'ok' if r['ok'] else 'OVER'}]"
    )
    print(f"\n{'selector':<32}{'viewer':<13}{'period':<8}{'p50 ms':>9}{'p95 ms':>9}")
    for row in results["selectors"]:
        flag = "" if row["ok"] else f"  OVER {SELECTOR_BUDGET_MS} ms"
        print(
            f"{row['selector']:<32}{row['viewer']:<13}{row['period']:<8}{row['p50_ms']:>9.1f}{row['p95_ms']:>9.1f}{flag}"
        )
    if results.get("pages"):
        print(f"\n{'page (in process)':<32}{'period':<8}{'status':>7}{'queries':>8}{'p50 ms':>9}{'p95 ms':>9}")
        for row in results["pages"]:
            print(
                f"{row['page']:<32}{row['period']:<8}{row['status']:>7}{row['queries']:>8}"
                f"{row['p50_ms']:>9.1f}{row['p95_ms']:>9.1f}"
            )
    if results.get("pages_error"):
        print(f"pages not measured: {results['pages_error']}")
    over = sum(not row["ok"] for row in results["selectors"])
    print(
        f"\n{over} selector timing(s) over {SELECTOR_BUDGET_MS} ms at p95"
        + (f"; plans in {EXPLAIN.relative_to(BASE_DIR)}" if plans else "")
        + f" ({RUNS} runs each; written to {RESULTS.relative_to(BASE_DIR)})"
    )


def main() -> None:
    if "DATABASE_URL" not in os.environ:
        # Alone: start (or find) the database the way `make` does, then come back here.
        os.execv(
            sys.executable,
            [
                sys.executable,
                "-m",
                "config.devdb",
                "run",
                "--",
                sys.executable,
                "-m",
                "benchmarks.stats",
                *sys.argv[1:],
            ],
        )
    from benchmarks.run import use_bench_database

    use_bench_database()
    migrate()
    measure()


if __name__ == "__main__":
    main()
