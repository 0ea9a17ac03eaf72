from django import forms
from django.utils.translation import gettext_lazy as _

from org.models import Staff

MAX_IMPORT_BYTES = 20 * 1024 * 1024
MAX_PHOTO_BYTES = 5 * 1024 * 1024


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Organisation file (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload


class ProfileForm(forms.ModelForm):
    """What staff may change themselves; name, title, branch and licence come from head office."""

    class Meta:
        model = Staff
        fields = ["photo", "wechat_id", "mobile"]

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and hasattr(photo, "size") and photo.size > MAX_PHOTO_BYTES:
            raise forms.ValidationError(_("The photo is larger than 5 MB."))
        return photo

    def clean_mobile(self):
        from org.services.org_import import MOBILE_RE

        mobile = self.cleaned_data["mobile"].replace(" ", "")
        if mobile and not MOBILE_RE.match(mobile):
            raise forms.ValidationError(_("Enter an 11-digit mainland mobile number."))
        return mobile


class StaffSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=50)


class DepartureForm(forms.Form):
    successor_employee_no = forms.CharField(
        label=_("Employee number of the colleague who takes over"), max_length=32, required=False
    )

    def __init__(self, *args, staff: Staff, visible, **kwargs):
        super().__init__(*args, **kwargs)
        self.staff = staff
        self.visible = visible

    def clean_successor_employee_no(self):
        number = self.cleaned_data["successor_employee_no"].strip()
        if not number:
            return None
        successor = self.visible.filter(employee_no=number, left_at__isnull=True).exclude(pk=self.staff.pk).first()
        if successor is None:
            raise forms.ValidationError(_("No current colleague has that employee number."))
        return successor
