"""Head office's appointment settings in the Wagtail admin (/cms/)."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from appointments.models import OpeningHours, ServiceType, SlotCapacity


class ServiceTypeViewSet(SnippetViewSet):
    model = ServiceType
    icon = "tasks"
    menu_label = _("Service types")
    list_display = ["name", "notice_hours", "slot_minutes", "active"]
    list_filter = ["active"]
    search_fields = ["name"]


class OpeningHoursViewSet(SnippetViewSet):
    model = OpeningHours
    icon = "time"
    menu_label = _("Opening hours")
    list_display = ["branch", "weekday", "opens", "closes"]
    list_filter = ["weekday"]
    search_fields = ["branch__name", "branch__code"]


class SlotCapacityViewSet(SnippetViewSet):
    model = SlotCapacity
    icon = "group"
    menu_label = _("Slot capacity")
    list_display = ["branch", "service", "capacity"]
    list_filter = ["service"]
    search_fields = ["branch__name", "branch__code"]


class AppointmentsGroup(SnippetViewSetGroup):
    menu_label = _("Appointments")
    menu_icon = "date"
    menu_order = 150
    items = (ServiceTypeViewSet, OpeningHoursViewSet, SlotCapacityViewSet)


register_snippet(AppointmentsGroup)
