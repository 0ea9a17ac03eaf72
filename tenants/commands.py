"""A base for management commands that work inside one bank: `--bank <slug>` picks it."""

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from tenants.models import Bank


class BankCommand(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("--bank", required=True, help="the bank's slug (see bank_list)")

    def handle(self, *args, bank, **options):
        found = Bank.objects.filter(slug=bank, kind=Bank.Kind.BANK).first()
        if found is None:
            raise CommandError(f"no bank with slug {bank!r}; see `manage.py bank_list`")
        with schema_context(found.schema_name):
            return self.handle_bank(found, **options)

    def handle_bank(self, bank, **options):
        raise NotImplementedError
