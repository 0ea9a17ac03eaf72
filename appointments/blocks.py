"""Storefront blocks this app adds to every manager's palette: [(name, block instance), ...]."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks


class AppointmentBlock(blocks.StructBlock):
    """A call to book a branch visit: a button leading to the page owner's booking form
    (`/p/book/<code>/`). The storefront page is cached for everyone, so the form is not in it."""

    title = blocks.CharBlock(label=_("Title"), max_length=30, required=False)
    button_text = blocks.CharBlock(label=_("Button text"), max_length=20, required=False)

    class Meta:
        icon = "date"
        label = _("Branch appointment")
        template = "appointments/blocks/appointment.html"
        preview_value = {"title": "预约到网点办理", "button_text": "立即预约"}


BLOCKS: list = [("appointment", AppointmentBlock())]
