"""Storefront blocks this app adds to every manager's palette: [(name, block instance), ...].

The in-page card of a campaign: head office's campaign (by id), rendered as its creative leading to
the page owner's own `/c/<code>` link, so what it brings is theirs. It shows only while the
campaign runs and only for campaigns meant for every visitor (the page is cached for everyone)."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks


class CampaignBlock(blocks.StructBlock):
    """A campaign card on a manager's page."""

    campaign = blocks.IntegerBlock(label=_("Campaign"), min_value=1)

    class Meta:
        icon = "pick"
        label = _("Campaign")
        template = "campaigns/blocks/campaign.html"
        preview_value = {"campaign": 1}


BLOCKS: list = [("campaign", CampaignBlock())]
