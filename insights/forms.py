from django import forms
from django.utils.translation import gettext_lazy as _

from insights.models import Source, Tag, TagRule


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


class CustomerTagFilterForm(CustomerFilterForm):
    tag = forms.ModelChoiceField(label=_("Tag"), queryset=Tag.objects.none(), required=False, empty_label=_("All tags"))

    def __init__(self, *args, tags, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].queryset = tags


class VisitorTagForm(forms.Form):
    tag = forms.IntegerField(min_value=1)


class TagForm(forms.ModelForm):
    class Meta:
        model = Tag
        fields = ["name", "colour", "kind"]


class TagRuleForm(forms.ModelForm):
    class Meta:
        model = TagRule
        fields = ["tag", "kind", "category", "object_id", "threshold", "window_days"]

    def __init__(self, *args, own_tags, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].queryset = own_tags
