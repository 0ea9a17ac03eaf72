"""Query options of the shared QR-code and poster images (any app that hands out links uses them)."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cms import qr
from cms.models import PosterTemplate


class QrOptionsForm(forms.Form):
    """`?size=` (pixels, 100–2000), `?level=` (L, M, Q or H) and `?logo=1` of a QR-code image. Other
    parameters are ignored, so a link with tracking parameters still works."""

    size = forms.CharField(required=False)
    level = forms.CharField(required=False)
    logo = forms.CharField(required=False)

    def clean_size(self) -> int:
        value = self.cleaned_data["size"].strip()
        if not value:
            return qr.DEFAULT_SIZE
        if not value.isdigit() or not qr.SIZE_MIN <= int(value) <= qr.SIZE_MAX:
            raise forms.ValidationError(
                _("The size must be a whole number of pixels from %(min)d to %(max)d.")
                % {"min": qr.SIZE_MIN, "max": qr.SIZE_MAX}
            )
        return int(value)

    def clean_level(self) -> str:
        value = self.cleaned_data["level"].strip().upper()
        if not value:
            return qr.DEFAULT_LEVEL
        if value not in qr.LEVELS:
            raise forms.ValidationError(_("The error-correction level must be L, M, Q or H."))
        return value

    def clean_logo(self) -> bool:
        value = self.cleaned_data["logo"].strip()
        if value not in ("", "0", "1"):
            raise forms.ValidationError(_("logo must be 0 (no logo) or 1 (the bank's logo in the centre)."))
        return value == "1"

    def options(self) -> qr.QrOptions:
        data = self.cleaned_data
        return qr.QrOptions(size=data["size"], level=data["level"], logo=data["logo"])


class PosterOptionsForm(forms.Form):
    """`?template=`: one of the poster templates the bank offers; without it, the bank's default."""

    template = forms.CharField(required=False, label=gettext_lazy("Poster template"))

    def __init__(self, *args, templates: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.templates = templates

    def clean_template(self) -> str:
        value = self.cleaned_data["template"].strip().lower()
        if not value:
            return self.templates[0]
        if value not in self.templates:
            labels = dict(PosterTemplate.choices)
            raise forms.ValidationError(
                _("There is no poster template “%(name)s” here. Choose one of: %(choices)s.")
                % {"name": value[:40], "choices": ", ".join(f"{t} ({labels[t]})" for t in self.templates)}
            )
        return value


def form_errors_text(form: forms.Form) -> str:
    """All of a form's messages as one line, for a plain-text 400 answer."""
    return " ".join(message for messages in form.errors.values() for message in messages)
