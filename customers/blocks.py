"""Storefront blocks this app adds to every manager's palette: [(name, block instance), ...].

The storefront page is cached whole for everyone, so a block never holds a form (no CSRF token,
nothing per visitor): the lead form block is a call to action leading to the uncached lead page.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from cms.blocks import CompliantCharBlock

LEAD_TITLE_MAX = 20
LEAD_BUTTON_MAX = 10


class LeadFormBlock(blocks.StructBlock):
    """ "Leave your details": a heading and a button to the manager's lead page (/p/lead/<code>/)."""

    title = CompliantCharBlock(label=_("Title"), required=False, max_length=LEAD_TITLE_MAX)
    button_text = CompliantCharBlock(label=_("Button text"), required=False, max_length=LEAD_BUTTON_MAX)

    class Meta:
        icon = "form"
        label = _("Lead form")
        template = "customers/blocks/lead_form.html"
        preview_value = {"title": "预约专属服务", "button_text": "留下联系方式"}


BLOCKS: list = [("lead_form", LeadFormBlock())]
