"""What storefront pages render of campaigns (only on a cache miss: the page is cached whole)."""

from django import template

register = template.Library()


@register.simple_tag
def storefront_campaigns(page_staff):
    """The page's placements for everyone: [(campaign, the page owner's link)], and whether the
    page must ask for this visitor's own (tag-targeted banners, pop-ups)."""
    from campaigns.selectors import page_placements
    from campaigns.services import CampaignError, link_get_or_create

    placements = page_placements(staff=page_staff)
    banners = []
    for campaign in placements.banners:
        try:
            banners.append((campaign, link_get_or_create(campaign=campaign, staff=page_staff)))
        except CampaignError:
            continue
    placements.banners = banners
    return placements


@register.simple_tag
def campaign_card(campaign_id, page_code: str):
    """A campaign block's card: the running campaign (for every visitor) and the page owner's link
    to it, or None (ended, stopped, tag-targeted, or unknown)."""
    from campaigns.selectors import campaigns_shown_to_everyone
    from campaigns.services import CampaignError, link_get_or_create
    from org.models import Staff

    staff = Staff.objects.filter(code=page_code).first()
    campaign = campaigns_shown_to_everyone(ids=[campaign_id]).select_related("image").first()
    if staff is None or campaign is None:
        return None
    try:
        return {"campaign": campaign, "link": link_get_or_create(campaign=campaign, staff=staff)}
    except CampaignError:
        return None
