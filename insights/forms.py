from django import forms
from django.utils.translation import gettext_lazy as _

from insights.models import Source


class CustomerFilterForm(forms.Form):
    source = forms.ChoiceField(label=_("Source"), choices=[("", _("All sources")), *Source.choices], required=False)


class ReassignForm(forms.Form):
    employee_no = forms.CharField(label=_("Employee number of the new account manager"), max_length=32)

    def __init__(self, *args, visible_staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.visible_staff = visible_staff

    def clean_employee_no(self):
        staff = self.visible_staff.filter(employee_no=self.cleaned_data["employee_no"].strip(), left_at__isnull=True)
        staff = staff.first()
        if staff is None:
            raise forms.ValidationError(_("No current colleague has that employee number."))
        return staff
