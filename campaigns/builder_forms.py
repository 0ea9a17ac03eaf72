"""The page builder's form for the campaign block: {block name: storefront.forms.BlockForm subclass}."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from storefront.forms import BlockForm


class CampaignBlockForm(BlockForm):
    """Managers put a running or upcoming campaign for every visitor on their page as a card."""

    block_type = "campaign"
    campaign = forms.TypedChoiceField(label=_("Campaign"), coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        campaigns = Campaign.objects.filter(
            status=Campaign.Status.PUBLISHED, ends_at__gt=timezone.now(), audience_tags__isnull=True
        ).order_by("starts_at")
        self.fields["campaign"].choices = [(c.pk, c.title) for c in campaigns]


FORMS: dict = {CampaignBlockForm.block_type: CampaignBlockForm}
