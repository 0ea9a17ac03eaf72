"""A manager reads today's numbers on the phone and their trend chart; their branch head ranks the
branch, drills into the manager and downloads the leaderboard."""

import re

import pytest
from django.utils import timezone

from insights.models import Visitor
from insights.rollups import rollup_day
from insights.services import event_record
from org.models import Branch, Staff
from tests.factories import PASSWORD, BranchFactory, StaffFactory

pytestmark = pytest.mark.browser


def log_in(page, bank_url, staff):
    page.goto(f"{bank_url}/accounts/login/")
    page.fill("#id_username", staff.employee_no)
    page.fill("#id_password", PASSWORD)
    page.click("main button.primary")
    page.wait_for_url(re.compile(r"/workspace/$"))


def test_manager_reads_numbers_and_branch_head_ranks_and_exports(chromium, phone, bank_url, in_browser_bank):
    with in_browser_bank():
        branch = BranchFactory(name="统计支行", code="ST01")
        manager = StaffFactory(name="郑敏", employee_no="ST0101", branch=branch)
        colleague = StaffFactory(name="钱程", employee_no="ST0102", branch=branch)
        head = StaffFactory(name="孙行长", employee_no="ST0100", branch=branch, role=Staff.Role.BRANCH_HEAD)
        office = StaffFactory(
            name="总行管理员", employee_no="ST0001", branch=Branch.objects.get(code="HQ"), role=Staff.Role.HQ_ADMIN
        )
        for n, owner in enumerate((manager, manager, manager, colleague)):
            customer = Visitor.objects.create(token=f"stats-journey-{n}", share_code=f"stj{n}", owner=owner)
            event_record(kind="page_view", visitor=customer)
        event_record(kind="lead", visitor=Visitor.objects.get(token="stats-journey-0"))
        rollup_day(timezone.localdate())

    page = phone
    log_in(page, bank_url, manager)
    panel = page.locator("section.stats-home")
    assert "3" in panel.inner_text()  # today's page views, at the top of the home page
    panel.locator("a", has_text="→").click()
    page.wait_for_url(re.compile(r"/workspace/stats/$"))
    assert page.inner_text("#rank") == "1"
    assert page.evaluate("() => typeof window.Chart") == "function"  # served from static, no CDN
    page.wait_for_function("() => window.Chart.getChart(document.querySelector('canvas[data-chart]')) !== undefined")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    page.locator("label.stats-chip", has_text=re.compile("30")).click()
    page.click("#stats-filters button[type=submit]")
    page.wait_for_url(re.compile(r"period=30d"))
    assert page.locator("canvas[data-chart]").is_visible()
    # A range that ends before it starts: a clear message, the page still works.
    page.locator("input[name=period][value=custom]").check()
    page.fill("#id_start", "2026-03-05")
    page.fill("#id_end", "2026-03-01")
    page.click("#stats-filters button[type=submit]")
    assert page.locator("#stats-filters .error[role=alert]").is_visible()

    desk = chromium.new_context(locale="zh-CN", accept_downloads=True).new_page()
    log_in(desk, bank_url, head)
    desk.goto(f"{bank_url}/workspace/stats/team/?period=today&metric=page_views")
    desk.wait_for_url(re.compile(r"/workspace/stats/branch/\d+/"))
    first = desk.locator("#staff-board tbody tr").first
    assert "郑敏" in first.inner_text() and "3" in first.inner_text()
    first.locator("a").click()
    desk.wait_for_url(re.compile(r"/workspace/stats/staff/\d+/"))
    assert desk.locator("h1").inner_text() == "郑敏"
    desk.go_back()
    with desk.expect_download() as download:
        desk.click("#staff-board a[href*='export.csv']")
    content = download.value.path().read_text(encoding="utf-8-sig")
    assert "郑敏" in content and "钱程" in content
    desk.context.close()

    # Head office, on a phone too: the bank's branches, per head; down to the branch, then the person.
    page = chromium.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True).new_page()
    log_in(page, bank_url, office)
    page.goto(f"{bank_url}/workspace/stats/bank/?period=7d&metric=page_views&per_capita=on")
    assert page.locator("canvas[data-chart]").is_visible()
    page.locator("#branch-board a", has_text="统计支行").click()
    page.wait_for_url(re.compile(r"/workspace/stats/branch/\d+/"))
    page.locator("#staff-board a", has_text="郑敏").click()
    page.wait_for_url(re.compile(r"/workspace/stats/staff/\d+/"))
    assert page.locator("h1").inner_text() == "郑敏"
    page.context.close()
