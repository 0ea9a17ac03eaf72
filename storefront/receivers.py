"""Signal receivers: giving new staff a page, and dropping cached pages when what they show changes."""

from django.db.models.signals import m2m_changed, post_delete, post_save


def storefronts_for_new_staff(sender, staff_ids, **kwargs):
    """Every new staff member gets a page built from the bank's default template."""
    from storefront.services import storefronts_create

    storefronts_create(staff_ids=staff_ids)


def _staff_changed(sender, instance, **kwargs):
    from storefront.cache import page_forget

    page_forget(instance.code)


def _storefront_changed(sender, instance, **kwargs):
    from org.models import Staff
    from storefront.cache import page_forget

    code = Staff.objects.filter(pk=instance.staff_id).values_list("code", flat=True).first()
    if code:
        page_forget(code)


def cache_invalidation_connect():
    from wagtail.images import get_image_model

    from campaigns.models import Campaign, CampaignOptIn
    from cms.models import Article, BillPaymentService, BrandSettings, ComplianceSettings, Product, StorefrontTemplate
    from org.models import Branch, Staff
    from org.signals import organisation_changed
    from storefront.cache import content_changed
    from storefront.models import Storefront

    for model in (
        Product,
        BillPaymentService,
        Article,
        BrandSettings,
        ComplianceSettings,
        StorefrontTemplate,
        Branch,
        get_image_model(),
        Campaign,
        CampaignOptIn,
    ):
        post_save.connect(content_changed, sender=model, dispatch_uid=f"storefront_cache_{model.__name__}_save")
        post_delete.connect(content_changed, sender=model, dispatch_uid=f"storefront_cache_{model.__name__}_delete")
    post_save.connect(_staff_changed, sender=Staff, dispatch_uid="storefront_cache_staff")
    post_save.connect(_storefront_changed, sender=Storefront, dispatch_uid="storefront_cache_storefront")
    organisation_changed.connect(content_changed, dispatch_uid="storefront_cache_org")
    # A campaign's audience decides whether the cached page may carry it.
    m2m_changed.connect(
        content_changed, sender=Campaign.audience_tags.through, dispatch_uid="storefront_cache_campaign_audience"
    )
