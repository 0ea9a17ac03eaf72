"""Benchmark: how long provisioning a bank takes as banks accumulate, and a large organisation import.

Run through `manage.py bench_provision` (`make bench-provision`). Everything it creates is a bank
whose slug starts with "bnch" or a spare whose slug starts with "_bnchspare"; all of them are deleted
at the end, on failure too, and leftovers of an interrupted run are deleted at the start.

Provisioning is timed through the real `bank_create` (schema, domain, Wagtail site, head office and
first admin), by three methods:
- spare:   a spare schema is ready (prepared untimed just before), `bank_create` renames it;
- clone:   no spare is available, `bank_create` clones the template schema;
- migrate: no spare and TENANT_CREATION_FAKES_MIGRATIONS off, so the schema is built by migrations
           (the same steps as `bank_create`, but the migrations outside its transaction: see
           `_create_by_migrations`).
The dev database's own spares are kept out of the way by holding a row lock on them from a second
connection (`bank_create` takes spares with SKIP LOCKED), so they are neither used nor changed.
"""

from __future__ import annotations

import gc
import json
import os
import platform
import resource
import secrets
import signal
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.test import override_settings
from django_tenants.utils import schema_context

from tenants.middleware import bank_cache_clear
from tenants.models import Bank, Domain
from tenants.services import bank_create, bank_delete, template_ensure

SLUG_PREFIX = "bnch"
SPARE_SLUG_PREFIX = "_bnchspare"
SPARE_SCHEMA_PREFIX = "spare_bnch"
METHODS = ("spare", "clone", "migrate")

Say = Callable[[str], None]


@dataclass
class Measurement:
    level: int
    banks: int  # banks (kind=bank) existing when measured
    schemas: int  # tenant schemas in the catalogue (banks, spares, template)
    relations: int  # rows in pg_class: what cloning and DDL have to look through
    method: str
    runs: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.runs)


@dataclass
class ImportRun:
    label: str
    read_seconds: float
    import_seconds: float
    summary: dict
    rss_before_mb: float | None
    maxrss_before_mb: float
    maxrss_after_mb: float
    tracemalloc_peak_mb: float | None = None

    @property
    def maxrss_delta_mb(self) -> float:
        return self.maxrss_after_mb - self.maxrss_before_mb


@dataclass
class Report:
    started_at: str
    host: dict
    options: dict
    provision: list[Measurement] = field(default_factory=list)
    fill: list[dict] = field(default_factory=list)
    imports: dict = field(default_factory=dict)
    import_runs: list[ImportRun] = field(default_factory=list)
    total_seconds: float = 0.0
    complete: bool = False

    def as_dict(self) -> dict:
        return {
            "started_at": self.started_at,
            "complete": self.complete,
            "total_seconds": round(self.total_seconds, 1),
            "host": self.host,
            "options": self.options,
            "provision": [
                {
                    **asdict(m),
                    "runs": [round(r, 3) for r in m.runs],
                    "median": round(m.median, 3),
                    "min": round(min(m.runs), 3),
                    "max": round(max(m.runs), 3),
                }
                for m in self.provision
            ],
            "fill_clone_seconds": self.fill,
            "import": {
                **self.imports,
                "runs": [
                    {k: round(v, 3) if isinstance(v, float) else v for k, v in asdict(r).items()}
                    | {"maxrss_delta_mb": round(r.maxrss_delta_mb, 1)}
                    for r in self.import_runs
                ],
            },
        }


# --- Helpers ---------------------------------------------------------------------------------------


def _banks() -> int:
    return Bank.objects.filter(kind=Bank.Kind.BANK).count()


def _catalogue() -> tuple[int, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM public.tenants_bank WHERE schema_name <> 'public'"
            " AND schema_name IN (SELECT nspname FROM pg_namespace)"
        )
        schemas = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM pg_class")
        relations = cursor.fetchone()[0]
    return schemas, relations


def _rss_mb() -> float | None:
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def _host() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    import django
    import django_tenants
    import wagtail

    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "postgresql": pg,
        "django": django.get_version(),
        "wagtail": wagtail.__version__,
        "django_tenants": getattr(django_tenants, "__version__", "4.x"),
    }


@contextmanager
def _own_spares_held() -> Iterator[list[int]]:
    """Lock the database's existing spare rows from a second connection for the whole run, so that
    `bank_create` (SELECT … FOR UPDATE SKIP LOCKED) passes them over: they stay exactly as they are."""
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        other.set_autocommit(False)
        with other.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM public.tenants_bank WHERE kind = %s AND slug NOT LIKE %s FOR UPDATE",
                [Bank.Kind.SPARE, SPARE_SLUG_PREFIX.replace("_", r"\_") + "%"],
            )
            held = [row[0] for row in cursor.fetchall()]
        yield held
    finally:
        try:
            other.rollback()
        finally:
            other.close()


