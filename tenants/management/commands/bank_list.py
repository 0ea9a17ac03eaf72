from django.core.management.base import BaseCommand

from tenants.services import bank_list


class Command(BaseCommand):
    help = "List the banks on the platform."

    def handle(self, *args, **options):
        banks = list(bank_list())
        for bank in banks:
            domains = ", ".join(d.domain for d in bank.domains.all())
            self.stdout.write(f"{bank.slug:<16} {bank.name:<24} {domains}  (created {bank.created_at:%Y-%m-%d})")
        self.stdout.write(f"{len(banks)} bank(s)")
