from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appointments.selectors import branches_bookable, services_bookable
from appointments.services import CONSENT_TEXT, NAME_MAX
from customers.forms import ContactDetailsMixin

SLOT_FORMAT = "%Y-%m-%dT%H:%M"


class SlotField(forms.Field):
    """A slot's start as the form sends it ("2026-03-02T09:30", the bank's time zone)."""

    def to_python(self, value):
        if not value:
            return None
        try:
            if not isinstance(value, str) or len(value) != len("2026-03-02T09:30"):
                raise ValueError
            return timezone.make_aware(datetime.strptime(value, SLOT_FORMAT))
        except ValueError:
            raise forms.ValidationError(_("Choose a time.")) from None


class SlotChoiceForm(forms.Form):
    """What the booking page shows: branch and service (GET), so plain links and htmx both work."""

    branch = forms.ModelChoiceField(label=_("Branch"), queryset=branches_bookable(), empty_label=None)
    service = forms.ModelChoiceField(label=_("Service"), queryset=services_bookable(), empty_label=None)
    day = forms.DateField(required=False, input_formats=["%Y-%m-%d"])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Querysets are evaluated per form, so head office's changes show at once.
        self.fields["branch"].queryset = branches_bookable()
        self.fields["service"].queryset = services_bookable()


class BookingForm(ContactDetailsMixin, forms.Form):
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=branches_bookable())
    service = forms.ModelChoiceField(label=_("Service"), queryset=services_bookable())
    start = SlotField(label=_("Time"), error_messages={"required": _("Choose a time.")})
    name = forms.CharField(label=_("Your name"), max_length=NAME_MAX)
    mobile = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    consent = forms.BooleanField(
        label=CONSENT_TEXT, error_messages={"required": _("Please agree to the use of your details.")}
    )
    # The version of the bank's consent statement shown above the tick box.
    consent_version = forms.IntegerField(widget=forms.HiddenInput)
    # A field people never see (hidden by CSS, not by type=hidden); bots fill it in.
    website = forms.CharField(label=_("Leave this empty"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches_bookable()
        self.fields["service"].queryset = services_bookable()


class RescheduleForm(forms.Form):
    start = SlotField(label=_("New time"), error_messages={"required": _("Choose a time.")})


class BookingStatusForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("confirm", _("Confirm")),
            ("done", _("Done")),
            ("no_show", _("No-show")),
        ]
    )


class BookingListForm(forms.Form):
    when = forms.ChoiceField(
        label=_("Show"),
        choices=[("upcoming", _("Upcoming")), ("past", _("Past"))],
        required=False,
    )
