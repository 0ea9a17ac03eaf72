"""What head office publishes: the catalog (products, bill-payment services, articles), the bank's
brand, its compliance rules and the storefront templates managers start from.

Catalog items are Wagtail snippets with drafts and revisions. Storefront blocks hold references to
them, never copies, so a change or an off-sale date shows on every page at once.
"""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import DraftStateMixin, PreviewableMixin, RevisionMixin
from wagtail.search import index

from cms.blocks import TemplateBlocks
from cms.compliance import banned_phrases_check
from cms.fields import ChoiceArrayField

colour_validator = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour like #C8102E."))
RICH_TEXT_FEATURES = ["bold", "italic", "ol", "ul", "link"]


class RiskLevel(models.TextChoices):
    R1 = "R1", _("R1 Low")
    R2 = "R2", _("R2 Medium-low")
    R3 = "R3", _("R3 Medium")
    R4 = "R4", _("R4 Medium-high")
    R5 = "R5", _("R5 High")


class LiveCatalogQuerySet(models.QuerySet):
    def on_sale(self, now=None):
        """Live (published), status on sale, and inside the on-sale window."""
        now = now or timezone.now()
        return self.filter(live=True, status=Product.Status.ON_SALE).filter(
            Q(sale_starts_at__isnull=True) | Q(sale_starts_at__lte=now),
            Q(sale_ends_at__isnull=True) | Q(sale_ends_at__gt=now),
        )


class Product(DraftStateMixin, RevisionMixin, PreviewableMixin, index.Indexed, models.Model):
    """A financial product head office sells. Managers choose and order products on their page but
    never edit their terms; a product always shows its risk level and risk warning."""

    class Category(models.TextChoices):
        DEPOSIT = "deposit", _("Deposit")
        WEALTH = "wealth", _("Wealth management")
        LOAN = "loan", _("Loan")
        CREDIT_CARD = "credit_card", _("Credit card")
        FUND = "fund", _("Fund")
        INSURANCE = "insurance", _("Insurance")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        ON_SALE = "on_sale", _("On sale")
        PAUSED = "paused", _("Paused")
        OFF_SALE = "off_sale", _("Off sale")

    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    name = models.CharField(_("name"), max_length=80)
    selling_points = models.TextField(_("selling points"), max_length=300, blank=True, help_text=_("One per line."))
    rate_display = models.CharField(
        _("displayed rate or yield"), max_length=30, blank=True, help_text=_("e.g. 2.15% or 3.10%–3.60%")
    )
    rate_basis = models.CharField(
        _("basis of the rate"),
        max_length=80,
        blank=True,
        help_text=_("e.g. annualised, 3-year fixed; performance comparison benchmark"),
    )
    term = models.CharField(_("term"), max_length=40, blank=True)
    minimum_amount = models.CharField(_("minimum amount"), max_length=40, blank=True)
    risk_level = models.CharField(_("risk level"), max_length=2, choices=RiskLevel.choices, blank=True)
    risk_warning = models.TextField(_("risk warning"), max_length=500, blank=True)
    suitable_for = models.CharField(_("who it suits"), max_length=120, blank=True)
    link_url = models.URLField(_("apply / learn-more link"), blank=True)
    sale_starts_at = models.DateTimeField(_("on sale from"), null=True, blank=True)
    sale_ends_at = models.DateTimeField(_("on sale until"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ON_SALE)
    updated_at = models.DateTimeField(auto_now=True)

    # Products sold with a risk rating: these cannot be saved without a risk level and warning.
    INVESTMENT_CATEGORIES = ("wealth", "fund", "insurance")

    objects = LiveCatalogQuerySet.as_manager()

    panels = [
        FieldRowPanel([FieldPanel("category"), FieldPanel("status")]),
        FieldPanel("name"),
        FieldPanel("selling_points"),
        FieldRowPanel([FieldPanel("rate_display"), FieldPanel("rate_basis")]),
        FieldRowPanel([FieldPanel("term"), FieldPanel("minimum_amount")]),
        MultiFieldPanel(
            [FieldPanel("risk_level"), FieldPanel("risk_warning"), FieldPanel("suitable_for")],
            heading=_("Risk and suitability"),
        ),
        FieldPanel("link_url"),
        FieldRowPanel([FieldPanel("sale_starts_at"), FieldPanel("sale_ends_at")], heading=_("On-sale window")),
    ]
    search_fields = [index.SearchField("name"), index.FilterField("category"), index.FilterField("status")]

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["category", "name"]

    def __str__(self):
        return self.name

    @property
    def selling_point_list(self) -> list[str]:
        return [line.strip() for line in self.selling_points.splitlines() if line.strip()]

    @property
    def is_on_sale(self) -> bool:
        now = timezone.now()
        return (
            self.live
            and self.status == self.Status.ON_SALE
            and (self.sale_starts_at is None or self.sale_starts_at <= now)
            and (self.sale_ends_at is None or self.sale_ends_at > now)
        )

    def clean(self):
        errors = {}
        if self.category in self.INVESTMENT_CATEGORIES:
            if not self.risk_level:
                errors["risk_level"] = _("An investment product needs a risk level.")
            if not self.risk_warning.strip():
                errors["risk_warning"] = _(
                    "An investment product needs its risk warning (e.g. 理财非存款、产品有风险、投资须谨慎)."
                )
        if self.sale_starts_at and self.sale_ends_at and self.sale_ends_at <= self.sale_starts_at:
            errors["sale_ends_at"] = _("The end of the on-sale window must be after its start.")
        for field in ("name", "selling_points", "rate_basis", "suitable_for", "term"):
            message = banned_phrases_check(getattr(self, field))
            if message:
                errors.setdefault(field, message)
        if errors:
            raise ValidationError(errors)

    def get_preview_template(self, request, mode_name):
        return "cms/preview/product.html"


class BillPaymentService(DraftStateMixin, RevisionMixin, index.Indexed, models.Model):
    """A bill the bank lets customers pay (water, electricity, tuition …) through its payment URL."""

    class Category(models.TextChoices):
        WATER = "water", _("Water")
        ELECTRICITY = "electricity", _("Electricity")
        GAS = "gas", _("Gas")
        TUITION = "tuition", _("Tuition")
        SOCIAL_INSURANCE = "social_insurance", _("Social insurance")
        PHONE = "phone", _("Phone top-up")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=40)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    icon = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("icon"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    payment_url = models.URLField(_("payment URL"))
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("category"),
        FieldPanel("icon"),
        FieldPanel("payment_url"),
        FieldPanel("sort_order"),
    ]
    search_fields = [index.SearchField("name")]

    class Meta:
        verbose_name = _("bill-payment service")
        verbose_name_plural = _("bill-payment services")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        message = banned_phrases_check(self.name)
        if message:
            raise ValidationError({"name": message})


