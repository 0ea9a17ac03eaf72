"""Visitors, the events they cause, and who each visitor belongs to.

`Event` is the append-only record every app writes through `insights.services.event_record`. A
`Visitor` is a browser we recognise by a first-party signed cookie; it belongs to one staff member
at a time (its *owner*: first touch wins for the bank's protection period) and may have been
referred by another visitor's share link.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting


class Source(models.TextChoices):
    SCAN = "scan", _("Scan or link")
    SHARE = "share", _("Shared by a customer")
    DIRECT = "direct", _("Direct")
    CAMPAIGN = "campaign", _("Campaign")


class Visitor(models.Model):
    """A customer's browser. Created on their first tracked action; never holds a raw IP."""

    token = models.CharField(max_length=32, unique=True)  # in the signed cookie
    share_code = models.CharField(max_length=16, unique=True)  # in their share links, ?r=<share_code>
    owner = models.ForeignKey(
        "org.Staff", verbose_name=_("account manager"), null=True, on_delete=models.SET_NULL, related_name="customers"
    )
    owned_since = models.DateTimeField(null=True)
    first_staff = models.ForeignKey("org.Staff", null=True, on_delete=models.SET_NULL, related_name="+")
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.SCAN)
    referrer = models.ForeignKey(
        "self", verbose_name=_("referred by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="referred"
    )
    is_bot = models.BooleanField(default=False)
    ip_hash = models.CharField(max_length=16, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)
    phone_masked = models.CharField(_("mobile"), max_length=20, blank=True)  # set once they leave their number
    first_seen_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(auto_now_add=True)
    visits = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("visitor")
        verbose_name_plural = _("visitors")
        indexes = [
            models.Index(fields=["owner", "-last_seen_at"], name="visitor_owner_recent"),
            models.Index(fields=["referrer"], name="visitor_referrer"),
            models.Index(fields=["ip_hash", "first_seen_at"], name="visitor_network_recent"),
        ]

    def __str__(self):
        return self.phone_masked or _("Visitor %(id)s") % {"id": self.pk}


class Event(models.Model):
    """One thing a visitor did, attributed to a staff member. Append-only.

    `staff` is whom the event counts for (the visitor's owner when it happened, or the page's
    owner for anonymous bots); `branch_id` is copied so rollups need no join. Its growth plan
    (monthly partitions) comes with the statistics work, which reads it through daily rollups."""

    class Kind(models.TextChoices):
        SCAN = "scan", _("Scan")
        PAGE_VIEW = "page_view", _("Page view")
        PRODUCT_CLICK = "product_click", _("Product click")
        PAYMENT_CLICK = "payment_click", _("Bill-payment click")
        SHARE = "share", _("Share")
        LEAD = "lead", _("Lead")
        APPOINTMENT = "appointment", _("Appointment")
        SURVEY_RESPONSE = "survey_response", _("Survey response")
        MESSAGE = "message", _("Message")
        CAMPAIGN = "campaign", _("Campaign action")

    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    occurred_at = models.DateTimeField(db_index=True)
    visitor = models.ForeignKey(Visitor, null=True, on_delete=models.SET_NULL, related_name="events")
    staff = models.ForeignKey("org.Staff", null=True, on_delete=models.SET_NULL, related_name="+")
    branch_id = models.BigIntegerField(null=True)
    page_staff = models.ForeignKey("org.Staff", null=True, on_delete=models.SET_NULL, related_name="+")
    object_type = models.CharField(max_length=30, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    is_bot = models.BooleanField(default=False)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["staff", "occurred_at"], name="event_staff_time"),
            models.Index(fields=["visitor", "occurred_at"], name="event_visitor_time"),
            models.Index(fields=["kind", "occurred_at"], name="event_kind_time"),
        ]


@register_setting(icon="group")
class AttributionSettings(BaseGenericSetting):
    """How long a customer stays with the manager who first brought them."""

    protection_days = models.PositiveSmallIntegerField(
        _("protection period (days)"),
        default=90,
        help_text=_("During this period, another manager's link does not take the customer over."),
    )

    panels = [FieldPanel("protection_days")]

    class Meta:
        verbose_name = _("customer attribution")
