"""Workspace sections of the customers app (each part adds its own here)."""

from django.utils.translation import gettext_lazy as _

from org.workspace import Section, section_register


def sections_register() -> None:
    section_register(Section("leads", _("Leads"), "customers:leads", ("manager", "branch_head", "hq_admin"), order=25))
    section_register(
        Section("messages", _("Messages"), "customers:messages", ("manager", "branch_head", "hq_admin"), order=26)
    )