class Article(DraftStateMixin, RevisionMixin, PreviewableMixin, index.Indexed, models.Model):
    """News and financial tips head office writes for managers' pages."""

    class Kind(models.TextChoices):
        NEWS = "news", _("News")
        TIP = "tip", _("Financial tip")

    title = models.CharField(_("title"), max_length=80)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NEWS)
    summary = models.CharField(_("summary"), max_length=160, blank=True)
    body = RichTextField(_("body"), features=RICH_TEXT_FEATURES + ["h3", "image"])
    cover = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_on = models.DateField(_("date"), default=timezone.localdate)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("kind"),
        FieldPanel("summary"),
        FieldPanel("cover"),
        FieldPanel("published_on"),
        FieldPanel("body"),
    ]
    search_fields = [index.SearchField("title"), index.SearchField("body")]

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-published_on", "-pk"]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        for field in ("title", "summary", "body"):
            message = banned_phrases_check(getattr(self, field))
            if message:
                errors[field] = message
        if errors:
            raise ValidationError(errors)

    def get_preview_template(self, request, mode_name):
        return "cms/article.html"


@register_setting(icon="image")
class BrandSettings(BaseGenericSetting):
    """The bank's face on every storefront and poster."""

    select_related = ["logo"]  # pages and posters read the logo with the settings: one query

    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    primary_colour = models.CharField(
        _("primary colour"), max_length=7, default="#C8102E", validators=[colour_validator]
    )
    accent_colour = models.CharField(_("accent colour"), max_length=7, default="#F5A623", validators=[colour_validator])
    slogan = models.CharField(_("slogan"), max_length=60, blank=True)
    footer_disclosures = models.TextField(_("footer disclosures"), max_length=1000, blank=True)
    hotline = models.CharField(_("service hotline"), max_length=30, blank=True)

    panels = [
        FieldPanel("logo"),
        FieldRowPanel([FieldPanel("primary_colour"), FieldPanel("accent_colour")]),
        FieldPanel("slogan"),
        FieldPanel("hotline"),
        FieldPanel("footer_disclosures"),
    ]

    class Meta:
        verbose_name = _("brand")


