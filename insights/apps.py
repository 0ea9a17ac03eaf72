from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "insights"
    verbose_name = _("Customers and statistics")

    def ready(self):
        from insights import receivers, stats_registry
        from org.signals import staff_left
        from org.workspace import Section, section_register

        staff_left.connect(receivers.customers_hand_over, dispatch_uid="insights_customers_hand_over")
        everyone = ("manager", "branch_head", "hq_admin")
        section_register(Section("customers", _("My customers"), "insights:customers", everyone, order=20))
        stats_registry.sections_register()  # "My numbers", leaderboards, and the home page's panel
