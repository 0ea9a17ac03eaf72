"""The page builder's form for the survey block: {block name: storefront.forms.BlockForm subclass}."""

from django import forms
from django.utils.translation import gettext_lazy as _

from questionnaires.blocks import SURVEY_BUTTON_MAX, SURVEY_TITLE_MAX
from questionnaires.models import Questionnaire
from storefront.forms import BlockForm


class SurveyBlockForm(BlockForm):
    """Managers put head office's published questionnaires on their page (their own ones they
    share by link and QR code from the workspace)."""

    block_type = "survey"
    questionnaire = forms.TypedChoiceField(label=_("Questionnaire"), coerce=int)
    title = forms.CharField(label=_("Title"), max_length=SURVEY_TITLE_MAX, required=False)
    button_text = forms.CharField(label=_("Button text"), max_length=SURVEY_BUTTON_MAX, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        published = Questionnaire.objects.filter(status=Questionnaire.Status.PUBLISHED, owner__role="hq_admin")
        self.fields["questionnaire"].choices = [(q.pk, q.title) for q in published.order_by("-created_at")]


FORMS: dict = {SurveyBlockForm.block_type: SurveyBlockForm}
