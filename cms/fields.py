"""Model fields the catalog and settings share."""

from django import forms
from django.contrib.postgres.fields import ArrayField


class ChoiceArrayField(ArrayField):
    """A list of choices (PostgreSQL array), edited as checkboxes.

    Django's own form field for arrays is a comma-separated text box, which would let head office
    type names that are not choices.
    """

    def formfield(self, **kwargs):
        defaults = {
            "form_class": forms.TypedMultipleChoiceField,
            "choices": self.base_field.choices,
            "coerce": self.base_field.to_python,
            "widget": forms.CheckboxSelectMultiple,
        }
        defaults.update(kwargs)
        # Skip ArrayField.formfield (SimpleArrayField): Field.formfield builds `form_class`.
        return super(ArrayField, self).formfield(**defaults)
