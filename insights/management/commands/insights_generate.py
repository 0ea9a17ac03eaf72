"""Generate a bank at scale, for benchmarks: its organisation, a year of customers and events, rollups.

    manage.py insights_generate --bank scale --branches 2000 --staff 18000 --events 10000000 --days 365
                                [--seed 1] [--today 2026-11-22] [--no-rollup]

Creates the bank if it is missing (`bank_create`), imports a generated organisation into it
(`org_generate`'s rows through the real import; skipped when it already has that many branches and
staff), generates the activity (`insights.generate.activity_generate`: SQL on the server, a day per
statement), rolls every generated day up (`insights.rollups.rollup_days`, timed) and prints the
sizes of the event and rollup tables, which the event table's growth plan is based on.

The same arguments and --seed (with --today) give the same rows. A window that already has events
is refused: generate into another bank, or delete this one (`bank_delete`).
"""

from __future__ import annotations

import csv
import io
import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django_tenants.utils import schema_context
from tqdm import tqdm

from insights.generate import GenerateError, activity_generate, table_sizes
from tenants.models import Bank


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:,.1f} MB"


class Command(BaseCommand):
    help = "Generate a bank with a large organisation and a year of customer activity (benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--bank", required=True, help="the bank's slug; created if missing")
        parser.add_argument("--name", help="the bank's name when it is created")
        parser.add_argument("--branches", type=int, default=2000, help="branches besides the head office")
        parser.add_argument("--staff", type=int, default=18000, help="staff members")
        parser.add_argument("--events", type=int, default=10_000_000, help="events in all (exactly)")
        parser.add_argument("--days", type=int, default=365, help="days of activity, ending with --today")
        parser.add_argument("--seed", type=int, default=1, help="the same seed, the same data")
        parser.add_argument("--today", type=date.fromisoformat, help="the last day (YYYY-MM-DD); default today")
        parser.add_argument("--no-rollup", action="store_true", help="leave the rollups to `insights_rollup`")

    def handle(self, *args, bank, name, branches, staff, events, days, seed, today, no_rollup, **options):
        if branches < 1 or staff < 1 or days < 1 or events < 0:
            raise CommandError("--branches, --staff and --days must be at least 1, --events at least 0")
        today = today or timezone.localdate()
        if today > timezone.localdate():
            raise CommandError("--today cannot be in the future")
        quiet = options["verbosity"] == 0
        found = self._bank(bank, name)
        with schema_context(found.schema_name):
            self._organisation(branches=branches, staff=staff, seed=seed)
            with tqdm(total=events, unit="event", unit_scale=True, disable=quiet, desc="events") as bar:
                try:
                    result = activity_generate(today=today, days=days, events=events, seed=seed, progress=bar.update)
                except GenerateError as exc:
                    raise CommandError(str(exc)) from None
            self.stdout.write(
                f"{result.events:,} events and {result.visitors:,} visitors over {days} days"
                f" ({result.days[0]} … {result.days[-1]}) in {result.seconds:.1f} s"
            )
            if no_rollup:
                # The generator bypasses the rollup-pending trigger (see activity_generate): say how.
                self.stdout.write(
                    f"not rolled up: manage.py insights_rollup --bank {bank}"
                    f" --from {result.days[0]} --to {result.days[-1]}"
                )
            else:
                self._rollup(result.days, quiet=quiet)
            self._sizes()

    def _bank(self, slug: str, name: str | None) -> Bank:
        from django.core.exceptions import ValidationError

        from tenants.services import bank_create

        found = Bank.objects.filter(slug=slug, kind=Bank.Kind.BANK).first()
        if found is not None:
            return found
        try:
            created = bank_create(slug=slug, name=name or f"规模测试银行 {slug}")
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stdout.write(f"bank {slug} created at {created.domain}")
        return created.bank

    def _organisation(self, *, branches: int, staff: int, seed: int) -> None:
        """Import a generated organisation through the real import, unless the bank already has one
        that large (re-importing the same rows would change nothing, but costs seconds)."""
        from org.management.commands.org_generate import org_rows
        from org.models import Branch, Staff
        from org.services.org_import import org_file_read, org_import
        from org.services.org_template import BRANCH_HEADERS, STAFF_HEADERS

        if Branch.objects.exclude(depth=0).count() >= branches and Staff.objects.count() >= staff:
            return
        started = time.perf_counter()
        rows = org_rows(branches=branches, staff=staff, seed=seed)
        org_file = None
        for file_name, headers, data in (
            ("branches.csv", BRANCH_HEADERS, rows.branches),
            ("staff.csv", STAFF_HEADERS, rows.staff),
        ):
            text = io.StringIO()
            writer = csv.writer(text)
            writer.writerow(headers)
            writer.writerows(data)
            org_file = org_file_read(name=file_name, content=text.getvalue().encode(), org_file=org_file)
        result = org_import(org_file)
        if not result.ok:
            raise CommandError("the generated organisation was refused: " + "; ".join(map(str, result.errors[:5])))
        self.stdout.write(
            f"organisation: {result.summary.branches_created:,} branches and {result.summary.staff_created:,} staff"
            f" imported in {time.perf_counter() - started:.1f} s"
        )

    def _rollup(self, days: list[date], *, quiet: bool) -> None:
        from insights.models import RollupPending
        from insights.rollups import rollup_days

        if not quiet:
            self.stdout.write(f"rolling up {len(days)} days …")
        started = time.perf_counter()
        # One call: the blocks of days above the day rows are then rebuilt once, not once per chunk.
        rollup_days(days)
        seconds = time.perf_counter() - started
        # What the rollup-pending trigger queued while generating is done now.
        cleared, _by_model = RollupPending.objects.filter(day__in=days).delete()
        self.stdout.write(
            f"rolled up {len(days)} days in {seconds:.1f} s ({seconds / len(days):.2f} s a day);"
            f" {cleared} pending staff-days cleared"
        )

    def _sizes(self) -> None:
        tables, indexes = table_sizes()
        self.stdout.write(f"{'table':<22}{'rows':>14}{'table':>14}{'indexes':>14}{'total':>14}")
        for t in tables:
            self.stdout.write(
                f"{t.name:<22}{t.rows:>14,}{_mb(t.table_bytes):>14}{_mb(t.index_bytes):>14}{_mb(t.total_bytes):>14}"
            )
        self.stdout.write("indexes of insights_event:")
        for index_name, size in indexes:
            self.stdout.write(f"  {index_name:<40}{_mb(size):>14}")
