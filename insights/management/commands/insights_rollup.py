import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from insights.rollups import PENDING_BATCH, rollup_days, rollup_pending
from tenants.models import Bank

MAX_DAYS = 400


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {value}") from None


class Command(BaseCommand):
    help = (
        "Bring the daily statistics up to date. Without dates: recompute the staff-days new events touched"
        " (--follow keeps doing so, every --interval seconds: today's figures stay live). With --date (repeatable)"
        " or --from/--to: recompute those whole days from their events; idempotent, so a correction never"
        " double counts. Days are Asia/Shanghai dates."
    )

    def add_arguments(self, parser):
        parser.add_argument("--bank", help="the slug of one bank (default: every bank)")
        parser.add_argument("--date", action="append", default=[], help="a day to recompute, YYYY-MM-DD")
        parser.add_argument("--from", dest="date_from", help="first day of a range to recompute")
        parser.add_argument("--to", dest="date_to", help="last day of the range (default: --from)")
        parser.add_argument("--follow", action="store_true", help="keep recomputing pending staff-days")
        parser.add_argument("--interval", type=float, default=30.0, help="seconds between --follow runs")

    def handle(self, *args, bank=None, date, date_from, date_to, follow, interval, **options):
        days = sorted({_date(d) for d in date} | set(self._range(date_from, date_to)))
        banks = Bank.objects.filter(kind=Bank.Kind.BANK).order_by("slug")
        if bank:
            banks = banks.filter(slug=bank)
            if not banks.exists():
                raise CommandError(f"no bank with the slug {bank!r}")
        schemas = [(b.slug, b.schema_name) for b in banks]
        if days:
            for slug, schema in schemas:
                started = time.monotonic()
                with schema_context(schema):
                    rollup_days(days)
                self.stdout.write(f"{slug}: {len(days)} day(s) recomputed in {time.monotonic() - started:.1f} s")
            return
        while True:
            for slug, schema in schemas:
                with schema_context(schema):
                    total = done = rollup_pending()
                    while done >= PENDING_BATCH:  # a backlog: keep going until it is cleared
                        done = rollup_pending()
                        total += done
                if not follow:
                    self.stdout.write(f"{slug}: {total} staff-day(s) recomputed")
            if not follow:
                return
            time.sleep(interval)

    def _range(self, date_from, date_to):
        if not date_from:
            if date_to:
                raise CommandError("--to needs --from")
            return []
        first, last = _date(date_from), _date(date_to or date_from)
        if last < first:
            raise CommandError("--to is before --from")
        if (last - first).days >= MAX_DAYS:
            raise CommandError(f"at most {MAX_DAYS} days at a time")
        return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
