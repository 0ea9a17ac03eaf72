"""Catalog rules head office cannot break: risk disclosure on investment products, banned phrases."""

import pytest
from django.core.exceptions import ValidationError

from cms.compliance import banned_phrases
from cms.models import Article, BillPaymentService, ComplianceSettings, Product


def _product(**overrides) -> Product:
    fields = {
        "category": "deposit",
        "name": "安心存",
        "selling_points": "随存随取",
        "risk_level": "R1",
        "risk_warning": "存款受存款保险保障。",
        "link_url": "https://bank.example.com/p/1",
    }
    return Product(**{**fields, **overrides})


def _errors(instance) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return caught.value.message_dict


@pytest.mark.parametrize("category", ["wealth", "fund", "insurance"])
def test_investment_product_needs_a_risk_level_and_warning(bank, category):
    errors = _errors(_product(category=category, risk_level="", risk_warning="  "))
    assert set(errors) == {"risk_level", "risk_warning"}


@pytest.mark.parametrize("category", ["wealth", "fund", "insurance"])
def test_investment_product_with_risk_level_but_no_warning_is_refused(bank, category):
    errors = _errors(_product(category=category, risk_level="R3", risk_warning=""))
    assert set(errors) == {"risk_warning"}


def test_investment_product_with_risk_level_and_warning_is_valid(bank):
    _product(category="wealth", risk_level="R2", risk_warning="理财非存款、产品有风险、投资须谨慎").full_clean()


def test_deposit_needs_no_risk_rating(bank):
    _product(category="deposit", risk_level="", risk_warning="").full_clean()


def test_default_banned_phrases(bank):
    assert {"保本", "无风险", "稳赚"} <= set(banned_phrases())


@pytest.mark.parametrize(
    ("field", "text", "phrase"), [("name", "保本理财", "保本"), ("selling_points", "收益高\n无风险", "无风险")]
)
def test_banned_phrase_in_product_text_is_refused_and_named(bank, field, text, phrase):
    errors = _errors(_product(**{field: text}))
    assert list(errors) == [field]
    assert phrase in errors[field][0]


def test_banned_phrase_in_article_is_refused_and_named(bank):
    errors = _errors(Article(title="稳赚的理财秘诀", body="<p>正文</p>"))
    assert list(errors) == ["title"]
    assert "稳赚" in errors["title"][0]


def test_banned_phrase_hidden_in_article_html_is_refused(bank):
    errors = _errors(Article(title="理财小贴士", body="<p>这款产品<b>零风险</b></p>"))
    assert "零风险" in errors["body"][0]


def test_banned_phrase_in_bill_payment_name_is_refused_and_named(bank):
    errors = _errors(BillPaymentService(name="无风险缴费", category="water", payment_url="https://pay.example.com/w"))
    assert list(errors) == ["name"]
    assert "无风险" in errors["name"][0]


def test_clean_catalog_items_pass(bank):
    Article(title="理财小贴士", body="<p>投资须谨慎</p>").full_clean()
    BillPaymentService(name="水费", category="water", payment_url="https://pay.example.com/w").full_clean()


def test_compliance_settings_edits_change_the_banned_list(bank):
    settings = ComplianceSettings.load()
    settings.banned_phrases = "包赚\n  \n秒杀"
    settings.save()

    assert banned_phrases() == ["包赚", "秒杀"]
    _product(name="保本理财").full_clean()  # no longer banned
    errors = _errors(_product(name="包赚产品"))
    assert "包赚" in errors["name"][0]
    errors = _errors(BillPaymentService(name="秒杀缴费", category="water", payment_url="https://pay.example.com/w"))
    assert "秒杀" in errors["name"][0]


def test_empty_banned_list_allows_everything(bank):
    settings = ComplianceSettings.load()
    settings.banned_phrases = ""
    settings.save()
    _product(name="稳赚保本").full_clean()


def test_on_sale_window_must_end_after_it_starts(bank):
    from django.utils import timezone

    now = timezone.now()
    errors = _errors(_product(sale_starts_at=now, sale_ends_at=now))
    assert list(errors) == ["sale_ends_at"]
