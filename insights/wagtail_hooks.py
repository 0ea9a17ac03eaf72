"""Head office's bank-wide customer tags and tag rules in the Wagtail admin (/cms/).

Managers' own tags and rules are theirs alone (the workspace's "My tags" page); here only
bank-wide ones are listed, created and edited."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView, SnippetViewSet, SnippetViewSetGroup

from insights.models import Tag, TagRule
from org.models import Staff


class _BankWideCreateView(CreateView):
    """New tags and rules from /cms/ are head office's: bank-wide, with their author recorded."""

    def save_instance(self):
        instance = self.form.save(commit=False)
        instance.owner = None
        instance.created_by = Staff.objects.filter(user=self.request.user).first()
        instance.save()
        self.form.save_m2m()
        return instance


class TagRuleAdminForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A bank-wide rule gives a bank-wide tag, never a manager's private one.
        self.fields["tag"].queryset = Tag.objects.filter(owner__isnull=True)


class TagViewSet(SnippetViewSet):
    model = Tag
    icon = "tag"
    menu_label = _("Customer tags")
    list_display = ["name", "colour", "kind"]
    add_view_class = _BankWideCreateView
    copy_view_enabled = False

    def get_queryset(self, request):
        return Tag.objects.filter(owner__isnull=True)


class TagRuleViewSet(SnippetViewSet):
    model = TagRule
    icon = "cogs"
    menu_label = _("Tag rules")
    list_display = ["__str__", "is_active"]
    add_view_class = _BankWideCreateView
    copy_view_enabled = False
    edit_handler = ObjectList(TagRule.panels, base_form_class=TagRuleAdminForm)

    def get_queryset(self, request):
        return TagRule.objects.filter(owner__isnull=True).select_related("tag")


class CustomerTagsGroup(SnippetViewSetGroup):
    items = (TagViewSet, TagRuleViewSet)
    menu_icon = "tag"
    menu_label = _("Customer tags")
    menu_order = 310


register_snippet(CustomerTagsGroup)
