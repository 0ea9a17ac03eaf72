from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    """Branch appointments: service types, opening hours and slot capacity, bookings."""

    name = "appointments"
    verbose_name = _("Branch appointments")

    def ready(self):
        from appointments import registry

        registry.sections_register()
