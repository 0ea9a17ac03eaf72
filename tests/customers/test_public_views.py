"""The customer's lead page: uncached, CSRF, consent, validation, honeypot, rate limits."""

import pytest
from django.test import Client, override_settings

from customers.models import Lead
from tests.customers.conftest import MOBILE, lead_post, visitor_client, visitor_new
from tests.factories import ProductFactory


def test_the_lead_page_is_uncached_with_csrf_consent_and_the_preselected_product(bank_client, manager, consent):
    product = ProductFactory(name="安心存")
    response = bank_client.get(f"/p/lead/{manager.code}/?product={product.pk}")
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    html = response.content.decode()
    assert "csrfmiddlewaretoken" in html
    assert consent.text.splitlines()[0] in html
    assert f'<option value="{product.pk}" selected>' in html
    assert 'name="website"' in html  # the honeypot


def test_an_off_sale_product_is_not_preselected(bank_client, manager, consent):
    product = ProductFactory(status="off_sale")
    html = bank_client.get(f"/p/lead/{manager.code}/?product={product.pk}").content.decode()
    assert f'value="{product.pk}"' not in html


def test_an_unknown_code_is_404(bank_client, consent):
    assert bank_client.get("/p/lead/nobody99/").status_code == 404


def test_a_post_without_the_csrf_token_is_refused(bank, manager, consent):
    client = Client(HTTP_HOST="testbank.localhost", enforce_csrf_checks=True)
    assert lead_post(client, manager.code).status_code == 403
    assert not Lead.objects.exists()


def test_a_lead_is_stored_and_the_customer_thanked(bank_client, manager, consent, django_capture_on_commit_callbacks):
    product = ProductFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = lead_post(bank_client, manager.code, product=product.pk, note="想了解定期存款")
    assert response.status_code == 302
    assert response["Location"] == f"/p/lead/{manager.code}/thanks/"
    lead = Lead.objects.get()
    assert (lead.staff, lead.product, lead.mobile, lead.note) == (manager, product, MOBILE, "想了解定期存款")
    assert bank_client.get(response["Location"]).status_code == 200


def test_consent_is_required(bank_client, manager, consent):
    response = lead_post(bank_client, manager.code, consent=None)
    assert response.status_code == 400
    assert "consent" in response.context["form"].errors
    assert not Lead.objects.exists()


def test_a_consent_version_that_does_not_exist_is_refused(bank_client, manager, consent):
    assert lead_post(bank_client, manager.code, consent_version=999).status_code == 400
    assert not Lead.objects.exists()


@pytest.mark.parametrize("mobile", ["12345", "1381234123x", "23812341234", "138 1234 12345", "+1 415 555 0100", ""])
def test_wrong_phone_formats_are_refused_with_a_message(bank_client, manager, consent, mobile):
    response = lead_post(bank_client, manager.code, mobile=mobile)
    assert response.status_code == 400
    assert response.context["form"].errors["mobile"]
    assert not Lead.objects.exists()


def test_very_long_input_is_refused_and_nothing_is_saved(bank_client, manager, consent):
    assert lead_post(bank_client, manager.code, name="张" * 31).status_code == 400
    assert lead_post(bank_client, manager.code, note="很" * 501).status_code == 400
    assert lead_post(bank_client, manager.code, mobile="1" * 5000).status_code == 400
    assert not Lead.objects.exists()


def test_script_tags_are_stored_as_text_and_escaped_on_display(bank_client, manager, consent):
    script = "<script>alert(1)</script>"
    assert lead_post(bank_client, manager.code, name=script, note=script).status_code == 302
    lead = Lead.objects.get()
    assert (lead.name, lead.note) == (script, script)
    bank_client.force_login(manager.user)
    detail = bank_client.get(f"/workspace/leads/{lead.pk}/").content.decode()
    assert script not in detail
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in detail
    revealed = bank_client.post(f"/workspace/leads/{lead.pk}/reveal/").content.decode()
    assert script not in revealed and "&lt;script&gt;" in revealed


def test_sql_looking_input_is_just_text(bank_client, manager, consent):
    sql = "'); DROP TABLE customers_lead; --"
    assert lead_post(bank_client, manager.code, name="x' OR '1'='1", note=sql).status_code == 302
    lead = Lead.objects.get()
    assert (lead.name, lead.note) == ("x' OR '1'='1", sql)


def test_a_filled_honeypot_stores_nothing_but_looks_like_success(bank_client, manager, consent):
    response = lead_post(bank_client, manager.code, website="http://spam.example")
    assert response.status_code == 302
    assert not Lead.objects.exists()


@override_settings(LEAD_SUBMITS_PER_VISITOR_HOUR=2, LEAD_SUBMITS_PER_NETWORK_HOUR=100)
def test_a_visitor_over_the_limit_gets_a_429_page(bank, manager, consent):
    client = visitor_client(visitor_new(owner=manager))
    for _ in range(2):
        assert lead_post(client, manager.code).status_code == 302
    response = lead_post(client, manager.code)
    assert response.status_code == 429
    assert "稍后" in response.content.decode()
    assert Lead.objects.get().submissions == 2


@override_settings(LEAD_SUBMITS_PER_VISITOR_HOUR=100, LEAD_SUBMITS_PER_NETWORK_HOUR=3)
def test_a_network_over_the_limit_gets_a_429_page_in_the_customers_language(bank, manager, consent):
    for n in range(3):
        client = visitor_client(visitor_new(owner=manager, n=n + 1))
        assert lead_post(client, manager.code, mobile=f"1381234000{n}").status_code == 302
    english = Client(HTTP_HOST="testbank.localhost", HTTP_ACCEPT_LANGUAGE="en")
    response = lead_post(english, manager.code)
    assert response.status_code == 429
    assert "try again" in response.content.decode()
    assert Lead.objects.count() == 3


def test_the_lead_form_block_links_to_the_lead_page(bank, manager):
    from customers.blocks import LeadFormBlock

    block = LeadFormBlock()
    html = block.render(
        block.to_python({"title": "<b>预约</b>", "button_text": ""}), context={"page_code": manager.code}
    )
    assert f'href="/p/lead/{manager.code}/"' in html
    assert "&lt;b&gt;预约&lt;/b&gt;" in html
    assert "<form" not in html  # the cached storefront page never holds the form itself


def test_the_builder_offers_the_lead_form_block():
    from storefront.forms import BLOCK_FORMS

    form = BLOCK_FORMS["lead_form"]({"title": "预约服务", "button_text": "留资"})
    assert form.is_valid()
    assert form.to_value() == {"title": "预约服务", "button_text": "留资"}
