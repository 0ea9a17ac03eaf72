"""Demo pages: every staff member has a page; a few managers have published their own arrangement."""

from org.models import Staff
from storefront.models import Storefront
from storefront.services import builder_block_add, storefront_publish, storefronts_create


def pages_seed() -> None:
    from cms.models import Product

    storefronts_create(staff_ids=list(Staff.objects.values_list("pk", flat=True)))
    wealth = list(Product.objects.on_sale().filter(category="wealth").values_list("pk", flat=True))
    for storefront in Storefront.objects.select_related("staff__user").filter(
        staff__role=Staff.Role.MANAGER, latest_revision__isnull=True
    ):
        user = storefront.staff.user
        builder_block_add(
            storefront=storefront,
            user=user,
            block_type="product_shelf",
            value={"title": "我为您精选", "mode": "chosen", "products": wealth[::-1], "category": ""},
        )
        storefront.refresh_from_db()
        storefront_publish(storefront=storefront, user=user)
