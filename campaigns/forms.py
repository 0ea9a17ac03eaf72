from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from customers.forms import ContactDetailsMixin


class ClaimForm(ContactDetailsMixin, forms.Form):
    """The customer's claim of a limited-quota offer: their mobile under the bank's consent
    statement (one unit per phone and per visitor), and the honeypot of every public form."""

    mobile = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    consent = forms.BooleanField(
        label=_("I agree to the statement above"),
        error_messages={"required": _("Please read and agree to the statement to continue.")},
    )
    consent_version = forms.IntegerField(widget=forms.HiddenInput)
    website = forms.CharField(required=False, max_length=200, label=_("Leave this empty"))


class StatsFilterForm(forms.Form):
    date_from = forms.DateField(
        label=pgettext_lazy("start of a date range", "From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def filters(self) -> dict:
        if not self.is_valid():
            return {"date_from": None, "date_to": None}
        return {"date_from": self.cleaned_data["date_from"], "date_to": self.cleaned_data["date_to"]}
