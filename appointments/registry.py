"""The workspace section this app adds (org imports no feature app: we register ourselves)."""

from django.utils.translation import gettext_lazy as _


def sections_register() -> None:
    from org.workspace import Section, section_register

    everyone = ("manager", "branch_head", "hq_admin")
    section_register(Section("appointments", _("Appointments"), "appointments:list", everyone, order=30))
