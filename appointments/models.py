"""Branch appointments.

Head office defines the `ServiceType`s a customer may book, and per branch the `OpeningHours` and
the `SlotCapacity` (how many customers one time slot takes). The bookable time slots are computed
from those; a `Slot` row exists only once someone books one, and counts the places taken
(`booked <= capacity`, enforced by the database). A `Booking` is one customer's place in a slot.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers import pii
from org.models import Branch, Staff


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class ServiceType(models.Model):
    """Something a customer books a visit for (large cash withdrawal, account opening …).

    `notice_hours` is how far ahead it must be booked (a large withdrawal needs a day for the cash
    to arrive); `slot_minutes` is the length of one time slot for it."""

    name = models.CharField(_("name"), max_length=60)
    description = models.TextField(_("description"), max_length=500, blank=True)
    notice_hours = models.PositiveIntegerField(
        _("minimum notice (hours)"),
        default=0,
        validators=[MaxValueValidator(24 * 30)],
        help_text=_("How long before the visit it must be booked at the latest, e.g. 24 for one day."),
    )
    slot_minutes = models.PositiveSmallIntegerField(
        _("slot length (minutes)"), default=30, validators=[MinValueValidator(10), MaxValueValidator(240)]
    )
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("service type")
        verbose_name_plural = _("service types")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class OpeningHours(models.Model):
    """When a branch takes appointments on one weekday (several rows for a lunch break)."""

    branch = models.ForeignKey(
        Branch, verbose_name=_("branch"), on_delete=models.CASCADE, related_name="appointment_hours"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["branch__path", "weekday", "opens"]
        constraints = [models.CheckConstraint(condition=Q(closes__gt=F("opens")), name="appt_hours_close_after_open")]

    def __str__(self):
        return f"{self.branch} {self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class SlotCapacity(models.Model):
    """How many customers one time slot of a branch takes: for one service, or (no service) for
    every service that has no row of its own."""

    branch = models.ForeignKey(
        Branch, verbose_name=_("branch"), on_delete=models.CASCADE, related_name="appointment_capacities"
    )
    service = models.ForeignKey(
        ServiceType,
        verbose_name=_("service type"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("Leave empty for all services."),
    )
    capacity = models.PositiveSmallIntegerField(
        _("customers per slot"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )

    class Meta:
        verbose_name = _("slot capacity")
        verbose_name_plural = _("slot capacities")
        ordering = ["branch__path", "service"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "service"], name="appt_capacity_per_service"),
            models.UniqueConstraint(
                fields=["branch"], condition=Q(service__isnull=True), name="appt_capacity_branch_default"
            ),
        ]

    def __str__(self):
        return f"{self.branch} · {self.service or _('all services')} · {self.capacity}"


class Slot(models.Model):
    """One time slot of one service at one branch, created when it is first booked. `booked` counts
    the places taken; the check constraint makes overbooking impossible whatever the code does."""

    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(ServiceType, on_delete=models.CASCADE, related_name="+")
    start = models.DateTimeField()
    end = models.DateTimeField()
    capacity = models.PositiveSmallIntegerField()
    booked = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["branch", "service", "start"], name="appt_slot_unique"),
            models.CheckConstraint(condition=Q(booked__lte=F("capacity")), name="appt_slot_within_capacity"),
        ]

    def __str__(self):
        return f"{self.branch} · {self.service} · {self.start:%Y-%m-%d %H:%M}"


class Booking(models.Model):
    """A customer's appointment: a place in a `Slot`.

    Name and mobile are encrypted (customers.pii) with a keyed hash of the mobile for look-up. The
    customer reaches it through a private link (`token`) and quotes the short `code` at the branch;
    `staff` is the manager it is attributed to (the visitor's owner, or the page's manager)."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        CONFIRMED = "confirmed", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")
        DONE = "done", _("Done")
        NO_SHOW = "no_show", _("No-show")

    ACTIVE = (Status.BOOKED, Status.CONFIRMED)

    code = models.CharField(_("confirmation code"), max_length=12, unique=True)
    token = models.CharField(max_length=64, unique=True)
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="bookings")
    # Copied from the slot for the workspace's lists (the slot changes on rescheduling).
    branch = models.ForeignKey(Branch, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey(ServiceType, verbose_name=_("service"), on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField(_("time"), db_index=True)
    ends_at = models.DateTimeField()
    staff = models.ForeignKey(
        Staff, verbose_name=_("account manager"), null=True, on_delete=models.SET_NULL, related_name="bookings"
    )
    page_staff = models.ForeignKey(Staff, null=True, on_delete=models.SET_NULL, related_name="+")
    visitor = models.ForeignKey("insights.Visitor", null=True, on_delete=models.SET_NULL, related_name="+")
    name_encrypted = models.TextField()
    phone_encrypted = models.TextField()
    phone_hash = models.CharField(max_length=64, db_index=True)
    # The bank's consent statement the customer agreed to (customers.ConsentStatement), and its
    # version as text (bookings made before the statement was versioned keep their old label).
    consent = models.ForeignKey(
        "customers.ConsentStatement", null=True, on_delete=models.PROTECT, related_name="bookings"
    )
    consent_version = models.CharField(max_length=40)
    consent_at = models.DateTimeField()
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.BOOKED)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["staff", "starts_at"]), models.Index(fields=["branch", "starts_at"])]

    def __str__(self):
        return self.code

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def name_masked(self) -> str:
        return pii.name_mask(pii.decrypt(self.name_encrypted))

    @property
    def phone_masked(self) -> str:
        return pii.mobile_mask(pii.decrypt(self.phone_encrypted))
