"""The storefront block library. Head office builds templates from it; managers build pages.

Blocks that show catalog items hold references (snippet choosers), never copies, and resolve them
at render time to what is live and on sale now. Blocks whose text a manager writes themself
(`IntroBlock`, `ManagerRichTextBlock`) are the ones that go through head-office approval.
Other apps add their own blocks (survey, appointment, lead form …) in their `blocks.py`.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from cms.compliance import banned_phrases_check

MANAGER_RICH_TEXT_FEATURES = ["bold", "italic", "ol", "ul"]
ARTICLE_COUNT_MAX = 10


def _compliance_error(value_text: str):
    message = banned_phrases_check(value_text)
    if message:
        raise ValidationError(message)


class CompliantCharBlock(blocks.CharBlock):
    def clean(self, value):
        value = super().clean(value)
        _compliance_error(value)
        return value


class CompliantTextBlock(blocks.TextBlock):
    def clean(self, value):
        value = super().clean(value)
        _compliance_error(value)
        return value


class ProductShelfValue(blocks.StructValue):
    # Not called `products`: templates look up dict keys before methods, and that is the field.
    def products_on_sale(self):
        """The products to show, in the manager's order: only live, on-sale ones."""
        from cms.models import Product

        if self.get("mode") == "category":
            return list(Product.objects.on_sale().filter(category=self.get("category")).order_by("name"))
        chosen = [p for p in self.get("products") or [] if p is not None]
        on_sale = set(Product.objects.on_sale().filter(pk__in=[p.pk for p in chosen]).values_list("pk", flat=True))
        return [p for p in chosen if p.pk in on_sale]


class ProductShelfBlock(blocks.StructBlock):
    """Products from the catalog: hand-picked in the manager's order, or a whole category."""

    title = blocks.CharBlock(label=_("Title"), required=False, max_length=30)
    mode = blocks.ChoiceBlock(
        label=_("Show"),
        choices=[("chosen", _("Chosen products")), ("category", _("A whole category"))],
        default="chosen",
    )
    products = blocks.ListBlock(SnippetChooserBlock("cms.Product"), label=_("Products"), required=False)
    category = blocks.ChoiceBlock(
        label=_("Category"),
        required=False,
        choices=[
            ("deposit", _("Deposit")),
            ("wealth", _("Wealth management")),
            ("loan", _("Loan")),
            ("credit_card", _("Credit card")),
            ("fund", _("Fund")),
            ("insurance", _("Insurance")),
            ("other", _("Other")),
        ],
    )

    def clean(self, value):
        value = super().clean(value)
        if value.get("mode") == "category" and not value.get("category"):
            raise StructBlockValidationError(block_errors={"category": ValidationError(_("Choose a category."))})
        if value.get("mode") == "chosen" and not value.get("products"):
            raise StructBlockValidationError(
                block_errors={"products": ValidationError(_("Choose at least one product."))}
            )
        return value

    class Meta:
        icon = "list-ul"
        label = _("Product shelf")
        template = "cms/blocks/product_shelf.html"
        value_class = ProductShelfValue
        preview_value = {"title": "精选产品", "mode": "category", "category": "deposit"}


class BillPaymentValue(blocks.StructValue):
    def services_live(self):
        from cms.models import BillPaymentService

        chosen = [s for s in self.get("services") or [] if s is not None]
        if not chosen:
            return list(BillPaymentService.objects.filter(live=True))
        return [s for s in chosen if s.live]


class BillPaymentGridBlock(blocks.StructBlock):
    """A grid of bill-payment links (all of the bank's, or a chosen few)."""

    title = blocks.CharBlock(label=_("Title"), required=False, max_length=30)
    services = blocks.ListBlock(
        SnippetChooserBlock("cms.BillPaymentService"),
        label=_("Services (leave empty for all)"),
        required=False,
    )

    class Meta:
        icon = "grip"
        label = _("Bill payments")
        template = "cms/blocks/bill_payment_grid.html"
        value_class = BillPaymentValue
        preview_value = {"title": "生活缴费"}


