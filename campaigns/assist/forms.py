from django import forms
from django.utils.translation import gettext_lazy as _

from customers.forms import ContactDetailsMixin

REVIEW_SHOW_CHOICES = [
    ("flagged", _("To review")),
    ("reviewed", _("Reviewed")),
    ("void", _("Voided")),
    ("owed", _("Reward owed")),
]


class AssistPhoneForm(ContactDetailsMixin, forms.Form):
    """A customer's mobile under the bank's consent statement: to start an assist, or to help a
    friend's. The same checks as a lead's number and the same honeypot (`website`)."""

    mobile = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "type": "tel"}),
    )
    consent = forms.BooleanField(
        label=_("I agree to the statement above"),
        error_messages={"required": _("Please read and agree to the statement to continue.")},
    )
    consent_version = forms.IntegerField(widget=forms.HiddenInput)
    website = forms.CharField(required=False, max_length=200, label=_("Leave this empty"))


class ReviewFilterForm(forms.Form):
    show = forms.ChoiceField(choices=REVIEW_SHOW_CHOICES, required=False)

    def show_value(self) -> str:
        if self.is_valid() and self.cleaned_data["show"]:
            return self.cleaned_data["show"]
        return "flagged"
