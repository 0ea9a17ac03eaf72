from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistConfig(AppConfig):
    """Friend-assist campaigns ("好友助力"): a customer starts an assist, friends help, a reward is
    given once at the threshold. A sub-app of `campaigns` with its own models and migrations."""

    name = "campaigns.assist"
    label = "campaigns_assist"
    verbose_name = _("Friend assist")