def _spare_prepare() -> Bank:
    """An untimed spare, like `spare_create` but named so that cleanup recognises it."""
    token = secrets.token_hex(6)
    spare = Bank(
        schema_name=f"{SPARE_SCHEMA_PREFIX}{token}", slug=f"{SPARE_SLUG_PREFIX}{token}", name="spare", kind="spare"
    )
    spare.save(verbosity=0)
    return spare


def cleanup(say: Say | None = None) -> int:
    """Delete every bank and spare this benchmark creates (and schemas left without a row)."""
    connection.set_schema_to_public()
    removed = 0
    for bank in Bank.objects.filter(slug__startswith=SLUG_PREFIX, kind=Bank.Kind.BANK):
        bank_delete(bank=bank)
        removed += 1
    for spare in Bank.objects.filter(slug__startswith=SPARE_SLUG_PREFIX, kind=Bank.Kind.SPARE):
        spare.delete(force_drop=True)
        removed += 1
    known = set(Bank.objects.values_list("schema_name", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE %s OR nspname LIKE %s",
            [SLUG_PREFIX + "%", SPARE_SCHEMA_PREFIX.replace("_", r"\_") + "%"],
        )
        for (name,) in cursor.fetchall():
            if name not in known:
                cursor.execute(f'DROP SCHEMA "{name}" CASCADE')
                removed += 1
    if say and removed:
        say(f"  removed {removed} benchmark bank(s)/schema(s)")
    return removed


class _Slugs:
    def __init__(self):
        self.n = 0

    def __call__(self) -> str:
        self.n += 1
        return f"{SLUG_PREFIX}{self.n:03d}"


# --- Provisioning ----------------------------------------------------------------------------------


def _fresh_connection() -> None:
    """Start each provisioning on a new database connection, warmed up by one query (untimed), as
    `manage.py bank_create` does. A connection that has cloned many schemas gets slower and slower:
    django-tenants re-installs its PL/pgSQL clone functions before every clone and the PostgreSQL
    backend keeps each compiled copy (~10 MB per clone), so figures taken on one long-lived
    connection would measure that leak rather than the number of banks (measured: 0.8 s → 9 s by the 44th clone)."""
    connection.close()
    connection.set_schema_to_public()
    Bank.objects.filter(kind=Bank.Kind.TEMPLATE).exists()


def _create(slug: str) -> tuple[float, Bank]:
    _fresh_connection()
    started = time.perf_counter()
    created = bank_create(slug=slug, name=f"基准测试银行 {slug}")
    seconds = time.perf_counter() - started
    return seconds, created.bank


def _create_by_migrations(slug: str) -> tuple[float, Bank]:
    """What `bank_create` does when it has neither a spare nor the template to clone, minus its outer
    transaction: run inside it, migrations fail ("cannot DROP TABLE "wagtailcore_page" because it has
    pending trigger events"), since the migrations' deferred constraint triggers pile up in one
    transaction. So: the Bank row and its schema by migrations (as `Bank.save` does), then the same
    setup as `bank_create` in a transaction."""
    from tenants.services import _bank_setup, bank_domain_default

    _fresh_connection()
    name, domain = f"基准测试银行 {slug}", bank_domain_default(slug)
    started = time.perf_counter()
    with override_settings(TENANT_CREATION_FAKES_MIGRATIONS=False):
        bank = Bank(schema_name=slug, slug=slug, name=name)
        bank.save(verbosity=0)  # CREATE SCHEMA + migrate_schemas --schema <slug>
    with transaction.atomic():
        Domain.objects.create(domain=domain, tenant=bank, is_primary=True)
        with schema_context(bank.schema_name):
            _bank_setup(bank=bank, domain=domain)
    bank_cache_clear()
    seconds = time.perf_counter() - started
    return seconds, bank


def _measure_once(method: str, slug: str) -> float:
    spares_before = set(Bank.objects.filter(kind=Bank.Kind.SPARE).values_list("pk", flat=True))
    if method == "spare":
        spare = _spare_prepare()  # untimed
        seconds, bank = _create(slug)
        if bank.pk != spare.pk:
            raise RuntimeError(f"bank_create did not take the prepared spare for {slug}")
    elif method == "clone":
        seconds, bank = _create(slug)
    else:
        seconds, bank = _create_by_migrations(slug)
    if method != "spare" and bank.pk in spares_before:
        raise RuntimeError(f"bank_create took a spare for {slug}; the {method} figure would be wrong")
    bank_delete(bank=bank)  # untimed; keeps the number of banks at the level being measured
    return seconds


def provision_bench(
    *, levels: list[int], repeats: int, migrate_repeats: int, report: Report, slugs: _Slugs, say: Say
) -> None:
    template_ensure()
    for level in sorted(set(levels)):
        while _banks() < level:
            banks = _banks()
            seconds, _bank = _create(slugs())
            report.fill.append({"banks_before": banks, "seconds": round(seconds, 3)})
            say(f"  filling: bank {banks + 1}/{level} cloned in {seconds:.2f} s")
        banks = _banks()
        schemas, relations = _catalogue()
        for method in METHODS:
            m = Measurement(level=level, banks=banks, schemas=schemas, relations=relations, method=method)
            for _ in range(migrate_repeats if method == "migrate" else repeats):
                m.runs.append(_measure_once(method, slugs()))
                say(f"  level {level} ({banks} banks): {method} {m.runs[-1]:.2f} s")
            report.provision.append(m)


# --- Organisation import ---------------------------------------------------------------------------


def _import_once(label: str, bank: Bank, name: str, content: bytes, *, trace: bool, profile: Path | None) -> ImportRun:
    from org.services.org_import import org_file_read, org_import

    gc.collect()
    rss_before, maxrss_before = _rss_mb(), _maxrss_mb()
    if trace:
        tracemalloc.start()
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    try:
        with schema_context(bank.schema_name):
            t0 = time.perf_counter()
            org_file = org_file_read(name=name, content=content)
            t1 = time.perf_counter()
            result = org_import(org_file)
            t2 = time.perf_counter()
        peak = tracemalloc.get_traced_memory()[1] / 2**20 if trace else None
    finally:
        if trace:
            tracemalloc.stop()
        if profiler:
            profiler.disable()
            profiler.dump_stats(profile)
    if not result.ok:
        raise RuntimeError(f"import rejected: {[str(e) for e in result.errors[:5]]}")
    return ImportRun(
        label=label,
        read_seconds=t1 - t0,
        import_seconds=t2 - t1,
        summary=result.summary.as_dict(),
        rss_before_mb=rss_before,
        maxrss_before_mb=maxrss_before,
        maxrss_after_mb=_maxrss_mb(),
        tracemalloc_peak_mb=peak,
    )


def import_bench(
    *, branches: int, staff: int, seed: int, trace: bool, profile_dir: Path | None, report: Report, slugs, say: Say
) -> None:
    from org.management.commands.org_generate import org_rows, org_xlsx_write

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"org-{branches}x{staff}.xlsx"
        t0 = time.perf_counter()
        org_xlsx_write(org_rows(branches=branches, staff=staff, seed=seed), path)
        content = path.read_bytes()
    report.imports = {
        "branches": branches,
        "staff": staff,
        "seed": seed,
        "xlsx_bytes": len(content),
        "generate_seconds": round(time.perf_counter() - t0, 3),
    }
    say(f"  generated {branches} branches / {staff} staff ({len(content) / 2**20:.1f} MB) ")

    def prof(label):
        return profile_dir / f"import-{label}.prof" if profile_dir else None

    _seconds, bank = _create(slugs())
    for label in ("first", "again"):
        run = _import_once(label, bank, path.name, content, trace=False, profile=prof(label))
        report.import_runs.append(run)
        say(f"  import ({label}): read {run.read_seconds:.2f} s, import {run.import_seconds:.2f} s, {run.summary}")
    bank_delete(bank=bank)
    if trace:  # tracemalloc slows Python down: its passes are separate and their times not the figures
        _seconds, bank = _create(slugs())
        for label in ("first", "again"):
            run = _import_once(f"{label}+tracemalloc", bank, path.name, content, trace=True, profile=None)
            report.import_runs.append(run)
            say(f"  import ({label}, tracemalloc): peak {run.tracemalloc_peak_mb:.0f} MB")
        bank_delete(bank=bank)


# --- Running and printing --------------------------------------------------------------------------


def _sigterm(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def run(
    *,
    levels: list[int],
    repeats: int = 3,
    migrate_repeats: int = 1,
    branches: int = 2000,
    staff: int = 18000,
    seed: int = 1,
    provision: bool = True,
    do_import: bool = True,
    trace: bool = True,
    profile_dir: Path | None = None,
    out: Path,
    say: Say = print,
) -> Report:
    started = time.perf_counter()
    report = Report(
        started_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        host=_host(),
        options={
            "levels": levels,
            "repeats": repeats,
            "migrate_repeats": migrate_repeats,
            "branches": branches,
            "staff": staff,
            "seed": seed,
            "BANK_SPARE_SCHEMAS": settings.BANK_SPARE_SCHEMAS,
        },
    )
    slugs = _Slugs()
    out.parent.mkdir(parents=True, exist_ok=True)
    if profile_dir:
        profile_dir.mkdir(parents=True, exist_ok=True)
    previous = signal.signal(signal.SIGTERM, _sigterm)
    cleanup(say)  # an interrupted earlier run
    try:
        with _own_spares_held() as held:
            report.options["existing_spares_held"] = len(held)
            # The import first, while this process's peak memory (ru_maxrss) is still that of startup.
            if do_import:
                say("Organisation import")
                import_bench(
                    branches=branches,
                    staff=staff,
                    seed=seed,
                    trace=trace,
                    profile_dir=profile_dir,
                    report=report,
                    slugs=slugs,
                    say=say,
                )
            if provision:
                say(
                    f"Provisioning (levels {', '.join(map(str, levels))}; {repeats}× spare/clone, "
                    f"{migrate_repeats}× migrate)"
                )
                provision_bench(
                    levels=levels, repeats=repeats, migrate_repeats=migrate_repeats, report=report, slugs=slugs, say=say
                )
        report.complete = True
    finally:
        try:
            say("Cleaning up")
            cleanup(say)
        finally:
            signal.signal(signal.SIGTERM, previous)
            report.total_seconds = time.perf_counter() - started
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(json.dumps(report.as_dict(), ensure_ascii=False, indent=2) + "\n")
    return report


def table(report: Report) -> str:
    lines = []
    if report.provision:
        lines += [
            "Provisioning one bank (bank_create, wall seconds; median of runs [min–max])",
            f"{'level':>5} {'banks':>5} {'schemas':>7} {'pg_class':>8}  " + "  ".join(f"{m:>20}" for m in METHODS),
        ]
        for level in sorted({m.level for m in report.provision}):
            row = {m.method: m for m in report.provision if m.level == level}
            first = next(iter(row.values()))
            cells = []
            for method in METHODS:
                m = row.get(method)
                if m is None:
                    cells.append(f"{'—':>20}")
                elif len(m.runs) == 1:
                    cells.append(f"{m.median:.2f} ×1".rjust(20))
                else:
                    cells.append(f"{m.median:.2f} [{min(m.runs):.2f}–{max(m.runs):.2f}] ×{len(m.runs)}".rjust(20))
            lines.append(f"{level:>5} {first.banks:>5} {first.schemas:>7} {first.relations:>8}  " + "  ".join(cells))
        if report.fill:
            fills = [f["seconds"] for f in report.fill]
            lines.append(
                f"(filling: {len(fills)} banks cloned, median {statistics.median(fills):.2f} s, "
                f"first {fills[0]:.2f} s, last {fills[-1]:.2f} s)"
            )
    if report.import_runs:
        imp = report.imports
        lines += [
            "",
            f"Organisation import: {imp['branches']} branches, {imp['staff']} staff "
            f"(XLSX {imp['xlsx_bytes'] / 2**20:.1f} MB) into a fresh bank",
            f"{'run':<20} {'read s':>7} {'import s':>9} {'total s':>8} {'maxrss Δ MB':>12} "
            f"{'tracemalloc MB':>15}  summary",
        ]
        for r in report.import_runs:
            s = r.summary
            summary = (
                f"branches +{s['branches_created']} ~{s['branches_updated']} ={s['branches_unchanged']}; "
                f"staff +{s['staff_created']} ~{s['staff_updated']} ={s['staff_unchanged']}"
            )
            peak = f"{r.tracemalloc_peak_mb:.0f}" if r.tracemalloc_peak_mb is not None else "—"
            lines.append(
                f"{r.label:<20} {r.read_seconds:>7.2f} {r.import_seconds:>9.2f} "
                f"{r.read_seconds + r.import_seconds:>8.2f} {r.maxrss_delta_mb:>12.0f} {peak:>15}  {summary}"
            )
        lines.append(
            "(+ created, ~ updated, = unchanged. maxrss Δ: how much the run raised this process's peak RSS. "
            "+tracemalloc rows are slowed by tracing: read them for memory only)"
        )
    lines.append(f"\ntotal {report.total_seconds:.0f} s{'' if report.complete else ' (INCOMPLETE)'}")
    return "\n".join(lines)
