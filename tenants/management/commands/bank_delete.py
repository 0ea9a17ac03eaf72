from django.core.management.base import BaseCommand, CommandError

from tenants.models import Bank
from tenants.services import bank_delete


class Command(BaseCommand):
    help = "Delete a bank and drop its schema, with all its data. Asks for confirmation."

    def add_arguments(self, parser):
        parser.add_argument("--slug", required=True)
        parser.add_argument("--yes", action="store_true", help="do not ask (for scripts)")

    def handle(self, *args, slug, yes=False, **options):
        bank = Bank.objects.filter(slug=slug, kind=Bank.Kind.BANK).first()
        if bank is None:
            raise CommandError(f"no bank with slug {slug!r}")
        if not yes:
            answer = input(f"Delete bank {bank.name} ({slug}) and ALL its data? Type the slug to confirm: ")
            if answer.strip() != slug:
                raise CommandError("not confirmed; nothing deleted")
        bank_delete(bank=bank)
        self.stdout.write(self.style.SUCCESS(f"Deleted bank {slug} and dropped its schema"))
