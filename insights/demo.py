"""Demo customers: visits, shares and referrals through the real tracking path (inbox + ingest)."""

import random
from datetime import timedelta

from django.apps import apps
from django.db import connection
from django.utils import timezone

from insights.ingest import hits_drain
from insights.models import Event, Visitor
from insights.services import event_record, hit_write
from org.models import Staff

BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 MicroMessenger/8.0.49"


def customers_seed(*, seed: int = 7) -> int:
    """A few weeks of visitors for every account manager (once: skipped if the bank has any)."""
    if Visitor.objects.exists():
        return 0
    rng = random.Random(seed)
    made = 0
    for manager in Staff.objects.filter(role=Staff.Role.MANAGER, left_at__isnull=True):
        identities = []
        for index in range(rng.randint(6, 14)):
            referral = rng.choice(identities)[1] if identities and rng.random() < 0.35 else ""
            meta = {"REMOTE_ADDR": f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{index}"}
            hit = hit_write(
                schema_name=connection.schema_name,
                code=manager.code,
                entry=True,
                referral_code=referral,
                user_agent=BROWSER,
                identity=None,
                meta=meta,
            )
            identities.append((hit.token, hit.share_code))
            for _ in range(rng.randint(0, 3)):  # they came back, and looked around
                hit_write(
                    schema_name=connection.schema_name,
                    code=manager.code,
                    entry=rng.random() < 0.5,
                    referral_code="",
                    user_agent=BROWSER,
                    identity=(hit.token, hit.share_code),
                    meta=meta,
                )
            made += 1
    hits_drain()
    # Spread first visits over the last weeks, as real customers would be.
    now = timezone.now()
    for visitor in Visitor.objects.all():
        first = now - timedelta(days=rng.randint(0, 40), hours=rng.randint(0, 23))
        Visitor.objects.filter(pk=visitor.pk).update(
            first_seen_at=first, owned_since=first, last_seen_at=first + timedelta(days=rng.randint(0, 5))
        )
        visitor.events.update(occurred_at=first)
    _wealth_clicks_seed(rng=rng, now=now)
    return made


def _wealth_clicks_seed(*, rng: random.Random, now) -> None:
    """Some customers keep opening wealth products, so the default rule tags them 理财意向.

    The catalog is looked up by name (insights imports no feature app; this is demo data only)."""
    wealth = list(
        apps.get_model("cms", "Product").objects.filter(category="wealth", live=True).values_list("pk", flat=True)
    )
    if not wealth:
        return
    for visitor in Visitor.objects.filter(is_bot=False).select_related("owner"):
        if rng.random() >= 0.3:
            continue
        for _ in range(rng.randint(3, 5)):
            event_record(
                kind=Event.Kind.PRODUCT_CLICK,
                visitor=visitor,
                page_staff=visitor.owner,
                object_type="product",
                object_id=str(rng.choice(wealth)),
                data={"category": "wealth"},
                occurred_at=now - timedelta(days=rng.randint(0, 20), hours=rng.randint(0, 23)),
            )
