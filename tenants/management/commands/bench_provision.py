"""`manage.py bench_provision` (`make bench-provision`): time bank provisioning and a large import.

Writes .bench/provision.json and prints a table. See benchmarks/provision.py for what is measured.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from benchmarks.provision import run, table


def _levels(value: str) -> list[int]:
    try:
        levels = sorted({int(v) for v in value.split(",") if v.strip()})
    except ValueError:
        raise CommandError(f"--levels: {value!r} is not a comma-separated list of numbers")
    if not levels or levels[0] < 0:
        raise CommandError("--levels: give numbers of banks ≥ 0, e.g. 1,10,50")
    return levels


class Command(BaseCommand):
    help = (
        "Time provisioning a bank (spare rename, template clone, migrations) with 1/10/50 banks existing, "
        "and importing a 2,000-branch / 18,000-staff organisation file. Creates and deletes banks bnch*."
    )

    def add_arguments(self, parser):
        parser.add_argument("--levels", help="numbers of existing banks to measure at (default 1,10,50; quick 1,10)")
        parser.add_argument("--repeats", type=int, help="runs per level of spare and clone (default 3; quick 1)")
        parser.add_argument("--migrate-repeats", type=int, default=1, help="runs per level of migrations (default 1)")
        parser.add_argument("--quick", action="store_true", help="levels 1,10, one run each, a 200/1,800 import")
        parser.add_argument("--branches", type=int, help="branches in the import file (default 2000; quick 200)")
        parser.add_argument("--staff", type=int, help="staff in the import file (default 18000; quick 1800)")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--no-provision", action="store_true", help="skip the provisioning part")
        parser.add_argument("--no-import", action="store_true", help="skip the import part")
        parser.add_argument("--no-tracemalloc", action="store_true", help="skip the (slower) tracemalloc import passes")
        parser.add_argument("--profile", action="store_true", help="write cProfile stats of the imports to .bench/")
        parser.add_argument("--out", default=str(Path(settings.BASE_DIR) / ".bench" / "provision.json"))

    def handle(self, *args, **o):
        quick = o["quick"]
        out = Path(o["out"])
        report = run(
            levels=_levels(o["levels"] or ("1,10" if quick else "1,10,50")),
            repeats=o["repeats"] or (1 if quick else 3),
            migrate_repeats=o["migrate_repeats"],
            branches=o["branches"] or (200 if quick else 2000),
            staff=o["staff"] or (1800 if quick else 18000),
            seed=o["seed"],
            provision=not o["no_provision"],
            do_import=not o["no_import"],
            trace=not o["no_tracemalloc"],
            profile_dir=out.parent if o["profile"] else None,
            out=out,
            say=lambda line: self.stdout.write(line) if o["verbosity"] else None,
        )
        self.stdout.write("")
        self.stdout.write(table(report))
        self.stdout.write(f"written to {out}")
