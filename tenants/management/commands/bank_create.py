import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tenants.services import bank_create, platform_ensure, spares_replenish


class Command(BaseCommand):
    help = "Create a bank: its schema, domain, Wagtail site and a first head-office admin."

    def add_arguments(self, parser):
        parser.add_argument("--slug", required=True, help="short name, e.g. jxnsh; the bank is at <slug>.<BASE_DOMAIN>")
        parser.add_argument("--name", required=True, help="the bank's full name")
        parser.add_argument("--domain", help="a host name instead of <slug>.<BASE_DOMAIN>")
        parser.add_argument("--no-refill", action="store_true", help="do not prepare a new spare schema afterwards")

    def handle(self, *args, slug, name, domain=None, no_refill=False, **options):
        platform_ensure()
        started = time.perf_counter()
        try:
            created = bank_create(slug=slug, name=name, domain=domain)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        seconds = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"Created bank {created.bank.name} in {seconds:.2f} s"))
        self.stdout.write(f"  address:  http://{created.domain}/")
        self.stdout.write(f"  login:    {created.admin_username}")
        self.stdout.write(f"  one-time password (shown once, must be changed at first login): {created.admin_password}")
        if not no_refill:
            spares_replenish()
