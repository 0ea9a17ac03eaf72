"""Friend assist in the Wagtail admin (/cms/): head office's setups (with the code pool upload)
and the review list of suspicious chains, grouped under one menu item."""

from django import forms
from django.db import transaction
from django.db.models import Q
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView, EditView, SnippetViewSet, SnippetViewSetGroup

from campaigns.assist import access, admin_views, selectors, services
from campaigns.assist.models import AssistSetup
from campaigns.models import Campaign
from org.models import Staff


class AssistSetupForm(WagtailAdminModelForm):
    """The setup's fields, plus codes to add to its pool (pasted, or a CSV/text file). Codes are
    never shown back here: only how many are free, given and owed."""

    codes_text = forms.CharField(
        label=_("Add codes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "autocomplete": "off", "spellcheck": "false"}),
        help_text=_("One code a line. Codes already in the pool are skipped."),
    )
    codes_file = forms.FileField(
        label=_("… or upload a file of codes"),
        required=False,
        help_text=_("CSV or text, one code a row (first column); UTF-8 or GBK."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "campaign" in self.fields:
            # Friend-assist campaigns without a setup yet (and this setup's own campaign).
            self.fields["campaign"].queryset = Campaign.objects.filter(goal=Campaign.Goal.ASSIST).filter(
                Q(assist_setup__isnull=True) | Q(pk=self.instance.campaign_id)
            )
        self.new_codes: list[str] = []

    def clean(self):
        data = super().clean()
        try:
            self.new_codes = services.codes_parse(text=data.get("codes_text", ""), upload=data.get("codes_file"))
        except services.AssistError as exc:
            self.add_error("codes_file" if data.get("codes_file") else "codes_text", str(exc))
        if self.new_codes and data.get("reward_kind") != AssistSetup.RewardKind.CODE:
            self.add_error("codes_text", _("This reward is not a code: choose “A code from the pool” to add codes."))
        return data


@transaction.atomic
def _save_with_codes(view) -> AssistSetup:
    setup = view.form.save()
    if view.form.new_codes:
        actor = Staff.objects.filter(user=view.request.user).first()
        services.reward_codes_add(setup=setup, codes=view.form.new_codes, actor=actor)
    return setup


class AssistSetupCreateView(CreateView):
    def save_instance(self):
        return _save_with_codes(self)


class AssistSetupEditView(EditView):
    def save_instance(self):
        return _save_with_codes(self)


def _pool(setup: AssistSetup) -> str:
    if setup.reward_kind != AssistSetup.RewardKind.CODE:
        return "—"
    counts = selectors.pool_counts(setup=setup)
    return _("%(free)s free · %(given)s given · %(owed)s owed") % counts


class AssistSetupViewSet(SnippetViewSet):
    model = AssistSetup
    icon = "group"
    menu_label = _("Setups and code pools")
    list_display = [
        "campaign",
        "helpers_needed",
        "reward_kind",
        "reward_title",
        Column("pool", label=_("Code pool"), accessor=_pool),
    ]
    copy_view_enabled = False  # a copy would have no campaign of its own
    add_view_class = AssistSetupCreateView
    edit_view_class = AssistSetupEditView
    edit_handler = ObjectList(
        [
            FieldPanel("campaign"),
            MultiFieldPanel(
                [FieldPanel("helpers_needed"), FieldPanel("chains_per_starter")],
                heading=_("Assists"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("reward_kind"),
                    FieldPanel("reward_title"),
                    FieldPanel("reward_instructions"),
                    FieldPanel("codes_text"),
                    FieldPanel("codes_file"),
                ],
                heading=_("Reward"),
            ),
            FieldPanel("rules_text"),
            MultiFieldPanel(
                [
                    FieldPanel("network_assists_per_hour"),
                    FieldPanel("device_actions_per_hour"),
                    FieldPanel("review_network_assists"),
                    FieldPanel("review_window_minutes"),
                ],
                heading=_("Fraud controls"),
            ),
        ],
        base_form_class=AssistSetupForm,
    )

    def get_queryset(self, request):
        return AssistSetup.objects.select_related("campaign")


class ReviewMenuItem(MenuItem):
    def is_shown(self, request):
        return access.can_review(user=request.user)


class AssistReviewViewSet(ViewSet):
    """The review list (not a model listing, hence a plain viewset with two views)."""

    name = "assist_review"
    icon = "warning"
    menu_label = _("Review list")

    @property
    def menu_item_class(self):
        return ReviewMenuItem

    def get_urlpatterns(self):
        return [
            path("", admin_views.review_list, name="index"),
            path("<int:chain_id>/<str:action>/", admin_views.review_action, name="action"),
        ]


class FriendAssistGroup(SnippetViewSetGroup):
    items = (AssistSetupViewSet, AssistReviewViewSet)
    menu_icon = "group"
    menu_label = _("Friend assist")
    menu_order = 330


register_snippet(FriendAssistGroup)
