from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuestionnairesConfig(AppConfig):
    """Short H5 questionnaires built in the workspace, shared per manager at `/q/<code>`."""

    name = "questionnaires"
    verbose_name = _("Questionnaires")

    def ready(self):
        from questionnaires import registry

        registry.sections_register()
