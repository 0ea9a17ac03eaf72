"""A manager builds a questionnaire with a conditional question, publishes it, a customer answers it
on a phone-sized screen, and the manager sees the chart."""

import re

import pytest

from questionnaires.models import Response
from tests.factories import PASSWORD, StaffFactory

pytestmark = pytest.mark.browser


def test_manager_builds_publishes_and_reads_the_chart(chromium, phone, bank_url, in_browser_bank):
    with in_browser_bank():
        manager = StaffFactory(name="吴静", employee_no="QN0101")
    desk = chromium.new_context(locale="zh-CN").new_page()
    desk.goto(f"{bank_url}/accounts/login/")
    desk.fill("#id_username", manager.employee_no)
    desk.fill("#id_password", PASSWORD)
    desk.click("main button.primary")
    desk.wait_for_url(re.compile(r"/workspace/$"))
    desk.goto(f"{bank_url}/workspace/questionnaires/")
    desk.fill("#id_title", "理财偏好调查")
    desk.click("main form button[type=submit]")
    desk.wait_for_url(re.compile(r"/workspace/questionnaires/\d+/$"))
    desk.select_option("#question-form #id_kind", "single")
    desk.fill("#question-form #id_text", "您更看重什么?")
    desk.fill("#question-form #id_options_text", "收益\n安全")
    desk.click("#question-form button[type=submit]")
    desk.wait_for_url(re.compile(r"/workspace/questionnaires/\d+/$"))
    desk.select_option("#question-form #id_kind", "short_text")
    desk.fill("#question-form #id_text", "期望年化收益?")
    desk.select_option("#question-form #id_show_if_question", label="您更看重什么?")
    desk.fill("#question-form #id_show_if_value", "收益")
    desk.click("#question-form button[type=submit]")
    desk.wait_for_url(re.compile(r"/workspace/questionnaires/\d+/$"))
    desk.click("form[action$='/publish/'] button")
    link = desk.locator("#share-link").get_attribute("href")
    assert re.search(r"/q/[\w-]+$", link)

    page = phone
    page.goto(link)
    follow_up = page.locator("fieldset[data-if]")
    assert not follow_up.is_visible()  # shown only after choosing 收益
    page.check("input[value='收益']")
    assert follow_up.is_visible()
    page.click("button[type=submit]")
    assert page.locator(".error[role=alert]").first.is_visible()  # the follow-up is required now
    page.fill("fieldset[data-if] input[type=text]", "4%")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"\?done=1$"))

    desk.click("a[href$='/results/']")
    desk.wait_for_url(re.compile(r"/results/$"))
    assert "收益" in desk.inner_text(".bars")
    assert "100.0%" in desk.inner_text(".bars")
    assert "4%" in desk.inner_text("main")
    desk.context.close()
    with in_browser_bank():
        assert Response.objects.filter(staff__employee_no="QN0101").count() == 1
