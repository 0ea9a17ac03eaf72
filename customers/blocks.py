"""Storefront blocks this app adds to every manager's palette: [(name, block instance), ...].

The storefront page is cached whole for everyone, so a block never holds a form (no CSRF token,
nothing per visitor): the lead form and message board blocks are calls to action leading to their
uncached pages.
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


MESSAGE_TITLE_MAX = 20
MESSAGE_BUTTON_MAX = 10


class MessageBoardBlock(blocks.StructBlock):
    """ "Leave me a message": a heading and a button to the manager's message page
    (/p/message/<code>/), where customers write and come back for the reply."""

    title = CompliantCharBlock(label=_("Title"), required=False, max_length=MESSAGE_TITLE_MAX)
    button_text = CompliantCharBlock(label=_("Button text"), required=False, max_length=MESSAGE_BUTTON_MAX)

    class Meta:
        icon = "comment"
        label = _("Message board")
        template = "customers/blocks/message_board.html"
        preview_value = {"title": "有问题，给我留言", "button_text": "写留言"}


BLOCKS: list = [("lead_form", LeadFormBlock()), ("message_board", MessageBoardBlock())]
