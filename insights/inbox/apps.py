from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboxConfig(AppConfig):
    """The tracking inbox: in the public schema, shared by all banks (see models.py)."""

    name = "insights.inbox"
    label = "insights_inbox"
    verbose_name = _("Tracking inbox")
