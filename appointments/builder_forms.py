"""The page builder's forms for this app's blocks: {block name: storefront.forms.BlockForm subclass}."""

from django import forms
from django.utils.translation import gettext_lazy as _

from storefront.forms import BlockForm


class AppointmentForm(BlockForm):
    block_type = "appointment"
    title = forms.CharField(label=_("Title"), max_length=30, required=False)
    button_text = forms.CharField(label=_("Button text"), max_length=20, required=False)


FORMS: dict = {AppointmentForm.block_type: AppointmentForm}
