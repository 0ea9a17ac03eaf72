"""A customer taps "I'm interested" on a product in a manager's storefront and leaves their details
with consent; the manager sees the lead, reveals the number and records the sale."""

import re

import pytest

from customers.models import Lead
from tests.factories import PASSWORD, ProductFactory, manager_with_page

pytestmark = pytest.mark.browser


def test_customer_leaves_a_lead_and_the_manager_converts_it(chromium, phone, bank_url, in_browser_bank):
    with in_browser_bank():
        product = ProductFactory(name="安心存三年期")
        manager = manager_with_page(name="周婷", employee_no="LD0101")
    page = phone
    page.goto(f"{bank_url}/s/{manager.code}")
    page.click(f"a[href='/p/lead/{manager.code}/?product={product.pk}']")
    page.wait_for_url(re.compile(rf"/p/lead/{manager.code}/"))
    assert page.locator("#id_product").input_value() == str(product.pk)
    page.fill("#id_name", "李雷")
    page.fill("#id_mobile", "139 0000 1234")
    page.click("button[type=submit]")
    assert page.locator(".error[role=alert]").first.is_visible()  # consent not given yet
    page.check("#id_consent")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/thanks/$"))
    assert "周婷" in page.inner_text("main")

    desk = chromium.new_context(locale="zh-CN").new_page()
    desk.goto(f"{bank_url}/accounts/login/")
    desk.fill("#id_username", manager.employee_no)
    desk.fill("#id_password", PASSWORD)
    desk.click("main button.primary")
    desk.wait_for_url(re.compile(r"/workspace/$"))
    desk.goto(f"{bank_url}/workspace/leads/")
    assert "139****1234" in desk.inner_text("#results")
    desk.click("#results ul.list a")
    desk.click("#identity button[type=submit]")  # htmx swaps in the full number
    desk.locator("a[href='tel:13900001234']").wait_for()
    desk.select_option("#id_status", "converted")
    desk.fill("#id_amount", "100000")
    desk.select_option("select#id_product", str(product.pk))
    desk.click("button.primary")
    desk.wait_for_url(re.compile(r"/workspace/leads/\d+/$"))
    assert "已成交" in desk.inner_text("main")
    desk.context.close()

    with in_browser_bank():
        lead = Lead.objects.get(staff__employee_no="LD0101")
        assert (lead.status, lead.converted_amount, lead.converted_product_id) == ("converted", 100000, product.pk)
