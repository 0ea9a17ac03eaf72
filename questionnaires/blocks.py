"""Storefront blocks this app adds to every manager's palette: [(name, block instance), ...].

The storefront page is cached whole, so the survey block holds no form: it is a call to action
leading to the page owner's own link of the questionnaire (`/q/<share code>`), so the responses it
brings in are theirs.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from cms.blocks import CompliantCharBlock

SURVEY_TITLE_MAX = 20
SURVEY_BUTTON_MAX = 10


class SurveyBlock(blocks.StructBlock):
    """ "Answer our questionnaire": a head-office questionnaire (by id) and a button to it."""

    questionnaire = blocks.IntegerBlock(label=_("Questionnaire"), min_value=1)
    title = CompliantCharBlock(label=_("Title"), required=False, max_length=SURVEY_TITLE_MAX)
    button_text = CompliantCharBlock(label=_("Button text"), required=False, max_length=SURVEY_BUTTON_MAX)

    class Meta:
        icon = "list-ul"
        label = _("Questionnaire")
        template = "questionnaires/blocks/survey.html"
        preview_value = {"questionnaire": 1, "title": "客户满意度调查", "button_text": "去填写"}


BLOCKS: list = [("survey", SurveyBlock())]
