from django.core.management.base import BaseCommand
from django_tenants.utils import schema_context

from insights.tags import tag_rules_recompute
from tenants.models import Bank


class Command(BaseCommand):
    help = (
        "Re-evaluate customer tag rules for every visitor of every bank (or of --bank). Idempotent; run it daily"
        " so rule tags whose window has passed go away for customers who stay quiet."
    )

    def add_arguments(self, parser):
        parser.add_argument("--bank", help="the slug of one bank")

    def handle(self, *args, bank=None, **options):
        banks = Bank.objects.filter(kind=Bank.Kind.BANK).order_by("slug")
        if bank:
            banks = banks.filter(slug=bank)
        for each in banks:
            with schema_context(each.schema_name):
                result = tag_rules_recompute()
            self.stdout.write(f"{each.slug}: {result.added} tag(s) added, {result.removed} removed")
