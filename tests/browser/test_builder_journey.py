"""A manager builds their page on a phone: add a product shelf, order it, preview, publish, and a
customer sees it with every risk warning; the locked compliance footer stays put."""

import re

import pytest

from tests.factories import PASSWORD, WealthProductFactory, manager_with_page

pytestmark = pytest.mark.browser


def test_manager_builds_and_publishes_their_page(phone, bank_url, in_browser_bank):
    with in_browser_bank():
        steady = WealthProductFactory(name="稳盈180天", risk_level="R2")
        daily = WealthProductFactory(name="月月享", risk_level="R1")
        manager = manager_with_page(name="赵婷", employee_no="BJ0001")
    page = phone
    page.goto(f"{bank_url}/accounts/login/")
    page.fill("#id_username", manager.employee_no)
    page.fill("#id_password", PASSWORD)
    page.click("main button.primary")
    page.wait_for_url(re.compile(r"/workspace/$"))

    page.goto(f"{bank_url}/workspace/page/")
    assert page.locator(".block-row.locked").count() >= 1  # head office's compliance footer
    page.click("a[data-block-type=product_shelf]")
    form = page.locator("#editor form")
    form.wait_for()
    form.locator("input[name=title]").fill("我的精选")
    form.locator(f"input[name=products][value='{steady.pk}']").check()
    form.locator(f"input[name=products][value='{daily.pk}']").check()
    # Put 月月享 first: its row moves above 稳盈180天.
    daily_row = form.locator("li", has=page.locator(f"input[value='{daily.pk}']"))
    while form.locator("input[name=products]").first.get_attribute("value") != str(daily.pk):
        daily_row.locator("button[data-move=up]").click()
    form.locator("button.primary").click()
    page.locator(".block-row", has_text="我的精选").wait_for()

    # The preview shows the draft; the live page does not have it yet.
    preview = page.frame_locator("#preview")
    preview.locator("h2", has_text="我的精选").wait_for()
    page.click("#publish")
    page.locator(".tag.ok").wait_for()

    page.goto(f"{bank_url}/s/{manager.code}")
    shelf = page.locator("section.shelf", has=page.locator("h2", has_text="我的精选"))
    names = shelf.locator("h3").all_inner_texts()
    assert names == ["月月享", "稳盈180天"]
    assert shelf.locator(".warning").count() == 2
    assert "理财非存款、产品有风险、投资须谨慎" in shelf.locator(".warning").first.inner_text()
    assert page.locator("footer .disclosure").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling on a phone
