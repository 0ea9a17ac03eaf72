"""Head office onboards staff from a workbook; a new manager logs in and sees their own card."""

import re

import pytest
from openpyxl import Workbook

pytestmark = pytest.mark.browser


def _org_workbook(path):
    workbook = Workbook()
    branches = workbook.active
    branches.title = "机构"
    branches.append(["机构号", "机构名称", "上级机构号", "地址", "纬度", "经度", "电话", "营业时间"])
    branches.append(["J01", "滨江支行", "HQ", "南昌市滨江路 1 号", "28.68", "115.89", "0791-1234567", "9:00-17:00"])
    staff = workbook.create_sheet("员工")
    staff.append(["工号", "姓名", "角色", "所属机构号", "职务", "手机号", "微信号", "资格证号"])
    staff.append(["J0101", "林小满", "客户经理", "J01", "理财经理", "13912345678", "linxm", "F0001"])
    staff.append(["J0102", "黄大卫", "网点负责人", "J01", "支行行长", "13912345679", "", ""])
    workbook.save(path)


def _log_in(page, base, username, password):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button.primary")


def _choose_password(page, password):
    page.wait_for_url(re.compile(r"/accounts/password/change/"))
    page.fill("#id_new_password1", password)
    page.fill("#id_new_password2", password)
    page.click("main button.primary")


def test_head_office_imports_staff_and_a_new_manager_gets_going(phone, bank_url, browser_bank, tmp_path):
    page = phone
    # The first admin logs in with the one-time password bank_create printed, and must replace it.
    _log_in(page, bank_url, browser_bank.admin_username, browser_bank.admin_password)
    _choose_password(page, "Tide-lantern-2026")
    page.wait_for_url(re.compile(r"/workspace/$"))
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("a[href='/workspace/import/']").first.is_visible()

    # Import the organisation workbook; the job page reports the result.
    workbook = tmp_path / "org.xlsx"
    _org_workbook(workbook)
    page.goto(f"{bank_url}/workspace/import/")
    page.set_input_files("input[type=file]", str(workbook))
    page.click("form.card button[type=submit]")
    page.wait_for_url(re.compile(r"/workspace/import/\d+/$"))
    progress = page.locator("#progress")
    progress.wait_for()
    assert "2" in progress.inner_text()  # 2 staff created
    assert page.locator("table.errors").count() == 0

    # Find the new manager with the live search and issue a one-time password.
    page.goto(f"{bank_url}/workspace/staff/")
    page.fill("#id_q", "林小满")
    page.wait_for_function("document.querySelectorAll('#results li').length === 1")
    page.click("#results a")
    page.click("form.card:has(input[value=password]) button")
    one_time_password = page.locator(".otp").inner_text().strip()
    assert len(one_time_password) == 10

    # The manager logs in on their own phone, chooses a password, and opens their card.
    page.context.clear_cookies()
    _log_in(page, bank_url, "J0101", one_time_password)
    _choose_password(page, "Manager-pass-2026!")
    page.wait_for_url(re.compile(r"/workspace/$"))
    assert page.locator("a[href='/workspace/import/']").count() == 0
    link = page.locator("section.card a.mono").inner_text()
    assert re.search(r"/s/[2-9a-z]{8}$", link)
    assert link.startswith(bank_url)
    page.goto(link)
    assert page.locator(".contact h2").inner_text() == "林小满"
    assert "林小满" in page.locator("h1").inner_text()
    assert page.locator("a[href='tel:13912345678']").is_visible()
    assert "滨江支行" in page.content()
