"""Campaigns that head office runs on every manager's page.

A `Campaign` has a type, a time window, an audience (everyone, or visitors with any of the given
bank-wide tags), a creative (banner image, title, text, button label), placements (a top banner, a
pop-up with a per-visitor daily cap; managers may also add it to their page as a card block) and a
goal it leads to (a product, a questionnaire, a friend assist or a limited-quota offer). It reaches
every manager's page, or only the pages of managers who opt in (`CampaignOptIn`). Each staff member
shares it through their own `CampaignLink` (`/c/<code>`), so everything it brings is attributed like
every other link.

A limited-quota offer (goal "quota") gives out `quota_units` units from the campaign's start, at most
one per customer: each `QuotaClaim` takes a unit with a conditional UPDATE of `quota_claimed`
(never above `quota_units`, a check constraint), and unique constraints keep one claim per visitor
and per phone, and each unit number once.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

from customers import pii

TITLE_MAX = 60
HEADLINE_MAX = 30
TEXT_MAX = 200
BUTTON_MAX = 10


class Campaign(models.Model):
    class Kind(models.TextChoices):
        ACQUISITION = "acquisition", _("New customers")
        ACTIVATION = "activation", _("Activation")
        VALUE_GROWTH = "value_growth", _("Value growth")
        CARE = "care", _("Customer care")

    class Goal(models.TextChoices):
        PRODUCT = "product", _("A product")
        QUESTIONNAIRE = "questionnaire", _("A questionnaire")
        ASSIST = "assist", _("Friend assist")
        QUOTA = "quota", _("Limited-quota offer")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        STOPPED = "stopped", _("Stopped")

    class Reach(models.TextChoices):
        EVERY_PAGE = "every_page", _("On every manager's page")
        OPT_IN = "opt_in", _("Managers opt in")

    title = models.CharField(_("title"), max_length=TITLE_MAX)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.ACQUISITION)
    goal = models.CharField(_("leads to"), max_length=20, choices=Goal.choices, default=Goal.PRODUCT)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    created_at = models.DateTimeField(auto_now_add=True)

    # Audience: nobody chosen means every visitor.
    audience_tags = models.ManyToManyField(
        "insights.Tag",
        verbose_name=_("audience: visitors with any of these tags"),
        blank=True,
        related_name="campaigns",
        limit_choices_to={"owner__isnull": True},
        help_text=_("Leave empty to show the campaign to every visitor. Only bank-wide tags can be chosen."),
    )
    # Creative.
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("banner image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    headline = models.CharField(_("banner title"), max_length=HEADLINE_MAX, blank=True)
    text = models.CharField(_("banner text"), max_length=TEXT_MAX, blank=True)
    button_label = models.CharField(_("button label"), max_length=BUTTON_MAX, blank=True)
    # Goal targets (the one matching `goal` is required, see cms form).
    product = models.ForeignKey(
        "cms.Product", verbose_name=_("product"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    questionnaire = models.ForeignKey(
        "questionnaires.Questionnaire",
        verbose_name=_("questionnaire"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    quota_units = models.PositiveIntegerField(_("units on offer"), null=True, blank=True)
    # Taken only by `services.quota_claim`'s conditional UPDATE; the check constraint is the backstop.
    quota_claimed = models.PositiveIntegerField(_("units claimed"), default=0, editable=False)
    # Placements.
    show_banner = models.BooleanField(_("top banner on storefronts"), default=True)
    show_popup = models.BooleanField(_("pop-up on storefronts"), default=False)
    popup_daily_cap = models.PositiveSmallIntegerField(
        _("pop-up at most (times a day per visitor)"), default=1, help_text=_("Per visitor and calendar day.")
    )
    reach = models.CharField(_("reach"), max_length=12, choices=Reach.choices, default=Reach.EVERY_PAGE)

    panels = [
        MultiFieldPanel(
            [FieldPanel("title"), FieldPanel("kind"), FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")])],
            heading=_("Campaign"),
        ),
        MultiFieldPanel(
            [FieldPanel("image"), FieldPanel("headline"), FieldPanel("text"), FieldPanel("button_label")],
            heading=_("Creative"),
        ),
        MultiFieldPanel(
            [FieldPanel("goal"), FieldPanel("product"), FieldPanel("questionnaire"), FieldPanel("quota_units")],
            heading=_("Leads to"),
        ),
        MultiFieldPanel([FieldPanel("audience_tags")], heading=_("Audience")),
        MultiFieldPanel(
            [
                FieldPanel("show_banner"),
                FieldPanel("show_popup"),
                FieldPanel("popup_daily_cap"),
                FieldPanel("reach"),
            ],
            heading=_("Placements and reach"),
        ),
        FieldPanel("status"),
    ]

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="campaign_window"),
            models.CheckConstraint(
                condition=models.Q(quota_units__isnull=True, quota_claimed=0)
                | models.Q(quota_claimed__lte=models.F("quota_units")),
                name="campaign_quota_claimed_within_units",
            ),
        ]
        indexes = [models.Index(fields=["status", "ends_at"], name="campaign_running")]

    def __str__(self):
        return self.title

    def is_running(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == self.Status.PUBLISHED and self.starts_at <= now < self.ends_at

    def has_ended(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == self.Status.STOPPED or now >= self.ends_at

    @property
    def units_left(self) -> int:
        return max(0, (self.quota_units or 0) - self.quota_claimed)

    @property
    def display_title(self) -> str:
        return self.headline or self.title


class CampaignLink(models.Model):
    """One staff member's link to a campaign: `/c/<code>`, stable for as long as both exist."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="links")
    staff = models.ForeignKey("org.Staff", on_delete=models.CASCADE, related_name="campaign_links")
    code = models.CharField(max_length=16, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "staff"], name="campaign_link_one_per_staff")]


class CampaignOptIn(models.Model):
    """A manager has put an opt-in campaign on their page (deleted when they opt out)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="opt_ins")
    staff = models.ForeignKey("org.Staff", on_delete=models.CASCADE, related_name="campaign_opt_ins")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "staff"], name="campaign_opt_in_once")]


class QuotaClaim(models.Model):
    """One unit of a limited-quota offer, taken by one customer (their mobile encrypted like a
    lead's, with the consent they gave), attributed to the manager whose link they came through."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="claims")
    number = models.PositiveIntegerField()  # 1..quota_units: which unit this is
    link = models.ForeignKey(CampaignLink, null=True, on_delete=models.SET_NULL, related_name="claims")
    staff = models.ForeignKey("org.Staff", on_delete=models.PROTECT, related_name="campaign_claims")
    branch = models.ForeignKey("org.Branch", on_delete=models.PROTECT, related_name="+")
    visitor = models.ForeignKey("insights.Visitor", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    visitor_token = models.CharField(max_length=64)
    phone_hash = models.CharField(max_length=64)
    mobile_encrypted = models.TextField()
    mobile_masked = models.CharField(max_length=20)
    consent = models.ForeignKey("customers.ConsentStatement", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="quota_claim_unit_once"),
            models.UniqueConstraint(fields=["campaign", "visitor_token"], name="quota_claim_one_per_visitor"),
            models.UniqueConstraint(fields=["campaign", "phone_hash"], name="quota_claim_one_per_phone"),
        ]

    @property
    def mobile(self) -> str:
        return pii.decrypt(self.mobile_encrypted)