class ContactCardBlock(blocks.StructBlock):
    """The page owner's card, from their staff profile (photo, title, licence, phone, branch)."""

    show_wechat = blocks.BooleanBlock(label=_("Show WeChat ID"), required=False, default=True)
    show_address = blocks.BooleanBlock(label=_("Show branch address and map"), required=False, default=True)

    class Meta:
        icon = "user"
        label = _("Contact card")
        template = "cms/blocks/contact_card.html"
        preview_value = {"show_wechat": True, "show_address": True}


class IntroBlock(blocks.StructBlock):
    """A short greeting in the manager's own words (goes through approval when required)."""

    heading = CompliantCharBlock(label=_("Heading"), max_length=30, required=False)
    text = CompliantTextBlock(label=_("Text"), max_length=300)

    class Meta:
        icon = "openquote"
        label = _("Introduction")
        template = "cms/blocks/intro.html"
        preview_value = {"heading": "您好", "text": "我是您的专属客户经理，欢迎咨询。"}


class ManagerRichTextBlock(blocks.RichTextBlock):
    """Formatted text in the manager's own words, with a small safe feature set."""

    def __init__(self, **kwargs):
        super().__init__(features=MANAGER_RICH_TEXT_FEATURES, max_length=2000, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        _compliance_error(value.source)
        return value

    class Meta:
        icon = "pilcrow"
        label = _("Text")
        template = "cms/blocks/rich_text.html"


class BannerBlock(blocks.StructBlock):
    """An image from the bank's library, optionally leading to a product."""

    image = ImageChooserBlock(label=_("Image"))
    alt = blocks.CharBlock(label=_("Description for screen readers"), max_length=80)
    product = SnippetChooserBlock("cms.Product", label=_("Leads to product"), required=False)

    class Meta:
        icon = "image"
        label = _("Banner")
        template = "cms/blocks/banner.html"


class ArticlesValue(blocks.StructValue):
    def latest_articles(self):
        from cms.models import Article

        qs = Article.objects.filter(live=True)
        if self.get("kind") in ("news", "tip"):
            qs = qs.filter(kind=self.get("kind"))
        return list(qs.select_related("cover")[: self.get("count") or 3])


class ArticlesListBlock(blocks.StructBlock):
    """The latest articles head office published."""

    title = blocks.CharBlock(label=_("Title"), required=False, max_length=30)
    kind = blocks.ChoiceBlock(
        label=_("Kind"),
        choices=[("all", _("News and tips")), ("news", _("News")), ("tip", _("Financial tips"))],
        default="all",
    )
    count = blocks.IntegerBlock(label=_("How many"), min_value=1, max_value=ARTICLE_COUNT_MAX, default=3)

    class Meta:
        icon = "doc-full"
        label = _("Articles")
        template = "cms/blocks/articles_list.html"
        value_class = ArticlesValue
        preview_value = {"title": "财经资讯", "kind": "all", "count": 3}


class DisclosureBlock(blocks.StructBlock):
    """Head office's compliance text (e.g. a footer). Only in templates, usually locked."""

    text = blocks.RichTextBlock(label=_("Text"), features=["bold", "link"])

    class Meta:
        icon = "warning"
        label = _("Disclosure")
        template = "cms/blocks/disclosure.html"


# Blocks whose text is the manager's own: changing them needs approval when the bank says so.
MANAGER_TEXT_BLOCK_TYPES = ("intro", "rich_text")


def manager_block_types() -> list[tuple[str, blocks.Block]]:
    return [
        ("product_shelf", ProductShelfBlock()),
        ("bill_payments", BillPaymentGridBlock()),
        ("contact_card", ContactCardBlock()),
        ("intro", IntroBlock()),
        ("rich_text", ManagerRichTextBlock()),
        ("banner", BannerBlock()),
        ("articles", ArticlesListBlock()),
    ]


class TemplateBlocks(blocks.StreamBlock):
    """What head office may put in a storefront template (everything managers have, and disclosures)."""

    product_shelf = ProductShelfBlock()
    bill_payments = BillPaymentGridBlock()
    contact_card = ContactCardBlock()
    intro = IntroBlock()
    rich_text = ManagerRichTextBlock()
    banner = BannerBlock()
    articles = ArticlesListBlock()
    disclosure = DisclosureBlock()
