"""Visitors, the events they cause, and who each visitor belongs to.

`Event` is the append-only record every app writes through `insights.services.event_record`. A
`Visitor` is a browser we recognise by a first-party signed cookie; it belongs to one staff member
at a time (its *owner*: first touch wins for the bank's protection period) and may have been
referred by another visitor's share link.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
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
        CONVERSION = "conversion", _("Lead converted")

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
            models.Index(fields=["object_type", "object_id", "occurred_at"], name="event_object_time"),
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


# Tags live here rather than in `customers` (where DESIGN lists them): they label visitors, their
# rules count insights' own events, and campaigns will target tagged visitors through insights,
# which imports no feature app.
class Tag(models.Model):
    """A label on customers. Bank-wide (`owner` empty: head office's, managed in /cms/) or one
    manager's own (`owner` set: only they can see and use it). `kind` says how it is meant to be
    given: by hand, or by `TagRule`s."""

    class Kind(models.TextChoices):
        MANUAL = "manual", _("Given by hand")
        RULE = "rule", _("Given by rules")

    class Colour(models.TextChoices):
        GREY = "grey", _("Grey")
        BLUE = "blue", _("Blue")
        GREEN = "green", _("Green")
        ORANGE = "orange", _("Orange")
        RED = "red", _("Red")
        PURPLE = "purple", _("Purple")

    name = models.CharField(_("name"), max_length=30)
    colour = models.CharField(_("colour"), max_length=10, choices=Colour.choices, default=Colour.BLUE)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MANUAL)
    owner = models.ForeignKey(
        "org.Staff",
        verbose_name=_("owned by"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="tags",
        help_text=_("Empty for a bank-wide tag."),
    )
    created_by = models.ForeignKey(
        "org.Staff", verbose_name=_("created by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [FieldPanel("name"), FieldPanel("colour"), FieldPanel("kind")]

    class Meta:
        verbose_name = _("customer tag")
        verbose_name_plural = _("customer tags")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name"], condition=models.Q(owner__isnull=True), name="tag_bank_name"),
            models.UniqueConstraint(
                fields=["owner", "name"], condition=models.Q(owner__isnull=False), name="tag_owner_name"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def background(self) -> str:
        return TAG_BACKGROUNDS.get(self.colour, TAG_BACKGROUNDS[self.Colour.GREY])


TAG_BACKGROUNDS = {
    "grey": "#eceff1",
    "blue": "#e3f2fd",
    "green": "#e6f4ea",
    "orange": "#fff4e5",
    "red": "#fdecea",
    "purple": "#f3e5f5",
}


class VisitorTag(models.Model):
    """A tag on one visitor, given by a person (`manual`) or by a rule (`rule`: rule evaluation
    adds and removes these, and never touches manual ones)."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("By hand")
        RULE = "rule", _("By a rule")

    visitor = models.ForeignKey(Visitor, on_delete=models.CASCADE, related_name="visitor_tags")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="visitor_tags")
    added_by = models.ForeignKey("org.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["visitor", "tag"], name="visitor_tag_unique")]
        indexes = [models.Index(fields=["tag", "visitor"], name="visitor_tag_by_tag")]


class TagRule(models.Model):
    """ "At least `threshold` events of `kind` (optionally of one product category or one object) in
    the last `window_days` days" → `tag`. Bank-wide (`owner` empty, head office) or for one
    manager's own customers. Evaluated by `insights.tags.tag_rules_apply` as events arrive."""

    tag = models.ForeignKey(Tag, verbose_name=_("tag"), on_delete=models.CASCADE, related_name="rules")
    kind = models.CharField(_("event"), max_length=20, choices=Event.Kind.choices)
    category = models.CharField(
        _("product category"), max_length=30, blank=True, help_text=_("Only events of this category, e.g. wealth.")
    )
    object_id = models.CharField(
        _("object id"), max_length=64, blank=True, help_text=_("Only events about this one item.")
    )
    threshold = models.PositiveSmallIntegerField(
        _("at least (times)"), default=3, validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    window_days = models.PositiveSmallIntegerField(
        _("within (days)"), default=30, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    owner = models.ForeignKey(
        "org.Staff",
        verbose_name=_("for the customers of"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="tag_rules",
        help_text=_("Empty for every customer of the bank."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey("org.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [
        FieldPanel("tag"),
        FieldPanel("kind"),
        FieldPanel("category"),
        FieldPanel("object_id"),
        FieldPanel("threshold"),
        FieldPanel("window_days"),
        FieldPanel("is_active"),
    ]

    class Meta:
        verbose_name = _("tag rule")
        verbose_name_plural = _("tag rules")
        constraints = [
            models.CheckConstraint(condition=models.Q(threshold__gte=1), name="tag_rule_threshold_positive"),
            models.CheckConstraint(condition=models.Q(window_days__gte=1), name="tag_rule_window_positive"),
        ]

    def __str__(self):
        what = self.get_kind_display()
        if self.category:
            what = f"{what} ({self.category})"
        return _("%(what)s ≥ %(n)s in %(days)s days → %(tag)s") % {
            "what": what,
            "n": self.threshold,
            "days": self.window_days,
            "tag": self.tag.name,
        }


# --- Daily rollups ---------------------------------------------------------------------------------
# Statistics never read events directly: they read these per-day sums, which `insights.rollups`
# keeps current (a statement trigger on events marks the staff-days to recompute; `rollup_pending`
# recomputes them) and can recompute for any day (`manage.py insights_rollup --date`). Days are
# Asia/Shanghai calendar days; bots never count.


class DailyFigures(models.Model):
    """The figures of one day. A range's "unique visitors" is the sum of its daily unique visitors
    (访客数按日去重), as the banks' other channels report it."""

    page_views = models.PositiveIntegerField(_("page views"), default=0)
    unique_visitors = models.PositiveIntegerField(_("unique visitors"), default=0)
    scans = models.PositiveIntegerField(_("scans"), default=0)
    shares = models.PositiveIntegerField(_("shares"), default=0)
    new_customers = models.PositiveIntegerField(_("new customers"), default=0)
    referred_customers = models.PositiveIntegerField(_("customers by referral"), default=0)
    product_clicks = models.PositiveIntegerField(_("product clicks"), default=0)
    product_clicks_by_category = models.JSONField(default=dict)  # {"wealth": 3, ...}
    payment_clicks = models.PositiveIntegerField(_("payment-link clicks"), default=0)
    leads = models.PositiveIntegerField(_("leads"), default=0)
    conversions = models.PositiveIntegerField(_("converted leads"), default=0)
    converted_amount = models.DecimalField(_("converted amount"), max_digits=16, decimal_places=2, default=0)
    appointments = models.PositiveIntegerField(_("appointments"), default=0)
    survey_responses = models.PositiveIntegerField(_("survey responses"), default=0)
    messages = models.PositiveIntegerField(_("messages"), default=0)
    campaign_actions = models.PositiveIntegerField(_("campaign actions"), default=0)

    METRICS = (
        "page_views",
        "unique_visitors",
        "scans",
        "shares",
        "new_customers",
        "referred_customers",
        "product_clicks",
        "payment_clicks",
        "leads",
        "conversions",
        "converted_amount",
        "appointments",
        "survey_responses",
        "messages",
        "campaign_actions",
    )

    class Meta:
        abstract = True


class StaffDay(DailyFigures):
    """One staff member's figures for one day in one branch (`branch_id` as the events recorded
    it, so a transfer keeps each branch's history)."""

    day = models.DateField()
    staff = models.ForeignKey("org.Staff", on_delete=models.CASCADE, related_name="+")
    branch_id = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "staff", "branch_id"], name="staff_day_unique")]
        indexes = [
            models.Index(fields=["staff", "day"], name="staff_day_by_staff"),
            models.Index(fields=["branch_id", "day"], name="staff_day_by_branch"),
        ]


class BranchDay(DailyFigures):
    """One branch's figures for one day (the events of its staff; unique visitors counted across
    the branch, not summed)."""

    day = models.DateField()
    branch_id = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "branch_id"], name="branch_day_unique")]
        indexes = [models.Index(fields=["branch_id", "day"], name="branch_day_by_branch")]


