"""Managers' pages in the Wagtail admin: head office reviews submitted text here (workflows)."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from storefront.models import Storefront


class StorefrontViewSet(SnippetViewSet):
    model = Storefront
    icon = "mobile-alt"
    menu_label = _("Managers' pages")
    menu_order = 200
    add_to_admin_menu = True
    list_display = ["staff", "live", "updated_at"]
    search_fields = []

    def get_queryset(self, request):
        return Storefront.objects.select_related("staff", "staff__branch")


register_snippet(StorefrontViewSet)
