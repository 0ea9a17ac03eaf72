from django.core.management.base import BaseCommand

from insights.ingest import hits_drain, ingest_forever


class Command(BaseCommand):
    help = "Turn tracked storefront views (the inbox) into visitors, attribution and events."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="empty the inbox once and exit")
        parser.add_argument("--interval", type=float, default=0.5, help="seconds between rounds")

    def handle(self, *args, once=False, interval=0.5, **options):
        if once:
            result = hits_drain()
            self.stdout.write(f"{result.hits} hit(s) processed, {result.dropped} dropped")
            return
        ingest_forever(interval=interval)
