"""Head office's catalog in the Wagtail admin (/cms/): snippets with drafts and revisions."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from cms.models import Article, BillPaymentService, Product, StorefrontTemplate


class ProductViewSet(SnippetViewSet):
    model = Product
    icon = "tag"
    menu_label = _("Products")
    list_display = ["name", "category", "risk_level", "status", "live"]
    list_filter = ["category", "status", "risk_level"]
    search_fields = ["name"]


class BillPaymentServiceViewSet(SnippetViewSet):
    model = BillPaymentService
    icon = "grip"
    menu_label = _("Bill payments")
    list_display = ["name", "category", "live"]
    list_filter = ["category"]


class ArticleViewSet(SnippetViewSet):
    model = Article
    icon = "doc-full"
    menu_label = _("Articles")
    list_display = ["title", "kind", "published_on", "live"]
    list_filter = ["kind"]
    search_fields = ["title"]


class StorefrontTemplateViewSet(SnippetViewSet):
    model = StorefrontTemplate
    icon = "desktop"
    menu_label = _("Storefront templates")
    list_display = ["name", "is_default"]


class CatalogGroup(SnippetViewSetGroup):
    menu_label = _("Catalog")
    menu_icon = "folder-open-inverse"
    menu_order = 100
    items = (ProductViewSet, BillPaymentServiceViewSet, ArticleViewSet, StorefrontTemplateViewSet)


register_snippet(CatalogGroup)