class PosterTemplate(models.TextChoices):
    """The built-in share-poster layouts (drawn in cms/posters.py). Head office picks which ones its
    staff may use in `PosterSettings`; a new layout is code, not data."""

    CLASSIC = "classic", _("Classic")
    MINIMAL = "minimal", _("Minimal")
    FESTIVE = "festive", _("Festive")


def poster_templates_all() -> list[str]:
    return list(PosterTemplate.values)


@register_setting(icon="image")
class PosterSettings(BaseGenericSetting):
    """Which built-in poster layouts (`PosterTemplate`) the bank offers its staff, and which one a
    poster link without `?template=` gets. The poster itself takes its colours, logo and slogan from
    `BrandSettings`."""

    enabled_templates = ChoiceArrayField(
        models.CharField(max_length=20, choices=PosterTemplate.choices),
        verbose_name=_("poster templates staff may use"),
        default=poster_templates_all,
    )
    default_template = models.CharField(
        _("default poster template"),
        max_length=20,
        choices=PosterTemplate.choices,
        default=PosterTemplate.CLASSIC,
    )

    panels = [FieldPanel("enabled_templates"), FieldPanel("default_template")]

    class Meta:
        verbose_name = _("share posters")

    def clean(self):
        if not self.enabled_templates:
            raise ValidationError({"enabled_templates": _("Enable at least one poster template.")})
        if self.default_template not in self.enabled_templates:
            raise ValidationError({"default_template": _("The default poster template must be one of those enabled.")})

    @property
    def templates(self) -> list[str]:
        """The enabled templates in their built-in order, the default first; never empty."""
        enabled = [t for t in PosterTemplate.values if t in (self.enabled_templates or [])]
        if self.default_template in enabled:
            enabled.remove(self.default_template)
            enabled.insert(0, self.default_template)
        return enabled or [PosterTemplate.CLASSIC]


DEFAULT_BANNED_PHRASES = "保本\n保收益\n无风险\n零风险\n稳赚\n稳赚不赔\n刚性兑付\n收益最高\n绝对安全"


@register_setting(icon="warning")
class ComplianceSettings(BaseGenericSetting):
    """Marketing compliance: banned phrases, and whether managers' own text needs approval."""

    banned_phrases = models.TextField(
        _("banned phrases"), default=DEFAULT_BANNED_PHRASES, blank=True, help_text=_("One per line.")
    )
    manager_text_needs_approval = models.BooleanField(_("managers' own text needs head-office approval"), default=True)

    panels = [FieldPanel("manager_text_needs_approval"), FieldPanel("banned_phrases")]

    class Meta:
        verbose_name = _("compliance")

    @property
    def phrase_list(self) -> list[str]:
        return [line.strip() for line in self.banned_phrases.splitlines() if line.strip()]


class StorefrontTemplate(models.Model):
    """The layout managers start from. Blocks in `locked_top` and `locked_bottom` (e.g. a compliance
    footer) show on every page built from this template and cannot be removed or reordered by
    managers: they are not part of a manager's page at all, so no request can touch them.
    `starter` is copied into a new page and is then the manager's to change."""

    name = models.CharField(_("name"), max_length=60)
    is_default = models.BooleanField(_("default for new staff"), default=False)
    locked_top = StreamField(TemplateBlocks(), verbose_name=_("locked blocks at the top"), blank=True)
    starter = StreamField(TemplateBlocks(), verbose_name=_("starting blocks (managers may change)"), blank=True)
    locked_bottom = StreamField(TemplateBlocks(), verbose_name=_("locked blocks at the bottom"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("is_default"),
        FieldPanel("locked_top"),
        FieldPanel("starter"),
        FieldPanel("locked_bottom"),
    ]

    class Meta:
        verbose_name = _("storefront template")
        verbose_name_plural = _("storefront templates")
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="one_default_template")
        ]

    def __str__(self):
        return self.name
