"""Head office's campaigns in the Wagtail admin (/cms/). Only head office reaches /cms/ and holds the
campaign permissions (migration 0003); managers share, opt in and read figures in the workspace."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from campaigns.models import Campaign
from cms.models import Product
from questionnaires.models import Questionnaire


class CampaignAdminForm(WagtailAdminModelForm):
    """The rules of a campaign that the form can check before saving: a window, the goal's target,
    and a quota never below what has been claimed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "product" in self.fields:
            self.fields["product"].queryset = Product.objects.filter(live=True).order_by("name")
        if "questionnaire" in self.fields:
            self.fields["questionnaire"].queryset = Questionnaire.objects.filter(
                owner__role="hq_admin", status=Questionnaire.Status.PUBLISHED
            ).order_by("-created_at")

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The end must be after the start."))
        goal = data.get("goal")
        if goal == Campaign.Goal.PRODUCT and not data.get("product"):
            self.add_error("product", _("Choose the product the campaign leads to."))
        if goal == Campaign.Goal.QUESTIONNAIRE and not data.get("questionnaire"):
            self.add_error("questionnaire", _("Choose the questionnaire the campaign leads to."))
        units = data.get("quota_units")
        if goal == Campaign.Goal.QUOTA:
            if not units:
                self.add_error("quota_units", _("Say how many units are on offer."))
            elif units < self.instance.quota_claimed:
                self.add_error(
                    "quota_units",
                    _("%(n)s units are already claimed; the offer cannot be smaller.")
                    % {"n": self.instance.quota_claimed},
                )
        elif units is not None and not self.instance.quota_claimed:
            data["quota_units"] = None
        if data.get("show_popup") and not data.get("popup_daily_cap"):
            self.add_error("popup_daily_cap", _("Show the pop-up at least once a day, or turn it off."))
        return data


class CampaignViewSet(SnippetViewSet):
    model = Campaign
    icon = "pick"
    menu_label = _("Campaigns")
    menu_order = 150
    add_to_admin_menu = True
    list_display = ["title", "kind", "goal", "status", "starts_at", "ends_at"]
    list_filter = ["status", "kind", "goal"]
    search_fields = ["title"]
    copy_view_enabled = False
    edit_handler = ObjectList(Campaign.panels, base_form_class=CampaignAdminForm)


register_snippet(CampaignViewSet)
