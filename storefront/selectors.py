from django.db.models import Min, Q
from django.utils import timezone

from cms.models import Product, StorefrontTemplate
from org.models import Staff
from storefront.models import Storefront


def staff_for_code(*, code: str) -> Staff | None:
    """The staff member a public link belongs to, in the current bank only; None if unknown.

    The code of someone who has left still resolves: the page names who took over.
    """
    return Staff.objects.select_related("branch", "successor", "successor__branch").filter(code=code.lower()).first()


def storefront_public(*, staff: Staff) -> tuple[Storefront | None, StorefrontTemplate | None]:
    storefront = Storefront.objects.select_related("template").filter(staff=staff).first()
    template = storefront.template if storefront else None
    if template is None:
        template = StorefrontTemplate.objects.filter(is_default=True).first()
    return storefront, template


def seconds_until_catalog_changes(*, now=None) -> int | None:
    """Seconds until the next on-sale window opens or closes, so a cached page expires then."""
    now = now or timezone.now()
    upcoming = Product.objects.filter(live=True).aggregate(
        start=Min("sale_starts_at", filter=Q(sale_starts_at__gt=now)),
        end=Min("sale_ends_at", filter=Q(sale_ends_at__gt=now)),
    )
    moments = [m for m in upcoming.values() if m is not None]
    if not moments:
        return None
    return max(1, int((min(moments) - now).total_seconds()) + 1)
