"""The builder's small forms, one per block type. Each turns its fields into the block's value;
the block itself (cms.blocks) has the last word on validity, so the server refuses whatever the
forms might let through (off-sale products, banned phrases, another bank's items)."""

import re

from django import forms
from django.utils.html import escape, strip_tags
from django.utils.translation import gettext_lazy as _
from wagtail.images import get_image_model

from cms.blocks import ARTICLE_COUNT_MAX
from cms.models import BillPaymentService, Product


def _ordered_choices(objects, selected_ids):
    """Selected items first, in their saved order, then the rest: the form keeps that order."""
    by_id = {str(o.pk): o for o in objects}
    first = [by_id[str(i)] for i in selected_ids if str(i) in by_id]
    rest = [o for o in objects if str(o.pk) not in {str(i) for i in selected_ids}]
    return [(str(o.pk), o) for o in first + rest]


class OrderedMultipleChoiceField(forms.MultipleChoiceField):
    """Checkboxes whose submitted order is the chosen order (the builder lets you move them)."""

    widget = forms.CheckboxSelectMultiple


class BlockForm(forms.Form):
    block_type = ""

    def __init__(self, *args, value=None, **kwargs):
        self.value = value or {}
        if "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(self.value)
        super().__init__(*args, **kwargs)

    def initial_from(self, value) -> dict:
        return dict(value)

    def to_value(self) -> dict:
        return dict(self.cleaned_data)


