"""The page builder's forms for this app's blocks: {block name: storefront.forms.BlockForm subclass}."""

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.blocks import LEAD_BUTTON_MAX, LEAD_TITLE_MAX, MESSAGE_BUTTON_MAX, MESSAGE_TITLE_MAX
from storefront.forms import BlockForm


class LeadFormBlockForm(BlockForm):
    block_type = "lead_form"
    title = forms.CharField(label=_("Title"), max_length=LEAD_TITLE_MAX, required=False)
    button_text = forms.CharField(label=_("Button text"), max_length=LEAD_BUTTON_MAX, required=False)


class MessageBoardBlockForm(BlockForm):
    block_type = "message_board"
    title = forms.CharField(label=_("Title"), max_length=MESSAGE_TITLE_MAX, required=False)
    button_text = forms.CharField(label=_("Button text"), max_length=MESSAGE_BUTTON_MAX, required=False)


FORMS: dict = {
    LeadFormBlockForm.block_type: LeadFormBlockForm,
    MessageBoardBlockForm.block_type: MessageBoardBlockForm,
}
