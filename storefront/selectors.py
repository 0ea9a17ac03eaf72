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


def builder_rows(*, draft: Storefront, template: StorefrontTemplate | None) -> list[dict]:
    """The rows the builder lists: locked template blocks (not editable) around the manager's own."""
    from django.utils.html import strip_tags
    from django.utils.text import Truncator

    def summary(block) -> str:
        value = block.value
        if block.block_type == "product_shelf":
            if value.get("mode") == "category":
                return str(dict(Product.Category.choices).get(value.get("category"), ""))
            return "、".join(p.name for p in value.get("products") or [] if p)
        if block.block_type == "bill_payments":
            return "、".join(s.name for s in value.get("services") or [] if s)
        if block.block_type == "intro":
            return Truncator(value.get("text", "")).chars(40)
        if block.block_type == "rich_text":
            return Truncator(strip_tags(value.source)).chars(40)
        if block.block_type == "banner":
            return value.get("alt", "")
        return value.get("title", "") if hasattr(value, "get") else ""

    def rows(stream, locked):
        return [
            {
                "id": block.id,
                "type": block.block_type,
                "label": block.block.label,
                "title": block.value.get("title", "") if hasattr(block.value, "get") else "",
                "summary": summary(block),
                "locked": locked,
            }
            for block in stream
        ]

    top = rows(template.locked_top, True) if template else []
    bottom = rows(template.locked_bottom, True) if template else []
    return top + rows(draft.body, False) + bottom