class ProductShelfForm(BlockForm):
    block_type = "product_shelf"
    title = forms.CharField(label=_("Title"), max_length=30, required=False)
    mode = forms.ChoiceField(
        label=_("Show"),
        choices=[("chosen", _("Chosen products")), ("category", _("A whole category"))],
        widget=forms.RadioSelect,
        initial="chosen",
    )
    category = forms.ChoiceField(label=_("Category"), choices=[("", "—"), *Product.Category.choices], required=False)
    products = OrderedMultipleChoiceField(label=_("Products (in this order)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        on_sale = list(Product.objects.on_sale().order_by("category", "name"))
        selected = self.data.getlist("products") if self.is_bound else self.initial.get("products", [])
        self.fields["products"].choices = [
            (pk, f"{p.name} · {p.get_category_display()}{f' · {p.risk_level}' if p.risk_level else ''}")
            for pk, p in _ordered_choices(on_sale, selected)
        ]

    def initial_from(self, value):
        initial = dict(value)
        initial["products"] = [str(getattr(p, "pk", p)) for p in value.get("products") or [] if p]
        return initial

    def to_value(self):
        data = dict(self.cleaned_data)
        data["products"] = [int(pk) for pk in data["products"]] if data["mode"] == "chosen" else []
        if data["mode"] != "category":
            data["category"] = ""
        return data


class BillPaymentsForm(BlockForm):
    block_type = "bill_payments"
    title = forms.CharField(label=_("Title"), max_length=30, required=False)
    services = OrderedMultipleChoiceField(label=_("Services (none chosen: all of them)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        live = list(BillPaymentService.objects.filter(live=True))
        selected = self.data.getlist("services") if self.is_bound else self.initial.get("services", [])
        self.fields["services"].choices = [(pk, s.name) for pk, s in _ordered_choices(live, selected)]

    def initial_from(self, value):
        return {**value, "services": [str(getattr(s, "pk", s)) for s in value.get("services") or [] if s]}

    def to_value(self):
        return {**self.cleaned_data, "services": [int(pk) for pk in self.cleaned_data["services"]]}


class ContactCardForm(BlockForm):
    block_type = "contact_card"
    show_wechat = forms.BooleanField(label=_("Show WeChat ID"), required=False, initial=True)
    show_address = forms.BooleanField(label=_("Show branch address and map"), required=False, initial=True)


class IntroForm(BlockForm):
    block_type = "intro"
    heading = forms.CharField(label=_("Heading"), max_length=30, required=False)
    text = forms.CharField(label=_("Text"), max_length=300, widget=forms.Textarea(attrs={"rows": 4}))


_BOLD = re.compile(r"\*\*(.+?)\*\*")
_NUMBERED = re.compile(r"^\d+[.、] ?")


def markup_to_html(text: str) -> str:
    """The manager's small markup: blank lines make paragraphs, lines starting with "- " or "1. "
    make lists, **bold**. Everything is escaped first, so no HTML of theirs gets through."""
    blocks_html = []
    for chunk in re.split(r"\n\s*\n", text.strip()):
        lines = [line.strip() for line in chunk.splitlines() if line.strip()]
        if not lines:
            continue
        if all(line.startswith("- ") for line in lines):
            items = "".join(f"<li>{_inline(line[2:])}</li>" for line in lines)
            blocks_html.append(f"<ul>{items}</ul>")
        elif all(_NUMBERED.match(line) for line in lines):
            items = "".join(f"<li>{_inline(_NUMBERED.sub('', line))}</li>" for line in lines)
            blocks_html.append(f"<ol>{items}</ol>")
        else:
            blocks_html.append("<p>" + "<br/>".join(_inline(line) for line in lines) + "</p>")
    return "".join(blocks_html)


def _inline(line: str) -> str:
    return _BOLD.sub(r"<b>\1</b>", escape(line))


def html_to_markup(html: str) -> str:
    text = re.sub(r"</?(b|strong)>", "**", str(html))
    text = re.sub(r"<li>", "- ", text)
    text = re.sub(r"</(li|ul|ol)>|<br\s*/?>", "\n", text)
    text = re.sub(r"</p>", "\n\n", text)
    from html import unescape

    return unescape(strip_tags(text)).strip()


class RichTextForm(BlockForm):
    block_type = "rich_text"
    text = forms.CharField(
        label=_("Text"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Blank line: new paragraph. “- ” at the start of lines: a list. **word**: bold."),
    )

    def initial_from(self, value):
        source = getattr(value, "source", value) if value else ""
        return {"text": html_to_markup(source or "")}

    def to_value(self):
        return markup_to_html(self.cleaned_data["text"])


class BannerForm(BlockForm):
    block_type = "banner"
    image = forms.ModelChoiceField(label=_("Image"), queryset=None, widget=forms.RadioSelect, empty_label=None)
    alt = forms.CharField(label=_("Description for screen readers"), max_length=80)
    product = forms.ModelChoiceField(label=_("Leads to product"), queryset=None, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["image"].queryset = get_image_model().objects.order_by("-created_at")
        self.fields["product"].queryset = Product.objects.on_sale().order_by("name")

    def initial_from(self, value):
        return {
            "image": getattr(value.get("image"), "pk", value.get("image")),
            "alt": value.get("alt", ""),
            "product": getattr(value.get("product"), "pk", value.get("product")),
        }

    def to_value(self):
        data = self.cleaned_data
        return {
            "image": data["image"].pk,
            "alt": data["alt"],
            "product": data["product"].pk if data["product"] else None,
        }


class ArticlesForm(BlockForm):
    block_type = "articles"
    title = forms.CharField(label=_("Title"), max_length=30, required=False)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("all", _("News and tips")), ("news", _("News")), ("tip", _("Financial tips"))],
        initial="all",
    )
    count = forms.IntegerField(label=_("How many"), min_value=1, max_value=ARTICLE_COUNT_MAX, initial=3)


BLOCK_FORMS: dict[str, type[BlockForm]] = {
    form.block_type: form
    for form in (ProductShelfForm, BillPaymentsForm, ContactCardForm, IntroForm, RichTextForm, BannerForm, ArticlesForm)
}


def _app_forms() -> dict:
    # Imported late: those modules subclass BlockForm from this one.
    from appointments.builder_forms import FORMS as appointment_forms
    from campaigns.builder_forms import FORMS as campaign_forms
    from customers.builder_forms import FORMS as customer_forms
    from questionnaires.builder_forms import FORMS as questionnaire_forms

    return {**customer_forms, **appointment_forms, **questionnaire_forms, **campaign_forms}


BLOCK_FORMS.update(_app_forms())
