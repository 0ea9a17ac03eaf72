from django import forms
from django.utils.translation import gettext_lazy as _

from cms.models import Product
from customers import pii
from customers.models import MESSAGE_MAX, NAME_MAX, NOTE_MAX, STAFF_NOTE_MAX, ConsentStatement, Lead
from customers.selectors import products_for_leads

HONEYPOT_FIELD = "website"


class HoneypotMixin:
    """Public forms carry a field people never see (hidden by CSS and from screen readers) but
    form-filling robots fill in: `website`."""

    @property
    def is_robot(self) -> bool:
        return bool(self.data.get(HONEYPOT_FIELD))


class ContactDetailsMixin(HoneypotMixin):
    """Public forms asking for a name and mobile under the bank's consent statement (leads,
    bookings): one way to check the number and the statement's version."""

    def clean_mobile(self):
        mobile = pii.mobile_normalise(self.cleaned_data["mobile"])
        if not pii.mobile_is_valid(mobile):
            raise forms.ValidationError(pii.MOBILE_INVALID)
        return mobile

    def clean_consent_version(self):
        statement = ConsentStatement.objects.filter(version=self.cleaned_data["consent_version"]).first()
        if statement is None:
            raise forms.ValidationError(_("The statement has changed. Please read it again."))
        return statement


class ProductChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class LeadForm(ContactDetailsMixin, forms.Form):
    """The customer's side. Server-side limits match the model's; the honeypot is a field people
    never see (hidden by CSS and from screen readers) but form-filling robots do."""

    name = forms.CharField(label=_("Your name"), max_length=NAME_MAX)
    mobile = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    product = ProductChoiceField(
        label=_("Interested in"), queryset=Product.objects.none(), required=False, empty_label=_("Not sure yet")
    )
    note = forms.CharField(
        label=_("Anything we should know? (optional)"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    consent = forms.BooleanField(
        label=_("I agree to the statement above"),
        error_messages={"required": _("Please read and agree to the statement to continue.")},
    )
    consent_version = forms.IntegerField(widget=forms.HiddenInput)
    website = forms.CharField(required=False, max_length=200, label=_("Leave this empty"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products_for_leads()


class LeadFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All")), *Lead.Status.choices], required=False)
    product = ProductChoiceField(
        label=_("Product"), queryset=Product.objects.all(), required=False, empty_label=_("All products")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = Product.objects.filter(live=True).order_by("category", "name")

    def filters(self) -> dict:
        if not self.is_valid():
            return {"status": "", "product": None}
        return {"status": self.cleaned_data["status"], "product": self.cleaned_data["product"]}


class LeadStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Lead.Status.choices)
    amount = forms.DecimalField(
        label=_("Amount (yuan)"), max_digits=14, decimal_places=2, min_value=0.01, required=False
    )
    product = ProductChoiceField(label=_("Product sold"), queryset=Product.objects.none(), required=False)

    def __init__(self, *args, lead: Lead, **kwargs):
        super().__init__(*args, **kwargs)
        from django.db.models import Q

        self.fields["product"].queryset = Product.objects.filter(
            Q(pk__in=products_for_leads().values("pk")) | Q(pk=lead.product_id)
        ).order_by("category", "name")
        self.fields["product"].initial = lead.product_id
        self.fields["status"].choices = [(s, Lead.Status(s).label) for s in lead.next_statuses]

    def clean(self):
        data = super().clean()
        if data.get("status") == Lead.Status.CONVERTED:
            if not data.get("amount"):
                self.add_error("amount", _("Enter the amount."))
            if not data.get("product"):
                self.add_error("product", _("Choose the product sold."))
        return data


class LeadNoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), max_length=STAFF_NOTE_MAX, widget=forms.Textarea(attrs={"rows": 3}))


class LeadFollowUpForm(forms.Form):
    follow_up_on = forms.DateField(
        label=_("Follow up on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class MessageForm(HoneypotMixin, forms.Form):
    """The customer's message: plain text only, nothing personal asked (so no consent needed),
    and the same honeypot as the lead form."""

    text = forms.CharField(
        label=_("Your message"),
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": MESSAGE_MAX}),
    )
    website = forms.CharField(required=False, max_length=200, label=_("Leave this empty"))


class MessageReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Reply"), max_length=MESSAGE_MAX, widget=forms.Textarea(attrs={"rows": 3, "maxlength": MESSAGE_MAX})
    )


class MessageFilterForm(forms.Form):
    awaiting = forms.BooleanField(label=_("Awaiting my reply"), required=False)

    def filters(self) -> dict:
        if not self.is_valid():
            return {"awaiting": False}
        return {"awaiting": self.cleaned_data["awaiting"]}
