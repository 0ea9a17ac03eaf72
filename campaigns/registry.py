"""Workspace section of the campaigns app."""

from django.utils.translation import gettext_lazy as _

from org.workspace import Section, section_register


def sections_register() -> None:
    section_register(
        Section("campaigns", _("Campaigns"), "campaigns:list", ("manager", "branch_head", "hq_admin"), order=29)
    )
