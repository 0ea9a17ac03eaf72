"""A customer on a phone books a branch visit (htmx day and time lists), gets a confirmation code,
and the manager confirms the visit from their workspace."""

import re

import pytest

from appointments.models import Booking, ServiceType
from tests.appointments.conftest import open_every_day
from tests.factories import PASSWORD, BranchFactory, manager_with_page

pytestmark = pytest.mark.browser


def test_customer_books_a_visit_and_the_manager_confirms_it(phone, chromium, bank_url, in_browser_bank):
    with in_browser_bank():
        branch = open_every_day(BranchFactory(name="浏览器支行"), capacity=2)
        service = ServiceType.objects.create(name="浏览器测试业务", slot_minutes=30, sort_order=99)
        manager = manager_with_page(name="吕方", employee_no="BA0101", branch=branch)

    page = phone
    page.goto(f"{bank_url}/p/book/{manager.code}/")
    assert page.locator("#id_choice_branch").input_value() == str(branch.pk)
    page.select_option("#id_choice_service", str(service.pk))  # htmx swaps in this service's days
    page.locator(f"#slots input[name=service][value='{service.pk}']").wait_for(state="attached")
    third_day = page.locator(".days a").nth(2)
    label = third_day.inner_text()
    third_day.click()  # htmx swaps in that day's times
    page.locator(".days a[aria-current=true]", has_text=label).wait_for()
    page.locator(".slots input").first.check()
    page.fill("#id_name", "顾客甲")
    page.fill("#id_mobile", "139 1234 5678")
    page.check("#id_consent")
    page.click("form[method=post] button[type=submit]")
    page.wait_for_url(re.compile(r"/p/booking/[\w-]+/$"))
    code = page.locator(".code").inner_text()
    with in_browser_bank():
        booking = Booking.objects.get(code=code)
        assert booking.staff_id == manager.pk and booking.service_id == service.pk
    assert "139****5678" in page.content()

    desk = chromium.new_context(viewport={"width": 1024, "height": 800}, locale="zh-CN").new_page()
    desk.goto(f"{bank_url}/accounts/login/")
    desk.fill("#id_username", manager.employee_no)
    desk.fill("#id_password", PASSWORD)
    desk.click("main button.primary")
    desk.wait_for_url(re.compile(r"/workspace/$"))
    desk.goto(f"{bank_url}/workspace/appointments/")
    row = desk.locator(f"#booking-{booking.pk}")
    assert code in row.inner_text()
    row.locator("button[value=confirm]").click()  # htmx swaps the row
    desk.locator(f"#booking-{booking.pk} .tag.ok").wait_for()
    with in_browser_bank():
        assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CONFIRMED
    desk.context.close()
