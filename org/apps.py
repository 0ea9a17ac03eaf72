from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "org"
    verbose_name = _("Organisation")

    def ready(self):
        from org.workspace import Section, section_register

        everyone = ("manager", "branch_head", "hq_admin")
        section_register(Section("home", _("Home"), "org:workspace", everyone, order=0))
        section_register(Section("profile", _("My card"), "org:profile", everyone, order=10))
        section_register(Section("staff", _("Staff"), "org:staff_list", ("branch_head", "hq_admin"), order=80))
        section_register(Section("import", _("Import organisation"), "org:import", ("hq_admin",), order=90))
        section_register(Section("cms", _("Content (CMS)"), "wagtailadmin_home", ("hq_admin",), order=95))
