from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    """What customers leave behind: leads, branch appointments, messages, profiles and tags."""

    name = "customers"
    verbose_name = _("Customers")

    def ready(self):
        from customers import registry

        registry.sections_register()