class BankDay(DailyFigures):
    """The bank's figures for one day (all its non-bot events)."""

    day = models.DateField(unique=True)


class StaffSpan(DailyFigures):
    """One staff member's figures summed over an aligned block of 2^`level` days starting at
    `start` (levels 1-8: 2 to 256 days; see `rollups.period_cover`). Any period of up to a year is
    covered by at most ~16 such blocks and days, so ranking 18,000 people reads a few rows each
    instead of one per day. Sums of the daily rows (so "unique visitors" as defined above); the
    category breakdown is not carried (leaderboards never rank by it)."""

    level = models.PositiveSmallIntegerField()
    start = models.DateField()
    staff = models.ForeignKey("org.Staff", on_delete=models.CASCADE, related_name="+")
    branch_id = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["level", "start", "staff", "branch_id"], name="staff_span_unique")
        ]
        indexes = [models.Index(fields=["staff", "level", "start"], name="staff_span_by_staff")]


class BranchSpan(DailyFigures):
    """One branch's figures over an aligned block of days, like `StaffSpan`."""

    level = models.PositiveSmallIntegerField()
    start = models.DateField()
    branch_id = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["level", "start", "branch_id"], name="branch_span_unique")]


class RollupPending(models.Model):
    """A staff-day whose figures must be recomputed: written by a trigger on `insights_event`
    (migration 0006) in the same transaction as the event, so no event is ever missed;
    removed by `rollups.rollup_pending` once recomputed. `staff_id` 0 stands for events counted
    for nobody (bank totals only)."""

    day = models.DateField()
    staff_id = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "staff_id"], name="rollup_pending_unique")]
