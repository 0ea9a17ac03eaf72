"""What customers leave behind for their manager: leads and messages (and, next, tags).

A `Lead` is a customer's request to be contacted: name and mobile encrypted at rest
(`customers.pii`), a keyed hash of the mobile for de-duplication, the `ConsentStatement` version they
agreed to, and the manager it belongs to. Managers are told about it through a `Notification`, an
email and, when head office sets one up (`NotificationSettings`), a work-chat webhook whose every
attempt is a `WebhookDelivery`.

A `MessageThread` is a customer's conversation with their manager from the message board: plain-text
`Message`s from either side. The customer gets back to it through a private link (the thread's
long random token) or, when their visitor cookie identifies them, from the message page.
"""

from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from customers import pii

NAME_MAX = 30
NOTE_MAX = 500
STAFF_NOTE_MAX = 1000
MESSAGE_MAX = 1000


class ConsentStatement(models.Model):
    """The text a customer agrees to before leaving their details. Versions are never edited:
    each change head office makes is a new row, and the highest version is the current one. A lead
    keeps the version its customer agreed to."""

    version = models.PositiveIntegerField(_("version"), unique=True, editable=False)
    text = models.TextField(_("consent text"), max_length=2000)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        "org.Staff", null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )

    panels = [FieldPanel("text")]

    class Meta:
        verbose_name = _("consent statement")
        verbose_name_plural = _("consent statements")
        ordering = ["-version"]

    def __str__(self):
        return _("Consent statement v%(version)s") % {"version": self.version}


class Lead(models.Model):
    """A customer asked their manager to get in touch, optionally about a product."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        CONTACTED = "contacted", _("Contacted")
        CONVERTED = "converted", _("Converted")
        INVALID = "invalid", _("Invalid")

    OPEN_STATUSES = (Status.NEW, Status.CONTACTED)

    staff = models.ForeignKey(
        "org.Staff", verbose_name=_("account manager"), on_delete=models.PROTECT, related_name="leads"
    )
    page_staff = models.ForeignKey("org.Staff", null=True, on_delete=models.SET_NULL, related_name="+")
    visitor = models.ForeignKey(
        "insights.Visitor", null=True, blank=True, on_delete=models.SET_NULL, related_name="leads"
    )
    product = models.ForeignKey(
        "cms.Product", verbose_name=_("product"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name_encrypted = models.TextField()
    mobile_encrypted = models.TextField()
    mobile_masked = models.CharField(_("mobile"), max_length=20)
    phone_hash = models.CharField(max_length=64)
    note = models.TextField(_("note"), max_length=NOTE_MAX, blank=True)
    consent = models.ForeignKey(ConsentStatement, on_delete=models.PROTECT, related_name="leads")
    consented_at = models.DateTimeField(_("consented at"))
    submissions = models.PositiveIntegerField(default=1)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NEW)
    converted_amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, null=True, blank=True)
    converted_product = models.ForeignKey(
        "cms.Product",
        verbose_name=_("product sold"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["staff", "-created_at"], name="lead_staff_recent"),
            models.Index(fields=["staff", "phone_hash", "-created_at"], name="lead_staff_phone"),
            models.Index(fields=["follow_up_on"], name="lead_follow_up"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="converted") | models.Q(converted_amount__isnull=False),
                name="lead_converted_has_amount",
            ),
        ]

    def __str__(self):
        return f"{self.name_masked} {self.mobile_masked}"

    @property
    def name(self) -> str:
        return pii.decrypt(self.name_encrypted)

    @property
    def mobile(self) -> str:
        return pii.decrypt(self.mobile_encrypted)

    @property
    def name_masked(self) -> str:
        return pii.name_mask(self.name)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def next_statuses(self) -> list[str]:
        """new → contacted → converted or invalid; an invalid lead may be reopened as contacted."""
        return LEAD_STATUS_NEXT.get(self.status, [])


LEAD_STATUS_NEXT = {
    Lead.Status.NEW: [Lead.Status.CONTACTED, Lead.Status.CONVERTED, Lead.Status.INVALID],
    Lead.Status.CONTACTED: [Lead.Status.CONVERTED, Lead.Status.INVALID],
    Lead.Status.INVALID: [Lead.Status.CONTACTED],
    Lead.Status.CONVERTED: [],
}


class LeadNote(models.Model):
    """The manager's notes on a lead, and its status changes, oldest first."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey("org.Staff", null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(blank=True, max_length=STAFF_NOTE_MAX)
    status = models.CharField(max_length=12, choices=Lead.Status.choices, blank=True)  # set on a status change
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]


class MessageThread(models.Model):
    """A customer's conversation with a manager, started from the message board. It belongs to the
    customer's own manager when known, else to the page's manager (like a lead). `token` is the
    customer's private way back; `visitor` is empty when they had no visitor cookie yet."""

    staff = models.ForeignKey(
        "org.Staff", verbose_name=_("account manager"), on_delete=models.PROTECT, related_name="message_threads"
    )
    page_staff = models.ForeignKey("org.Staff", null=True, on_delete=models.SET_NULL, related_name="+")
    visitor = models.ForeignKey(
        "insights.Visitor", null=True, blank=True, on_delete=models.SET_NULL, related_name="message_threads"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_message_at = models.DateTimeField(_("last message"), db_index=True)
    # Whether the latest word is the customer's (the manager owes an answer).
    awaiting_reply = models.BooleanField(_("awaiting reply"), default=True)

    class Meta:
        verbose_name = _("message thread")
        verbose_name_plural = _("message threads")
        ordering = ["-last_message_at", "-pk"]
        indexes = [models.Index(fields=["staff", "-last_message_at"], name="thread_staff_recent")]

    def __str__(self):
        return _("Message thread %(id)s") % {"id": self.pk}


class Message(models.Model):
    """One plain-text message in a thread: the customer's (`author` empty) or a staff reply."""

    thread = models.ForeignKey(MessageThread, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey("org.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    from_customer = models.BooleanField(default=True)
    text = models.TextField(_("message"), max_length=MESSAGE_MAX)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]


class Notification(models.Model):
    """Something in the workspace a staff member has not looked at yet (a new lead or message)."""

    staff = models.ForeignKey("org.Staff", on_delete=models.CASCADE, related_name="notifications")
    lead = models.ForeignKey(Lead, null=True, on_delete=models.CASCADE, related_name="notifications")
    thread = models.ForeignKey(MessageThread, null=True, on_delete=models.CASCADE, related_name="notifications")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["staff"], condition=models.Q(read_at__isnull=True), name="notification_unread"),
        ]


class WebhookDelivery(models.Model):
    """One message to the bank's work-chat webhook, retried with backoff until delivered or given
    up on. The payload is stored as sent (masked: it never holds a full phone number)."""

    lead = models.ForeignKey(Lead, null=True, on_delete=models.SET_NULL, related_name="+")
    url = models.URLField(max_length=500)
    payload = models.JSONField()
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]


@register_setting(icon="mail")
class NotificationSettings(BaseGenericSetting):
    """Where head office wants new leads announced besides the workspace and email."""

    webhook_url = models.URLField(
        _("work-chat webhook URL"),
        max_length=500,
        blank=True,
        validators=[URLValidator(schemes=["https"])],
        help_text=_(
            "Optional. A WeCom or DingTalk group robot's https address: every new lead is posted there "
            "(masked, never the full mobile number)."
        ),
    )

    panels = [FieldPanel("webhook_url")]

    class Meta:
        verbose_name = _("lead notifications")
