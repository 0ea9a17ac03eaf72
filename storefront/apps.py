from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StorefrontConfig(AppConfig):
    name = "storefront"
    verbose_name = _("Storefront")

    def ready(self):
        from org.signals import staff_created
        from org.workspace import Section, section_register
        from storefront import receivers

        staff_created.connect(receivers.storefronts_for_new_staff, dispatch_uid="storefronts_for_new_staff")
        receivers.cache_invalidation_connect()
        everyone = ("manager", "branch_head", "hq_admin")
        section_register(Section("page", _("My page"), "builder:home", everyone, order=5))
