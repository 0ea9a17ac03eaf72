from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    """Head office's campaigns: banners and cards on storefronts, `/c/<code>` links per manager,
    limited-quota offers. Friend-assist ("好友助力") lives in the `campaigns.assist` sub-app."""

    name = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self):
        from campaigns import registry

        registry.sections_register()
