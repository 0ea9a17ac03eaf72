"""Open a fresh limited-quota offer in a bank, running from now, and print one manager's link code.

Used by `make bench` (its claim burst needs an offer nobody has claimed yet) and handy for trying a
burst by hand: `manage.py campaign_quota_offer --bank gpnsh --units 20`."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django_tenants.utils import schema_context

from campaigns.models import Campaign
from campaigns.services import link_get_or_create
from org.models import Staff
from tenants.models import Bank


class Command(BaseCommand):
    help = "Create a running limited-quota offer and print a manager's /c/<code> link code."

    def add_arguments(self, parser):
        parser.add_argument("--bank", required=True, help="the bank's slug")
        parser.add_argument("--units", type=int, default=20)
        parser.add_argument("--hours", type=int, default=1, help="how long it runs")

    def handle(self, *args, bank, units, hours, **options):
        found = Bank.objects.filter(slug=bank).first()
        if found is None:
            raise CommandError(f"no bank {bank!r}")
        if units < 1:
            raise CommandError("--units must be at least 1")
        with schema_context(found.schema_name):
            manager = Staff.objects.filter(role=Staff.Role.MANAGER, left_at__isnull=True).order_by("pk").first()
            if manager is None:
                raise CommandError("the bank has no manager")
            now = timezone.now()
            campaign = Campaign.objects.create(
                title=f"限量 {units} 份 · {timezone.localtime(now):%m-%d %H:%M:%S}",
                goal=Campaign.Goal.QUOTA,
                status=Campaign.Status.PUBLISHED,
                starts_at=now - timedelta(seconds=1),
                ends_at=now + timedelta(hours=hours),
                quota_units=units,
                # Not on storefronts: a bench or a trial should not change what customers see.
                show_banner=False,
                reach=Campaign.Reach.OPT_IN,
            )
            self.stdout.write(link_get_or_create(campaign=campaign, staff=manager).code + "\n")
