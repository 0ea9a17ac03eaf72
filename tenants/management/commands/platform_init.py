from django.core.management.base import BaseCommand

from tenants.services import platform_ensure, spares_replenish, template_ensure


class Command(BaseCommand):
    help = "Prepare the platform after migrating: its public domain, the bank template schema, spare schemas."

    def handle(self, *args, **options):
        platform_ensure()
        template_ensure()
        made = spares_replenish()
        self.stdout.write(f"platform ready ({made} spare schema(s) prepared)")
